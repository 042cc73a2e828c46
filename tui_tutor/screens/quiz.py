"""The quiz: one question at a time, graded by the engine, with hints, worked solutions,
a score for each lesson, retry of the missed questions and a review of mistakes. What a question
and its feedback say on the screen is built in ``quiz_text``."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..curriculum.grading import AnswerError
from ..curriculum.lessons import load_lessons
from ..curriculum.quiz import Numeric, Question
from ..widgets.footer import TutorFooter
from ..widgets.keys import bind
from ..widgets.quiz_parts import ExerciseScreen
from .quiz_text import feedback_content, question_content


class QuizScreen(Screen):
    BINDINGS = [
        bind("escape", "leave_answer"),
        bind("enter", "next", show=False),
        bind("a", "answer"),
        bind("n", "next"),
        bind("h", "hint"),
        bind("r", "retry"),
        bind("m", "mistakes"),
        bind("v", "review"),
        bind("x", "chained"),
        bind("right_square_bracket", "lesson(1)", key_display="]"),
        bind("left_square_bracket", "lesson(-1)", key_display="[", show=False),
        bind("pageup", "scroll_question(-1)", show=False),  # also while the answer box has the focus
        bind("pagedown", "scroll_question(1)", show=False),
    ]
    DEFAULT_CSS = """
    #answer-message, #score { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lesson = 1
        self.queue: list[Question] = []
        self.index = 0
        self.numeric: Numeric | None = None
        self.answered = False
        self.started = time.monotonic()
        self.hinted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="quiz-lessons")
            with Vertical(id="quiz-main"):
                with VerticalScroll(id="quiz-scroll"):
                    yield Static(id="question")
                    yield Static(id="hint", classes="hidden")
                    yield Static(id="feedback", classes="hidden")
                yield Label("", id="answer-message", markup=False)
                yield Input(id="answer", max_length=200)  # what the store keeps of an answer (MAX_ANSWER)
                yield Label("", id="score", markup=False)
                yield Label("", id="due", markup=False)
        yield TutorFooter()

    def on_mount(self) -> None:
        saved = self.app.session.state.quiz_position
        if saved is not None:  # resume where the learner stopped
            self.lesson, self.index = saved
            if self.lesson not in self.app.session.quiz_lessons():  # a lesson since removed
                self.lesson, self.index = 1, 0
        self.watch(self.app, "lang", lambda _: self._refresh_all())

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.app.session.questions(self.lesson)

    def _refresh_all(self) -> None:
        self._fill_lessons()
        self.start_lesson(self.lesson, keep_position=True)

    def _fill_lessons(self) -> None:
        scores = self.app.session.lesson_scores()
        options = self.query_one("#quiz-lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        mastered = self.app.session.mastered_lessons()
        for lesson in load_lessons(self.app.lang):
            s = scores.get(lesson.number)
            mark = "✓ " if lesson.number in mastered else "  "
            tail = f" {s.right}/{s.total}" if s else ""
            options.add_option(Option(f"{mark}{lesson.list_title}{tail}", id=str(lesson.number)))
        options.highlighted = highlighted if highlighted is not None else self.lesson - 1

    def start_lesson(self, lesson: int, only: list[str] | None = None, keep_position: bool = False) -> None:
        self.lesson = lesson
        queue = [q for q in self.questions if only is None or q.id in only]
        position = self.index if keep_position else 0
        self.queue = queue or list(self.questions)
        self.index = min(position, max(0, len(self.queue) - 1))
        self.show_question()

    def show_question(self) -> None:
        tr = self.app.tr
        self.answered = False
        for name in ("#hint", "#feedback"):
            self.query_one(name).add_class("hidden")
        if not self.queue:
            self.query_one("#question", Static).update(tr("no_questions"))
            return
        q = self.queue[self.index]
        self.numeric = self.app.session.numbers_for(q, self.app.ensure_workbench())
        self._show_question_text()
        self.query_one("#hint", Static).update(Content.assemble((tr("hint") + ": ", "bold"), q.hint))
        field = self.query_one("#answer", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self._say("")
        self._show_score()
        self.query_one("#quiz-scroll").scroll_home(animate=False)
        self.started, self.hinted = time.monotonic(), False
        self.app.session.state.quiz_position = (self.lesson, self.index)

    def _show_question_text(self) -> None:
        if not self.queue:
            return
        tr, q = self.app.tr, self.queue[self.index]
        position = tr("question_of", lesson=self.lesson, n=self.index + 1, total=len(self.queue), kind=tr(q.kind))
        question = self.query_one("#question", Static)
        width = question.size.width or self.size.width - 32  # before the first layout: beside the lessons list
        question.update(question_content(q, self.numeric, position, tr, width))

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_question_text)  # the givens' columns follow the width

    def _show_score(self) -> None:
        s = self.app.session.lesson_scores().get(self.lesson)
        text = self.app.tr("score", right=s.right if s else 0, total=len(self.questions))
        if s and s.mastered:
            text += " ✓"
        self.query_one("#score", Label).update(text)
        due = self.app.session.due_skills()
        self.query_one("#due", Label).update(self.app.tr("due_today", skills=", ".join(due)) if due
                                             else self.app.tr("nothing_due"))

    @on(OptionList.OptionSelected, "#quiz-lessons")
    def _lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        self.start_lesson(int(event.option.id))

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.answered:
            self.action_next()
            return
        q = self.queue[self.index]
        try:
            feedback = self.app.session.attempt(q, self.numeric, event.value, time.monotonic() - self.started,
                                                self.hinted)
        except AnswerError as err:  # not an attempt: say what was wrong and wait
            self._say(self.app.tr(f"bad_answer_{err.key}", **err.values))
            event.input.select_all()  # what is typed next replaces the refused entry
            return
        self.answered = True
        self.app.live.attempted(q.id, feedback.correct, event.value)
        self._say("")
        feedback_widget = self.query_one("#feedback", Static)
        feedback_widget.update(feedback_content(feedback, self.app.tr))
        feedback_widget.remove_class("hidden")
        self._show_score()
        self._fill_lessons()
        # Off the answer box, so that the keys that work everywhere (q, ?, l, w…) work again; Enter goes on
        self.query_one("#quiz-scroll").focus()
        self._bring_into_view(feedback_widget)

    def _say(self, message: str, done: bool = False) -> None:
        """A line under the question: a refused answer (red), or the end of the lesson."""
        # The line is red (app.tcss): the end of a lesson is said in the theme's colour of success
        self.query_one("#answer-message", Label).update(Content.styled(message, "$text-success") if done else message)

    def _bring_into_view(self, widget, top: bool = True) -> None:
        """Scroll the question so that what was just shown is seen (``top``: from its first line;
        PgUp goes back to the question)."""
        self.call_after_refresh(widget.scroll_visible, animate=False, top=top)

    def action_leave_answer(self) -> None:
        self.query_one("#quiz-lessons").focus()

    def action_answer(self) -> None:
        self.query_one("#answer", Input).focus()

    def action_next(self) -> None:
        if not self.queue:
            return
        if self.index + 1 < len(self.queue):
            self.index += 1
            self.show_question()
        else:
            self._say(self._end_of_lesson(), done=True)

    def _end_of_lesson(self) -> str:
        """What to do next: the next lesson's quiz, and a retry only if something was missed."""
        tr = self.app.tr
        words = [tr("lesson_done", lesson=self.lesson)]
        missed = self.app.session.missed_questions(self.lesson)
        score = self.app.session.lesson_scores().get(self.lesson)
        if missed:
            words.append(tr("retry_missed", n=len(missed)))
        elif score and score.mastered:  # every question answered, each rightly at its latest answer
            words.append(tr("all_right"))
        following = self._lesson_after(1)
        if following is not None:
            words.append(tr("next_quiz", next=following))
        return " ".join(words)

    def _lesson_after(self, direction: int) -> int | None:
        lessons = sorted(self.app.session.quiz_lessons())
        later = [n for n in lessons if (n - self.lesson) * direction > 0]
        return (min(later) if direction > 0 else max(later)) if later else None

    def action_lesson(self, direction: int) -> None:
        lesson = self._lesson_after(direction)
        if lesson is not None:
            self.start_lesson(lesson)
            self.query_one("#quiz-lessons", OptionList).highlighted = lesson - 1

    def action_scroll_question(self, direction: int) -> None:
        scroll = self.query_one("#quiz-scroll")
        if direction > 0:
            scroll.scroll_page_down()
        else:
            scroll.scroll_page_up()

    def action_hint(self) -> None:
        self.hinted = True  # a right answer after the hint rates the skill Hard
        hint = self.query_one("#hint")
        hint.remove_class("hidden")
        self._bring_into_view(hint, top=False)

    def action_review(self) -> None:
        self.app.push_screen(ExerciseScreen(skills=self.app.session.due_skills()), lambda _: self._refresh_all())

    def action_chained(self) -> None:
        import random

        self.app.push_screen(ExerciseScreen(chain_seed=random.randrange(10**9)), lambda _: self._refresh_all())

    def action_retry(self) -> None:
        missed = self.app.session.missed_questions(self.lesson)
        if not missed:
            self.notify(self.app.tr("nothing_missed"))
            return
        self.start_lesson(self.lesson, only=missed)

    def action_mistakes(self) -> None:
        from .mistakes import MistakesScreen

        self.app.push_screen(MistakesScreen(self.app.session.mistakes(self.app.ensure_workbench())))
