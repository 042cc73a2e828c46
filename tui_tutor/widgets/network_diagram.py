"""The network as a graph in the step-through: units in columns, every weight an edge, the
step's quantities lit (``network_graph``), and beside it the list of those quantities with
their numbers, then a legend that says how an edge shows its weight.

The layout (``network_graph_layout``) is made once per network shape and room, and the
edges in their weights' styles once per network; a step only paints the lit parts over
them and hands the lines to ``StyledLines``, which repaints the rows that changed.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.events import Resize
from textual.geometry import Region

from ..engine.steps import Explanation, Ref, Step
from ..engine.symbols import number
from .colours import RESULT_STYLE, style_for
from .network_graph import Picture, header, legend_samples, paint, paint_edges
from .network_graph_layout import GraphLayout, layout
from .styled_lines import Line, Run, StyledLines

OTHER_ROWS = 11  # header, tab bar, formula panel and footer: the step-through's rows are the rest


def _wrapped(entries: list[tuple[Run, ...]], width: int, prefix: Run | None = None) -> list[Line]:
    """Entries (each a few runs) two spaces apart, as many to a line as fit ``width``."""
    lines: list[list[Run]] = [[prefix]] if prefix else [[]]
    used = cell_len(prefix[0]) if prefix else 0
    for entry in entries:
        w = sum(cell_len(text) for text, _ in entry)
        if lines[-1] and used + 2 + w > width:
            lines.append([])
            used = 0
        if lines[-1]:
            lines[-1].append(("  ", ""))
            used += 2
        lines[-1].extend(entry)
        used += w
    return [tuple(line) for line in lines if line]


def quantity_lines(ex: Explanation, step: Step, width: int, in_play_label: str) -> list[Line]:
    """The step's result, then what it uses, one line (or more) a kind: the δ, the weights…"""
    lines: list[Line] = [((f"{step.symbol} = {step.value_text}", RESULT_STYLE),)]
    groups: dict[str, list[Ref]] = {}
    for ref in step.uses:
        groups.setdefault("w" if ref.quantity in ("w", "b") else ref.quantity, []).append(ref)
    for kind, refs in groups.items():
        items = [((f"{ref.symbol} {number(ex.value_of(ref), 4)}", style_for(ref)),) for ref in refs]
        prefix = (f"{in_play_label}:", "dim") if kind == "w" else None
        lines += _wrapped(items, width, prefix)
    return lines


class NetworkDiagram(StyledLines):
    DEFAULT_CSS = """
    NetworkDiagram { height: auto; width: 1fr; padding: 0 1; }
    """

    picture: Picture | None = None  # the step on show, as painted
    graph: GraphLayout | None = None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._showing: tuple | None = None
        self._key: tuple | None = None
        self._edges: tuple | None = None  # (the network, the edges drawn in its weights' styles)

    def _room(self) -> tuple[int, int]:
        """Cells across and rows the step-through has (a guess before the first layout)."""
        width = self.content_size.width or max(20, self.app.size.width - 26)
        # The terminal's rows, not the container's: those change with the formula panel's height
        # from phase to phase, and the graph would be laid out again each time.
        return width, self.app.size.height - OTHER_ROWS

    def show(self, ex: Explanation, step: Step, in_play_label: str) -> None:
        self._showing = (ex, step, in_play_label)
        net = ex.pass_.network
        width, rows = self._room()
        key = (net.layers, width, rows)
        fit = key != self._key
        if fit:
            self.graph, self._key, self._edges = layout(net.layers, width, rows), key, None
        if self._edges is None or self._edges[0] is not net:
            self._edges = (net, paint_edges(self.graph, net))
        self.picture = paint(self.graph, ex, step, self._edges[1])
        side = quantity_lines(ex, step, width, in_play_label)
        lines = [header(self.graph), *self.picture.rows, (), *side, (), *self._legend(width)]
        self.show_lines(lines, fit=fit)
        focus = [1 + y for y in self.picture.lit_rows]
        first_side = 2 + self.graph.height
        self.call_after_refresh(self._scroll_to, min(focus, default=first_side), first_side + len(side))

    def _scroll_to(self, top: int, bottom: int) -> None:
        """Brings the lit units and edges and the step's quantities into view (the quantities
        first when they cannot all be seen)."""
        parent = self.parent
        if parent is None or not parent.size.height:
            return
        top = max(top, bottom - parent.size.height)
        parent.scroll_to_region(Region(0, self.virtual_region.y + top, 1, bottom - top), animate=False,
                                immediate=True)

    def _legend(self, width: int) -> list[Line]:
        tr = self.app.tr
        words = {"positive": tr("graph_positive"), "negative": tr("graph_negative"), "heavy": tr("graph_heavy"),
                 "forward": tr("graph_forward"), "back": tr("graph_back"), "bundle": tr("graph_bundle")}
        entries = [((sample, style), (f" {words[name]}", "dim"))
                   for name, (sample, style) in legend_samples(self.graph).items()]
        return _wrapped(entries, width)

    def on_resize(self, _event: Resize) -> None:
        if self._showing is not None and self._room() != self._key[1:]:
            self.show(*self._showing)
