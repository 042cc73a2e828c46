"""Lines of styled text, drawn with Textual's line API.

Why not a Static: a Static renders every line of its text again on each update, and gives
each run of text a style of its own that carries its position (for mouse selection): too
much for the formula panel and the network diagram, redrawn on every key press. Here a
line is a Strip of a few segments built from cached styles, a new text repaints only the
lines that differ, and a layout is asked for only when the text no longer fits (as in
``SteadyStatic``), so stepping through the pass neither lays out the screen nor jumps.
"""

from __future__ import annotations

from functools import lru_cache
from os.path import commonprefix

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from .line_breaks import break_offsets

Run = tuple[str, str]  # text and a Rich style ("" for the widget's own)
Line = tuple[Run, ...]


def plain_line(text: str, style: str = "") -> Line:
    return ((text, style),) if text else ()


def line_width(line: Line) -> int:
    try:
        return _width(line)
    except TypeError:  # runs given as lists: not hashable, measured each time
        return sum(cell_len(text) for text, _ in line)


@lru_cache(maxsize=4096)  # the diagram's width is asked of every line at every step
def _width(line: Line) -> int:
    return sum(cell_len(text) for text, _ in line)


def wrap_line(line: Line, width: int) -> list[Line]:
    """Breaks a line where ``line_breaks`` allows (after spaces, between CJK characters;
    a word wider than the line is cut); each piece keeps its style. Trailing spaces at a
    break are dropped."""
    if width <= 0 or line_width(line) <= width:
        return [line]
    plain = "".join(text for text, _ in line)
    cuts = break_offsets(plain, width)
    rows = list(zip([0, *cuts], [*cuts, len(plain)]))
    return [_slice(line, a, b, last=k == len(rows) - 1) for k, (a, b) in enumerate(rows)]


def changed_cells(old: Line, new: Line) -> tuple[int, int]:
    """The cells (from, to) where two lines differ: only those are repainted and sent to the
    terminal (a step changes a number or two in a line). Run by run, so a run split in two
    that did not change may widen the span, never narrow it."""
    a, b = "".join(text for text, _ in old), "".join(text for text, _ in new)
    head = _same_chars(old, new, 1)
    tail = min(_same_chars(old[::-1], new[::-1], -1), len(a) - head, len(b) - head)
    x0 = cell_len(a[:head])
    middle_a, middle_b = cell_len(a[head:len(a) - tail]), cell_len(b[head:len(b) - tail])
    if middle_a != middle_b:  # the same tail then sits in other cells: it changed too
        middle_a, middle_b = cell_len(a[head:]), cell_len(b[head:])
    return x0, x0 + max(middle_a, middle_b)


def _same_chars(a: Line, b: Line, step: int) -> int:
    """How many characters the two lines share from their start (``step`` 1) or, with their
    runs given last first, from their end (``step`` −1), in the same styles."""
    same = 0
    for (text_a, style_a), (text_b, style_b) in zip(a, b):
        if style_a != style_b:
            break
        if text_a != text_b:
            return same + len(commonprefix((text_a[::step], text_b[::step])))
        same += len(text_a)
    return same


def _slice(line: Line, a: int, b: int, last: bool) -> Line:
    out, pos = [], 0
    for text, style in line:
        lo, hi = max(a, pos), min(b, pos + len(text))
        if lo < hi:
            out.append((text[lo - pos:hi - pos], style))
        pos += len(text)
    if not last and out:  # the space at a break is not shown
        text, style = out[-1]
        out[-1] = (text.rstrip(), style)
        if not out[-1][0]:
            out.pop()
    return tuple(out)


