"""Every weight and bias in grids, one a layer (rows: the inputs of the layer and b;
columns: its units). Enter on a cell starts typing a new value in place (the focus stays
on the grid, which keeps a key press cheap); Enter sets it, Esc cancels. A bad entry is
refused with a message above the grids and the last good value kept."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message

from ..engine.network import Network
from ..engine.quantities import Ref, parameter_value
from ..engine.steps import Step
from ..engine.numbers import NumberError, parse_number
from ..engine.symbols import number
from .colours import RESULT_STYLE, style_for
from .parameter_grid import ParameterGrid
from .styled_lines import StyledLines

TYPING_STYLE = "reverse"


class ParameterEditor(Vertical):
    DEFAULT_CSS = """
    ParameterEditor { height: 1fr; }
    ParameterEditor #edit-line { height: auto; }
    ParameterEditor #edit-message { color: $error; height: auto; }
    ParameterEditor #param-scroll { height: 1fr; }
    ParameterEditor #tables { width: auto; height: auto; layout: horizontal; }
    ParameterEditor #tables.stacked { layout: vertical; }
    ParameterEditor ParameterGrid { margin: 0 2 0 0; }
    ParameterEditor #tables.stacked ParameterGrid { margin: 0 0 1 0; }
    """

    @dataclass
    class Edited(Message):
        """The learner set w_ji^l (i > 0) or b_j^l (i == 0) to ``value``."""

        layer: int
        j: int
        i: int
        value: float

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._network: Network | None = None
        self._editing: tuple[Ref, ParameterGrid] | None = None
        self._grids: dict[int, ParameterGrid] = {}  # by layer l
        self._stale = False  # the edit line and message still show an edit that was committed

    def compose(self) -> ComposeResult:
        yield StyledLines(id="edit-line", wrap=True)
        yield StyledLines(id="edit-message", wrap=True)
        with VerticalScroll(id="param-scroll"):
            yield Container(id="tables")

    def on_mount(self) -> None:
        self._line().show_text(self.app.tr("edit_hint"))

    def _line(self) -> StyledLines:
        return self.query_one("#edit-line", StyledLines)

    def show(self, network: Network, step: Step | None) -> None:
        """Draw the grids for this network, colouring what the step uses."""
        if self._network is None or self._network.layers != network.layers:
            self.cancel()
            # A grid a layer, kept when the shape changes (a removed widget keeps its id a while).
            depth = len(network.layers)
            for l in [l for l in self._grids if l > depth]:
                self._grids.pop(l).remove()
            new = {l: ParameterGrid(id=f"layer-{l}") for l in range(2, depth + 1) if l not in self._grids}
            self.query_one("#tables", Container).mount_all(new.values())
            self._grids.update(new)
        self._network = network
        tr = self.app.tr
        uses = frozenset(step.uses) if step is not None else frozenset()  # a set: asked for every cell
        colour = not self.app.no_color
        for l, grid in self._grids.items():
            units, inputs = network.layers[l - 1], network.layers[l - 2]
            source = [Ref("x", 1, i) if l == 2 else Ref("a", l - 1, i) for i in range(1, inputs + 1)]
            refs = [[Ref("w", l, j, i) for j in range(1, units + 1)] for i in range(1, inputs + 1)]
            refs.append([Ref("b", l, j) for j in range(1, units + 1)])
            grid.show([tr("unit_j", j=j) for j in range(1, units + 1)], [f"w·{s.symbol}" for s in source] + ["b"],
                      [[(number(self._value(ref), 4), _style(ref, step, uses, colour)) for ref in row] for row in refs])
        if self._stale or self._editing is None:  # the committed edit, and its message, go in this frame
            self._stale = False
            self._line().show_text(tr("edit_hint"))
            self._message("", fit=True)
        self._arrange()

    @on(events.Resize)
    def _arrange(self) -> None:
        """The grids side by side when they fit, else one above the other (80 columns)."""
        need = sum(grid.natural_width + 2 for grid in self._grids.values())
        self.query_one("#tables").set_class(need > self.size.width - 2, "stacked")

    def _value(self, ref: Ref) -> float:
        return parameter_value(self._network, ref)

    @on(ParameterGrid.Selected)
    def _selected(self, event: ParameterGrid.Selected) -> None:
        event.stop()
        l = next(l for l, grid in self._grids.items() if grid is event.grid)
        inputs = self._network.layers[l - 2]
        j = event.column + 1
        self.edit(Ref("b", l, j) if event.row == inputs else Ref("w", l, j, event.row + 1))

    def edit(self, ref: Ref) -> None:
        """Start typing a new value for one parameter (its grid keeps the focus)."""
        self.cancel()
        grid = self._grids[ref.layer]
        row = ref.i - 1 if ref.quantity == "w" else self._network.layers[ref.layer - 2]
        if grid.cursor != (row, ref.j - 1):
            grid.move_to(row, ref.j - 1)
        self._editing = (ref, grid)
        grid.focus()
        grid.set_typing("")
        self.typed("")

    def focus_grid(self) -> None:
        """The first layer's grid takes the keys (``e`` on the workbench)."""
        if self._grids:
            self._grids[2].focus()

    @property
    def editing(self) -> Ref | None:
        return self._editing[0] if self._editing else None

    @on(ParameterGrid.Typed)
    def _typed(self, event: ParameterGrid.Typed) -> None:
        event.stop()
        if self._editing is None or self._editing[1] is not event.grid:
            return
        if event.cancelled:
            self.cancel()
        elif event.done:
            self.commit(event.text)
        else:
            self.typed(event.text)

    def typed(self, text: str) -> None:
        ref, grid = self._editing
        grid.sync()  # the grid has the text already (keys may be ahead of this message)
        self._line().show_lines([((f"{ref.symbol} = ", ""), (text + " ", TYPING_STYLE), ("  ", ""),
                                  (self.app.tr("typing", old=number(self._value(ref), 6)), "dim"))])

    def cancel(self) -> None:
        if self._editing is not None:
            self._editing[1].set_typing(None)
            self._editing = None
            self._line().show_text(self.app.tr("edit_hint"))
            self._message("", fit=True)

    def commit(self, text: str) -> None:
        ref = self.editing
        old = self._value(ref)
        try:
            value = parse_number(text)
        except NumberError as err:
            key = "not_finite" if err.key == "not_finite" else "bad_number"
            self._message(self.app.tr(key, text=text[:40], old=number(old, 6)))
            return
        # Stop taking keys now, but redraw the cell, the edit line and the message with the new
        # state (in ``show``), so that the edit and its results reach the screen in one frame.
        self._editing[1].set_typing(None, repaint=False)
        self._editing = None
        self._stale = True
        self.post_message(self.Edited(ref.layer, ref.j, ref.i if ref.quantity == "w" else 0, value))

    def _message(self, text: str, fit: bool = False) -> None:
        self.query_one("#edit-message", StyledLines).show_text(text, fit=fit)


def _style(ref: Ref, step: Step | None, uses: frozenset[Ref], colour: bool) -> str:
    """The style of a cell: its role's, as in the formula, when the step uses it."""
    if step is None:
        return ""
    return RESULT_STYLE if ref == step.result else (style_for(ref, colour) if ref in uses else "")



