"""Opens the full-screen tutor (kept apart so the CLI commands never import Textual).

With ``--lab`` (a session served by ``tui-tutor lab serve``) the tutor is ended
by signals rather than by a person at a shell: SIGHUP when the student's
connection drops, SIGTERM when the lab stops. Either saves the learner's
progress and leaves the app the ordinary way (terminal restored, status 0).
Suspending (Ctrl+Z) is not offered there: nobody could resume it.
"""

from __future__ import annotations

import asyncio
import signal

_ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def open_progress(args):
    """The learner's progress store and, when progress cannot be saved, why."""
    from .progress import data_dir, default_user, open_store

    return open_store(data_dir(getattr(args, "data_dir", None)), getattr(args, "user", None) or default_user())


def _session_app_class():
    """TutorApp, plus what running it as a session needs (made on demand: importing it loads Textual)."""
    from .app import TutorApp

    class SessionApp(TutorApp):
        # CSS_PATH ("app.tcss") resolves beside the file that defines the class: this one sits beside app.py.

        def __init__(self, *args, lab: bool = False, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.lab = lab
            self.loaded = False
            """The first frame is up, so the saved workbench has been restored: saving now cannot
            overwrite the learner's saved state with the default one."""

        def on_ready(self) -> None:
            self.loaded = True
            if self.lab:
                # Textual's driver handles SIGTSTP by stopping the process; over SSH nobody could
                # resume it, so a stray SIGTSTP is ignored (Ctrl+Z itself arrives as a key, unbound).
                signal.signal(signal.SIGTSTP, signal.SIG_IGN)

        def action_suspend_process(self) -> None:
            if not self.lab:
                super().action_suspend_process()

        def get_system_commands(self, screen):
            # "Screenshot" writes an SVG into the working folder: on the lab machine, not the student's.
            for command in super().get_system_commands(screen):
                if not (self.lab and command.title == "Screenshot"):
                    yield command

        def end_by_signal(self) -> None:
            if self.loaded:
                self.save_workbench()
            self.exit()

    return SessionApp


async def _run_until_signal(app) -> None:
    """Runs the app; SIGHUP or SIGTERM save and exit it (installed first, so none is missed once running)."""
    loop = asyncio.get_running_loop()
    for sig in _ENDING_SIGNALS:
        loop.add_signal_handler(sig, app.end_by_signal)
    try:
        await app.run_async()
    finally:
        for sig in _ENDING_SIGNALS:
            loop.remove_signal_handler(sig)
            # A second hang-up while the last save runs must not kill it half-way.
            signal.signal(sig, signal.SIG_IGN)


def run_app(args) -> int:
    store, warning = open_progress(args)
    start = "quiz" if args.command == "quiz" else None
    lab = bool(getattr(args, "lab", False))
    app = _session_app_class()(lang=args.lang, start=start, store=store, store_warning=warning, lab=lab)
    if lab:
        asyncio.run(_run_until_signal(app))
    else:
        app.run()
    if app.loaded:
        app.save_workbench()
    return app.return_code or 0
