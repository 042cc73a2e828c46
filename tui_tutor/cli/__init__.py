"""The command line: ``main`` parses the arguments and hands each command to its module.

``parsing`` (the arguments), ``errors`` (``UsageError`` and the argument types),
``engine_commands`` (explain, train, gradcheck), ``learner_commands`` (progress,
quiz --check), ``render`` (text and markdown). The full-screen tutor and the lab are
imported only when asked for, so the commands never load Textual.
"""

from __future__ import annotations

import os
import sys

from .errors import EXIT_USAGE, UsageError
from .parsing import build_parser
from .quiz_commands import quiz_commands_asked

__all__ = ["EXIT_USAGE", "UsageError", "build_parser", "main"]


def _run_command(args) -> int:
    from . import engine_commands, learner_commands, quiz_commands

    commands = {"explain": engine_commands.cmd_explain, "train": engine_commands.cmd_train,
                "gradcheck": engine_commands.cmd_gradcheck, "quiz": quiz_commands.cmd_quiz,
                "progress": learner_commands.cmd_progress}
    import numpy as np

    try:
        with np.errstate(all="ignore"):  # an overflow is reported once, as one line, not as numpy's warnings
            return commands[args.command](args)
    except ValueError as err:  # the engine's own checks (shapes) reach the user as one line
        raise UsageError(str(err)) from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None or (args.command == "quiz" and not quiz_commands_asked(args)):
            from ..app_entry import run_app

            return run_app(args)
        if args.command == "lab":
            from ..lab.cli import run_lab

            return run_lab(args)
        return _run_command(args)
    except UsageError as err:
        print(f"tui-tutor: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `tui-tutor explain | head` is fine: quiet the final flush too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("tui-tutor: interrupted", file=sys.stderr)
        return 130
