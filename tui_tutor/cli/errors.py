"""What the command line refuses, and how: one ``UsageError`` and the argument types that raise it.

Numbers on the command line follow the same rule as everywhere else in the tutor
(``engine.numbers``): ``0,2``, ``０．２`` and ``2e-1`` are all 0.2; ``nan`` is refused.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..engine.numbers import NumberError, parse_number, parse_whole

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for, reported as one line."""


def whole_number(low: int, high: int | None, not_whole: str, out_of_range: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (None: no top). The messages
    are templates with ``{text}`` (what was typed) and ``{value}`` (the number read)."""

    def parse(text: str) -> int:
        try:
            value = parse_whole(text)
        except NumberError:
            raise argparse.ArgumentTypeError(not_whole.format(text=text)) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(out_of_range.format(value=value, text=text))
        return value

    return parse


def number(accept: Callable[[float], bool], not_number: str, out_of_range: str) -> Callable[[str], float]:
    """An argparse type: a finite number that ``accept`` allows. The messages are templates with
    ``{text}``; a number that is not finite (``nan``, ``1e999``) gets ``out_of_range``."""

    def parse(text: str) -> float:
        try:
            value = parse_number(text)
        except NumberError as err:
            message = out_of_range if err.key == "not_finite" else not_number
            raise argparse.ArgumentTypeError(message.format(text=text)) from None
        if not accept(value):
            raise argparse.ArgumentTypeError(out_of_range.format(text=text))
        return value

    return parse



def database_url(text: str) -> str:
    """An argparse type: a ``postgresql://`` URL (``--database-url``)."""
    if not text.startswith(("postgresql://", "postgres://")):
        raise argparse.ArgumentTypeError("expected a postgresql://USER@HOST/DATABASE URL, not "
                                         f"{text.split('@')[-1][:60]!r}")
    return text


def database_url_option(p: argparse.ArgumentParser, what: str = "progress") -> None:
    """``--database-url``: a PostgreSQL database instead of the SQLite file in the data folder."""
    p.add_argument("--database-url", metavar="URL", type=database_url, default=None,
                   help=f"keep {what} in this PostgreSQL database (postgresql://USER@HOST/DB) instead of the "
                        "data folder's SQLite file (default: $TUI_TUTOR_DATABASE_URL)")
