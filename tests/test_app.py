"""The tutor driven through its keys and mouse with Textual's Pilot; assertions on the live state."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from textual.notifications import Notify
from textual.widgets import DataTable, Input

from tui_tutor.app import TutorApp
from tui_tutor.curriculum.lessons import lessons_root, load_lessons
from tui_tutor.engine import presets
from tui_tutor.engine.netfile import load_setup
from tui_tutor.engine.steps import Ref
from tui_tutor.engine.symbols import number
from tui_tutor.i18n import PHASE_TITLES, tr
from tui_tutor.progress import MemoryStore
from tui_tutor.screens.help import HelpScreen
from tui_tutor.screens.lessons import LessonsScreen
from tui_tutor.widgets.parameter_editor import ParameterEditor
from tui_tutor.widgets.parameter_grid import ParameterGrid

ROOT = Path(__file__).resolve().parents[1]
SMALL, LARGE = (80, 24), (120, 40)


class Notes(list):
    """A message hook that keeps every notification the app posts (toasts are off under run_test)."""

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification)

    def text(self, severity: str | None = None) -> str:  # the messages, one a line
        return "\n".join(n.message for n in self if severity is None or n.severity == severity)


def numbers(app: TutorApp) -> tuple[np.ndarray, ...]:
    """x, then z, a and δ of every layer, from the explanation the screens render."""
    p = app.workbench.explanation.pass_
    return (p.x, *p.z, *p.a[1:], *p.delta)


def phase(app: TutorApp) -> str:
    return app.workbench.explanation.steps[app.workbench.step].phase


def all_differ(before, after) -> bool:
    return all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))


async def type_in_prompt(pilot, text: str) -> None:
    """The prompt's field selects its text on focus, so typing replaces it."""
    await pilot.pause()
    assert isinstance(pilot.app.focused, Input)
    await pilot.press(*text, "enter")
    await pilot.pause()


