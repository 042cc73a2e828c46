"""The network as columns of units (12 inputs → 3 hidden → 2 outputs for the book),
with z, a and δ on every unit and the quantities of the current step coloured."""

from __future__ import annotations

from ..engine.steps import Explanation, Ref, Step
from ..engine.symbols import number
from .colours import RESULT_STYLE, style_for
from .styled_lines import Line, StyledLines

Cell = tuple[str, str]  # (text, style)


def _cell(ref: Ref, value: float, width: int, step: Step, uses: frozenset[Ref]) -> list[Cell]:
    """The quantity and its value, coloured when the step uses it; padding stays plain."""
    text = f"{ref.symbol} {number(value, 4)}"
    style = ""
    if ref == step.result:
        style = RESULT_STYLE
    elif ref in uses:
        style = style_for(ref)
    elif ref.quantity == "z" and Ref("dsigma", ref.layer, ref.j) in uses:
        style = style_for(Ref("dsigma"))
    return [(text, style), (" " * (width - len(text)), "")]


def _columns(ex: Explanation, step: Step) -> list[list[list[Cell]]]:
    uses = frozenset(step.uses)  # a set: asked for every unit's z, a and δ
    layers = ex.pass_.network.layers

    def cell(ref: Ref, width: int) -> list[Cell]:
        return _cell(ref, ex.value_of(ref), width, step, uses)

    columns = [[cell(Ref("x", 1, i), 9) for i in range(1, layers[0] + 1)]]
    for l in range(2, len(layers) + 1):
        rows: list[list[Cell]] = []
        for j in range(1, layers[l - 1] + 1):
            rows += [cell(Ref("z", l, j), 14), cell(Ref("a", l, j), 14), cell(Ref("delta", l, j), 14)]
            rows.append([(" " * 14, "")])
        columns.append(rows)
    return columns


def _weights_in_play(step: Step, ex: Explanation, per_line: int = 4) -> list[Line]:
    """The weights and biases the step uses, a few to a line so the diagram stays narrow."""
    refs = [r for r in step.uses + (step.result,) if r.quantity in ("w", "b")]
    cells = [(f"{ref.symbol} {number(ex.value_of(ref), 4)}", style_for(ref)) for ref in refs]
    lines = []
    for k in range(0, len(cells), per_line):
        line: list[Cell] = []
        for cell in cells[k:k + per_line]:
            line += [("  ", ""), cell] if line else [cell]
        lines.append(tuple(line))
    return lines


def diagram_lines(ex: Explanation, step: Step, in_play_label: str) -> list[Line]:
    columns = _columns(ex, step)
    layers = ex.pass_.network.layers
    header = [(f"l=1 ({layers[0]})".ljust(9), "bold")]
    for l in range(2, len(layers) + 1):
        header.append((" → ", "dim"))
        header.append((f"l={l} ({layers[l - 1]})".ljust(14), "bold"))
    lines: list[Line] = [tuple(header)]
    for r in range(max(len(c) for c in columns)):
        line: list[Cell] = []
        for k, column in enumerate(columns):
            if k:
                line.append(("   ", ""))
            width = 9 if k == 0 else 14
            line.extend(column[r] if r < len(column) else [(" " * width, "")])
        lines.append(tuple(line))
    weights = _weights_in_play(step, ex)
    if weights:
        lines += [((f"{in_play_label}:", "dim"),), *weights]
    return lines


class NetworkDiagram(StyledLines):
    DEFAULT_CSS = """
    NetworkDiagram { height: auto; width: auto; padding: 0 1; }
    """

    _layers: tuple[int, ...] = ()

    def show(self, ex: Explanation, step: Step, in_play_label: str) -> None:
        # It keeps the room it has from step to step (no layout, no scroll bar coming and
        # going); another network fits it anew.
        layers = ex.pass_.network.layers
        self.show_lines(diagram_lines(ex, step, in_play_label), fit=layers != self._layers)
        self._layers = layers
