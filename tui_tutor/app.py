"""The tutor app: three modes (lessons, workbench, training) over one shared state.

The app holds the state that several screens read (the language, the
workbench); screens render it and change it only by setting it anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from .i18n import detect_language, tr
from .memory_store import MemoryStore

if TYPE_CHECKING:
    from .progress.store import Score
    from .workbench_state import Workbench


def _screen(mode: str):
    """Imports a mode's screen when it is first opened: numpy, the quiz bank and the
    workbench's widgets then cost nothing before the first frame."""

    def make():
        from importlib import import_module

        module, name = {"lessons": ("lessons", "LessonsScreen"), "workbench": ("workbench", "WorkbenchScreen"),
                        "training": ("training", "TrainingScreen"), "quiz": ("quiz", "QuizScreen")}[mode]
        return getattr(import_module(f".screens.{module}", __package__), name)()

    return make


class TutorApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "tui-tutor"
    MODES = {mode: _screen(mode) for mode in ("lessons", "workbench", "training", "quiz")}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("l", "open('lessons')", "Lessons"),
        Binding("w", "open('workbench')", "Workbench"),
        Binding("t", "open('training')", "Training"),
        Binding("z", "open('quiz')", "Quiz"),
        Binding("L", "toggle_language", "中文/English"),
        Binding("D", "toggle_dark", "Dark/light"),
    ]
    ENABLE_COMMAND_PALETTE = True

    lang: reactive[str] = reactive("en")
    """Language of the interface and the lessons: "en" or "zh"."""
    workbench: reactive[Workbench | None] = reactive(None, always_update=True, repaint=False)
    """The learner's network, input and step; the workbench and training screens read it.
    None until a screen needs it (``ensure_workbench``), so the lessons open without numpy."""

    def __init__(self, lang: str | None = None, start: str | None = None, store=None,
                 store_warning: str | None = None) -> None:
        """``store``: where progress is saved (see progress.py); None keeps it for this run only."""
        self.store = store if store is not None else MemoryStore()
        last = self.store.get_state("last_screen")
        # The first screen is the app's default mode rather than a switch from Textual's blank
        # default screen: that switch applied all the CSS once more, a tenth of the start-up.
        self.DEFAULT_MODE = start or (last if last in self.MODES else "lessons")
        super().__init__()
        self.lang = lang or detect_language()
        self._store_warning = store_warning
        self._save_timer = None

    def on_mount(self) -> None:
        self.title = tr(self.lang, "title")
        self.store.set_state("last_screen", self.current_mode)
        reason = getattr(self.store, "reason", None)
        if reason:  # the store runs in memory: say why in the learner's language
            self.notify(self.tr("not_saving", why=reason), severity="warning", timeout=10)
        elif self._store_warning:  # already a whole sentence (e.g. a damaged file kept aside)
            self.notify(self._store_warning, severity="warning", timeout=10)

    def ensure_workbench(self) -> Workbench:
        """The workbench, restored from the learner's progress (or the book's) on first use."""
        if self.workbench is None:
            from .workbench_state import Workbench, workbench_from_json

            saved = self.store.get_state("workbench")
            restored = workbench_from_json(saved) if saved else None
            self.set_reactive(TutorApp.workbench, restored or Workbench.from_preset())
        return self.workbench

    # Progress: screens ask the app, the app asks the store

    def lesson_scores(self) -> dict[int, Score]:
        from .curriculum.quiz import question_ids

        return self.store.lesson_scores(question_ids(self.lang))

    def mastered_lessons(self) -> set[int]:
        """The lessons whose every question was last answered right (✓ on the lists)."""
        if not any(score.right for score in self.store.lesson_scores().values()):
            return set()  # nothing answered right yet: no need to read the quiz bank
        return {n for n, score in self.lesson_scores().items() if score.mastered}

    def record_answer(self, lesson: int, question_id: str, answer: str, correct: bool, seconds: float) -> None:
        self.store.record_answer(lesson, question_id, answer, correct, seconds)

    def missed_questions(self, lesson: int) -> list[str]:
        return self.store.missed_questions(lesson)

    def mistakes(self) -> list[tuple[int, str, str, str]]:
        """(lesson, prompt, the learner's answer, the right answer) for each question missed last time."""
        from .curriculum.quiz import load_bank

        bank = {(q.lesson, q.id): q for qs in load_bank(self.lang).values() for q in qs}
        latest = {(a.lesson, a.question_id): a for a in self.store.answers()}  # oldest first: the last one stays
        out = []
        for (lesson, qid), a in latest.items():
            q = bank.get((lesson, qid))
            if q is not None and not a.correct:
                out.append((lesson, q.prompt, a.answer, _right_answer(q, self.ensure_workbench())))
        return out

    def mark_lesson_read(self, number: int) -> None:
        self.store.mark_lesson_read(number)

    def tr(self, key: str, **values) -> str:
        return tr(self.lang, key, **values)

    def watch_lang(self, lang: str) -> None:
        self.title = tr(lang, "title")

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def action_open(self, mode: str) -> None:
        """Switch to a mode, and remember it so the next start resumes there."""
        self.switch_mode(mode)
        self.store.set_state("last_screen", mode)

    def watch_workbench(self, _state: Workbench) -> None:
        # Saving on every key would be wasteful: save once things settle.
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(1.0, self.save_workbench)

    def save_workbench(self) -> None:
        from .workbench_state import workbench_to_json

        self._save_timer = None
        if self.workbench is None:  # never opened: nothing changed
            return
        self.store.set_state("workbench", workbench_to_json(self.workbench))

    async def action_quit(self) -> None:
        self.save_workbench()
        self.exit()

    def open_workbench(self, phase: str | None = None) -> None:
        """Open the workbench, at the first step of ``phase`` if given (lessons' "try it" links)."""
        if phase:
            try:
                self.workbench = self.ensure_workbench().at_phase(phase)
            except StopIteration:
                self.notify(self.tr("no_phase", phase=phase), severity="warning")
        self.action_open("workbench")


def _right_answer(q, workbench) -> str:
    from .curriculum.quiz import grade_numeric, make_numeric

    if q.kind == "numeric":
        n = make_numeric(q, workbench)
        return grade_numeric(n, repr(n.expected)).expected
    if q.kind == "order":
        return " → ".join(q.items)
    return q.choices[q.answer - 1]
