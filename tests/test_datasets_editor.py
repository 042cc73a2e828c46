"""The data set editor through the Pilot: a 5×5, 3-class data set drawn, trained, saved and
loaded back; and the editor's edits, undo, and the store in the lab."""

from __future__ import annotations

import asyncio
import re
import time

import numpy as np

from tui_tutor.app import TutorApp
from tui_tutor.engine import dataset_files, datasets, netfile
from tui_tutor.progress.store import MemoryStore
from tui_tutor.screens.dataset_editor import DataSetEditorScreen
from tui_tutor.tutor.capabilities import Capabilities

SIZE = (80, 24)
# Pixels to switch on (row, column) on a 5×5 grid: a drawing a class; a copy of it with one more
# pixel is the class's second image.
DRAWINGS = {
    "0": [(0, 1), (1, 0), (1, 2), (2, 1)],
    "1": [(0, 3), (1, 3), (2, 3), (3, 3), (4, 3)],
    "7": [(0, 0), (0, 1), (0, 2), (1, 2), (2, 1), (3, 1)],
}
EXTRA = {"0": (0, 0), "1": (4, 4), "7": (4, 1)}


async def type_answer(pilot, text: str) -> None:
    await pilot.pause()
    await pilot.press(*text, "enter")
    await pilot.pause()


async def draw(pilot, cells) -> None:
    """From the top-left pixel, move the cursor to each cell and toggle it."""
    r0 = c0 = 0
    for r, c in cells:
        keys = ["down"] * (r - r0) + ["up"] * (r0 - r) + ["right"] * (c - c0) + ["left"] * (c0 - c)
        await pilot.press(*keys, "space")
        r0, c0 = r, c
    await pilot.press(*(["up"] * r0 + ["left"] * c0))


async def wait_for(pilot, condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.1)


def test_a_data_set_drawn_in_the_editor_is_trained_saved_and_loaded_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def run() -> None:
        app = TutorApp(store=MemoryStore(), start="training", capabilities=Capabilities.home())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("d")
            editor = app.screen
            assert isinstance(editor, DataSetEditorScreen) and len(editor.images) == 64  # the book's
            await pilot.press("e")
            await type_answer(pilot, "5x5")
            assert editor.images.grid_text == "5×5" and len(editor.images) == 0
            for label, cells in DRAWINGS.items():
                await pilot.press("n")
                await draw(pilot, cells)
                await pilot.press("r")
                await type_answer(pilot, label)
                await pilot.press("c")
                await draw(pilot, [EXTRA[label]])
            drawn = editor.images
            assert drawn.classes == ("0", "1", "7") and drawn.labels == (0, 0, 1, 1, 2, 2)
            assert drawn.images[4][:3] == (1.0,) * 3 and sum(drawn.images[2]) == 5 and sum(drawn.images[3]) == 6
            await pilot.press("s")
            await type_answer(pilot, "mine.csv")
            await pilot.press("t")
            await type_answer(pilot, "4")
            assert app.workbench.setup.network.layers == (25, 4, 3)
            training = app.screen
            training.query_one("#eta").value, training.query_one("#epochs").value = "2", "300"
            await pilot.press("g")
            await wait_for(pilot, lambda: app.session.trainer.result is not None)
            await pilot.pause()
            await pilot.press("k")
            trained = app.workbench.setup.network
            assert not trained.same_as(datasets.new_network(5, 5, 3, 4))
            hidden = training.query_one("#hidden-units").content
            assert re.findall(r"unit \d", hidden) == [f"unit {j}" for j in (1, 2, 3, 4)]
            training.query_one("#draw").focus()
            await draw(pilot, DRAWINGS["7"][:-1] + [(4, 2)])  # a 7 not in the set: its foot moved
            assert "The network says: 7" in str(training.query_one("#draw-answer").render())
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("ctrl+s")
            await type_answer(pilot, "mine.json")
        again = netfile.load_setup(tmp_path / "mine.json")
        assert again.network.same_as(trained)
        assert datasets.image_set_of(again) == drawn
        assert dataset_files.load(tmp_path / "mine.csv") == drawn
        predicted = np.argmax(np.array(again.data.targets), axis=1).tolist()
        assert predicted == [0, 0, 1, 1, 2, 2]

    asyncio.run(run())


def test_edits_undo_and_the_lab_keeps_data_sets_in_the_store():
    store = MemoryStore()

    async def run() -> None:
        app = TutorApp(store=store, start="training", capabilities=Capabilities.lab())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("d")
            editor = app.screen
            book = editor.images
            await pilot.press("x")  # delete image 1
            assert len(editor.images) == 63
            await pilot.press("c")  # duplicate the (new) image 1
            assert len(editor.images) == 64 and editor.images.images[0] == editor.images.images[1]
            await pilot.press("u", "u")
            assert editor.images == book
            await pilot.press("n")
            await pilot.press("space")  # flips the first pixel of the new image
            assert editor.images.images[64][0] == 1.0 and len(editor.images) == 65
            await pilot.press("r")
            await type_answer(pilot, "7")
            await pilot.press("s")
            await type_answer(pilot, "sevens")
            assert store.dataset_names() == ["sevens"]
            await pilot.press("b")
            assert editor.images == book
            await pilot.press("o")
            await type_answer(pilot, "sevens")
            assert editor.images.classes == ("0", "1", "7") and len(editor.images) == 65
            await pilot.press("e")
            await type_answer(pilot, "9x9")
            assert editor.images.classes == ("0", "1", "7")  # refused: nothing changed
            await pilot.press("t")
            await type_answer(pilot, "3")
            assert app.workbench.setup.network.layers == (12, 3, 3)
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("left_square_bracket")  # from image 1 back round to the last, the 7
            assert app.workbench.image == 65 and app.workbench.class_name == "7"
            assert app.screen.query_one("#grid").pixels[0] == 1

    asyncio.run(run())
