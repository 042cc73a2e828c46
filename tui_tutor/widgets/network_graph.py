"""The network graph painted for one step: which edges and units light up, and how.

The step decides: in the forward pass the edges into the unit being computed (▶ at both
ends); at the output δ the unit and its target; in the backward recursion the edges
w_ji^(l+1) along which the δ_j^(l+1) flow back into unit i (◀ at both ends: right to left);
at a gradient the edge and the two units whose δ and a multiply; at an update the edge
that changes. Lit things take the formula panel's styles (``style_for``, ``RESULT_STYLE``;
an edge takes the role's colour for its dots) and also differ without colour: a lit edge is
drawn thick and alone in its cells, with its arrows in reverse; a unit in play has the mark
◉ and is underlined, the step's result has ◆ (and ``RESULT_STYLE``'s reverse).

Every edge shows its weight without colour too: solid for w > 0, dotted for w < 0, thick
for |w| ≥ 1 (and blue or red, by sign).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from rich.style import Style

from ..engine.steps import Explanation, Ref, Step
from ..engine.symbols import number, target
from .colours import RESULT_STYLE, style_for
from .network_graph_layout import PIXEL_WIDTH, EdgeKey, GraphLayout, braille
from .styled_lines import Line

HEAVY = 1.0  # |w| from which an edge is drawn thick
POSITIVE, NEGATIVE = "#5f87ff", "#ff5f5f"  # edge colours by sign: both read on dark and light
BUNDLE_STYLE = "bold"
FORWARD, BACKWARD = "▶", "◀"
NODE, IN_PLAY, RESULT = "●", "◉", "◆"
LIT = " bold"

Cell = tuple[str, str]


@dataclass
class Picture:
    """One step's graph: its rows, and what lit up (for the widget to scroll to, and for tests)."""

    rows: list[Line]
    lit_edges: frozenset[EdgeKey]
    marks: dict[tuple[int, int], str]  # (x, y) in the graph → the arrow drawn there
    lit_rows: tuple[int, ...]


def edge_style(w: float) -> tuple[str, bool, bool]:
    """The style, dotted?, thick? of an edge of weight ``w``."""
    return (POSITIVE if w >= 0 else NEGATIVE), w < 0, abs(w) >= HEAVY


def paint_edges(layout: GraphLayout, network) -> list[list[Cell]]:
    """Every edge in its weight's style: the part of the picture a step does not change."""
    grid: list[list[Cell]] = [[(" ", "")] * layout.width for _ in range(layout.height)]
    bits: dict[tuple[int, int], int] = {}
    strongest: dict[tuple[int, int], tuple[float, str]] = {}
    for line in layout.lines:
        if line[0] == "bundle":
            style, dotted, thick, size = BUNDLE_STYLE, False, True, 0.0
        else:
            l, j, i = line
            w = network.w(l, j, i)
            (style, dotted, thick), size = edge_style(w), abs(w)
        for cell, b in layout.cells(line, dotted, thick).items():
            bits[cell] = bits.get(cell, 0) | b
            if cell not in strongest or size > strongest[cell][0]:
                strongest[cell] = (size, style)  # where lines cross, the heavier one's colour
    for (x, y), b in bits.items():
        if 0 <= y < layout.height and 0 <= x < layout.width:
            grid[y][x] = (braille(b), strongest[(x, y)][1])
    return grid


@lru_cache(maxsize=16)
def line_style(style: str) -> str:
    """A role's style for a line of dots: its background colour (a formula's term is dark on
    a light colour) becomes the dots' colour, so lit edges are lines, not blocks of colour."""
    parsed = Style.parse(style)
    if parsed.bgcolor is None:
        return style + LIT
    return str(Style(color=parsed.bgcolor, bold=True, underline=parsed.underline, italic=parsed.italic))


def lit_edges(step: Step, layers: tuple[int, ...]) -> tuple[frozenset[EdgeKey], str, str]:
    """The weights the step lights, the arrow they carry ("" for none) and their style."""
    l, u, kind = step.layer, step.unit, step.kind
    if kind == "weighted_input":
        return frozenset((l, u, i) for i in range(1, layers[l - 2] + 1)), FORWARD, line_style(style_for(Ref("w")))
    if kind == "hidden_delta":
        return frozenset((l + 1, j, u) for j in range(1, layers[l] + 1)), BACKWARD, line_style(style_for(Ref("w")))
    if kind in ("weight_gradient", "weight_update"):
        r = step.result
        return frozenset({(r.layer, r.j, r.i)}), "", RESULT_STYLE
    return frozenset(), "", ""


def shown_ref(l: int, u: int, step: Step) -> Ref:
    """What a unit shows: the quantity of it the step computes or uses, else a in the forward
    pass and δ from the output δ on (the inputs always x)."""
    if l == 1:
        return Ref("x", 1, u)
    for ref in (step.result, *step.uses):
        if ref.layer == l and ref.j == u and ref.quantity in ("z", "a", "delta"):
            return ref
    if Ref("dsigma", l, u) in step.uses:
        return Ref("z", l, u)
    return Ref("a" if step.phase in ("forward", "cost") else "delta", l, u)


