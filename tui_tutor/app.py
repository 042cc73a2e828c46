"""The tutor app: four modes (lessons, workbench, training, quiz) over one learner's session.

The app is a thin shell: the session (``tutor.session``) holds the learner, their
language, saved state and what they may do; the app holds what several screens show
at once (the language, the workbench) as reactives, so a change repaints every screen
that shows it. Screens render state and tell the app or the session what happened.
What it does on an unexpected error is in ``app_crash``, its command palette in ``app_palette``.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from textual.app import App
from textual.notifications import Notification, Notify
from textual.reactive import reactive

from .app_crash import CrashReports
from .app_palette import PaletteInWords, action_commands
from .tutor.capabilities import Capabilities
from .tutor.heap import keep_what_exists
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


class TutorApp(CrashReports, PaletteInWords, App):
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
    COMMANDS = App.COMMANDS | {action_commands}

    FIRST_HELP_SECONDS = 15  # how long a new learner is shown where the keys are

    lang: reactive[str] = reactive("en")
    """Language of the interface and the lessons: "en" or "zh"."""
    workbench: reactive[Workbench | None] = reactive(None, always_update=True, repaint=False)
    """The learner's network, input and step; the workbench and training screens read it.
    None until a screen needs it (``ensure_workbench``), so the lessons open without numpy."""

    def __init__(self, session: Session | None = None, *, start: str | None = None, lang: str | None = None,
                 store=None, capabilities: Capabilities | None = None, reader: bool = False) -> None:
        """``session``, or the parts to make one: ``store`` (None: progress kept in memory for this run),
        ``lang`` and ``capabilities`` (None: a session at home). ``reader``: start in the reader mode
        (the workbench's step as plain text, for a screen reader)."""
        if session is None:
            from .progress import MemoryStore

            session = Session(store if store is not None else MemoryStore(), lang, capabilities)
        self.session = session
        # The first screen is the app's default mode rather than a switch from Textual's blank
        # default screen: that switch applied all the CSS once more, a tenth of the start-up.
        self.DEFAULT_MODE = "workbench" if reader else (start or session.state.last_screen or "lessons")
        self._start_reader = reader
        super().__init__()
        if session.state.theme:
            self.theme = session.state.theme
        self.lang = session.lang
        self._save_timer = None
        self.first_help: Notification | None = None
        self.live = LiveChannel.from_environment()  # the lab's channel, if it gave one
        self.loaded = False
        """The first frame is up, so the saved workbench has been restored: saving now cannot
        overwrite the learner's saved state with the default one."""

    def on_mount(self) -> None:
        self.greet()

    def greet(self) -> None:
        """What the learner is told as the tutor opens; their live state to the board from now on."""
        self.title = self.session.tr("title")
        self.session.state.last_screen = self.current_mode
        self.live.start(self)  # in the lab: the learner's live state to the instructor's board
        if self.session.not_saving:  # the store runs in memory: say why in the learner's language
            self.notify(self.session.tr("not_saving", why=self.session.not_saving), severity="warning", timeout=10)
        elif self.session.warning:  # already a whole sentence (e.g. a damaged file kept aside)
            self.notify(self.session.warning, severity="warning", timeout=10)
        if not self.session.state.told_about_help:  # once per learner: where every key and every action is
            self.show_first_help()
            self.session.state.told_about_help = True

    def show_first_help(self) -> None:
        if self.first_help is None or self.first_help not in self._notifications:  # (a pooled tutor's may be)
            # Handed to Textual's notification handler at once rather than posted: the app reads its
            # messages only once it is ready, and what runs first then (a test's pilot) would miss it.
            self.first_help = Notification(self.tr("first_help"), timeout=self.FIRST_HELP_SECONDS, markup=False)
            self._on_notify(Notify(self.first_help))

    def on_ready(self) -> None:
        self.loaded = True
        keep_what_exists(full=True)
        if self._start_reader:
            from .screens.reader import ReaderScreen

            self.push_screen(ReaderScreen())
        if not self.session.capabilities.suspend:
            # Textual's driver stops the process on SIGTSTP; where nobody could resume it
            # (a session served over SSH), a stray SIGTSTP is ignored.
            signal.signal(signal.SIGTSTP, signal.SIG_IGN)

    def take_session(self, session: Session) -> None:
        """A tutor made ready for nobody (the lab's pool, see ``app_pool``) becomes ``session``'s, in the
        state a tutor started for it would be in: its language, theme and place."""
        self.session = session
        self.live = LiveChannel.from_environment()
        theme = session.state.theme or "textual-dark"
        if theme != self.theme:
            self.theme = theme
        self.set_reactive(TutorApp.workbench, None)  # opened from their progress when they first need it
        # What the tutor said to nobody goes, but where the keys are, if this learner is to be told it too.
        keep = self.first_help if not session.state.told_about_help and session.lang == self.lang else None
        for notification in [n for n in self._notifications if n is not keep]:
            self._unnotify(notification)
        show_learner = getattr(self.screen, "show_learner", None)
        if show_learner is not None:
            show_learner()
        self.lang = session.lang  # every screen and the footer in their language, if it is another
        mode = session.state.last_screen if session.state.last_screen in self.MODES else "lessons"
        if mode != self.current_mode:
            self.switch_mode(mode)

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
        if self._exit:  # keys typed after q, in the same burst: the app is closing, no screen is built
            return
        self.switch_mode(mode)
        self.session.state.last_screen = mode
        self.call_after_refresh(keep_what_exists)  # the screen, once made

    def watch_workbench(self, _state: Workbench) -> None:
        # Watchers run before the screens repaint: the change is committed before the learner sees it,
        # so a lab machine that dies the next moment loses nothing it showed.
        self.save_workbench()

    def save_workbench(self, *, finally_: bool = False) -> None:
        """Commit the workbench if it changed (under a millisecond on SQLite, a few on PostgreSQL:
        benchmarks/README.md). While the store keeps progress in memory (the database locked or out of
        reach): say so once, try the database again every second, and once more at the end (``finally_``)."""
        if self.workbench is not None:  # None: never opened, nothing changed
            self.session.state.workbench = self.workbench
        if why := self.session.news_of_not_saving():
            self.notify(self.session.tr("not_saving", why=why), severity="warning")
        waiting = self.session.try_saving_again(now=finally_)
        if waiting and self._save_timer is None and not finally_ and self.is_running:
            self._save_timer = self.set_interval(1.0, self.save_workbench)
        elif not waiting and self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    async def action_quit(self) -> None:
        self.save_workbench(finally_=True)
        self.exit()

    def end_by_signal(self) -> None:
        """SIGHUP (the connection dropped) or SIGTERM (the lab stops): save and leave."""
        if self.loaded:
            self.save_workbench(finally_=True)
        self.exit()

    def open_workbench(self, phase: str | None = None) -> None:
        """Open the workbench, at the first step of ``phase`` if given (lessons' "try it" links).
        A lesson's numbers are the book's network on image 1: when the learner's workbench holds
        something else, it is kept, and a message says so and names the key that switches."""
        bench = self.ensure_workbench()
        if phase:
            try:
                self.workbench = bench.at_phase(phase)
            except StopIteration:
                self.notify(self.tr("no_phase", phase=phase), severity="warning")
            if not bench.is_books_lesson():
                self.notify(self.tr("try_differs", image=1), timeout=10)
        self.action_open("workbench")
