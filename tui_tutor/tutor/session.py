"""One learner's session with the tutor: the layer between the screens and the engine,
curriculum and progress store. It imports no Textual, so all of it can be tested without a UI.

A ``Session`` is made from a progress store, a language and the session's capabilities.
Screens ask it for what they show and tell it what the learner did; they never reach the
store themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import detect_language, tr
from .capabilities import Capabilities
from .networks import FileLibrary, SlotLibrary
from .saved_state import SavedState
from .training_runs import Trainer

if TYPE_CHECKING:
    from ..curriculum.quiz import Numeric, Question
    from ..progress.store import ProgressStore, Score
    from .workbench import Workbench

MAX_ANSWER = 200  # characters of an answer kept in the store: no answer is longer


@dataclass(frozen=True)
class Feedback:
    """What the learner is told after an attempt."""

    correct: bool
    expected: str  # the right answer, as shown
    worked: str  # numeric questions: the formula, with its numbers, and the value
    explanation: str  # the question's own explanation of the idea
    mistake: str | None = None  # numeric: the common mistake the answer matched, in the lesson's words
    mistake_line: str = ""  # ... that mistake's line with its numbers, what the learner did in effect
    right_line: str = ""  # ... and the right line beside it
    carried: bool = False  # a chained exercise's part, right from the learner's own earlier answer


@dataclass(frozen=True)
class Mistake:
    lesson: int
    prompt: str
    given: str  # the learner's latest answer, as typed
    right: str
    given_text: str = ""  # what that answer picked: "b) the chosen option", the items in the order given


class Session:
    def __init__(self, store: ProgressStore, lang: str | None = None, capabilities: Capabilities | None = None,
                 warning: str | None = None) -> None:
        self._store = store
        self.capabilities = capabilities or Capabilities.home()
        self.state = SavedState(store)
        self.lang = lang or self.state.language or detect_language()
        self.warning = warning or store.warning
        self._told_not_saving = bool(store.reason)  # the app says so at start
        """One sentence for the learner when something went wrong opening their progress."""
        self.trainer = Trainer()
        self._reviews = None
        self.last_mark = None  # how the last part of a chained exercise was marked
        self.networks = FileLibrary() if self.capabilities.files else SlotLibrary(store)

    @property
    def user(self) -> str:
        return self._store.user

    @property
    def not_saving(self) -> str | None:
        """Why progress is not being saved, or None while it is."""
        return self._store.reason

    def news_of_not_saving(self) -> str | None:
        """Why progress stopped being saved, the first time this is asked after it stopped (else None):
        the learner is told once, not on every key."""
        reason = self._store.reason
        news = reason if reason and not self._told_not_saving else None
        self._told_not_saving = bool(reason)
        return news

    def try_saving_again(self, now: bool = False) -> bool:
        """Progress kept in memory while the database refused it is written there, if the store's wait
        before its next try is over (or ``now``); True while some is still waiting to be written."""
        return self._store.try_again(now=now)

    def tr(self, key: str, **values) -> str:
        return tr(self.lang, key, **values)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.state.language = lang

    # Lessons

    def mark_lesson_read(self, number: int) -> None:
        self._store.mark_lesson_read(number)

    def lesson_scores(self) -> dict[int, Score]:
        from ..curriculum.quiz import question_ids

        return self._store.lesson_scores(question_ids(self.lang))

    def mastered_lessons(self) -> set[int]:
        """The lessons marked ✓: every skill a lesson's numeric questions exercise is mastered (its latest
        answer right, its predicted recall at least 90 %); a lesson with no numeric question, every question's
        latest answer right (the help says so: ``help.mastery``)."""
        if not any(score.right for score in self._store.lesson_scores().values()) and not self._store.cards():
            return set()  # nothing answered right yet: no need to read the quiz bank
        from .practice import lesson_skills

        skills, scores = lesson_skills(self.lang), self.lesson_scores()
        mastered = {s for s in {s for ss in skills.values() for s in ss} if self.reviews.mastered(s)}
        return {n for n, score in scores.items()
                if (skills.get(n) and skills[n] <= mastered) or (not skills.get(n) and score.mastered)}

    # Quiz

    def questions(self, lesson: int) -> tuple[Question, ...]:
        from ..curriculum.quiz import load_bank

        return load_bank(self.lang).get(lesson, ())

    def quiz_lessons(self) -> set[int]:
        from ..curriculum.quiz import load_bank

        return set(load_bank(self.lang))

    def numbers_for(self, q: Question, workbench: Workbench | None) -> Numeric | None:
        """A numeric question made concrete (its givens and the step that answers it); None for others."""
        from ..curriculum.generated import bank_numeric

        return bank_numeric(q, workbench) if q.kind == "numeric" else None

    def attempt(self, q: Question, numeric: Numeric | None, text: str, seconds: float | None = None,
                hinted: bool = False) -> Feedback:
        """Grade an answer and keep it. ``AnswerError`` when the text is not an answer (not kept, not counted).
        A numeric question's answer is also an attempt at its skill, and rates that skill's review card."""
        from ..curriculum.grading import grade
        from ..curriculum.skills import STEP_SKILLS, mistake_words

        result = grade(q, numeric, text)
        kept = text.strip()[:MAX_ANSWER]
        self._store.record_answer(q.lesson, q.id, kept, result.correct, seconds)
        skill = STEP_SKILLS.get(q.step) if q.kind == "numeric" else None
        if skill is not None:
            self._store.record_skill_attempt(skill, kept, result.correct, lesson=q.lesson, question_id=q.id,
                                             mistake=result.mistake, seconds=seconds)
            self._rate(skill, result.correct, hinted, seconds)
        name = mistake_words(self.lang, skill, result.mistake) if result.mistake and skill else None
        return Feedback(result.correct, result.expected, result.worked, q.explanation, name, result.mistake_line,
                        result.right_line)

    # Skills: generated questions, chained exercises, spaced review (tutor/review.py)

    @property
    def reviews(self):
        from .review import Reviews

        if self._reviews is None:
            self._reviews = Reviews(self._store)
        return self._reviews

    def _rate(self, skill: str, correct: bool, hinted: bool, seconds: float | None) -> None:
        from .review import rating_for

        self.reviews.rate(skill, rating_for(correct, hinted, seconds))

    def due_skills(self) -> list[str]:
        return self.reviews.due()

    def attempt_generated(self, question, text: str, seconds: float | None = None, hinted: bool = False,
                          previous=None, chain=None, part: int = 0) -> Feedback:
        """Grade an answer to a generated question (or part ``part`` of a chained exercise, marked with carry-forward
        from ``previous``), keep it with its seed and the mistake matched, and rate the skill."""
        from ..curriculum.chained import mark_part
        from ..curriculum.generated import mark
        from ..curriculum.skills import mistake_words
        from ..engine.symbols import number

        chain_mark = mark_part(chain, part, text, previous) if chain is not None else None
        marked = chain_mark.marked if chain_mark else mark(question, text)  # AnswerError: not an attempt
        found = marked.mistake
        self._store.record_skill_attempt(question.skill, text.strip()[:MAX_ANSWER], marked.correct,
                                         seed=question.seed, mistake=found.id if found else None, seconds=seconds)
        self._rate(question.skill, marked.correct, hinted, seconds)
        self.last_mark = chain_mark  # what the next part of a chained exercise is marked against
        return Feedback(marked.correct, number(marked.expected, question.figures), "\n".join(question.worked), "",
                        mistake_words(self.lang, question.skill, found.id) if found else None,
                        found.line if found else "", question.worked[-1] if found else "",
                        carried=bool(chain_mark and chain_mark.carried))

    def missed_questions(self, lesson: int) -> list[str]:
        return self._store.missed_questions(lesson)

    def mistakes(self, workbench: Workbench | None) -> list[Mistake]:
        """Each question whose latest answer was wrong, with that answer and the right one."""
        from ..curriculum.quiz import load_bank, right_answer

        bank = {(q.lesson, q.id): q for qs in load_bank(self.lang).values() for q in qs}
        latest = {(a.lesson, a.question_id): a for a in self._store.answers()}  # oldest first: the last one stays
        out = []
        for (lesson, qid), a in latest.items():
            q = bank.get((lesson, qid))
            if q is not None and not a.correct:
                out.append(Mistake(lesson, q.prompt, a.answer, right_answer(q, workbench), _picked(q, a.answer)))
        return out


def _picked(q: Question, answer: str) -> str:
    """The option or the order an answer chose, in words; the answer itself for a number (or if unreadable)."""
    text = answer.strip().lower()
    letters = "abcdefgh"[: len(q.choices)]
    if q.kind in ("choice", "formula") and len(text) == 1 and text in letters:
        return f"{text}) {q.choices[letters.index(text)]}"
    if q.kind in ("choice", "formula") and text.isdigit() and 1 <= int(text) <= len(q.choices):
        return f"{letters[int(text) - 1]}) {q.choices[int(text) - 1]}"
    if q.kind == "order":
        shown = q.shuffled_items()
        digits = [c for c in text if c.isdigit()]
        if digits and all(1 <= int(d) <= len(shown) for d in digits):
            return f"{answer.strip()}: " + " → ".join(shown[int(d) - 1] for d in digits)
    return answer