def _role(ref: Ref, step: Step) -> tuple[str, str]:
    """A unit's mark and style: the result, in play, or neither."""
    if ref == step.result:
        return RESULT, RESULT_STYLE
    if ref in step.uses:
        return IN_PLAY, style_for(ref) + " underline"
    return NODE, ""


def _put(row: list[Cell], x: int, text: str, style: str) -> None:
    for k, ch in enumerate(text):
        if 0 <= x + k < len(row):
            row[x + k] = (ch, style)


def _fit(v: float, width: int) -> str:
    """A number in ``width`` cells: fewer figures when it would not fit, then "−2e-4"."""
    for digits in (4, 3, 2, 1):
        text = number(v, digits)
        if len(text) <= width:
            return text.ljust(width)
    mantissa, exponent = f"{v:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}".replace("-", "−", 1 if v < 0 else 0)[:width].ljust(width)


def paint(layout: GraphLayout, ex: Explanation, step: Step, base: list[list[Cell]]) -> Picture:
    grid = [list(row) for row in base]
    edges, arrow, edge_style_lit = lit_edges(step, layout.layers)
    lines = {layout.line_of(e) for e in edges}
    lit_bits: dict[tuple[int, int], int] = {}
    for line in lines:
        for cell, b in layout.cells(line, False, True).items():
            lit_bits[cell] = lit_bits.get(cell, 0) | b
    for (x, y), b in lit_bits.items():
        if 0 <= y < layout.height and 0 <= x < layout.width:
            grid[y][x] = (braille(b), edge_style_lit)
    marks = {}
    if arrow:
        for line in lines:
            for x, y in layout.ends(line):
                marks[(x, y)] = arrow
                grid[y][x] = (arrow, edge_style_lit + " reverse")  # a run of its own: it stands out
    lit_rows = {y for _, y in lit_bits}
    for (l, u), node in layout.nodes.items():
        ref = shown_ref(l, u, step)
        mark, style = _role(ref, step)
        row = grid[node.y]
        _put(row, node.x, mark, style)
        _put(row, node.x + 1, f"{ref.symbol} {_fit(ex.value_of(ref), node.width - len(ref.symbol) - 3)}", style)
        if style:
            lit_rows.add(node.y)
        if l == len(layout.layers):
            t = Ref("t", l, u)
            t_style = style_for(t) + " underline" if t in step.uses else ""
            _put(row, node.x + node.width, f"{target(u)} {_fit(ex.value_of(t), 5)}", t_style)
    if layout.picture is not None:
        _paint_picture(grid, layout, ex, step, lit_rows)
    return Picture([_runs(row) for row in grid], edges, marks, tuple(sorted(lit_rows)))


def _paint_picture(grid, layout: GraphLayout, ex: Explanation, step: Step, lit_rows: set[int]) -> None:
    """The 12 inputs as the 3×4 image; the pixels the step uses are marked (▓ or ░)."""
    px, py = layout.picture
    for k in range(12):
        ref = Ref("x", 1, k + 1)
        on = ex.value_of(ref) >= 0.5
        used = ref in step.uses or (step.result.quantity in ("grad_w", "w") and step.result.layer == 2
                                    and step.result.i == k + 1)
        text = ("▓" if on else "░") * PIXEL_WIDTH if used else ("█" if on else "·") * PIXEL_WIDTH
        y = py + k // 3
        _put(grid[y], px + (k % 3) * PIXEL_WIDTH, text, style_for(ref) + " underline" if used else "")
        if used:
            lit_rows.add(y)


def _runs(row: list[Cell]) -> Line:
    """A row of cells as runs of one style each; the trailing blank cells are left out."""
    out = [["".join(ch for ch, _ in cells), style] for style, cells in groupby(row, key=itemgetter(1))]
    if out and not out[-1][1]:
        out[-1][0] = out[-1][0].rstrip()
    return tuple((text, style) for text, style in out if text)


def header(layout: GraphLayout) -> Line:
    """l=1, l=2, … above the columns (the image's column says x 3×4)."""
    row: list[Cell] = [(" ", "")] * layout.width
    for l, x in enumerate(layout.columns, start=1):
        _put(row, x, "x 3×4" if l == 1 and layout.bundled else f"l={l}", "bold")
    return _runs(row)


def legend_samples(layout: GraphLayout) -> dict[str, tuple[str, str]]:
    """The line samples the legend shows, drawn as the edges are."""
    thin, thick = braille(0x12), braille(0x36)
    samples = {"positive": (thin * 3, POSITIVE), "negative": (thin + " " + thin, NEGATIVE),
               "heavy": (thick * 3, POSITIVE), "forward": (FORWARD, "bold"), "back": (BACKWARD, "bold")}
    if layout.bundled:
        samples["bundle"] = (thick * 3, BUNDLE_STYLE)
    return samples

