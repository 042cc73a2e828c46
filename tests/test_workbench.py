"""The workbench's parameter grids and line-drawn panels, driven with Textual's Pilot:
what the learner sees in a cell, where the message goes, what a key repaints."""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Region

from tui_tutor.app import TutorApp
from tui_tutor.engine import presets
from tui_tutor.engine.steps import Ref, explain
from tui_tutor.engine.symbols import number
from tui_tutor.widgets.parameter_editor import ParameterEditor
from tui_tutor.widgets.parameter_grid import ParameterGrid
from tui_tutor.widgets.styled_lines import changed_cells, wrap_line

SMALL, LARGE = (80, 24), (120, 40)


def shown(grid: ParameterGrid, y: int) -> str:
    """Line ``y`` of the grid as drawn (0 is the header)."""
    return grid.render_lines(Region(0, y, grid.size.width, 1))[0].text


async def test_typing_shows_in_the_cell_and_a_refused_entry_keeps_the_old_value():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e", "down", "right", "enter", *"1e999")  # w₂₂²
        grid, editor = app.screen.query_one("#layer-2", ParameterGrid), app.screen.query_one(ParameterEditor)
        assert editor.editing == Ref("w", 2, 2, 2) and app.focused is grid
        assert "1e999" in shown(grid, 2) and "0.823" not in shown(grid, 2)  # in place, in its row
        await pilot.press("enter")
        old = number(app.workbench.setup.network.w(2, 2, 2), 6)
        assert f"kept {old}" in str(app.screen.query_one("#edit-message").content)
        await pilot.press("escape")  # Esc: the old value back in the cell, the message gone
        assert editor.editing is None and "−0.537" in shown(grid, 2)
        assert str(app.screen.query_one("#edit-message").content) == ""
        assert app.screen.query_one("#edit-message").size.height == 0


async def test_a_click_on_a_cell_of_the_second_layer_edits_it():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("e")
        grid = app.screen.query_one("#layer-3", ParameterGrid)
        # The label column (" w·a₁² " and a space), then a column of 9 a unit: unit 2, row w·a₂².
        assert await pilot.click(grid, offset=(7 + 9 + 2, 2))
        assert app.screen.query_one(ParameterEditor).editing == Ref("w", 3, 2, 2) and app.focused is grid
        await pilot.press(*"0.25", "enter")
        assert app.workbench.setup.network.w(3, 2, 2) == 0.25 and "0.25" in shown(grid, 2)


async def test_the_grids_fit_80_columns_and_the_cursor_row_stays_in_view():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e")
        first, second = app.screen.query_one("#layer-2"), app.screen.query_one("#layer-3")
        assert second.region.y > first.region.y and second.region.x == first.region.x  # one above the other
        assert first.region.right <= 80
        scroller = app.screen.query_one("#param-scroll")
        await pilot.press("end", "ctrl+end")  # b₃², the last row: the panel scrolls to it
        assert first.cursor == (12, 2)
        assert scroller.scrollable_content_region.contains(first.region.x, first.content_region.y + 13)
        await pilot.press("home")
        assert scroller.scrollable_content_region.contains(first.region.x, first.content_region.y)  # the header too
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("e")
        first, second = app.screen.query_one("#layer-2"), app.screen.query_one("#layer-3")
        assert second.region.y == first.region.y and second.region.x > first.region.right  # side by side