class StyledLines(Widget):
    DEFAULT_CSS = "StyledLines { height: auto; }"

    wrap = False  # wrap long lines at spaces (else they are cut at the edge)
    # Repaint only the cells of a line that changed, not the whole line. Off by default: the
    # lab's tools and tests read the terminal's output for whole phrases ("Step 4 of"), and a
    # line sent whole keeps them readable there; the network diagram, most of a step's output,
    # turns it on.
    changed_cells_only = False

    def __init__(self, text: str = "", *, wrap: bool | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if wrap is not None:
            self.wrap = wrap
        self._lines: tuple[Line, ...] = tuple(plain_line(t) for t in text.splitlines())
        self._rows: tuple[int, list[Line]] | None = None  # (width, the lines as shown at that width)
        self._strips: dict[int, Strip] = {}
        self._base: Style | None = None  # the widget's style the strips were built with
        self._asked: tuple[int, int] | None = None  # (height, width) the last layout was asked for
        # The least room to take in any layout, so that a layout caused by another widget does
        # not shrink this one to its text of the moment (it would grow back, with a scroll bar
        # coming and going, at the next step: three layouts instead of none).
        self._floor = (0, 0)

    @property
    def content(self) -> str:
        """The text shown, unwrapped, without styles."""
        return "\n".join("".join(text for text, _ in line) for line in self._lines)

    def show_text(self, text: str, fit: bool = False) -> None:
        self.show_lines([plain_line(t) for t in text.splitlines()], fit)

    def show_lines(self, lines, fit: bool = False) -> None:
        """Show ``lines`` (each a sequence of runs); with ``fit``, also shrink to them (one
        layout), else the widget only ever grows."""
        lines = tuple(tuple(line) for line in lines)
        if lines == self._lines and not fit:
            return
        width = self.content_size.width
        old = self._shown(width) if self._rows else []
        self._lines, self._rows = lines, None
        screen = self.screen if self.is_mounted else None
        if width <= 0 or screen is None or any(
                not node.display for node in self.ancestors_with_self if node is not screen):
            self._strips.clear()
            self.refresh()  # not laid out yet, or in a hidden tab: laid out when it shows
            return
        new = self._shown(width)
        auto_width = self.styles.width is not None and self.styles.width.is_auto
        need = (max(len(new), self.least_rows(width)), max(map(line_width, lines), default=0) if auto_width else width)
        size = self.content_size
        floor = (0, 0) if fit else (max(self._floor[0], size.height), max(self._floor[1], size.width * auto_width))
        too_big = need[0] > size.height or need[1] > size.width
        too_small = fit and (need[0] < size.height or need[1] < size.width)
        self._floor = floor
        if (too_big or too_small) and need != self._asked:  # (a max-height may cap it: ask once)
            self._asked = need
            self._floor = (max(need[0], floor[0]), max(need[1] * auto_width, floor[1]))
            self._strips.clear()
            self.refresh(layout=True)
            return
        if self.scroll_offset.y:
            self._strips.clear()
            self.refresh()
            return
        regions = []
        for y in range(max(len(old), len(new))):
            if y >= len(old) or y >= len(new) or old[y] != new[y]:
                self._strips.pop(y, None)
                x0, x1 = (changed_cells(old[y] if y < len(old) else (), new[y] if y < len(new) else ())
                          if self.changed_cells_only else (0, width))
                regions.append(Region(x0, y, max(0, min(x1, width) - x0), 1))
        if regions:  # one refresh: each call costs as much as a few lines' comparison
            self.refresh(*regions)

    def _shown(self, width: int) -> list[Line]:
        if self._rows is None or self._rows[0] != width:
            if self.wrap:
                rows = [row for line in self._lines for row in wrap_line(line, width)]
            else:
                rows = list(self._lines)
            self._rows = (width, rows)
            self._strips.clear()
        return self._rows[1]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(max(map(line_width, self._lines), default=0), self._floor[1])

    def least_rows(self, width: int) -> int:
        """Rows to take at ``width`` whatever the lines (a panel may keep room for what it will show)."""
        return 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._shown(width)), self._floor[0], self.least_rows(width))

    def render_lines(self, crop: Region) -> list[Strip]:
        base = self.rich_style  # once a frame: it walks up the DOM
        if base != self._base:  # a new theme, or the panel's colours changed
            self._base = base
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        y += self.scroll_offset.y
        strip = self._strips.get(y)
        if strip is None:
            rows = self._shown(self.content_size.width)
            base = self._base or self.rich_style
            line = rows[y] if y < len(rows) else ()
            strip = Strip([Segment(text, base + Style.parse(style) if style else base) for text, style in line if text],
                          line_width(line))
            self._strips[y] = strip
        return strip
