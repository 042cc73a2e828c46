"""The workbench's whole training set and its nudge, kept apart from the screen's layout.

Whole set (``b``): one full-batch iteration, the book's own update, followed for one
parameter: a row an image with its share δ·a of ∂C_T/∂θ, the sum, then the update of
every parameter; n/p step, { and } follow another parameter, a applies the update. The step records come from
``engine.batch`` through ``Workbench.batch``.

Nudge (``h``, ``H`` asks for h): the selected parameter (the Parameters tab's cell, or the
one the whole set follows) moves by h; the change of C is shown beside ∂C/∂θ·h, and undo
takes the nudge back like an update.
"""

from __future__ import annotations

from textual.widgets import TabbedContent

from ..engine.batch import parameter_refs
from ..engine.numbers import NumberError, editable, parse_number
from ..engine.quantities import Ref
from ..engine.symbols import number
from ..tutor.workbench import Nudge, Workbench
from ..widgets.batch_table import BatchTable, body_lines, header_line, walk_line
from ..widgets.formula_panel import FormulaPanel
from ..widgets.keys import bind
from ..widgets.parameter_grid import ParameterGrid
from .prompt import PromptScreen

BATCH_TAB = "tab-batch"
BATCH_BINDINGS = [
    bind("b", "batch_mode"),
    bind("h", "nudge"),
    bind("H", "nudge_by", show=False),
]


def grid_parameter(grid: ParameterGrid, layers: tuple[int, ...]) -> Ref | None:
    """The parameter under a grid's cursor (a row an input of the layer, then b), if it is one of ``layers``."""
    l = int(grid.id.removeprefix("layer-")) if grid.id and grid.id.startswith("layer-") else 0
    if not 2 <= l <= len(layers):
        return None
    row, column = grid.cursor
    if column >= layers[l - 1] or row > layers[l - 2]:
        return None
    return Ref("b", l, column + 1) if row == layers[l - 2] else Ref("w", l, column + 1, row + 1)


class WorkbenchBatch:
    """Mixed into WorkbenchScreen: uses its ``state``, ``_set`` and ``_refused``."""

    _batch_follow: Ref | None = None
    _batch_index: int = 0
    _batch_shown = False  # the formula panel shows a step of the whole set
    _last_grid: ParameterGrid | None = None
    _nudge_h: float = 1e-3
    last_nudge: Nudge | None = None

    # Which parameter

    def _fits(self, ref: Ref | None) -> bool:
        return ref is not None and ref in parameter_refs(self.state.setup.network.layers)

    def selected_parameter(self) -> Ref:
        """The focused grid's cell; else the one the whole set follows while it shows; else the cell
        of the grid last used; else the first weight of the output layer."""
        layers = self.state.setup.network.layers
        candidates = []
        if isinstance(self.app.focused, ParameterGrid):
            candidates.append(grid_parameter(self.app.focused, layers))
        if self._batch_on():
            candidates.append(self._batch_follow)
        if self._last_grid is not None and self._last_grid.is_attached:
            candidates.append(grid_parameter(self._last_grid, layers))
        candidates += [self._batch_follow, Ref("w", len(layers), 1, 1)]
        return next(ref for ref in candidates if self._fits(ref))

    def on_descendant_focus(self, event) -> None:
        if isinstance(event.widget, ParameterGrid):
            self._last_grid = event.widget

    # The whole training set

    def _batch_on(self) -> bool:
        return self.query_one("#wb-tabs", TabbedContent).active == BATCH_TAB

    def action_batch_mode(self) -> None:
        self._batch_follow = self.selected_parameter()
        tabs = self.query_one("#wb-tabs", TabbedContent)
        if tabs.active == BATCH_TAB:
            self._render_batch(self.state)
        else:
            tabs.active = BATCH_TAB  # drawn when the tab says it is shown
        self.query_one(BatchTable).focus()

    def _render_batch(self, state: Workbench) -> None:
        tr, lang = self.app.tr, self.app.lang
        if not self._fits(self._batch_follow):
            self._batch_follow = self.selected_parameter()
        follow, ex = self._batch_follow, state.batch
        walk = ex.walk(follow)
        self._batch_index = max(0, min(self._batch_index, len(walk) - 1))
        images = len(ex.pass_)
        hint = tr("batch_hint", symbol=follow.symbol, cost=number(ex.pass_.cost_total, 6))
        if state.setup.data is None:
            hint += "\n" + tr("one_example_set")
        def body():  # made only when the iteration or the parameter followed is new
            return body_lines(ex, follow, tr("update_all"), tr("before"), tr("after"))

        self.query_one(BatchTable).show((ex, follow, lang), hint, header_line(ex, follow, tr("so_far")),
                                        body, walk_line(self._batch_index, images))
        self.query_one("#formula", FormulaPanel).show(walk, self._batch_index, lang)
        self._batch_shown = True

    def on_batch_table_moved(self, message: BatchTable.Moved) -> None:
        self._batch_index += message.by
        self._render_batch(self.state)

    def on_batch_table_follow(self, message: BatchTable.Follow) -> None:
        refs = parameter_refs(self.state.setup.network.layers)
        self._batch_follow = refs[(refs.index(self.selected_parameter()) + message.by) % len(refs)]
        self._render_batch(self.state)

    def on_batch_table_apply(self, _message: BatchTable.Apply) -> None:
        before = self.state.batch.pass_.cost_total
        self._set(self.state.batch_applied())
        after = self.state.batch.pass_.cost_total
        self.notify(self.app.tr("applied_batch", before=number(before, 6), after=number(after, 6)))

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == BATCH_TAB:
            self.query_one(BatchTable).focus()
        elif self._batch_shown:  # the formula panel goes back to the step of one image
            self._batch_shown = False
            state = self.state
            self.query_one("#formula", FormulaPanel).show(state.explanation.steps, state.step, self.app.lang)

    # The nudge

    def action_nudge(self) -> None:
        self._nudge(self._nudge_h)

    def action_nudge_by(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                h = parse_number(text)
            except NumberError:
                self._refused("nudge_bad", text=text[:40])
                return
            if self._nudge(h, text):
                self._nudge_h = h

        self.app.push_screen(PromptScreen(self.app.tr("prompt_nudge"), editable(self._nudge_h)), chosen)

    def _nudge(self, h: float, typed: str | None = None) -> bool:
        parameter = self.selected_parameter()
        try:
            state, nudge = self.state.nudged(parameter, h)
        except ValueError:
            self._refused("nudge_bad", text=(typed or editable(h))[:40])
            return False
        self.last_nudge = nudge
        self._set(state)
        self.notify(self.app.tr("nudged", symbol=parameter.symbol, h=number(h), change=number(nudge.change, 6),
                                predicted=number(nudge.predicted, 6)), timeout=10)
        return True
