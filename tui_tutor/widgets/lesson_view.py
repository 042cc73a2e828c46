"""One lesson, drawn line by line (Textual's line API) from the blocks of lesson_markup.

The whole lesson is one widget: its lines are laid out again only when the width,
the lesson or the theme changes, and a frame draws only the lines on screen.
A click on a link posts ``LinkClicked``; the headings' line numbers give the
table of contents somewhere to scroll to."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..curriculum.lesson_markup import INLINE, Block, parse
from .line_breaks import wrap


MEASURE = 100
"""The widest a lesson's lines get: on a wide terminal, longer lines are hard to follow back."""


class LessonView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"lesson-view--h1", "lesson-view--h2", "lesson-view--code", "lesson-view--link",
                         "lesson-view--marker"}
    DEFAULT_CSS = """
    LessonView { background: $surface; color: $foreground; }
    LessonView > .lesson-view--h1 { color: $text-accent; text-style: bold; }
    LessonView > .lesson-view--h2 { color: $text-primary; text-style: bold; }
    LessonView > .lesson-view--code { background: $boost; color: $text; }
    LessonView > .lesson-view--link { color: $text-accent; text-style: underline; }
    LessonView > .lesson-view--marker { color: $text-primary; }
    """

    @dataclass
    class LinkClicked(Message):
        view: LessonView
        href: str

    def __init__(self, markdown: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._blocks: list[Block] = parse(markdown)
        self._lines: list[Strip] = []
        self._laid_out_for: tuple | None = None  # (width, lesson, styles) the lines were made for
        self._lesson = 0  # counts the lessons shown, so a new one is laid out even at the same width
        self._heading_lines: list[int] = []  # where each heading is among the laid-out lines

    @property
    def headings(self) -> list[tuple[int, str]]:
        """(level, title) of each heading of the lesson, in order."""
        return [(b.level, b.text) for b in self._blocks if b.kind == "heading"]

    def show(self, markdown: str) -> None:
        """Show a lesson from the top."""
        self._blocks = parse(markdown)
        self._lesson += 1
        self._layout()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def scroll_to_heading(self, k: int) -> None:
        """Scroll so that the k-th heading is at the top."""
        self._layout()
        self.scroll_to(y=self._heading_lines[k], animate=False)

    def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(self, href))

    # Laying out the lines

    def on_resize(self) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # The theme may have changed: the colours are in the lines. The parts' styles (headings, the
        # highlight) are brought up to date after the widget's own, so look again once they are.
        self._layout()
        self.call_after_refresh(self._layout)

    def _layout(self) -> None:
        view = self.scrollable_content_region.width
        width = min(view, MEASURE)
        if width <= 0:
            return
        try:
            styles = (self.rich_style, *(self._style(name) for name in ("h1", "h2", "code", "link", "marker")))
        except KeyError:  # the first style update comes before the parts' styles exist
            return
        if self._laid_out_for == (view, self._lesson, styles):
            return
        self._laid_out_for = (view, self._lesson, styles)
        self._lines, self._heading_lines = [], []
        base = self.rich_style
        for k, block in enumerate(self._blocks):
            if k and (block.gap or block.kind == "heading"):
                self._lines.append(Strip.blank(width, base))
            if block.kind == "heading":
                self._heading_lines.append(len(self._lines))
            self._lines.extend(self._block_lines(block, width, base))
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"lesson-view--{name}")

    def _block_lines(self, block: Block, width: int, base: Style) -> list[Strip]:
        if block.kind == "code":
            style = self._style("code")
            inner = max(1, width - block.indent - 2)
            text = Text(block.text, style=base + style)
            lines = [Strip(line) for line in self._wrap(text, inner)]
            box = max(line.cell_length for line in lines)  # the block reads as one box
            pad, edge = Segment(" " * block.indent, base), Segment(" ", base + style)
            return [Strip([pad, edge, *line.extend_cell_length(box, base + style), edge]).extend_cell_length(width, base)
                    for line in lines]
        if block.kind == "heading":
            text = Text(block.text, style=base + self._style("h1" if block.level == 1 else "h2"))
            return [Strip(line).extend_cell_length(width, base) for line in self._wrap(text, width)]
        hang = len(block.marker) + 1 if block.marker else 0
        lines = self._wrap(self._inline(block.text, base), max(1, width - block.indent - hang))
        out = []
        for k, line in enumerate(lines):
            lead = [Segment(" " * block.indent, base)]
            if hang:
                lead.append(Segment(f"{block.marker} " if k == 0 else " " * hang,
                                    base + self._style("marker") if k == 0 else base))
            out.append(Strip([*lead, *line]).extend_cell_length(width, base))
        return out

    def _inline(self, markdown: str, base: Style) -> Text:
        text, at = Text(style=base), 0
        for m in INLINE.finditer(markdown):
            text.append(markdown[at:m.start()])
            at = m.end()
            if m["link"]:
                action = Style.from_meta({"@click": f"link({m['href']!r})"})
                text.append(m["link"], self._style("link") + action)
            elif m["bold"]:
                text.append(m["bold"], "bold")
            elif m["em"]:
                text.append(m["em"], "italic")
            else:
                text.append(m["code"], self._style("code"))
        text.append(markdown[at:])
        return text

    def _wrap(self, text: Text, width: int) -> list[list[Segment]]:
        return wrap(text, width, self.app.console)

    # Drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        line = scroll_y + y
        if line >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[line].crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_offsets(scroll_x, line)
