"""The tutor app: three modes (lessons, workbench, training) over one shared state.

The app holds the state that several screens read (the language, the
workbench); screens render it and change it only by setting it anew.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from .i18n import detect_language, tr
from .screens.help import HelpScreen
from .screens.lessons import LessonsScreen
from .screens.training import TrainingScreen
from .screens.workbench import WorkbenchScreen
from .workbench_state import Workbench


class TutorApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "tui-tutor"
    MODES = {"lessons": LessonsScreen, "workbench": WorkbenchScreen, "training": TrainingScreen}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("l", "switch_mode('lessons')", "Lessons"),
        Binding("w", "switch_mode('workbench')", "Workbench"),
        Binding("t", "switch_mode('training')", "Training"),
        Binding("L", "toggle_language", "中文/English"),
        Binding("D", "toggle_dark", "Dark/light"),
    ]
    ENABLE_COMMAND_PALETTE = True

    lang: reactive[str] = reactive("en")
    """Language of the interface and the lessons: "en" or "zh"."""
    workbench: reactive[Workbench] = reactive(Workbench.from_preset, always_update=True)
    """The learner's network, input and step; the workbench and training screens read it."""

    def __init__(self, lang: str | None = None, start: str = "lessons") -> None:
        super().__init__()
        self.lang = lang or detect_language()
        self._start = start

    def on_mount(self) -> None:
        self.title = tr(self.lang, "title")
        self.switch_mode(self._start)

    def tr(self, key: str, **values) -> str:
        return tr(self.lang, key, **values)

    def watch_lang(self, lang: str) -> None:
        self.title = tr(lang, "title")

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def open_workbench(self, phase: str | None = None) -> None:
        """Open the workbench, at the first step of ``phase`` if given (lessons' "try it" links)."""
        if phase:
            try:
                self.workbench = self.workbench.at_phase(phase)
            except StopIteration:
                self.notify(f"no such phase: {phase}", severity="warning")
        self.switch_mode("workbench")
