"""A tutor made ready before its learner arrives, for the lab's pool (see ``lab.pool_child``).

A lab tutor's first frame costs ~0.2 s of CPU: the app's screens composed, styled, laid out
and painted. A pooled tutor spends it while the machine is idle: it runs the app at once,
with nobody's progress (kept in memory) and no terminal, on the screen a new learner sees
first. When a learner logs in, it is handed their pty and command line, takes their
progress, language, theme and place (``adopt``), and only then starts the real terminal
driver, which reports the real size: what it paints is that learner's tutor, as a tutor
started for them would paint it.

Until then the driver (``PoolDriver``) writes nothing and reads nothing: a headless driver
that can become a ``LinuxDriver`` on the pty, to which every call then goes.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

from textual import events
from textual.driver import Driver
from textual.geometry import Size

from .app import TutorApp
from .app_entry import make_session, run_until_signal
from .progress import MemoryStore
from .tutor.capabilities import Capabilities
from .tutor.session import Session

# Called with the claim, once: makes this process the learner's (their pty, environment, limits)
# and returns their command line's arguments, or None when this tutor cannot take them (it then
# leaves, and the caller starts the tutor the ordinary way).
Claim = Callable[[], object]
Take = Callable[[Claim, Callable[[bool], None]], None]  # a claim, and what to call once the learner's frame is up


class PoolDriver(Driver):
    """Headless until ``attach``; then a LinuxDriver on fds 0-2, which does everything."""

    def __init__(self, app, *, debug: bool = False, mouse: bool = True, size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size or (80, 24))
        self.real: Driver | None = None
        self.frame = None  # the whole screen as last composed for nobody (see keep_frame)

    @property
    def is_headless(self) -> bool:
        return self.real is None  # Textual then renders nothing to text: nobody would see it

    @property
    def can_suspend(self) -> bool:
        return False

    def attach(self) -> None:
        from textual.drivers.linux_driver import LinuxDriver

        self.real = LinuxDriver(self._app, debug=self._debug, mouse=self._mouse)
        self.real.start_application_mode()  # it posts a Resize with the pty's size

    def resize(self, cols: int, rows: int) -> None:
        """A new size to get ready at (nobody sees it yet)."""
        if self.real is None and (cols, rows) != self._size:
            self._size = (cols, rows)
            self._app.post_message(events.Resize(Size(cols, rows), Size(cols, rows)))

    def start_application_mode(self) -> None:
        cols, rows = self._size
        self._app.post_message(events.Resize(Size(cols, rows), Size(cols, rows)))

    def write(self, data: str) -> None:
        if self.real is not None:
            self.real.write(data)

    def flush(self) -> None:
        if self.real is not None:
            self.real.flush()

    def disable_input(self) -> None:
        if self.real is not None:
            self.real.disable_input()

    def stop_application_mode(self) -> None:
        if self.real is not None:
            self.real.stop_application_mode()

    def close(self) -> None:
        if self.real is not None:
            self.real.close()


def pooled_app(lang: str, first_help: bool) -> TutorApp:
    """The tutor a learner sees first, for nobody yet. ``first_help``: as a new learner sees it, with the
    word on where the keys are, shown until someone is there to read it (then for its usual time, see
    ``adopt``); else as one who has been told."""
    session = Session(MemoryStore(), lang, Capabilities.lab())
    session.state.told_about_help = not first_help
    app = TutorApp(session)
    app.FIRST_HELP_SECONDS = 365 * 24 * 3600
    app.driver_class = PoolDriver
    return app


def prepare(app: TutorApp, cols: int, rows: int, first_help: bool) -> None:
    """Get ready instead for learners like the last ones: their terminal's size, new or not."""
    app._driver.resize(cols, rows)
    shown = app.first_help is not None and app.first_help in app._notifications
    if first_help and not shown:
        app.show_first_help()
    elif shown and not first_help:
        app._unnotify(app.first_help)
    app.set_timer(0.5, lambda: app._driver.real is None and keep_frame(app))  # once laid out and painted


def restart_first_help(app: TutorApp) -> None:
    """The word on the help keys, shown since the tutor got ready, now counts its time from now."""
    from time import time

    from textual.widgets._toast import Toast

    notification = app.first_help
    notification.raised_at, notification.timeout = time(), TutorApp.FIRST_HELP_SECONDS
    for toast in app.screen.query(Toast):
        if toast._notification is notification:
            toast.set_timer(TutorApp.FIRST_HELP_SECONDS, toast._expire)


