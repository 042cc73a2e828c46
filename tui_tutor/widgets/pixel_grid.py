"""The input image as a grid (the book's 3 wide, 4 high, or a data set's own, up to 8×8):
arrows move, space / Enter or a click toggles a pixel."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from .styled_lines import Line, StyledLines

COLS, ROWS = 3, 4  # the book's grid


def cell_width(cols: int) -> int:
    """Columns of one pixel: 4 on narrow grids (as the book draws them), 2 from 5 columns on."""
    return 4 if cols <= 4 else 2


class PixelGrid(StyledLines, can_focus=True):
    DEFAULT_CSS = """
    PixelGrid { width: 14; height: 6; border: round $primary-muted; padding: 0; }
    PixelGrid:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("space,enter", "toggle", "Toggle pixel"),
    ]

    # Drawn line by line (a toggle repaints one row), so no repaint of the whole grid here.
    pixels: reactive[tuple[int, ...]] = reactive(tuple([0] * 12), repaint=False)
    """The 12 pixels x₁ … x₁₂, row by row, 1 = black."""
    cursor: reactive[int] = reactive(0, repaint=False)
    """Index of the pixel under the cursor."""
    shape: reactive[tuple[int, int]] = reactive((ROWS, COLS), repaint=False)
    """Rows and columns of the grid."""

    @dataclass
    class Toggled(Message):
        grid: PixelGrid
        index: int  # 0-based: pixel x_(index+1)

        @property
        def control(self) -> PixelGrid:
            return self.grid

    def set_shape(self, rows: int, cols: int, pixels=None) -> None:
        """Another grid (and its pixels, else all white); the widget's size follows."""
        self.set_reactive(PixelGrid.shape, (rows, cols))
        self.set_reactive(PixelGrid.cursor, min(self.cursor, rows * cols - 1))
        self.styles.width = cols * cell_width(cols) + 2
        self.styles.height = rows + 2
        self.pixels = tuple(int(v >= 0.5) for v in pixels) if pixels is not None else (0,) * (rows * cols)

    def _pixel_lines(self) -> list[Line]:
        focused = self.has_focus
        rows, cols = self.shape
        on, off = (" ██ ", " ·· ") if cell_width(cols) == 4 else ("██", "··")
        if len(self.pixels) != rows * cols:  # between a new shape and its pixels
            return []
        return [tuple((on if self.pixels[r * cols + c] >= 0.5 else off,
                       "reverse" if focused and r * cols + c == self.cursor else "") for c in range(cols))
                for r in range(rows)]

    def _redraw(self, *_) -> None:
        self.show_lines(self._pixel_lines())

    on_mount = watch_pixels = watch_cursor = _redraw

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._redraw()  # the cursor shows only while the grid has the focus

    def action_move(self, dx: int, dy: int) -> None:
        rows, cols = self.shape
        r, c = divmod(self.cursor, cols)
        self.cursor = ((r + dy) % rows) * cols + (c + dx) % cols

    def action_toggle(self) -> None:
        self.post_message(self.Toggled(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        rows, cols = self.shape
        c, r = offset.x // cell_width(cols), offset.y
        if 0 <= c < cols and 0 <= r < rows:
            self.cursor = r * cols + c
            self.action_toggle()
