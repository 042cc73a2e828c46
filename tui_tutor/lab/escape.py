"""Client text made safe for a log line and the instructor's terminal.

Anything an SSH client chooses (user names, terminal types, forward hosts,
subsystem names, exec commands) could forge a log line with a newline, clear or
retitle the instructor's terminal with an escape sequence, or reorder what a
line seems to say with bidirectional marks. ``shown`` turns every such
character into a visible escape and caps the length.
"""

from __future__ import annotations

import unicodedata

DEFAULT_LIMIT = 80
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _escaped(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:  # C0, DEL, C1 (0x9B alone is a CSI on some terminals)
        return f"\\x{code:02x}"
    # Format marks (bidi embeddings, isolates, LRM/RLM, zero-width joiners, BOM), line and paragraph
    # separators, private use, surrogates and unassigned code points: none belongs in a name.
    if unicodedata.category(ch) in ("Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def shown(text: object, limit: int = DEFAULT_LIMIT, spaces: bool = True) -> str:
    """``text`` on one line with control, format and bidi characters escaped, at most ``limit``
    characters of it (then "…" and how many more there were). ``spaces=False`` escapes spaces too,
    for a value in a ``key=value`` field (a name with a space could forge the next field)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    text = str(text)
    extra = len(text) - limit
    head = text[:limit] if extra > 0 else text
    # Most names are plain printable ASCII: nothing to escape but a backslash (the live state's fields are
    # shown this way several times a second per tutor).
    out = head if head.isascii() and head.isprintable() and "\\" not in head else "".join(map(_escaped, head))
    if not spaces:
        out = out.replace(" ", "\\x20")
    return f"{out}…(+{extra})" if extra > 0 else out
