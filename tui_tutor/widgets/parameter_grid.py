"""One layer's weights and biases as a grid: a row per input of the layer and one for b,
a column per unit. A cursor moves with the arrows or a click; Enter (or a click) asks to
edit the cell, and while ``typing`` the keys build the new value shown in the cell.

Drawn with Textual's line API: a new value, colour, cursor or typed key repaints only the
rows it touches (a DataTable redraws every row when one cell changes).
The grid only shows and reports; ParameterEditor decides what a cell means."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

Cell = tuple[str, str]  # the value as shown, and the Rich style of its text ("" for none)
MIN_WIDTH = 7  # characters of a value column, at least


class ParameterGrid(Widget, can_focus=True):
    COMPONENT_CLASSES = {"parameter-grid--header", "parameter-grid--label", "parameter-grid--even-row",
                         "parameter-grid--cursor"}
    DEFAULT_CSS = """
    ParameterGrid {
        width: auto; height: auto; background: $surface; color: $foreground;
        & > .parameter-grid--header { text-style: bold; background: $panel; }
        & > .parameter-grid--label { text-style: bold; background: $panel; }
        & > .parameter-grid--even-row { background: $surface-lighten-1 50%; }
        & > .parameter-grid--cursor {
            background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .parameter-grid--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pageup", "move(-10, 0)", "Page up", show=False),
        Binding("pagedown", "move(10, 0)", "Page down", show=False),
        Binding("home", "move(-1000, 0)", "First row", show=False),
        Binding("end", "move(1000, 0)", "Last row", show=False),
        Binding("ctrl+home", "move(0, -1000)", "First column", show=False),
        Binding("ctrl+end", "move(0, 1000)", "Last column", show=False),
        Binding("enter", "select", "Edit", show=False),
    ]

    @dataclass
    class Selected(Message):
        """Enter or a click on a cell: the learner wants to type a new value for it."""

        grid: ParameterGrid
        row: int
        column: int

        @property
        def control(self) -> ParameterGrid:
            return self.grid

    @dataclass
    class Typed(Message):
        """While typing: the text so far (``done``: Enter was pressed; ``cancelled``: Esc)."""

        grid: ParameterGrid
        text: str
        done: bool = False
        cancelled: bool = False

        @property
        def control(self) -> ParameterGrid:
            return self.grid

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.headers: tuple[str, ...] = ()
        self.labels: tuple[str, ...] = ()
        self.cells: tuple[tuple[Cell, ...], ...] = ()  # [row][column]
        self.cursor = (0, 0)  # (row, column)
        self.typing: str | None = None  # what is typed into the cell under the cursor, or None
        self._widths: tuple[int, ...] = ()  # label column, then each value column, padding included
        self._drawn: dict[int, tuple] = {}  # what each line showed when last repainted
        self._styles: tuple[Style, ...] = ()

    # What it shows

    def show(self, headers, labels, cells) -> None:
        """New contents; only the lines that change are repainted (a new shape lays out anew)."""
        headers, labels = tuple(headers), tuple(labels)
        cells = tuple(tuple(row) for row in cells)
        widths = (max(map(cell_len, labels), default=0) + 2,
                  *[max([MIN_WIDTH, cell_len(h), *(cell_len(row[c][0]) for row in cells)]) + 2
                    for c, h in enumerate(headers)])
        reshaped = widths != self._widths or len(cells) != len(self.cells)
        self.headers, self.labels, self.cells, self._widths = headers, labels, cells, widths
        if reshaped:
            self.cursor = (min(self.cursor[0], len(cells) - 1), min(self.cursor[1], len(headers) - 1))
            self._drawn = {y: self._line_key(y) for y in range(len(cells) + 1)}
            self.refresh(layout=True)
        else:
            self.sync()

    def set_typing(self, text: str | None, repaint: bool = True) -> None:
        """Show ``text`` typed into the cursor's cell (None: show its value). With
        ``repaint=False`` the change waits for the next ``show`` (one frame for an edit)."""
        self.typing = text
        if repaint:
            self.sync()

    def sync(self) -> None:
        """Repaint the lines whose contents, cursor or typed text changed."""
        width = self.size.width
        for y in range(len(self.cells) + 1):
            now = self._line_key(y)
            if self._drawn.get(y) != now:
                self._drawn[y] = now
                self.refresh(Region(0, y, width, 1))

    def _line_key(self, y: int) -> tuple:
        if y == 0:
            return self.headers
        row = y - 1
        here = self.cursor[0] == row
        return self.labels[row], self.cells[row], self.cursor[1] if here else None, self.typing if here else None

    # Keys and the mouse

    def action_move(self, rows: int, columns: int) -> None:
        if not self.cells:
            return
        row = max(0, min(self.cursor[0] + rows, len(self.cells) - 1))
        column = max(0, min(self.cursor[1] + columns, len(self.headers) - 1))
        self.move_to(row, column)

    def move_to(self, row: int, column: int) -> None:
        self.cursor = (row, column)
        self.sync()
        self._scroll_to_line(row + 1 if row else 0)  # the first row brings its header along

    def action_select(self) -> None:
        if self.cells:
            self.post_message(self.Selected(self, *self.cursor))

    @on(events.Key)
    def _typing_key(self, event: events.Key) -> None:
        if self.typing is None:
            return  # the bindings move the cursor
        event.stop()
        event.prevent_default()  # every key goes into the field while typing
        if event.key == "enter":
            self.post_message(self.Typed(self, self.typing, done=True))
        elif event.key == "escape":
            self.post_message(self.Typed(self, self.typing, cancelled=True))
        elif event.key == "backspace":
            self._type(self.typing[:-1])
        elif event.is_printable and event.character:
            self._type(self.typing + event.character)

    def _type(self, text: str) -> None:
        # Repainted by whoever takes the message (``sync``), with its own lines about the
        # entry: both then reach the screen in one frame, not two.
        self.set_typing(text, repaint=False)
        self.post_message(self.Typed(self, text))

    @on(events.Click)
    def _clicked(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or offset.y > len(self.cells):
            return
        x = offset.x - self._widths[0]
        for column, width in enumerate(self._widths[1:]):
            if 0 <= x < width:
                self.move_to(offset.y - 1, column)
                self.post_message(self.Selected(self, offset.y - 1, column))
                return
            x -= width

    def _scroll_to_line(self, y: int) -> None:
        """Scroll the panel the grid is in so that line ``y`` of the grid shows."""
        scroller = next((node for node in self.ancestors if isinstance(node, ScrollableContainer)), None)
        if scroller is None:
            return
        line, view = self.content_region.y + y, scroller.scrollable_content_region
        if line < view.y:
            scroller.scroll_relative(y=line - view.y, animate=False, immediate=True)
        elif line >= view.bottom:
            scroller.scroll_relative(y=line - view.bottom + 1, animate=False, immediate=True)

    # Drawing

    @property
    def natural_width(self) -> int:
        return sum(self._widths)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.natural_width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.cells) + 1 if self.cells else 0

    def render_lines(self, crop: Region) -> list[Strip]:
        get = self.get_component_rich_style
        self._styles = (self.rich_style, get("parameter-grid--header"), get("parameter-grid--label"),
                        get("parameter-grid--even-row"), get("parameter-grid--cursor"))  # once a frame
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if not self.cells or y > len(self.cells):
            return Strip.blank(self.size.width, self._styles[0] if self._styles else None)
        base, header, label, even, cursor = self._styles
        widths = self._widths
        if y == 0:
            segments = [Segment(" " * widths[0], header)]
            segments += [Segment(_pad(h, w), header) for h, w in zip(self.headers, widths[1:])]
            return Strip(segments)
        row = y - 1
        plain = even if row % 2 else base
        segments = [Segment(_pad(self.labels[row], widths[0]), label)]
        for column, ((text, style), width) in enumerate(zip(self.cells[row], widths[1:])):
            back = cursor if (row, column) == self.cursor else plain
            if back is cursor and self.typing is not None:
                shown = self.typing[-(width - 3):] if width > 3 else ""
                segments += [Segment(" ", back), Segment(shown, back + Style(underline=True)),
                             Segment(" ", back + Style(reverse=True)), Segment(" " * (width - 2 - len(shown)), back)]
                continue
            segments += [Segment(" ", back), Segment(text, back + Style.parse(style) if style else back),
                         Segment(" " * (width - 1 - cell_len(text)), back)]
        return Strip([s for s in segments if s.text])


def _pad(text: str, width: int) -> str:
    """`` text`` filled with spaces to ``width`` cells (Chinese characters take two)."""
    return f" {text}" + " " * (width - 1 - cell_len(text))
