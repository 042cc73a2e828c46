"""A student's screen larger than the instructor's terminal: its top-left part, with a note.

The student's bytes go into a terminal emulator (pyte) the size of their
terminal, in the board's process; what fits of it is drawn on the instructor's
terminal, changed lines only, and the last line says how much is shown. The
student's escape sequences stay in the emulator: none reaches the instructor's
terminal (no mouse reporting turned on there, no resizing, no title).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pyte
from pyte import graphics
from wcwidth import wcwidth

SYNC_ON, SYNC_OFF = "\x1b[?2026h", "\x1b[?2026l"  # a frame at once, where the terminal can
# pyte names the 16 colours (with its own spellings); anything else it keeps as "rrggbb"
FG_CODES = {name: code for table in (graphics.FG_ANSI, graphics.FG_AIXTERM) for code, name in table.items()}
BG_CODES = {name: code for table in (graphics.BG_ANSI, graphics.BG_AIXTERM) for code, name in table.items()}
STYLES = (("bold", 1), ("italics", 3), ("underscore", 4), ("strikethrough", 9), ("reverse", 7), ("blink", 5))

Note = Callable[[int, int, int, int], str]  # (shown cols, shown rows, their cols, their rows) -> the note


def _colour(value: str, codes: dict[str, int], extended: int) -> str:
    if value in codes:
        return str(codes[value])
    if len(value) == 6:
        try:
            red, green, blue = (int(value[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            return str(codes["default"])
        return f"{extended};2;{red};{green};{blue}"
    return str(codes["default"])


@functools.lru_cache(maxsize=4096)  # a screen has few distinct styles; a frame asks for each many times
def _sgr(style: tuple) -> str:
    fg, bg, *flags = style
    codes = ["0", *(str(code) for (_name, code), on in zip(STYLES, flags, strict=True) if on),
             _colour(fg, FG_CODES, 38), _colour(bg, BG_CODES, 48)]
    return f"\x1b[{';'.join(codes)}m"


class CroppedScreen:
    """The student's whole screen, kept; ``render`` draws the part that fits ``width`` x ``height``."""

    def __init__(self, cols: int, rows: int, note: Note) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.note = note
        self.drawn_for: tuple[int, int] | None = None  # the terminal size last drawn for

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.columns, self.screen.lines

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def resize(self, cols: int, rows: int) -> None:
        if (cols, rows) != self.size:
            self.screen.resize(rows, cols)
            self.drawn_for = None  # the note changes, and the shown part: all of it again

    def shown(self, width: int, height: int) -> tuple[int, int]:
        """How many columns and rows of theirs fit, one line kept for the note."""
        cols, rows = self.size
        return max(1, min(width, cols)), max(1, min(height - 1, rows))

    def render(self, width: int, height: int) -> bytes:
        """What to write for the lines changed since the last call (all of them for a new size)."""
        shown_cols, shown_rows = self.shown(width, height)
        everything = self.drawn_for != (width, height)
        lines = range(shown_rows) if everything else sorted(y for y in self.screen.dirty if y < shown_rows)
        self.screen.dirty.clear()
        if not everything and not lines:
            return b""
        out = [SYNC_ON, "\x1b[?25l", "\x1b[0m\x1b[2J" if everything else ""]
        out += [f"\x1b[{y + 1};1H{self._line(y, shown_cols)}\x1b[0m\x1b[K" for y in lines]
        if everything:
            out.append(f"\x1b[{shown_rows + 1};1H\x1b[0;7m{self._note(shown_cols, shown_rows, width)}\x1b[0m")
            self.drawn_for = (width, height)
        out.append(SYNC_OFF)
        return "".join(out).encode("utf-8", "replace")

    def _line(self, y: int, width: int) -> str:
        row = self.screen.buffer[y]
        parts, style = [], ""
        for x in range(width):
            char = row[x]
            text = char.data
            if not text:
                continue  # the right half of a wide character, drawn with its left
            if wcwidth(text[0]) == 2 and x + 1 >= width:
                text = " "  # a wide character the edge cuts in two: left out
            if (sgr := _sgr(char[1:])) != style:  # fg, bg, then the flags, in pyte's Char order
                parts.append(sgr)
                style = sgr
            parts.append(text)
        return "".join(parts)

    def _note(self, shown_cols: int, shown_rows: int, width: int) -> str:
        cols, rows = self.size
        text, parts, used = f" {self.note(shown_cols, shown_rows, cols, rows)} ", [], 0
        for char in text:
            used += max(wcwidth(char), 0)
            if used > width:
                break
            parts.append(char)
        return "".join(parts)
