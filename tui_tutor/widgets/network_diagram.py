"""The network as columns of units (12 inputs → 3 hidden → 2 outputs for the book),
with z, a and δ on every unit and the quantities of the current step coloured."""

from __future__ import annotations

from textual.content import Content

from ..engine.steps import Explanation, Ref, Step
from ..engine.symbols import number
from .colours import RESULT_STYLE, style_for
from .steady import SteadyStatic

Cell = tuple[str, str] | str  # (text, style), or plain text


def _cell(ref: Ref, value: float, width: int, step: Step) -> list[Cell]:
    """The quantity and its value, coloured when the step uses it; padding stays plain."""
    text = f"{ref.symbol} {number(value, 4)}"
    style = ""
    if ref == step.result:
        style = RESULT_STYLE
    elif ref in step.uses:
        style = style_for(ref)
    elif ref.quantity == "z" and Ref("dsigma", ref.layer, ref.j) in step.uses:
        style = style_for(Ref("dsigma"))
    return [(text, style), " " * (width - len(text))]


def _columns(ex: Explanation, step: Step) -> list[list[list[Cell]]]:
    p = ex.pass_
    layers = p.network.layers
    columns = [[_cell(Ref("x", 1, i), p.a_of(1)[i - 1], 9, step) for i in range(1, layers[0] + 1)]]
    for l in range(2, len(layers) + 1):
        rows: list[list[Cell]] = []
        for j in range(1, layers[l - 1] + 1):
            rows.append(_cell(Ref("z", l, j), p.z_of(l)[j - 1], 14, step))
            rows.append(_cell(Ref("a", l, j), p.a_of(l)[j - 1], 14, step))
            rows.append(_cell(Ref("delta", l, j), p.delta_of(l)[j - 1], 14, step))
            rows.append([(" " * 14, "")])
        columns.append(rows)
    return columns


def _weights_in_play(step: Step, ex: Explanation, per_line: int = 4) -> list[Cell]:
    """The weights and biases the step uses, a few to a line so the diagram stays narrow."""
    cells: list[Cell] = []
    refs = [r for r in step.uses + (step.result,) if r.quantity in ("w", "b")]
    net = ex.pass_.network
    for k, ref in enumerate(refs):
        value = net.w(ref.layer, ref.j, ref.i) if ref.quantity == "w" else net.b(ref.layer, ref.j)
        cells.append((f"{ref.symbol} {number(value, 4)}", style_for(ref)))
        cells.append(("\n" if (k + 1) % per_line == 0 and k + 1 < len(refs) else "  ", ""))
    return cells


def diagram_content(ex: Explanation, step: Step, in_play_label: str) -> Content:
    columns = _columns(ex, step)
    layers = ex.pass_.network.layers
    header = [(f"l=1 ({layers[0]})".ljust(9), "bold")]
    for l in range(2, len(layers) + 1):
        header.append((" → ", "dim"))
        header.append((f"l={l} ({layers[l - 1]})".ljust(14), "bold"))
    parts: list = [*header, "\n"]
    height = max(len(c) for c in columns)
    for r in range(height):
        for k, column in enumerate(columns):
            if k:
                parts.append(("   ", ""))
            width = 9 if k == 0 else 14
            parts.extend(column[r] if r < len(column) else [(" " * width, "")])
        parts.append("\n")
    weights = _weights_in_play(step, ex)
    if weights:
        parts += [(f"{in_play_label}:\n", "dim"), *weights]
    return Content.assemble(*parts)


class NetworkDiagram(SteadyStatic):
    DEFAULT_CSS = """
    NetworkDiagram { height: auto; width: auto; padding: 0 1; }
    """

    def show(self, ex: Explanation, step: Step, in_play_label: str) -> None:
        self.show_content(diagram_content(ex, step, in_play_label))

