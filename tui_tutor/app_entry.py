"""Opens the full-screen tutor (kept apart so the CLI commands never import Textual)."""

from __future__ import annotations


def open_progress(args):
    """The learner's progress store and, when progress cannot be saved, why."""
    from .progress import data_dir, default_user, open_store

    return open_store(data_dir(getattr(args, "data_dir", None)), getattr(args, "user", None) or default_user())


def run_app(args) -> int:
    from .app import TutorApp

    store, warning = open_progress(args)
    start = "quiz" if args.command == "quiz" else None
    app = TutorApp(lang=args.lang, start=start, store=store, store_warning=warning)
    app.run()
    app.save_workbench()
    return 0
