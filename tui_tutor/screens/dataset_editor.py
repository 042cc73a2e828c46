"""The data set editor: the training images as a gallery; draw, label, delete, duplicate; start
from the book's 64, from an empty grid or from a file (or, in the lab, a saved data set); undo;
then train a network on it."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ..engine import datasets
from ..engine.datasets import DataSetFileError, ImageSet
from ..engine.presets import book
from ..tutor.datasets import library_for
from ..tutor.networks import LibraryError
from ..tutor.workbench import Workbench
from ..widgets.footer import TutorFooter
from ..widgets.image_gallery import ImageGallery
from ..widgets.keys import bind
from ..widgets.pixel_grid import PixelGrid
from .prompt import PromptScreen

MAX_HIDDEN = 16  # units a layer the network diagram draws
MAX_UNDO = 200


def book_images() -> ImageSet:
    return datasets.image_set_of(book())


def parse_grid(text: str) -> tuple[int, int]:
    """"5x5", "5×5" or "5 5" → (5, 5); one line naming the problem otherwise."""
    match = re.fullmatch(r"\s*([0-9]{1,2})\s*[x×X*, ]\s*([0-9]{1,2})\s*", text)
    if not match:
        raise DataSetFileError(f"{text.strip()[:20]!r}: type rows×columns, e.g. 5x5")
    rows, cols = int(match[1]), int(match[2])
    datasets.check_shape(rows, cols, ("a", "b"))
    return rows, cols


class DataSetEditorScreen(Screen):
    BINDINGS = [
        bind("escape", "dismiss"),
        bind("n", "new_image"),
        bind("x,delete", "delete_image", key_display="x"),
        bind("c", "duplicate_image"),
        bind("r", "relabel"),
        bind("u", "undo"),
        bind("b", "start_book"),
        bind("e", "start_empty"),
        bind("o", "open_set"),
        bind("s", "save_set"),
        bind("t", "use_set"),
    ]
    DEFAULT_CSS = """
    DataSetEditorScreen #ds-left { width: 40; }
    DataSetEditorScreen #ds-right { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.images: ImageSet = book_images()
        self.selected: int | None = 0
        self._undo: list[tuple[ImageSet, int | None]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="ds-left"):
                yield Static(id="ds-info", markup=False)
                yield PixelGrid(id="ds-draw")
                yield Static(id="ds-keys", markup=False)
            with VerticalScroll(id="ds-right"):
                yield ImageGallery(id="ds-gallery")
        yield TutorFooter()

    def on_mount(self) -> None:
        current = datasets.image_set_of(self.app.ensure_workbench().setup)
        if current is not None:
            self.images = current
        self.watch(self.app, "lang", lambda _: self._show())
        self.query_one("#ds-gallery").focus()
        self._show()

    @property
    def library(self):
        return library_for(self.app.session)

    def _show(self) -> None:
        s = self.images
        if self.selected is not None and not 0 <= self.selected < len(s):
            self.selected = len(s) - 1 if len(s) else None
        grid = self.query_one("#ds-draw", PixelGrid)
        pixels = s.images[self.selected] if self.selected is not None else None
        if grid.shape != (s.rows, s.cols):
            grid.set_shape(s.rows, s.cols, pixels)
        else:  # the same grid: repaint the pixels only, no layout
            grid.pixels = tuple(int(v >= 0.5) for v in pixels) if pixels is not None else (0,) * s.pixels
        counts = ", ".join(f"{name}: {s.labels.count(k)}" for k, name in enumerate(s.classes))
        info = self.app.tr("ds_info", grid=s.grid_text, n=len(s), counts=counts)
        if self.selected is not None:
            info += "\n" + self.app.tr("ds_selected", n=self.selected + 1, label=s.classes[s.labels[self.selected]])
        self.query_one("#ds-info", Static).update(info)
        self.query_one("#ds-keys", Static).update(self.app.tr("ds_keys"))
        captions = [(s.classes[k], "bold") for k in s.labels]
        gallery = self.query_one("#ds-gallery", ImageGallery)
        gallery.show(s.images, s.rows, s.cols, captions, self.selected)
        if self.selected is not None:
            region = gallery.tile_region(self.selected)
            self.call_after_refresh(self.query_one("#ds-right").scroll_to_region, region, animate=False)

    def _change(self, images: ImageSet, selected: int | None) -> None:
        self._undo = (self._undo + [(self.images, self.selected)])[-MAX_UNDO:]
        self.images, self.selected = images, selected
        self._show()

    def _refuse(self, err: Exception) -> None:
        self.notify(str(err), severity="error")

    @on(ImageGallery.Selected)
    def _selected(self, event: ImageGallery.Selected) -> None:
        self.selected = event.index
        self._show()

    @on(PixelGrid.Toggled, "#ds-draw")
    def _flip(self, event: PixelGrid.Toggled) -> None:
        if self.selected is None:
            self.notify(self.app.tr("ds_nothing_selected"), severity="warning")
            return
        self._change(self.images.flipped(self.selected, event.index), self.selected)

    def action_new_image(self) -> None:
        label = self.images.labels[self.selected] if self.selected is not None else 0
        self._change(self.images.with_image([0.0] * self.images.pixels, label), len(self.images))
        grid = self.query_one("#ds-draw", PixelGrid)
        grid.cursor = 0  # a new drawing starts at the top-left pixel
        grid.focus()

    def _needs_selection(self) -> bool:
        if self.selected is None:
            self.notify(self.app.tr("ds_nothing_selected"), severity="warning")
        return self.selected is not None

    def action_delete_image(self) -> None:
        if self._needs_selection():
            self._change(self.images.without(self.selected), self.selected)

    def action_duplicate_image(self) -> None:
        if self._needs_selection():
            self._change(self.images.duplicated(self.selected), self.selected + 1)

    def action_relabel(self) -> None:
        if self._needs_selection():
            question = self.app.tr("ds_prompt_label", classes=", ".join(self.images.classes))
            self.app.push_screen(PromptScreen(question), self.relabel)

    def relabel(self, name: str | None) -> None:
        if not name or not name.strip() or self.selected is None:
            return
        name, images = name.strip(), self.images
        try:
            if name not in images.classes:
                images = images.with_class(name)
        except DataSetFileError as err:
            return self._refuse(err)
        self._change(images.relabelled(self.selected, images.classes.index(name)), self.selected)

    def action_undo(self) -> None:
        if not self._undo:
            self.notify(self.app.tr("ds_nothing_to_undo"))
            return
        self.images, self.selected = self._undo.pop()
        self._show()

    def action_start_book(self) -> None:
        self._change(book_images(), 0)

    def action_start_empty(self) -> None:
        self.app.push_screen(PromptScreen(self.app.tr("ds_prompt_grid"), f"{self.images.rows}x{self.images.cols}"),
                             self._empty_grid)

    def _empty_grid(self, text: str | None) -> None:
        if text is None:
            return
        try:
            rows, cols = parse_grid(text)
        except DataSetFileError as err:
            return self._refuse(err)
        self._change(datasets.empty(rows, cols), None)

    def action_open_set(self) -> None:
        library = self.library
        names = library.names()
        if library.kind == "files":
            question = self.app.tr("ds_prompt_open_files")
        else:
            question = self.app.tr("ds_prompt_open_slots", names=", ".join(names[:8]) or "—")
        self.app.push_screen(PromptScreen(question, library.default_name), self.open_set)

    def open_set(self, name: str | None) -> None:
        if not name:
            return
        try:
            images = self.library.load(name, (self.images.rows, self.images.cols))
        except LibraryError as err:
            return self._refuse(err)
        self._change(images, 0)
        self.notify(self.app.tr("ds_opened", n=len(images), grid=images.grid_text))

    def action_save_set(self) -> None:
        library = self.library
        self.app.push_screen(PromptScreen(self.app.tr("ds_prompt_save"), library.default_name), self.save_set)

    def save_set(self, name: str | None) -> None:
        if not name:
            return
        try:
            self.images.check_trainable()
            where = self.library.save(name, self.images)
        except (LibraryError, DataSetFileError) as err:
            return self._refuse(err)
        self.notify(self.app.tr("ds_saved", name=where))

    def action_use_set(self) -> None:
        try:
            self.images.check_trainable()
        except DataSetFileError as err:
            return self._refuse(err)
        hidden = self.app.workbench.setup.network.layers[1] if self.app.workbench else 3
        self.app.push_screen(PromptScreen(self.app.tr("ds_prompt_hidden", most=MAX_HIDDEN), str(hidden)),
                             self.use_set)

    def use_set(self, text: str | None) -> None:
        if text is None:
            return
        text = text.strip()
        if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= MAX_HIDDEN:
            return self._refuse(ValueError(self.app.tr("ds_hidden_range", most=MAX_HIDDEN, text=text[:20])))
        self.app.workbench = Workbench.from_images(self.images, int(text), self.app.ensure_workbench())
        self.notify(self.app.tr("ds_in_use", grid=self.images.grid_text, n=len(self.images),
                                layers="-".join(map(str, self.app.workbench.setup.network.layers))))
        self.dismiss()

    def action_dismiss(self) -> None:
        self.dismiss()
