"""Opens the full-screen tutor (kept apart so the CLI commands never import Textual)."""

from __future__ import annotations


def run_app(args) -> int:
    from .cli import build_parser

    build_parser().print_help()
    return 0
