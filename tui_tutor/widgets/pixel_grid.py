"""The 3×4 input image as a grid: arrows move, space / Enter or a click toggles a pixel."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

COLS, ROWS, CELL = 3, 4, 4  # a cell is CELL columns wide and one row high


class PixelGrid(Widget, can_focus=True):
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

    pixels: reactive[tuple[int, ...]] = reactive(tuple([0] * 12))
    """The 12 pixels x₁ … x₁₂, row by row, 1 = black."""
    cursor: reactive[int] = reactive(0)
    """Index of the pixel under the cursor."""

    @dataclass
    class Toggled(Message):
        grid: PixelGrid
        index: int  # 0-based: pixel x_(index+1)

        @property
        def control(self) -> PixelGrid:
            return self.grid

    def render(self) -> Content:
        parts = []
        for r in range(ROWS):
            for c in range(COLS):
                k = r * COLS + c
                on = self.pixels[k] >= 0.5
                cursor = self.has_focus and k == self.cursor
                style = "reverse" if cursor else ""
                parts.append((" ██ " if on else " ·· ", style))
            if r < ROWS - 1:
                parts.append("\n")
        return Content.assemble(*parts)

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
