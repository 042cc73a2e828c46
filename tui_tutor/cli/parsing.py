"""The command line's arguments: ``build_parser`` and the checks of what was typed.

Every refusal here is a ``UsageError``: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse

from .. import __version__
from .errors import UsageError, database_url_option, number, whole_number


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print the usage block too
        raise UsageError(f"{message} (see {self.prog} --help)")


_learning_rate = number(lambda value: value > 0, "learning rate must be a number, not {text!r}",
                        "learning rate must be a positive finite number, not {text!r}")
_image = whole_number(1, 64, "image must be a number from 1 to 64, not {text!r}",
                      "image must be from 1 to 64 (the book's numbering), not {value}")


_epochs_from_zero = whole_number(0, None, "epochs must be a whole number, not {text!r}",
                                 "epochs must be 0 or more, not {value}")


def _epochs(text: str) -> int:
    # The limit is read here, not at import: the training module loads numpy, which `--help` does not need.
    from ..tutor.training_runs import MAX_EPOCHS

    value = _epochs_from_zero(text)
    if value > MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"epochs must be at most {MAX_EPOCHS}, not {value}")
    return value


_seed = whole_number(0, 2**63 - 1, "seed must be a whole number, not {text!r}",
                     "seed must be 0 or more, not {value}")


def _pixels(text: str) -> str:
    cleaned = text.replace(" ", "").replace("/", "")
    if len(cleaned) != 12 or set(cleaned) - {"0", "1"}:
        raise argparse.ArgumentTypeError(
            f"pixels must be twelve 0/1 digits, row by row (e.g. 111101101111), not {text!r}")
    return cleaned


def _network_file(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected the name of a network file, not an empty string")
    return text


def _source(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--preset", choices=("book", "mazur"), help="a built-in example (default: book)")
    group.add_argument("--network", metavar="FILE", type=_network_file, help="a network file (JSON; see README)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tui-tutor", description=(
        "A terminal tutor for backpropagation, after the book The Mathematics of Deep Learning. "
        "With no command, opens the tutor."))
    parser.add_argument("--version", action="version", version=f"tui-tutor {__version__}")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of the tutor (default: from the locale)")
    parser.add_argument("--reader", action="store_true",
                        help="reader mode: the workbench's current step as plain text, one statement a line, "
                             "for a screen reader or a braille display (v toggles it in the tutor)")
    _progress_options(parser)
    parser.add_argument("--lab", action="store_true", help=argparse.SUPPRESS)  # a session served by `lab serve`
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("explain", help="explain one forward pass, backward pass and update, step by step",
                       description="The full step-by-step explanation of one forward pass, backward pass "
                                   "and update for one input: every formula, with its numbers.")
    _source(p)
    _language_option(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--image", type=_image, metavar="N", help="the book's image N (1-64; default 1)")
    which.add_argument("--pixels", type=_pixels, metavar="BITS",
                       help="your own 3x4 image: twelve 0/1 digits, row by row, e.g. 111101101111")
    p.add_argument("--digit", type=int, choices=(0, 1),
                   help="the digit the --pixels image shows (sets the target; default: the book's label "
                        "when the pixels match one of its images)")
    p.add_argument("--learning-rate", "--eta", type=_learning_rate, metavar="η", help="the learning rate η")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--batch", action="store_true",
                   help="one full-batch iteration instead: every image's cost and δ, each ∂C_T/∂w summed over "
                        "the training set, and the update the book makes (the first of `train`)")

    p = sub.add_parser("train", help="full-batch gradient descent on the training images",
                       description="Full-batch training (the gradient of C_T summed over all images, then one "
                                   "update) on the book's 64 images or the network file's data.")
    _source(p)
    _language_option(p)
    p.add_argument("--epochs", type=_epochs, metavar="N", help="number of updates (default: 50 for the book)")
    p.add_argument("--learning-rate", "--eta", type=_learning_rate, metavar="η", help="the learning rate η")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("gradcheck", help="backprop gradients beside central differences",
                       description="Every backpropagated gradient beside the central-difference estimate "
                                   "(C(θ+h) − C(θ−h)) / 2h, with the largest difference.")
    _source(p)
    _language_option(p)
    p.add_argument("--image", type=_image, metavar="N", help="the book's image N (1-64; default 1)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("quiz", help="open the tutor on the quiz, or check the question bank",
                       description="Opens the tutor on the quiz. With --check, validates the whole question bank "
                                   "and prints the number of questions per lesson and language.")
    p.add_argument("--check", action="store_true", help="validate the question bank and exit (non-zero on a problem)")
    p.add_argument("--skills", action="store_true", help="list the skills and their mistake ids, and exit")
    p.add_argument("--skill", metavar="SKILL", help="print a generated question of SKILL (see --skills), and exit")
    p.add_argument("--seed", type=_seed, metavar="N", default=0, help="with --skill: which question (default 0)")
    p.add_argument("--answer", metavar="TEXT", help="with --skill: grade TEXT as the answer instead")
    p.add_argument("--format", choices=("text", "json"), default="text", help="with --skill or --skills")
    _language_option(p)
    _progress_options(p)

    p = sub.add_parser("progress", help="summary of your saved progress",
                       description="Lessons read, quiz scores and the last screen, from the progress database.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--reset", action="store_true", help="forget this user's progress (asks for confirmation)")
    p.add_argument("--yes", action="store_true", help="with --reset: don't ask")
    _language_option(p)
    _progress_options(p)
    database_url_option(p)

    try:
        from ..lab.cli import add_lab_parser
    except ImportError:  # the lab needs asyncssh
        pass
    else:
        add_lab_parser(sub)
    return parser


def language(args: argparse.Namespace) -> str:
    """The output's language: ``--lang`` (before or after the command), else the locale's."""
    from ..i18n import detect_language

    return getattr(args, "lang", None) or detect_language()


def _language_option(p: argparse.ArgumentParser) -> None:
    """``--lang`` after a command too; not given there, the one before the command (or the locale) holds."""
    p.add_argument("--lang", choices=("en", "zh"), default=argparse.SUPPRESS,
                   help="language of the output (default: from the locale)")


def _progress_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="where progress is saved (default: $TUI_TUTOR_DATA_DIR or the user data folder)")
    p.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                   help="whose progress (default: your login name)")
