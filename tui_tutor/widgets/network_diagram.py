"""The network as a graph in the step-through: units in columns, every weight an edge, the
step's quantities lit (``network_graph``), and beside it the list of those quantities with
their numbers, then a legend that says how an edge shows its weight.

The layout (``network_graph_layout``) is made once per network shape and room, and the
edges in their weights' styles once per network; a step only paints the lit parts over
them and hands the lines to ``StyledLines``, which repaints the rows that changed.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.events import Resize

from ..engine.steps import Explanation, Ref, Step
from ..engine.symbols import number
from .colours import RESULT_STYLE, style_for, without_colour
from .network_graph import Picture, header, legend_samples, paint, paint_edges
from .network_graph_layout import GraphLayout, layout
from .styled_lines import Line, Run, StyledLines, line_width

OTHER_ROWS = 11  # header, tab bar, formula panel and footer: the step-through's rows are the rest
SIDE_BY_SIDE, LEGEND_WIDTH = 90, 34  # from this width the legend stands beside the quantities
SIDE_ROWS = 4  # the rows a step's quantities take at most, for the book's network at least
LONG_RUN = 4  # more of one kind than this are named once, first…last


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


def _padded(line: Line, width: int) -> Line:
    return line + ((" " * (width - line_width(line)), ""),)


def _entries(ex: Explanation, refs: list[Ref]) -> list[tuple[Run, ...]]:
    """Each quantity with its number; a long run of one kind (the 12 weights of a z) is named
    once, first…last, then its numbers."""
    style = style_for(refs[0])
    if len(refs) > LONG_RUN:
        return [((f"{refs[0].symbol}…{refs[-1].symbol}", style),),
                *[((number(ex.value_of(ref), 4), style),) for ref in refs]]
    return [((f"{ref.symbol} {number(ex.value_of(ref), 4)}", style),) for ref in refs]


def quantity_lines(ex: Explanation, step: Step, width: int, in_play_label: str) -> list[Line]:
    """The step's result, then what it uses, a line (or more) a kind: the δ, the weights and
    biases in play (after the label the old column view had), the x…"""
    lines: list[Line] = [((f"{step.symbol} = {step.value_text}", RESULT_STYLE),)]
    groups: dict[str, dict[str, list[Ref]]] = {}
    for ref in step.uses:
        group = "w" if ref.quantity in ("w", "b") else ref.quantity
        groups.setdefault(group, {}).setdefault(ref.quantity, []).append(ref)
    for group, kinds in groups.items():
        entries = [entry for refs in kinds.values() for entry in _entries(ex, refs)]
        lines += _wrapped(entries, width, (f"{in_play_label}:", "dim") if group == "w" else None)
    return lines


class NetworkDiagram(StyledLines):
    DEFAULT_CSS = """
    NetworkDiagram { height: auto; width: auto; padding: 0 1; }
    """

    changed_cells_only = True  # a step changes a few cells of many rows: only those are sent
    picture: Picture | None = None  # the step on show, as painted
    graph: GraphLayout | None = None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._showing: tuple | None = None
        self._key: tuple | None = None
        self._edges: tuple | None = None  # (the network, the edges drawn in its weights' styles)
        self._focus: tuple[int, int] | None = None  # the rows to keep in view

    def get_content_width(self, container, viewport) -> int:
        # All the room across from the first step: a step whose labels run wider (the targets beside
        # the outputs at the cost) then needs no layout.
        return max(super().get_content_width(container, viewport), container.width)

    def _room(self) -> tuple[int, int]:
        """Cells across and rows the step-through has (a guess before the first layout)."""
        parent = self.parent
        room = parent.scrollable_content_region.width if parent is not None else 0
        width = room - 2 if room > 2 else max(20, self.app.size.width - 28)  # less the padding
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
        if width >= SIDE_BY_SIDE:  # the legend beside the step's quantities: the graph keeps the rows
            side_width = width - LEGEND_WIDTH - 3
            side = quantity_lines(ex, step, side_width, in_play_label)
            legend = self._legend(LEGEND_WIDTH)
            side_rows = side + [()] * (len(legend) - len(side))
            bottom = [_padded(row, side_width + 3) + legend[k] if k < len(legend) else row
                      for k, row in enumerate(side_rows)]
        else:
            # As many rows and as wide as a step's quantities may take, from the first step: the
            # diagram then keeps its size through a pass, and a step costs no layout.
            side = quantity_lines(ex, step, width, in_play_label)
            side = [_padded(row, width) for row in side] + [_padded((), width)] * (SIDE_ROWS - len(side))
            bottom = [*side, (), *self._legend(width)]
        lines = [header(self.graph), *self.picture.rows, (), *bottom]
        if self.app.no_color:  # the lit parts keep their attributes and marks, not grey blocks
            lines = [tuple((text, without_colour(style)) for text, style in line) for line in lines]
        self.show_lines(lines, fit=fit)
        first_side = 2 + self.graph.height
        self._focus = (1 + min(self.picture.lit_rows, default=first_side - 1), first_side + len(side))
        self.keep_in_view()  # in the same frame as the new lines, when the room is known
        self.call_after_refresh(self.keep_in_view)  # and once laid out, if the lines' height changed

    def keep_in_view(self) -> None:
        """Scrolls the container so that the lit units and edges and the step's quantities
        show: from the header when all fits, else from the top of the lit part when not all of it
        is in view already (a scroll repaints the whole container, an extra frame: stepping
        through a phase whose lit part stays in view does not scroll)."""
        parent = self.parent
        if self._focus is None or parent is None or not parent.size.height:
            return
        top, bottom = self._focus
        room, now = parent.scrollable_content_region.height, round(parent.scroll_y)
        if bottom <= room:
            y = 0  # all from the header down
        elif now <= top and bottom <= now + room:
            return
        else:
            y = min(top, bottom - room)
        if y != now:
            parent.scroll_to(y=y, animate=False, immediate=True)

    def _legend(self, width: int) -> list[Line]:
        tr = self.app.tr
        words = {"positive": tr("graph_positive"), "negative": tr("graph_negative"), "heavy": tr("graph_heavy"),
                 "forward": tr("graph_forward"), "back": tr("graph_back"), "bundle": tr("graph_bundle")}
        entries = [((sample, style), (f" {words[name]}", "dim"))
                   for name, (sample, style) in legend_samples(self.graph).items()]
        return _wrapped(entries, width)

    def room_changed(self) -> None:
        """Laid out anew for other room, else only scrolled to the lit part again."""
        if self._showing is not None and self._room() != self._key[1:]:
            self.show(*self._showing)
        else:
            self.keep_in_view()

    def on_resize(self, _event: Resize) -> None:
        self.keep_in_view()


class DiagramScroll(VerticalScroll):
    """The diagram's container: when its room changes (the formula panel below it grows or
    shrinks from phase to phase), the diagram's lit part is brought into view again."""

    # A stable gutter: the graph's width does not change when a scroll bar comes or goes.
    DEFAULT_CSS = "DiagramScroll { overflow-x: auto; scrollbar-gutter: stable; }"

    def on_resize(self, _event: Resize) -> None:
        for diagram in self.query_children(NetworkDiagram):
            diagram.room_changed()
