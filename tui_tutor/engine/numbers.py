"""Reading numbers as people type them: one rule for the editor, the prompts, the quiz and the CLI.

The rule, stated once (README, "Numbers"):

- digits 0–9, an optional sign (``-``, ``+`` or the true minus ``−``), and an ``e`` exponent
  (``1.23e-2``); spaces are ignored;
- the decimal mark is ``.`` or ``,`` (one of them, once), and the Chinese full stop ``。``
  counts as ``.``;
- full-width characters (``０．５``, ``－１``) are read as their ASCII forms;
- nothing else: no thousands separators, no hex; ``nan``, ``inf`` and numbers too large to
  hold (``1e999``) are refused as not finite.

A refusal raises ``NumberError``, whose ``key`` names what was wrong ("empty", "marks",
"not_number", "not_finite", "not_whole", "range") so a UI can say it in the learner's
language: the catalogue's ``bad_answer_<key>`` (tui_tutor.i18n), whose English is ``str()``.
"""

from __future__ import annotations

import math
import re
import unicodedata

from ..i18n import tr

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_NOT_FINITE = ("nan", "inf", "infinity", "∞")
MAX_INPUT = 200  # characters: longer is not a number anyone means, and is not kept


class NumberError(ValueError):
    """What was typed is not a number of the kind asked for."""

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(tr("en", f"bad_answer_{key}", **values))


def _shown(text: str) -> str:
    """What was typed, cut to a length a message can show."""
    return text if len(text) <= 40 else text[:40] + "…"


def _normalised(text: str) -> str:
    if len(text) > MAX_INPUT:
        raise NumberError("not_number", text=_shown(text))
    cleaned = unicodedata.normalize("NFKC", text).replace("−", "-").replace("。", ".")
    return "".join(cleaned.split())


def parse_number(text: str) -> float:
    """A finite number by the rule above; ``NumberError`` otherwise."""
    cleaned = _normalised(text)
    if not cleaned:
        raise NumberError("empty")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise NumberError("marks", text=_shown(text))
        cleaned = cleaned.replace(",", ".")
    if cleaned.lower().lstrip("+-") in _NOT_FINITE:
        raise NumberError("not_finite", text=_shown(text))
    if not _NUMBER.fullmatch(cleaned):
        raise NumberError("not_number", text=_shown(text))
    value = float(cleaned)
    if not math.isfinite(value):
        raise NumberError("not_finite", text=_shown(text))
    return value + 0.0  # -0.0 reads as 0


def parse_whole(text: str, low: int | None = None, high: int | None = None) -> int:
    """A whole number by the same rule (no decimal mark, no exponent), from ``low`` to ``high``."""
    cleaned = _normalised(text)
    if not cleaned:
        raise NumberError("empty")
    if not _WHOLE.fullmatch(cleaned):
        raise NumberError("not_whole", text=_shown(text))
    value = int(cleaned)
    if (low is not None and value < low) or (high is not None and value > high):
        raise NumberError("range", value=value, low="−∞" if low is None else low, high="∞" if high is None else high)
    return value


def editable(value: float) -> str:
    """A number written so that ``parse_number`` reads it back exactly (a prompt's pre-filled value)."""
    return repr(float(value) + 0.0)
