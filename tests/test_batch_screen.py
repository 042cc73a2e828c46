"""The workbench's whole training set and its nudge, driven with Textual's Pilot."""

from __future__ import annotations

import pytest

from tui_tutor.app import TutorApp
from tui_tutor.engine import presets, training
from tui_tutor.engine.batch import BatchRef, explain_batch
from tui_tutor.engine.network import cost_of
from tui_tutor.engine.quantities import Ref
from tui_tutor.engine.symbols import number
from tui_tutor.i18n import LANGUAGES, action_label
from tui_tutor.widgets.batch_table import BatchTable
from tui_tutor.widgets.formula_panel import FormulaPanel

SMALL, LARGE = (80, 24), (120, 40)


def plain(line) -> str:
    return "".join(text for text, _ in line)


def formula(app) -> list[str]:
    return app.screen.query_one("#formula", FormulaPanel).content.splitlines()


async def test_the_whole_set_steps_over_all_64_images_then_the_sum_and_every_update():
    book = presets.book()
    ex = explain_batch(book.network, book.data, book.learning_rate)
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("b")
        table = app.screen.query_one(BatchTable)
        assert app.focused is table and app.screen.query_one("#wb-tabs").active == "tab-batch"
        rows = [plain(line).split() for line in table.body[:64]]
        assert [int(row[0]) for row in rows] == list(range(1, 65))  # a row an image, 64 of them
        assert rows[4][2] == number(ex.value_of(BatchRef("delta", 3, 1, image=5)))  # image 5's δ₁³
        assert rows[4][4] == number(ex.value_of(BatchRef("grad_w", 3, 1, 1, image=5)))  # its share δ·a
        assert formula(app)[2] == "∂C₁/∂w₁₁³ = δ₁³[1]a₁²[1]"
        scroller = table.query_one("#batch-scroll")
        for k in range(10, 65, 9):  # every image in turn, nine keys a look; the cursor row kept in view
            await pilot.press(*"n" * 9)
            assert formula(app)[2].startswith(f"∂C{''.join('₀₁₂₃₄₅₆₇₈₉'[int(c)] for c in str(k))}/∂w₁₁³")
            assert plain(table.query_one("#batch-rows")._lines[k - 1]).startswith("▶")
            top = scroller.scroll_offset.y
            assert top <= k - 1 < top + scroller.scrollable_content_region.height
        assert scroller.scroll_offset.y > 40
        await pilot.press("n")  # the sum
        total = ex.value_of(BatchRef("grad_w", 3, 1, 1))
        lines = formula(app)
        assert lines[0] == "Step 65 of 112 · Gradients"
        assert lines[1] == "general form: ∂C_T/∂wⱼᵢˡ = Σₖ δⱼˡ[k] aᵢˡ⁻¹[k]"
        shown = " ".join(lines[2:])
        assert shown.startswith("∂C_T/∂w₁₁³ = δ₁³[1]a₁²[1] + δ₁³[2]a₁²[2] + δ₁³[3]a₁²[3] + … + δ₁³[64]a₁²[64]")
        value = [line for line in lines if line.lstrip().startswith("=")][-1]  # the last line is the legend
        assert value.split("= ")[-1] == number(total, 6) == "0.540977"
        await pilot.press("n")  # the updates: w₁₁² first, every parameter down to b₂³
        assert formula(app)[2] == "w₁₁² ← w₁₁² − η ∂C_T/∂w₁₁²"
        await pilot.press("end")
        assert formula(app)[0] == "Step 112 of 112 · Update"
        value = [line for line in formula(app) if line.lstrip().startswith("=")][-1]
        assert value.split("= ")[-1] == number(ex.updated.b(3, 2), 6)


