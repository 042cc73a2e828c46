"""The tutor app: four modes (lessons, workbench, training, quiz) over one learner's session.

The app is a thin shell: the session (``tutor.session``) holds the learner, their
language, saved state and what they may do; the app holds what several screens show
at once (the language, the workbench) as reactives, so a change repaints every screen
that shows it. Screens render state and tell the app or the session what happened.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from textual.app import App
from textual.reactive import reactive

from .tutor.capabilities import Capabilities
from .tutor.live import LiveChannel
from .tutor.session import Session
from .widgets.keys import bind

if TYPE_CHECKING:
    from .tutor.workbench import Workbench


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
        bind("q", "quit"),
        bind("question_mark", "help", key_display="?"),
        bind("l", "open('lessons')"),
        bind("w", "open('workbench')"),
        bind("t", "open('training')"),
        bind("z", "open('quiz')"),
        bind("L", "toggle_language"),
        bind("D", "toggle_dark"),
    ]
    ENABLE_COMMAND_PALETTE = True

    lang: reactive[str] = reactive("en")
    """Language of the interface and the lessons: "en" or "zh"."""
    workbench: reactive[Workbench | None] = reactive(None, always_update=True, repaint=False)
    """The learner's network, input and step; the workbench and training screens read it.
    None until a screen needs it (``ensure_workbench``), so the lessons open without numpy."""

    def __init__(self, session: Session | None = None, *, start: str | None = None, lang: str | None = None,
                 store=None, capabilities: Capabilities | None = None) -> None:
        """``session``, or the parts to make one: ``store`` (None: progress kept in memory for this run),
        ``lang`` and ``capabilities`` (None: a session at home)."""
        if session is None:
            from .progress import MemoryStore

            session = Session(store if store is not None else MemoryStore(), lang, capabilities)
        self.session = session
        # The first screen is the app's default mode rather than a switch from Textual's blank
        # default screen: that switch applied all the CSS once more, a tenth of the start-up.
        self.DEFAULT_MODE = start or session.state.last_screen or "lessons"
        super().__init__()
        if session.state.theme:
            self.theme = session.state.theme
        self.lang = session.lang
        self._save_timer = None
        self.live = LiveChannel.from_environment()  # the lab's channel, if it gave one
        self.loaded = False
        """The first frame is up, so the saved workbench has been restored: saving now cannot
        overwrite the learner's saved state with the default one."""

    def on_mount(self) -> None:
        self.title = self.session.tr("title")
        self.session.state.last_screen = self.current_mode
        self.live.start(self)  # in the lab: the learner's live state to the instructor's board
        if self.session.not_saving:  # the store runs in memory: say why in the learner's language
            self.notify(self.session.tr("not_saving", why=self.session.not_saving), severity="warning", timeout=10)
        elif self.session.warning:  # already a whole sentence (e.g. a damaged file kept aside)
            self.notify(self.session.warning, severity="warning", timeout=10)

    def on_ready(self) -> None:
        self.loaded = True
        if not self.session.capabilities.suspend:
            # Textual's driver stops the process on SIGTSTP; where nobody could resume it
            # (a session served over SSH), a stray SIGTSTP is ignored.
            signal.signal(signal.SIGTSTP, signal.SIG_IGN)

    # What this session may do: decided by its capabilities, in one place

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.session.capabilities.allows(action)

    def action_suspend_process(self) -> None:
        if self.session.capabilities.suspend:
            super().action_suspend_process()

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        if self.session.capabilities.open_links:
            super().open_url(url, new_tab=new_tab)
        else:
            self.notify(self.session.tr("link_not_here", href=url), severity="information")

    def deliver_screenshot(self, *args, **kwargs):
        if self.session.capabilities.screenshot:
            return super().deliver_screenshot(*args, **kwargs)
        return None

    def get_system_commands(self, screen):
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot" or self.session.capabilities.screenshot:
                yield command

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        # Messages often quote what the learner typed ("[/x] is not a number"): they are always
        # plain text, never markup, whoever sends them (widgets pass markup=True by default).
        kwargs = {} if timeout is None else {"timeout": timeout}
        super().notify(message, title=title, severity=severity, markup=False, **kwargs)

    # State shared by the screens

    def ensure_workbench(self) -> Workbench:
        """The workbench, restored from the learner's progress (or the book's) on first use."""
        if self.workbench is None:
            from .tutor.workbench import Workbench

            self.set_reactive(TutorApp.workbench, self.session.state.workbench or Workbench.from_preset())
        return self.workbench

    def tr(self, key: str, **values) -> str:
        return self.session.tr(key, **values)

    def watch_lang(self, lang: str) -> None:
        if lang != self.session.lang:
            self.session.set_language(lang)
        self.title = self.session.tr("title")

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
        self.session.state.theme = self.theme

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def action_open(self, mode: str) -> None:
        """Switch to a mode, and remember it so the next start resumes there."""
        self.switch_mode(mode)
        self.session.state.last_screen = mode

    def watch_workbench(self, _state: Workbench) -> None:
        # Saving on every key would be wasteful: save once things settle.
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(1.0, self.save_workbench)

    def save_workbench(self) -> None:
        self._save_timer = None
        if self.workbench is None:  # never opened: nothing changed
            return
        self.session.state.workbench = self.workbench

    async def action_quit(self) -> None:
        self.save_workbench()
        self.exit()

    def end_by_signal(self) -> None:
        """SIGHUP (the connection dropped) or SIGTERM (the lab stops): save and leave."""
        if self.loaded:
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