async def test_chinese_headers_and_a_committed_edit_repaints_one_row():
    app = TutorApp(lang="zh", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e")
        grid = app.screen.query_one("#layer-2", ParameterGrid)
        assert shown(grid, 0).split() == ["单元", "1", "单元", "2", "单元", "3"]
        header, row = shown(grid, 0), shown(grid, 1)
        assert cell_len(header[:header.index("单元 2")]) == cell_len(row[:row.index("0.442")])  # double width, aligned
        await pilot.press("down", "enter", *"0.5")
        repainted = []
        refresh = grid.refresh
        grid.refresh = lambda *regions, **kw: (repainted.append((regions, kw)), refresh(*regions, **kw))[1]
        await pilot.press("enter")
        assert app.workbench.setup.network.w(2, 1, 2) == 0.5
        assert repainted == [((Region(0, 2, grid.size.width, 1),), {})]  # its row only: no layout, no table redraw
        assert "原值" not in str(app.screen.query_one("#edit-line").content)  # the hint again, in Chinese
        assert "Enter" in str(app.screen.query_one("#edit-line").content)


async def test_switching_the_network_on_the_parameters_tab_reshapes_the_grids():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e", "m")  # used to mount a second "layer-2" while the first was going
        grid = app.screen.query_one("#layer-2", ParameterGrid)
        assert app.workbench.preset == "mazur" and len(grid.cells) == 3 and "0.15" in shown(grid, 1)
        await pilot.press("enter", *"0.2", "enter")
        assert app.workbench.setup.network.w(2, 1, 1) == 0.2


async def test_the_diagram_keeps_its_room_from_step_to_step():
    """A step with fewer weights in play neither shrinks the diagram nor makes a scroll bar come
    and go (each would lay the screen out again: ~20 ms a layout, then another)."""
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        diagram = app.screen.query_one("#diagram")
        height = diagram.size.height
        assert "in play" in str(diagram.content)
        await pilot.press("3", "n", "p")  # the output δ: no weight in play; a layout of the formula panel
        assert "in play" not in str(diagram.content) and diagram.size.height == height
        await pilot.press("m")  # another network: fitted anew
        assert diagram.size.height < height


def test_a_line_wraps_at_spaces_and_keeps_its_colours():
    line = (("z₁² = ", ""), ("w₁₁²", "gold"), ("x₁", "sky"), (" + ", ""), ("b₁²", "pink"))
    assert wrap_line(line, 80) == [line]
    assert wrap_line(line, 10) == [(("z₁² =", ""),), (("w₁₁²", "gold"), ("x₁", "sky"), (" +", "")), (("b₁²", "pink"),)]
    assert wrap_line((("abcdefgh", "x"),), 3) == [(("abc", "x"),), (("def", "x"),), (("gh", "x"),)]
    assert wrap_line((("步骤 1 / 110", "bold"),), 6) == [(("步骤 1", "bold"),), (("/ 110", "bold"),)]


def test_steps_built_on_demand_are_the_steps_built_in_order():
    s = presets.book(7)
    lazy, full = explain(s.network, s.input, s.target, 0.3), explain(s.network, s.input, s.target, 0.3)
    in_order = list(full.steps)
    for k in (len(in_order) - 1, 0, 57, 10, -1):  # any order, negative indexes too
        assert lazy.steps[k].to_dict() == in_order[k].to_dict()
    assert lazy.steps[3] is lazy.steps[3] and [s.phase for s in in_order] == list(lazy.steps.phases)


def test_the_cells_a_line_changed_are_found_even_when_the_rest_moves():
    assert changed_cells((("C = 0.25 · ok", ""),), (("C = 0.31 · ok", ""),)) == (6, 8)  # the tail stays put
    assert changed_cells((("a 10.5 b", ""),), (("a 9.5 b", ""),)) == (2, 8)  # the tail moved: repainted too
    assert changed_cells((("a ", ""), ("w", "gold")), (("a ", ""), ("w", "sky"))) == (2, 3)  # a style alone
    assert changed_cells((("步骤 1", "bold"),), (("步骤 2", "bold"),)) == (5, 6)  # double-width characters
    assert changed_cells((), (("abc", ""),)) == (0, 3) and changed_cells((("abc", ""),), ()) == (0, 3)


async def test_a_step_repaints_the_changed_cells_and_leaves_the_image_and_its_numbers_alone():
    """The diagram sends only the cells a step changed; the formula panel sends its changed lines
    whole ("Step 2 of 110" stays readable in the terminal's output, which the lab's tools read)."""
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=(100, 32)) as pilot:
        diagram, formula, info = (app.screen.query_one(name) for name in ("#diagram", "#formula", "#wb-info"))
        width = diagram.content_size.width
        before = diagram._shown(width)
        repainted, whole, info_shown = [], [], []
        for widget, log in ((diagram, repainted), (formula, whole)):
            widget.refresh = lambda *regions, _log=log, _refresh=widget.refresh, **kw: (
                _log.extend(regions), _refresh(*regions, **kw))[1]
        show_lines = info.show_lines
        info.show_lines = lambda *a, **kw: (info_shown.append(a), show_lines(*a, **kw))[1]
        await pilot.press("n")  # z₁² → a₁²: the edges into unit 1 go out, a₁² lights up
        after = diagram._shown(width)
        assert repainted and all(r.height == 1 for r in repainted) and any(r.width < width for r in repainted)
        for y, (old, new) in enumerate(zip(before, after)):
            old_cells = [(ch, s) for text, s in old for ch in text]
            new_cells = [(ch, s) for text, s in new for ch in text]
            changed = {x for x in range(max(len(old_cells), len(new_cells)))  # one cell a character here
                       if old_cells[x:x + 1] != new_cells[x:x + 1] and x < width}
            covered = {x for r in repainted if r.y == y for x in range(r.x, r.right)}
            assert changed <= covered, y
        assert [(r.x, r.width) for r in whole if r.y == 0] == [(0, formula.content_size.width)]
        assert info_shown == []  # a step: the image, target and cost did not change
        await pilot.press("space")
        assert len(info_shown) == 1 and "C = " in info.content


def test_without_bias_updates_the_pass_has_no_bias_update_step():
    s = presets.book(1)
    steps = list(explain(s.network, s.input, s.target, 0.2, update_biases=False).steps)
    assert len(steps) == 105 and "bias_update" not in {step.kind for step in steps}
    assert steps[-1].to_dict() == explain(s.network, s.input, s.target, 0.2).steps[-2].to_dict()
