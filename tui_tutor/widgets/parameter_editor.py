"""Every weight and bias in tables, one table a layer (rows: inputs of the layer and b;
columns: its units). Enter on a cell starts typing a new value in place (the focus stays
on the table, which keeps a key press cheap); Enter sets it, Esc cancels. A bad entry is
refused with a message and the last good value kept."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable

from ..engine.network import Network
from ..engine.steps import Ref, Step
from ..engine.symbols import number
from ..workbench_state import parse_number
from .colours import RESULT_STYLE, style_for
from .steady import SteadyStatic

TYPING_STYLE = "reverse"


def _ref(l: int, row: str, j: int) -> Ref:
    return Ref("b", l, j) if row == "b" else Ref("w", l, j, int(row))


class ParameterTable(DataTable):
    """One layer's parameters. While ``typing`` is not None, printable keys build the new value."""

    typing: str | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.typing is None:
            return
        event.stop()
        event.prevent_default()
        editor = self.query_ancestor(ParameterEditor)
        if event.key == "enter":
            editor.commit(self.typing)
        elif event.key == "escape":
            editor.cancel()
        elif event.key == "backspace":
            editor.typed(self.typing[:-1])
        elif event.is_printable and event.character:
            editor.typed(self.typing + event.character)


class ParameterEditor(Vertical):
    DEFAULT_CSS = """
    ParameterEditor { height: auto; }
    ParameterEditor > Horizontal { height: auto; }
    ParameterEditor DataTable { width: auto; height: auto; max-height: 15; margin-right: 2; }
    ParameterEditor #edit-line { height: auto; padding: 0 1 0 0; }
    ParameterEditor #edit-message { color: $error; height: auto; }
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
        self._editing: tuple[Ref, ParameterTable] | None = None
        self._shown: dict[Ref, tuple[str, str]] = {}  # what each cell shows: text and style
        self._line_stale = False  # the edit line still shows an edit that was committed

    def compose(self) -> ComposeResult:
        yield Horizontal(id="tables")
        yield SteadyStatic("", id="edit-line", markup=False)
        yield SteadyStatic("", id="edit-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#edit-line", SteadyStatic).show_content(self.app.tr("edit_hint"))

    def show(self, network: Network, step: Step | None) -> None:
        """Draw the tables for this network, colouring what the step uses."""
        tables = self.query_one("#tables", Horizontal)
        if self._network is None or self._network.layers != network.layers:
            self.cancel()
            tables.remove_children()
            self._shown = {}
            for l in range(2, len(network.layers) + 1):
                tables.mount(self._make_table(network, l))
        self._network = network
        if self._line_stale:
            self._line_stale = False
            self.query_one("#edit-line", SteadyStatic).show_content(self.app.tr("edit_hint"))
        for l in range(2, len(network.layers) + 1):
            table = self.query_one(f"#layer-{l}", DataTable)
            for j in range(1, network.layers[l - 1] + 1):
                for row in [str(i) for i in range(1, network.layers[l - 2] + 1)] + ["b"]:
                    ref = _ref(l, row, j)
                    value = network.b(l, j) if row == "b" else network.w(l, j, int(row))
                    style = ""
                    if step is not None:
                        style = RESULT_STYLE if ref == step.result else (style_for(ref) if ref in step.uses else "")
                    shown = (number(value, 4), style)
                    if self._shown.get(ref) != shown:  # repaint only the cells that change
                        self._shown[ref] = shown
                        table.update_cell(row, str(j), Content.styled(*shown))

    def _make_table(self, network: Network, l: int) -> DataTable:
        table = ParameterTable(id=f"layer-{l}", cursor_type="cell", zebra_stripes=True)
        for j in range(1, network.layers[l - 1] + 1):
            table.add_column(f"unit {j}", key=str(j), width=9)
        source = "x" if l == 2 else "a"
        for i in range(1, network.layers[l - 2] + 1):
            label = Ref("x", 1, i).symbol if l == 2 else Ref(source, l - 1, i).symbol
            table.add_row(*[""] * network.layers[l - 1], key=str(i), label=f"w·{label}")
        table.add_row(*[""] * network.layers[l - 1], key="b", label="b")
        return table

    def _value(self, ref: Ref) -> float:
        net = self._network
        return net.b(ref.layer, ref.j) if ref.quantity == "b" else net.w(ref.layer, ref.j, ref.i)

    @on(DataTable.CellSelected)
    def _start_edit(self, event: DataTable.CellSelected) -> None:
        if self._network is None or not isinstance(event.data_table, ParameterTable):
            return
        l = int(event.data_table.id.split("-")[1])
        self.edit(_ref(l, event.cell_key.row_key.value, int(event.cell_key.column_key.value)))

    def edit(self, ref: Ref) -> None:
        """Start typing a new value for one parameter (its table keeps the focus)."""
        self.cancel()
        table = self.query_one(f"#layer-{ref.layer}", ParameterTable)
        self._editing = (ref, table)
        table.focus()
        self.typed("")

    @property
    def editing(self) -> Ref | None:
        return self._editing[0] if self._editing else None

    def typed(self, text: str) -> None:
        ref, table = self._editing
        table.typing = text
        line = Content.assemble(f"{ref.symbol} = ", (text + " ", TYPING_STYLE), "  ",
                                (self.app.tr("typing", old=number(self._value(ref), 6)), "dim"))
        self.query_one("#edit-line", SteadyStatic).show_content(line)

    def cancel(self) -> None:
        if self._editing is not None:
            self._editing[1].typing = None
            self._editing = None
            self.query_one("#edit-line", SteadyStatic).show_content(self.app.tr("edit_hint"))

    def commit(self, text: str) -> None:
        ref = self.editing
        old = self._value(ref)
        try:
            value = parse_number(text)
        except ValueError:
            key = "not_finite" if _overflows(text) or text.strip().lower() in _NOT_FINITE else "bad_number"
            self._message(self.app.tr(key, text=text, old=number(old, 6)))
            return
        self._message("")
        # Stop taking keys now, but redraw the line with the new state (in ``show``), so that
        # the edit and its results reach the screen in one frame rather than two.
        self._editing[1].typing = None
        self._editing = None
        self._line_stale = True
        self.post_message(self.Edited(ref.layer, ref.j, ref.i if ref.quantity == "w" else 0, value))

    def _message(self, text: str) -> None:
        message = self.query_one("#edit-message", SteadyStatic)
        if str(message.content) != text:
            message.show_content(text)


_NOT_FINITE = ("nan", "inf", "-inf", "infinity", "+inf")


def _overflows(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True  # it parsed, so it was refused for not being finite
    except ValueError:
        return False
