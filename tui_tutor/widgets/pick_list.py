"""A list of titles to pick from (the lessons, a lesson's sections), drawn line by line.

Textual's OptionList did this job, but its parts and their styles were about a tenth of
the tutor's start-up; the lessons screen has two. Titles wrap (with the lessons' line
breaks, so Chinese folds between characters); arrows, Home / End and Page Up / Down move
the highlight, Enter or a click picks one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .line_breaks import wrap


class PickList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("home", "move_to(0)", show=False), Binding("end", "move_to(-1)", show=False),
        Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
        Binding("enter", "pick", show=False),
    ]
    COMPONENT_CLASSES = {"pick-list--highlighted"}
    DEFAULT_CSS = """
    PickList {
        height: auto; overflow-x: hidden; background: $surface; color: $foreground;
        & > .pick-list--highlighted { color: $foreground; background: $block-cursor-blurred-background; }
        &:focus > .pick-list--highlighted {
            color: $block-cursor-foreground; background: $block-cursor-background; text-style: $block-cursor-text-style;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, repaint=False)

    @dataclass
    class Picked(Message):
        pick_list: PickList
        index: int

        @property
        def control(self) -> PickList:  # so that @on(PickList.Picked, "#id") can tell the lists apart
            return self.pick_list

    def __init__(self, items: list[str] = (), highlighted: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[str] = list(items)
        self._rows: list[tuple[int, Strip]] = []  # (item, its line) for each line at the width laid out
        self._laid_out_for: tuple | None = None
        self.set_reactive(PickList.highlighted, highlighted)

    def set_items(self, items: list[str]) -> None:
        if items != self.items:
            self.items = list(items)
            self._laid_out_for = None
            if self.highlighted is not None and self.highlighted >= len(items):
                self.highlighted = None
            self._layout()

    # Layout: the items' lines at the current width

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        try:
            style = self.get_component_rich_style("pick-list--highlighted")
        except KeyError:  # the first style update comes before the parts' styles exist
            return
        key = (width, self.rich_style, style, self.highlighted)
        if width <= 0 or key == self._laid_out_for:
            return
        self._laid_out_for = key
        self._rows = []
        for k, item in enumerate(self.items):
            base = self.rich_style + style if k == self.highlighted else self.rich_style
            for line in wrap(Text(item, style=base), width, self.app.console):
                self._rows.append((k, Strip(line).extend_cell_length(width, base)))
        if self.virtual_size.height != len(self._rows):
            self.virtual_size = Size(width, len(self._rows))
            self.refresh(layout=True)  # its height is its number of lines
        self.refresh()

    def on_resize(self) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # The theme may have changed: the colours are in the lines. The parts' styles (headings, the
        # highlight) are brought up to date after the widget's own, so look again once they are.
        self._layout()
        self.call_after_refresh(self._layout)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return sum(len(wrap(Text(item), max(width, 2), self.app.console)) for item in self.items)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        if line >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        return self._rows[line][1].crop_extend(0, width, self.rich_style)

    # The highlight

    def watch_highlighted(self, _old: int | None, new: int | None) -> None:
        self._layout()
        if new is not None:
            lines = [y for y, (k, _) in enumerate(self._rows) if k == new]
            if lines:
                self.scroll_to_region_lines(lines[0], lines[-1])

    def scroll_to_region_lines(self, first: int, last: int) -> None:
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last >= top + height:
            self.scroll_to(y=last - height + 1, animate=False)

    def action_move(self, step: int) -> None:
        if self.items:
            at = -1 if self.highlighted is None and step > 0 else (self.highlighted or 0)
            self.highlighted = max(0, min(len(self.items) - 1, at + step))

    def action_move_to(self, index: int) -> None:
        if self.items:
            self.highlighted = index % len(self.items)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height // 2))

    def action_pick(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Picked(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        line = self.scroll_offset.y + event.y
        if 0 <= line < len(self._rows):
            self.highlighted = self._rows[line][0]
            self.action_pick()

