"""Opens the full-screen tutor (kept apart so the CLI commands never import Textual)."""

from __future__ import annotations


def run_app(args) -> int:
    from .app import TutorApp

    TutorApp(lang=args.lang).run()
    return 0
