"""Every weight and bias in tables, one table a layer (rows: inputs of the layer and b;
columns: its units). Enter on a cell edits it in the field below; a bad entry is
refused there and the last good value kept."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from ..engine.network import Network
from ..engine.steps import Ref, Step
from ..engine.symbols import number
from ..workbench_state import parse_number
from .colours import RESULT_STYLE, style_for


def _ref(l: int, row: str, j: int) -> Ref:
    return Ref("b", l, j) if row == "b" else Ref("w", l, j, int(row))


class ParameterEditor(Vertical):
    DEFAULT_CSS = """
    ParameterEditor { height: auto; }
    ParameterEditor > Horizontal { height: auto; }
    ParameterEditor DataTable { width: auto; height: auto; max-height: 15; margin-right: 2; }
    ParameterEditor #edit-row { height: 3; }
    ParameterEditor #edit-label { width: auto; padding: 1 1 0 0; }
    ParameterEditor Input { width: 24; }
    ParameterEditor #edit-message { padding: 1 0 0 1; color: $error; width: 1fr; }
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
        self._editing: Ref | None = None

    def compose(self) -> ComposeResult:
        yield Horizontal(id="tables")
        with Horizontal(id="edit-row"):
            yield Label("", id="edit-label")
            yield Input(placeholder="0.0", id="edit-input", disabled=True)
            yield Label("", id="edit-message")

    def show(self, network: Network, step: Step | None, refused: str = "") -> None:
        """Draw the tables for this network, colouring what the step uses."""
        tables = self.query_one("#tables", Horizontal)
        if self._network is None or self._network.layers != network.layers:
            tables.remove_children()
            for l in range(2, len(network.layers) + 1):
                tables.mount(self._make_table(network, l))
        self._network = network
        for l in range(2, len(network.layers) + 1):
            table = self.query_one(f"#layer-{l}", DataTable)
            for j in range(1, network.layers[l - 1] + 1):
                for row in [str(i) for i in range(1, network.layers[l - 2] + 1)] + ["b"]:
                    ref = _ref(l, row, j)
                    value = network.b(l, j) if row == "b" else network.w(l, j, int(row))
                    style = ""
                    if step is not None:
                        style = RESULT_STYLE if ref == step.result else (style_for(ref) if ref in step.uses else "")
                    table.update_cell(row, str(j), Content.styled(number(value, 4), style))

    def _make_table(self, network: Network, l: int) -> DataTable:
        table = DataTable(id=f"layer-{l}", cursor_type="cell", zebra_stripes=True)
        for j in range(1, network.layers[l - 1] + 1):
            table.add_column(f"unit {j}", key=str(j), width=9)
        source = "x" if l == 2 else "a"
        for i in range(1, network.layers[l - 2] + 1):
            label = Ref("x", 1, i).symbol if l == 2 else Ref(source, l - 1, i).symbol
            table.add_row(*[""] * network.layers[l - 1], key=str(i), label=f"w·{label}")
        table.add_row(*[""] * network.layers[l - 1], key="b", label="b")
        return table

    @on(DataTable.CellSelected)
    def _start_edit(self, event: DataTable.CellSelected) -> None:
        if self._network is None:
            return
        l = int(event.data_table.id.split("-")[1])
        ref = _ref(l, event.cell_key.row_key.value, int(event.cell_key.column_key.value))
        self.edit(ref)

    def edit(self, ref: Ref) -> None:
        """Open the field for one parameter, filled with its value."""
        self._editing = ref
        net = self._network
        value = net.b(ref.layer, ref.j) if ref.quantity == "b" else net.w(ref.layer, ref.j, ref.i)
        self.query_one("#edit-label", Label).update(f"{ref.symbol} =")
        field = self.query_one("#edit-input", Input)
        field.disabled = False
        field.value = repr(value)
        self.query_one("#edit-message", Label).update("")
        field.focus()

    @on(Input.Submitted, "#edit-input")
    def _commit(self, event: Input.Submitted) -> None:
        ref, net = self._editing, self._network
        if ref is None or net is None:
            return
        old = net.b(ref.layer, ref.j) if ref.quantity == "b" else net.w(ref.layer, ref.j, ref.i)
        try:
            value = parse_number(event.value)
        except ValueError:
            message = self.app.tr("bad_number", text=event.value, old=number(old, 6))
            if event.value.strip().lower() in ("nan", "inf", "-inf", "infinity", "+inf") or _overflows(event.value):
                message = self.app.tr("not_finite", text=event.value, old=number(old, 6))
            self.query_one("#edit-message", Label).update(message)
            return
        self.query_one("#edit-message", Label).update("")
        self.post_message(self.Edited(ref.layer, ref.j, ref.i if ref.quantity == "w" else 0, value))
        self.query_one(f"#layer-{ref.layer}", DataTable).focus()
        event.input.disabled = True
        self._editing = None


def _overflows(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True  # it parsed, so it was refused for not being finite
    except ValueError:
        return False
