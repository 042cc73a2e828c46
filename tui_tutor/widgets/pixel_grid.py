"""The 3×4 input image as a grid: arrows move, space / Enter or a click toggles a pixel."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from .styled_lines import Line, StyledLines

COLS, ROWS, CELL = 3, 4, 4  # a cell is CELL columns wide and one row high


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

    @dataclass
    class Toggled(Message):
        grid: PixelGrid
        index: int  # 0-based: pixel x_(index+1)

        @property
        def control(self) -> PixelGrid:
            return self.grid

    def _pixel_lines(self) -> list[Line]:
        focused = self.has_focus
        return [tuple((" ██ " if self.pixels[r * COLS + c] >= 0.5 else " ·· ",
                       "reverse" if focused and r * COLS + c == self.cursor else "") for c in range(COLS))
                for r in range(ROWS)]

    def _redraw(self, *_) -> None:
        self.show_lines(self._pixel_lines())

    on_mount = watch_pixels = watch_cursor = _redraw

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._redraw()  # the cursor shows only while the grid has the focus

    def action_move(self, dx: int, dy: int) -> None:
        r, c = divmod(self.cursor, COLS)
        self.cursor = ((r + dy) % ROWS) * COLS + (c + dx) % COLS

    def action_toggle(self) -> None:
        self.post_message(self.Toggled(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        c, r = offset.x // CELL, offset.y
        if 0 <= c < COLS and 0 <= r < ROWS:
            self.cursor = r * COLS + c
            self.action_toggle()
