"""Small images in bands: each with its number above and a caption (its label, or a prediction)
below; with the focus, arrows choose one (Up/Down move a band)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive

from .styled_lines import Line, StyledLines

Caption = tuple[str, str]  # text and a Rich style


def tile_width(cols: int, captions: list[Caption]) -> int:
    widest = max((len(text) for text, _ in captions), default=0)
    return max(cols, widest, 3) + 2


def gallery_lines(images, rows: int, cols: int, captions: list[Caption], width: int,
                  selected: int | None = None) -> list[Line]:
    """One pixel a character, █ black and · white; the selected image's number and caption reversed."""
    tile = tile_width(cols, captions)
    per_row = max(1, width // tile)
    lines: list[Line] = []
    for start in range(0, len(images), per_row):
        band = range(start, min(start + per_row, len(images)))
        mark = lambda k, style: f"reverse {style}".strip() if k == selected else style  # noqa: E731
        lines.append(tuple((f"{k + 1:<{tile}}", mark(k, "dim")) for k in band))
        for r in range(rows):
            lines.append(tuple(("".join("█" if v >= 0.5 else "·" for v in images[k][r * cols:(r + 1) * cols])
                                .ljust(tile), "") for k in band))
        lines.append(tuple((captions[k][0].ljust(tile), mark(k, captions[k][1])) for k in band))
        lines.append(())
    return lines


class ImageGallery(StyledLines, can_focus=True):
    DEFAULT_CSS = "ImageGallery { height: auto; } ImageGallery:focus { background: $boost; }"
    BINDINGS = [
        Binding("left", "move(-1)", "Previous", show=False),
        Binding("right", "move(1)", "Next", show=False),
        Binding("up", "move(-1000)", "Band up", show=False),
        Binding("down", "move(1000)", "Band down", show=False),
    ]

    selected: reactive[int | None] = reactive(None, repaint=False)

    @dataclass
    class Selected(Message):
        gallery: ImageGallery
        index: int

        @property
        def control(self) -> ImageGallery:
            return self.gallery

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._images: list = []
        self._shape = (4, 3)
        self._captions: list[Caption] = []

    def show(self, images, rows: int, cols: int, captions: list[Caption], selected: int | None = None) -> None:
        self._images, self._shape, self._captions = list(images), (rows, cols), list(captions)
        self.set_reactive(ImageGallery.selected, selected)
        self._redraw()

    @property
    def per_row(self) -> int:
        return max(1, (self.size.width or 80) // tile_width(self._shape[1], self._captions))

    def tile_region(self, k: int) -> Region:
        """Where image ``k`` is drawn, from the gallery's top: for scrolling it into view."""
        band = k // self.per_row
        return Region(0, band * (self._shape[0] + 3), 1, self._shape[0] + 2)

    def _redraw(self, *_) -> None:
        rows, cols = self._shape
        self.show_lines(gallery_lines(self._images, rows, cols, self._captions, self.size.width or 80, self.selected))

    on_resize = watch_selected = _redraw

    def action_move(self, step: int) -> None:
        if not self._images:
            return
        if abs(step) == 1000:
            step = self.per_row if step > 0 else -self.per_row
        at = min(max(0, (self.selected or 0) + step), len(self._images) - 1)
        self.selected = at
        self.post_message(self.Selected(self, at))
