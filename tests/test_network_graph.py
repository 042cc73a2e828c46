"""The network graph of the step-through, driven with Textual's Pilot: which edges a step
lights and which way they point, that any network shape draws, and that the numbers of the
step are in view."""

from __future__ import annotations

import numpy as np
import pytest
from rich.cells import cell_len

from tui_tutor.app import TutorApp
from tui_tutor.engine.network import Network
from tui_tutor.engine.presets import Setup
from tui_tutor.tutor.workbench import Workbench
from tui_tutor.widgets.network_diagram import NetworkDiagram

SMALL, LARGE = (80, 24), (120, 40)


def diagram_of(app) -> NetworkDiagram:
    return app.screen.query_one("#diagram", NetworkDiagram)


def cell(diagram: NetworkDiagram, x: int, y: int) -> tuple[str, str]:
    """The character at (x, y) of the graph as drawn, and its style."""
    strip = diagram.render_line(1 + y)  # the header is line 0
    pos = 0
    for segment in strip:
        if pos <= x < pos + cell_len(segment.text):
            return segment.text[x - pos], str(segment.style)
        pos += cell_len(segment.text)
    return " ", ""


def arrows_of(diagram: NetworkDiagram, edges) -> set[str]:
    """The characters drawn at both ends of the lines of ``edges``."""
    graph = diagram.graph
    return {cell(diagram, x, y)[0] for e in edges for x, y in graph.ends(graph.line_of(e))}


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_a_backward_step_lights_the_weights_along_which_the_deltas_flow_back(size):
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")  # the first hidden δ: δ₁² = (δ₁³w₁₁³ + δ₂³w₂₁³)σ′(z₁²)
        await pilot.pause()
        step = app.workbench.explanation.steps[app.workbench.step]
        assert (step.kind, step.layer, step.unit) == ("hidden_delta", 2, 1)
        diagram = diagram_of(app)
        assert diagram.picture.lit_edges == {(3, 1, 1), (3, 2, 1)}  # w_j1^3 for every j, into unit 1
        assert arrows_of(diagram, diagram.picture.lit_edges) == {"◀"}  # right to left, at both ends
        char, style = cell(diagram, *next(iter(diagram.picture.marks)))
        assert char == "◀" and "bold" in style  # it reads without colour too
        await pilot.press("n")  # δ₂²: the edges into unit 2 instead
        assert diagram.picture.lit_edges == {(3, 1, 2), (3, 2, 2)}
        assert arrows_of(diagram, diagram.picture.lit_edges) == {"◀"}


async def test_a_forward_step_lights_the_edges_into_the_unit_computed():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=LARGE) as pilot:  # room for all 12 inputs, each edge its own line
        diagram = diagram_of(app)
        assert not diagram.graph.bundled
        assert diagram.picture.lit_edges == {(2, 1, i) for i in range(1, 13)}
        assert arrows_of(diagram, diagram.picture.lit_edges) == {"▶"}
        await pilot.press("n", "n")  # z₂²
        assert diagram.picture.lit_edges == {(2, 2, i) for i in range(1, 13)}
        await pilot.press("5")  # a gradient: its one edge, no arrow
        assert diagram.picture.lit_edges == {(2, 1, 1)} and not diagram.picture.marks
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:  # the 3×4 picture: one line for the 12 weights into a unit
        diagram = diagram_of(app)
        assert diagram.graph.bundled
        assert {diagram.graph.line_of(e) for e in diagram.picture.lit_edges} == {("bundle", 1)}
        assert arrows_of(diagram, diagram.picture.lit_edges) == {"▶"}


async def test_the_output_delta_lights_its_unit_and_its_target():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")  # δ₁³ = (a₁³ − t₁)σ′(z₁³)
        diagram = diagram_of(app)
        node = diagram.graph.nodes[(3, 1)]
        mark, _ = cell(diagram, node.x, node.y)
        target_char, target_style = cell(diagram, node.x + node.width, node.y)
        assert mark == "◆" and not diagram.picture.lit_edges
        assert target_char == "t" and "underline" in target_style  # t₁, lit without colour too
        other = diagram.graph.nodes[(3, 2)]
        assert cell(diagram, other.x, other.y)[0] == "●"
        assert "underline" not in cell(diagram, other.x + other.width, other.y)[1]


