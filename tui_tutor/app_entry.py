"""Opens the full-screen tutor (kept apart so the CLI commands never import Textual).

With ``--lab`` (a session served by ``tui-tutor lab serve`` or ``lab web``) the session
gets the lab's capabilities (no files, no suspend, no screenshots, no links opened on
the server), and the tutor is ended by signals rather than by a person at a shell:
SIGHUP when the student's connection drops, SIGTERM when the lab stops. Either saves
the learner's progress and leaves the app the ordinary way (terminal restored, status 0).
"""

from __future__ import annotations

import asyncio
import signal

_ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def open_progress(args):
    """The learner's progress store and, when progress cannot be saved, why."""
    from .progress import data_dir, default_user, open_store

    return open_store(data_dir(getattr(args, "data_dir", None)), getattr(args, "user", None) or default_user())


def make_session(args):
    """The learner's session as the command line asked for it."""
    from .tutor.capabilities import Capabilities
    from .tutor.session import Session

    store, warning = open_progress(args)
    lab = bool(getattr(args, "lab", False))
    return Session(store, getattr(args, "lang", None), Capabilities.lab() if lab else Capabilities.home(), warning)


async def run_until_signal(app, **run_options) -> None:
    """Runs the app; SIGHUP or SIGTERM save and exit it (installed first, so none is missed once running)."""
    loop = asyncio.get_running_loop()
    for sig in _ENDING_SIGNALS:
        loop.add_signal_handler(sig, app.end_by_signal)
    try:
        await app.run_async(**run_options)
    finally:
        for sig in _ENDING_SIGNALS:
            loop.remove_signal_handler(sig)
            # A second hang-up while the last save runs must not kill it half-way.
            signal.signal(sig, signal.SIG_IGN)


def run_app(args) -> int:
    from .app import TutorApp
    from .tutor import heap

    heap.enabled = not heap.forked_from_zygote
    session = make_session(args)
    app = TutorApp(session, start="quiz" if args.command == "quiz" else None,
                   reader=bool(getattr(args, "reader", False)))
    if getattr(args, "lab", False):
        asyncio.run(run_until_signal(app))
    else:
        app.run()
    return finish(app)


def finish(app) -> int:
    """After the app has ended: what it did not save yet, and its exit status."""
    if app.loaded:
        app.save_workbench(finally_=True)
    return app.return_code or 0