def keep_frame(app: TutorApp) -> None:
    """Composes the whole screen once more and keeps it, so that a claim at this size writes it as it is
    instead of composing it again (the most a first frame costs). Any repaint for nobody after this
    (which Textual then draws to nothing) makes it stale: those are counted."""
    vars(app).pop("_display", None)  # the app's own again, if a counting one was left here before
    painted = app._display
    app._driver.frame = (app.screen, app.size, app.screen._compositor.render_full_update())

    def counting(screen, renderable) -> None:
        app._driver.frame = None
        del app._display  # the app's own again
        painted(screen, renderable)

    app._display = counting


def renew_console(app: TutorApp) -> None:
    """What Textual decides from the environment when it makes an app (the colours the terminal
    takes, NO_COLOR), decided again from the learner's environment, which is now this process's."""
    from rich.console import Console
    from textual import constants
    from textual.filter import Monochrome, NoColor

    environ = dict(os.environ)
    app.no_color = environ.pop("NO_COLOR", None) is not None
    app._filters = [f for f in app._filters if not isinstance(f, (NoColor, Monochrome))]
    if app.no_color:
        app._filters.append(NoColor() if app.native_ansi_color else Monochrome())
    old = app.console
    app.console = Console(color_system=constants.COLOR_SYSTEM, file=old.file, markup=True, highlight=False,
                          emoji=False, legacy_windows=False, _environ=environ, force_terminal=True,
                          safe_box=False, soft_wrap=False)
    app.console.size = old.size


def adopt(app: TutorApp, args, painted: Callable[[bool], None]) -> None:
    """Makes the pooled ``app`` the tutor of the learner ``args`` names, then shows it on their terminal;
    ``painted(told)`` once it has (``told``: the learner had been told where the keys are)."""
    renew_console(app)
    app.take_session(make_session(args))
    told = app.session.state.told_about_help
    if app.first_help is not None and app.first_help in app._notifications:  # kept: they have not been told
        restart_first_help(app)
    driver, frame = app._driver, app._driver.frame
    driver.frame = None  # written once, below: not kept for the tutor's life
    vars(app).pop("_display", None)  # no more counting
    driver.attach()
    if not app.session.capabilities.suspend:
        signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # the LinuxDriver set its own handler again
    if frame is not None and frame[:2] == (app.screen, app.size):  # what changed since is repainted over it
        driver.write(frame[2].render_segments(app.console))
        driver.flush()
    else:
        app.screen.refresh()  # the whole screen: the terminal has nothing on it yet
    app.greet()
    app.call_after_refresh(painted, told)


async def serve(app: TutorApp, size: tuple[int, int], warm: Callable[[], None],
                claims: Callable[[TutorApp, Take], None]) -> bool:
    """Runs ``app`` until it ends; ``warm()`` once its first screen is painted; ``claims(take)`` is
    called with the app and what to do when a learner's claim arrives. Returns False if a claim could not be
    adopted (the app then ended without a frame written)."""
    adopted = True

    def take(claim: Claim, painted: Callable[[bool], None]) -> None:
        nonlocal adopted
        args = claim()
        if args is None:
            adopted = False
            app.exit()
            return
        try:
            adopt(app, args, painted)
        except Exception as error:  # noqa: BLE001 -- as any error in the app: one line in the lab, a report kept
            app._handle_exception(error)

    async def ready(pilot) -> None:
        await pilot.pause()  # the first screen painted (for nobody)
        await make_ahead(pilot, "workbench")
        keep_frame(app)
        claims(pilot.app, take)
        warm()

    await run_until_signal(app, size=size, auto_pilot=ready)
    return adopted


async def make_ahead(pilot, mode: str) -> None:
    """Composes the screen of ``mode`` and goes back: a learner's first look at it then costs a repaint,
    not a new screen (the workbench: ~55 ms of CPU instead of ~230, which thirty learners opening it at
    once wait for in turn). The screen shows its learner's state when it is first shown to them."""
    first = pilot.app.current_mode
    pilot.app.switch_mode(mode)
    await pilot.pause()
    pilot.app.switch_mode(first)
    await pilot.pause()


def run(size: tuple[int, int], lang: str, first_help: bool, warm: Callable[[], None],
        claims: Callable[[TutorApp, Take], None]) -> tuple[TutorApp, bool]:
    """``serve`` in a new event loop; the app (to save and exit as ``run_app`` does) and whether it was adopted."""
    app = pooled_app(lang, first_help)
    adopted = asyncio.run(serve(app, size, warm, claims))
    return app, adopted