async def test_the_followed_parameter_is_the_parameters_tabs_cell_and_braces_move_it():
    app = TutorApp(lang="zh", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("e", "down", "right", "b")  # w₂₂² on the Parameters tab, then the whole set
        table = app.screen.query_one(BatchTable)
        assert "跟踪 w₂₂²" in table.query_one("#batch-hint").content
        assert app.screen.query_one("#wb-tabs").get_tab("tab-batch").label.plain == "整个训练集"
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")  # to the sum
        assert formula(app)[2].startswith("∂C_T/∂w₂₂² = δ₂²[1]x₂[1] + ")
        await pilot.press("right_curly_bracket")
        assert formula(app)[2].startswith("∂C_T/∂w₂₃² = δ₂²[1]x₃[1] + ")
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        assert formula(app)[2].startswith("∂C_T/∂w₂₁² = ")
        await pilot.press("tab")  # the formula panel goes back to the one image's step when the tab changes
        app.screen.query_one("#wb-tabs").active = "tab-steps"
        await pilot.pause()
        assert formula(app)[0] == "步骤 1 / 110 · 正向传播"


async def test_the_nudge_agrees_with_the_gradient_to_first_order_and_undoes():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e", "down", "right")  # w₂₂²
        setup = app.workbench.setup
        before = setup.network
        await pilot.press("h")
        nudge = app.screen.last_nudge
        assert nudge.parameter == Ref("w", 2, 2, 2) and nudge.h == 1e-3
        assert app.workbench.setup.network.w(2, 2, 2) == before.w(2, 2, 2) + 1e-3
        change = cost_of(app.workbench.setup.network, setup.input, setup.target) - cost_of(before, setup.input,
                                                                                           setup.target)
        assert nudge.change == pytest.approx(change, rel=1e-9)
        assert abs(nudge.change) > 1e-8 and abs(nudge.change - nudge.predicted) < 1e-2 * abs(nudge.change)
        said = [n.message for n in app._notifications]
        assert f"w₂₂² moved by 0.001: C changed by {number(nudge.change, 6)}; ∂C/∂θ·h predicted " \
               f"{number(nudge.predicted, 6)}" in said
        await pilot.press("u")  # undone like an update
        assert app.workbench.setup.network.same_as(before)
        await pilot.press("H", "ctrl+a", "ctrl+k", *"-0.01", "enter")  # a negative h moves it down
        assert app.workbench.setup.network.w(2, 2, 2) == pytest.approx(before.w(2, 2, 2) - 0.01, abs=1e-15)
        assert app.screen.last_nudge.predicted == pytest.approx(-0.01 * nudge.gradient)
        await pilot.press("H", "ctrl+a", "ctrl+k", "0", "enter")  # refused: the network stays
        assert any("h must be a non-zero number" in n.message and "'0'" in n.message for n in app._notifications)
        assert len(app.workbench.history) == 1


async def test_the_whole_sets_update_is_trains_first_and_undoes():
    book = presets.book()
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("b", "a")
        trained = training.train(book.network, book.data, book.learning_rate, 1)
        assert app.workbench.setup.network.same_as(trained.network)
        assert f"Full-batch update applied: C_T 20.2545 → {number(trained.cost_history[1], 6)}" in [
            n.message for n in app._notifications]
        assert "C_T = 14.4273" in app.screen.query_one(BatchTable).query_one("#batch-hint").content
        await pilot.press("u")
        assert app.workbench.setup.network.same_as(book.network)
        await pilot.press("m")  # the 2-2-2 example has no training set: its one input is the set
        table = app.screen.query_one(BatchTable)
        assert "the one example is the whole set" in table.query_one("#batch-hint").content
        assert [plain(line).split()[0] for line in table.body[:2]] == ["1", "Σ"]
        assert formula(app)[0] == "Step 1 of 10 · Gradients"  # 1 image, the sum, 8 weights (biases stay)


def test_the_whole_sets_keys_are_named_in_both_languages():
    named = [b for b in BatchTable.BINDINGS if b.description]
    assert {b.key for b in named} >= {"n", "p", "right_curly_bracket", "left_curly_bracket", "a"}
    for binding in named:
        for lang in LANGUAGES:
            assert action_label(lang, binding.action, "BatchTable"), (lang, binding.action)
    assert action_label("zh", "batch_mode") == "整个训练集" and action_label("en", "nudge") == "Nudge +h"