def lines_fit(diagram: NetworkDiagram) -> bool:
    return max(cell_len("".join(t for t, _ in line)) for line in diagram._lines) <= diagram.content_size.width


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_other_shapes_draw_with_every_unit(size):
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=size) as pilot:
        await pilot.press("m")  # the 2-2-2 example
        diagram = diagram_of(app)
        assert diagram.graph.layers == (2, 2, 2) and len(diagram.graph.lines) == 8
        assert all(s in diagram.content for s in ("x₁", "x₂", "z₁²", "a₂²", "a₁³", "a₂³", "t₂"))
        await pilot.press("4")
        assert diagram.picture.lit_edges == {(3, 1, 1), (3, 2, 1)}
        rng = np.random.default_rng(3)
        setup = Setup(Network.random((16, 8, 4), 5), rng.random(16), np.array([1.0, 0, 0, 0]), 0.5)
        app.workbench = Workbench.from_setup(setup)
        await pilot.pause()
        assert diagram.graph.layers == (16, 8, 4) and len(diagram.graph.lines) == 16 * 8 + 8 * 4
        assert "x₁₆" in diagram.content and "a₈²" in diagram.content and lines_fit(diagram)
        for key in "123456":  # every phase draws
            await pilot.press(key)
        assert diagram.picture.lit_edges == {(2, 1, 1)}  # the first update: w₁₁²


async def test_at_the_first_hidden_delta_the_deltas_and_weights_in_play_are_in_view_at_80x24():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("1", "4")  # from the long formula of z₁² (little room) to step 14
        await pilot.pause()
        diagram = diagram_of(app)
        scroll = app.screen.query_one("#diagram-scroll")
        top, rows = round(scroll.scroll_y), scroll.scrollable_content_region.height
        shown = [("".join(t for t, _ in line)) for line in diagram._lines[top:top + rows]]
        assert any("δ₁³ −0.1481" in line and "δ₂³ 0.01717" in line for line in shown)
        assert any("w₁₁³ 0.388" in line and "w₂₁³ 0.025" in line for line in shown)
        lit = {y for e in diagram.picture.lit_edges for _, y in diagram.graph.ends(diagram.graph.line_of(e))}
        assert all(top <= 1 + y < top + rows for y in lit)  # the lit edges too


async def test_a_step_restyles_the_graph_it_has_and_another_network_lays_it_out_anew():
    app = TutorApp(lang="en", start="workbench")
    async with app.run_test(size=SMALL) as pilot:
        diagram = diagram_of(app)
        graph, edges = diagram.graph, diagram._edges[1]
        for key in ("n", "n", "4", "n", "5", "6", "space"):  # steps, phases and a pixel: the same network
            await pilot.press(key)
            assert diagram.graph is graph and diagram._edges[1] is edges
        await pilot.press("a")  # an update: a new network, its edges drawn again on the same layout
        assert diagram.graph is graph and diagram._edges[1] is not edges
        await pilot.press("m")  # another shape: a new layout
        assert diagram.graph is not graph and diagram.graph.layers == (2, 2, 2)


async def test_without_colour_the_lit_graph_keeps_its_attributes_and_no_colour(monkeypatch):
    """NO_COLOR: the highlights on the graph are attributes and marks, never blocks of grey."""
    from rich.style import Style

    from tui_tutor.app import TutorApp
    from tui_tutor.progress import MemoryStore

    monkeypatch.setenv("NO_COLOR", "1")
    app = TutorApp(lang="en", start="workbench", store=MemoryStore())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")  # the backward recursion's first step
        await pilot.pause()
        diagram = app.screen.query_one("#diagram")
        styles = [Style.parse(style) for line in diagram._lines for _text, style in line if style]
        assert styles and not any(s.color or s.bgcolor for s in styles)
        assert any(s.bold or s.reverse or s.underline for s in styles)
