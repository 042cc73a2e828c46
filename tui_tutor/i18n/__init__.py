"""The tutor's own words in English and Chinese: one catalogue, keyed by id (lessons are content files).

The bottom layer of the package: it imports nothing else of tui_tutor, and neither Textual nor Rich,
so every layer may use it (the engine too, for the English of a refused number).

A language is a module holding one dict ``WORDS`` from id to text (``en.py``, ``zh.py``: plain
Python, so loading it costs no parsing at start-up); a text may hold ``{placeholders}``, filled by
``str.format``. The kinds of id:

- plain ids ("saved", "bad_answer_empty"): messages and labels, for ``tr``;
- ``phase.<phase>``: the phases of one pass, for ``phase_title``;
- ``action.<action>``: what a key does, by the action its binding names, written as in the bindings
  ("action.step(1)"), for ``action_label``. A widget's own actions are ``action.<class>:<action>``,
  since two widgets may give one action string different meanings. ``action.jump('<phase>')`` is
  made here from ``jump_to_phase`` and the phase titles;
- ``help.*``: the help screen's headings and its rows that are not keys.
"""

from __future__ import annotations

import os

from . import en, zh

LANGUAGES = ("en", "zh")
HELP_ROWS = ("mouse", "tab", "palette", "mastery", "rating")
"""The help screen's rows that are not keys, in order: ids ``help.<row>.key`` and ``help.<row>``."""


def _with_jumps(words: dict[str, str]) -> dict[str, str]:
    """The words, and a "Jump to <phase>" label for each phase's key."""
    jumps = {f"action.jump('{key.removeprefix('phase.')}')": words["jump_to_phase"].format(phase=title)
             for key, title in words.items() if key.startswith("phase.")}
    return {**words, **jumps}


CATALOGUE: dict[str, dict[str, str]] = {"en": _with_jumps(en.WORDS), "zh": _with_jumps(zh.WORDS)}

PHASE_TITLES: dict[str, dict[str, str]] = {
    lang: {key.removeprefix("phase."): text for key, text in words.items() if key.startswith("phase.")}
    for lang, words in CATALOGUE.items()
}
"""{language: {phase: title}}, for the renderers that lay out every phase."""


def detect_language(environ=os.environ) -> str:
    """Chinese when the locale says so (LC_ALL, LC_MESSAGES, LANG, in that order), else English."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _words(lang: str) -> dict[str, str]:
    return CATALOGUE.get(lang) or CATALOGUE["en"]


def tr(lang: str, key: str, **values) -> str:
    """The text of ``key`` in ``lang`` (English where ``lang`` is unknown), its placeholders filled."""
    text = _words(lang).get(key) or CATALOGUE["en"][key]
    return text.format(**values) if values else text


def phase_title(lang: str, phase: str) -> str:
    return tr(lang, f"phase.{phase}")


def action_label(lang: str, action: str, owner: str | None = None) -> str | None:
    """What a key bound to ``action`` does, in ``lang``; ``owner``: the class name of the widget whose
    binding it is, for actions named per widget. None when the catalogue does not know the action."""
    words = _words(lang)
    if owner:
        label = words.get(f"action.{owner}:{action}")
        if label is not None:
            return label
    return words.get(f"action.{action}")


def help_rows(lang: str) -> list[tuple[str, str]]:
    """The help screen's rows that are not keys: (what to use, what it does)."""
    return [(tr(lang, f"help.{row}.key"), tr(lang, f"help.{row}")) for row in HELP_ROWS]