async def test_space_and_a_click_on_the_grid_toggle_a_pixel_and_everything_follows():
    app = TutorApp(lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("w")
        assert app.current_mode == "workbench" and app.focused.id == "grid"
        before = numbers(app)
        await pilot.press("down", "right", "space")  # x₅, the middle of the top half
        x = app.workbench.setup.input
        assert np.flatnonzero(x != before[0]).tolist() == [4]
        assert app.screen.query_one("#grid").pixels[4] == int(x[4]) == 1
        assert all_differ(before, numbers(app))  # z, a and δ of every unit follow
        assert app.workbench.image is None and not any(np.array_equal(i, x) for i in presets.book_images())
        assert "edited" in str(app.screen.query_one("#wb-info").content)
        await pilot.press("space")
        assert app.workbench.image == 1 and all(np.array_equal(b, a) for b, a in zip(before, numbers(app)))
        # A click on x₈ (row 3, column 2): one border cell, then four cells a pixel, one line a row.
        assert await pilot.click("#grid", offset=(1 + 4 + 1, 1 + 2))
        assert np.flatnonzero(app.workbench.setup.input != before[0]).tolist() == [7]
        assert all_differ(before, numbers(app))


async def test_the_editor_refuses_bad_numbers_and_keeps_the_old_value_then_takes_good_ones():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        state, before = app.workbench, numbers(app)
        old = state.setup.network.w(2, 1, 1)
        await pilot.press("e")
        assert isinstance(app.focused, ParameterGrid) and app.focused.id == "layer-2"
        await pilot.press("enter")  # the cursor starts on w₁₁² (rows labelled, no label column)
        editor = app.screen.query_one(ParameterEditor)
        assert editor.editing == Ref("w", 2, 1, 1)
        for text, problem in [("abc", "not a number"), ("nan", "finite"), ("1e999", "finite")]:
            await pilot.press(*text, "enter")  # n, a, b… are typed, not taken as keys of the workbench
            assert app.workbench is state  # not even a new, equal state
            message = str(app.screen.query_one("#edit-message").content)
            assert problem in message and repr(text) in message and f"kept {number(old, 6)}" in message
            assert editor.editing is not None  # still open, to correct the entry
            await pilot.press(*["backspace"] * len(text))
        await pilot.press(*"0.5", "enter")
        assert app.workbench.setup.network.w(2, 1, 1) == 0.5
        assert not np.array_equal(before[1], numbers(app)[1])  # z of the hidden layer moved
        assert str(app.screen.query_one("#edit-message").content) == ""
        assert editor.editing is None and app.focused.id == "layer-2"
        await pilot.press("end", "ctrl+end", "enter", *"-1", "enter")  # the last unit's bias, b₃²
        assert app.workbench.setup.network.b(2, 3) == -1.0 and app.workbench.setup.network.w(2, 1, 1) == 0.5
        await pilot.press("enter", *"7", "escape")  # Esc leaves the value as it was
        assert app.workbench.setup.network.b(2, 3) == -1.0 and editor.editing is None


async def test_n_and_p_step_and_the_arrows_step_where_the_focus_lets_them_through():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("p")
        assert app.workbench.step == 0  # no step before the first
        await pilot.press("n", "n", "n", "p")
        assert app.workbench.step == 2
        await pilot.press("right")  # the focused grid takes the arrows to move its cursor
        assert app.workbench.step == 2 and app.screen.query_one("#grid").cursor == 1
        await pilot.press("tab", "tab")  # the step-through pane: there → and ← step
        assert app.focused.parent.id == "tab-steps"
        await pilot.press("right", "right", "left")
        assert app.workbench.step == 3
        await pilot.press("shift+tab", "right")  # the tab bar takes → to change the tab
        assert app.workbench.step == 3 and app.screen.query_one("#wb-tabs").active == "tab-params"


async def test_3_jumps_to_the_output_delta_and_the_formula_shows_its_numbers():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("3")
        ex = app.workbench.explanation
        step = ex.steps[app.workbench.step]
        assert phase(app) == "output_delta" and app.workbench.step == ex.first_of("output_delta")
        text = str(app.screen.query_one("#formula").content)
        assert f"Step {app.workbench.step + 1} of {len(ex.steps)}" in text
        assert PHASE_TITLES["en"]["output_delta"] in text
        assert step.formula in text and step.substituted in text and number(step.value, 6) in text
        assert step.formula.startswith("δ₁³ = (a₁³ − t₁)")
        assert number(ex.pass_.delta_of(3)[0], 6) in text
        await pilot.press("N")  # the next phase
        assert phase(app) == "backward"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_every_step_shows_its_formula_with_the_numbers_and_the_value(lang):
    app = TutorApp(lang=lang, start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        steps = app.workbench.explanation.steps
        for k, step in enumerate(steps):
            text = str(app.screen.query_one("#formula").content)
            assert step.formula in text and step.substituted in text and number(step.value, 6) in text, k
            assert PHASE_TITLES[lang][step.phase] in text
            await pilot.press("n")
        assert app.workbench.step == len(steps) - 1  # n stops at the last step


async def test_apply_lowers_the_cost_undo_restores_it_exactly_and_q_quits():
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        initial, c0 = app.workbench.setup.network, app.workbench.explanation.pass_.cost
        assert app.workbench.image == 1 and initial.same_as(presets.book_network())
        await pilot.press("a")
        assert app.workbench.explanation.pass_.cost < c0 and len(app.workbench.history) == 1
        assert "Update applied" in notes.text()
        await pilot.press("u")
        assert app.workbench.explanation.pass_.cost == c0
        assert app.workbench.setup.network.same_as(initial) and app.workbench.history == ()
        await pilot.press("u")
        assert "No update to undo" in notes.text("warning")
        await pilot.press("n", "q")
        await pilot.pause()
    assert app.return_code == 0  # and the workbench was kept for the next start
    assert app.session.state.workbench.step == 1


async def test_try_it_in_lesson_5_opens_the_output_delta():
    store = MemoryStore()
    store.set_state("lesson", "4")  # the lessons screen reopens the last lesson read: lesson 5
    app = TutorApp(lang="en", start="workbench", store=store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, LessonsScreen) and app.screen.lesson.number == 5
        await pilot.press("y")
        assert app.current_mode == "workbench" and phase(app) == "output_delta"


def link_on_screen(app, href: str) -> tuple[int, int]:
    """Where on the screen a click would follow the link to ``href``."""
    for y in range(app.size.height):
        for x in range(app.size.width):
            if href in str(app.screen.get_style_at(x, y).meta.get("@click", "")):
                return x, y
    raise AssertionError(f"no link to {href} on the screen")


async def test_try_it_and_links_open_their_phase_in_the_workbench():
    notes = Notes()
    app = TutorApp(lang="en")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        await pilot.press("]", "y")  # lesson 2, whose first link is the output δ
        assert load_lessons("en")[1].workbench_links[0] == "output_delta"
        assert app.current_mode == "workbench" and phase(app) == "output_delta"
        await pilot.press("l")
        lessons = app.screen
        lessons.follow("workbench:backward")
        await pilot.pause()
        assert app.current_mode == "workbench" and phase(app) == "backward"
        await pilot.press("l", "end")  # lesson 2 ends with its links: a click on the second one
        await pilot.click(offset=link_on_screen(app, "workbench:backward"))
        assert app.current_mode == "workbench" and phase(app) == "backward"
        await pilot.press("3", "l", "]", "end")  # lesson 3's link goes to the gradients
        await pilot.click(offset=link_on_screen(app, "workbench:gradients"))
        assert app.current_mode == "workbench" and phase(app) == "gradients"
        lessons.follow("workbench:nowhere")
        await pilot.pause()
        assert "no such phase" in notes.text("warning") and phase(app) == "gradients"


async def test_L_switches_to_chinese_and_back():
    app = TutorApp(lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("L")
        assert app.lang == "zh" and app.title == tr("zh", "title")
        assert str(app.screen.query_one("#lessons-title").content) == "课程"
        titles = app.screen.query_one("#lesson-list").items
        assert titles == [lesson.title.replace(". ", ".", 1) for lesson in load_lessons("zh")]  # CJK: no space
        if any((lessons_root() / "zh").glob("[0-9][0-9]-*.md")):
            assert titles != [lesson.title for lesson in load_lessons("en")]
        await pilot.press("w")
        tabs = app.screen.query_one("#wb-tabs")
        assert str(tabs.get_tab("tab-steps").label) == tr("zh", "step_through")
        assert str(app.screen.query_one("#formula").content).startswith("步骤 1 /")
        await pilot.press("L")
        assert app.lang == "en" and str(tabs.get_tab("tab-steps").label) == "Step-through"


async def test_save_then_load_gives_the_saved_state_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # short names to type: each key costs the Pilot ~70 ms
    path = Path("s.json")
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        await pilot.press("space", "T", "a", "E")  # a pixel, the target, one update, then η
        await type_in_prompt(pilot, "0.7")
        saved = app.workbench.setup
        await pilot.press("ctrl+s")
        await type_in_prompt(pilot, str(path))
        assert path.exists() and f"Saved to {path}" in notes.text()
        await pilot.press("space", "T", "a", "E")
        await type_in_prompt(pilot, "0.3")
        assert not app.workbench.setup.network.same_as(saved.network)
        await pilot.press("ctrl+o")
        assert app.focused.value == str(path)  # the prompt offers the last file
        await type_in_prompt(pilot, str(path))
        loaded = app.workbench.setup
        assert loaded.network.same_as(saved.network)
        assert np.array_equal(loaded.input, saved.input) and np.array_equal(loaded.target, saved.target)
        assert loaded.learning_rate == saved.learning_rate == 0.7
        assert f"Loaded {path}" in notes.text()
        cost = app.workbench.explanation.pass_.cost
    on_disk = load_setup(tmp_path / path)
    assert on_disk.network.same_as(saved.network) and on_disk.learning_rate == 0.7
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "tui_tutor", "explain", "--network", str(tmp_path / path), "--format", "json"]
    out = await asyncio.to_thread(subprocess.run, command, check=False, cwd=ROOT, env=env, capture_output=True,
                                  encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["learning_rate"] == 0.7 and doc["cost"] == pytest.approx(cost, rel=1e-12)


async def test_a_broken_file_is_reported_and_the_state_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("1").write_text("{not json", encoding="utf-8")
    Path("2").write_text('{"layers": [12, 3, 2]}', encoding="utf-8")
    notes = Notes()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL, message_hook=notes) as pilot:
        await pilot.press("n")
        state = app.workbench
        for name, problem in [("1", "not valid JSON"), ("2", "$.weights"), ("3", "3: no such file")]:
            await pilot.press("ctrl+o")
            await type_in_prompt(pilot, name)
            assert problem in notes[-1].message and notes[-1].severity == "error"
            assert app.workbench is state and app.current_mode == "workbench"


async def test_question_mark_lists_the_keys_of_the_screen():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(k)[0]): str(table.get_row_at(k)[1]) for k in range(table.row_count)}
        assert rows["n"] == "Next step" and rows["a"] == "Apply update" and rows["q"] == "Quit"
        assert rows["?"] == "Help" and "mouse" in rows


async def test_escape_closes_the_help():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark", "escape")
        assert not isinstance(app.screen, HelpScreen) and app.current_mode == "workbench"
