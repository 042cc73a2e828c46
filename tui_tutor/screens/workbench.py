"""The workbench: the 3×4 image, every parameter, and the step-through of one pass."""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane

from ..engine import gradcheck
from ..engine.steps import PHASES
from ..engine.symbols import number
from ..widgets.colours import role_style
from ..widgets.batch_table import BatchTable
from ..widgets.footer import TutorFooter
from ..widgets.formula_panel import FormulaPanel
from ..widgets.keys import bind
from ..widgets.network_diagram import DiagramScroll, NetworkDiagram
from ..widgets.parameter_editor import ParameterEditor
from ..widgets.pixel_grid import PixelGrid
from ..widgets.steady import SteadyStatic
from ..widgets.styled_lines import StyledLines, plain_line
from ..tutor.workbench import Workbench
from .workbench_batch import BATCH_BINDINGS, BATCH_TAB, WorkbenchBatch
from .workbench_prompts import WorkbenchPrompts

TAB_TITLES = {"tab-steps": "step_through", "tab-params": "parameters", "tab-check": "gradcheck",
              "tab-history": "history", BATCH_TAB: "whole_set"}


class WorkbenchScreen(WorkbenchPrompts, WorkbenchBatch, Screen):
    BINDINGS = [
        bind("n", "step(1)"),
        bind("p", "step(-1)"),
        bind("right", "step(1)", show=False),
        bind("left", "step(-1)", show=False),
        bind("N", "phase(1)", show=False),
        bind("P", "phase(-1)", show=False),
        *[bind(str(k + 1), f"jump('{phase}')", show=False) for k, phase in enumerate(PHASES)],
        bind("a", "apply_update"),
        bind("u", "undo"),
        bind("right_square_bracket", "image(1)", show=False, key_display="]"),
        bind("left_square_bracket", "image(-1)", show=False, key_display="["),
        bind("i", "choose_image"),
        bind("T", "toggle_digit", show=False),
        bind("e", "edit_parameters", show=False),
        bind("E", "set_eta", show=False),
        bind("r", "reset", show=False),
        bind("R", "randomise", show=False),
        bind("m", "switch_preset", show=False),
        bind("ctrl+s", "save", show=False),
        bind("ctrl+o", "load", show=False),
        bind("c", "gradient_check", show=False),
        bind("v", "reader", show=False),
        bind("B", "lessons_numbers", show=False),
        *BATCH_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._seed = 0
        self._last_name: str | None = None  # what the last save or load was called
        self._history_key: tuple | None = None
        self._setup_shown: tuple | None = None  # what the grid and the info show: see _render_state

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wb-top"):
            with Vertical(id="wb-left"):
                yield PixelGrid(id="grid")
                yield StyledLines(id="wb-info", wrap=True)
            with TabbedContent(id="wb-tabs"):
                with TabPane("Step-through", id="tab-steps"):
                    with DiagramScroll(id="diagram-scroll"):
                        yield NetworkDiagram(id="diagram")
                with TabPane("Parameters", id="tab-params"):
                    yield ParameterEditor(id="params")  # it scrolls its grids itself
                with TabPane("Gradient check", id="tab-check"):
                    with VerticalScroll():
                        yield SteadyStatic(id="check", markup=False)
                with TabPane("Updates", id="tab-history"):
                    with VerticalScroll():
                        yield SteadyStatic(id="history", markup=False)
                with TabPane("Whole set", id=BATCH_TAB):
                    yield BatchTable(id="batch")  # it scrolls its rows itself
        yield FormulaPanel(id="formula")
        yield TutorFooter()

    def on_mount(self) -> None:
        self.app.ensure_workbench()
        self.watch(self.app, "workbench", self._render_state)
        self.watch(self.app, "lang", self._language_changed)
        self.query_one("#grid").focus()

    def on_screen_resume(self) -> None:
        if self.app.workbench is None:  # made ahead, for nobody (the lab's pool): now its learner's
            self._render_state(self.app.ensure_workbench())

    def _language_changed(self, _lang: str) -> None:
        tabs = self.query_one("#wb-tabs", TabbedContent)
        for pane, key in TAB_TITLES.items():
            tabs.get_tab(pane).label = self.app.tr(key)
        if self.app.workbench is not None:  # else drawn when it is next shown
            self._render_state(self.app.workbench)

    @property
    def state(self) -> Workbench:
        return self.app.workbench

    def _set(self, state: Workbench) -> None:
        self.app.workbench = state

    def _render_state(self, state: Workbench) -> None:
        ex = state.explanation
        # A step (n, p, a phase) changes neither the image nor what is explained beside it.
        shown = (state.setup, state.history, state.preset, state.image, self.app.lang)
        before = self._setup_shown
        if before is None or shown[0] is not before[0] or shown[1] is not before[1] or shown[2:] != before[2:]:
            self._setup_shown = shown
            self._render_setup(state)
        self.query_one("#formula", FormulaPanel).show(ex.steps, state.step, self.app.lang)
        self._render_tab(state, self.query_one("#wb-tabs", TabbedContent).active)

    def _render_setup(self, state: Workbench) -> None:
        grid = self.query_one("#grid", PixelGrid)
        grid.display = state.is_image_grid
        if state.is_image_grid:
            if grid.shape != state.grid:
                grid.set_shape(*state.grid, state.setup.input)
            grid.pixels = tuple(int(v >= 0.5) for v in state.setup.input)
        self.query_one("#wb-info", StyledLines).show_lines(self._info_lines(state))

    def _info_lines(self, state: Workbench) -> list:
        """What is explained: the image (or network), the target, the cost and η; t and η styled
        as in the formula."""
        s, tr = state.setup, self.app.tr
        colour = not self.app.no_color
        key, values = state.label()
        target = f"({', '.join(number(v) for v in s.target)})"
        lines = [plain_line(tr(key, **values)),
                 ((f"{tr('target')} ", ""), ("t", role_style("t", colour)), (f" = {target}", ""))]
        if state.digit is not None:
            lines.append(plain_line(f"{tr('digit')} {state.digit}"))
        elif state.class_name is not None:
            lines.append(plain_line(f"{state.grid[0]}×{state.grid[1]} · {state.class_name}"))
        if not state.is_image_grid:
            lines.insert(0, plain_line("x = (" + ", ".join(number(v) for v in s.input) + ")"))
        lines += [plain_line(f"C = {number(state.explanation.pass_.cost, 6)}"),
                  (("η", role_style("eta", colour)), (f" = {number(s.learning_rate)}", ""))]
        if not s.update_biases:
            lines.append(plain_line(tr("biases_fixed")))
        if state.history:
            lines.append(plain_line(f"{tr('history')}: {len(state.history)}"))
        return lines

    def _render_tab(self, state: Workbench, tab: str) -> None:
        """Only the tab on screen is drawn; the others are drawn when they are opened."""
        step = state.explanation.steps[state.step]
        if tab == "tab-steps":
            self.query_one("#diagram", NetworkDiagram).show(state.explanation, step, self.app.tr("weights_in_play"))
        elif tab == "tab-params":
            self.query_one("#params", ParameterEditor).show(state.setup.network, step)
        elif tab == "tab-check":
            self._render_check(state)
        elif tab == BATCH_TAB:
            self._render_batch(state)
        else:
            self._render_history(state)

    def _render_history(self, state: Workbench) -> None:
        from ..engine.network import cost_of

        s = state.setup
        key = (state.history, s.network, s.input.tobytes(), s.target.tobytes())
        if key == self._history_key:  # a step changes nothing here
            return
        self._history_key = key
        # A state of another shape (before ``m``) is costed on its own input and target.
        costs = [cost_of(b.setup.network, s.input, s.target) if b.setup.network.layers == s.network.layers
                 else b.explanation.pass_.cost for b in (*state.history, state)]
        lines = [f"{k:3d}  C = {number(c, 6)}" for k, c in enumerate(costs)]
        self.query_one("#history", SteadyStatic).show_content("\n".join(lines) + "\n\n " + self.app.tr("history_keys"))

    def _render_check(self, state: Workbench) -> None:
        s = state.setup
        check = gradcheck.check_gradients(s.network, s.input, s.target)
        tr = self.app.tr
        header = [tr("backprop"), tr("central"), tr("difference")]
        cells = [[sym, f"{b + 0.0:.8g}", f"{n + 0.0:.8g}", f"{abs(b - n):.1e}"]  # + 0.0: no −0
                 for sym, b, n in zip(check.symbols, check.backprop, check.numeric)]
        rows = [row.replace("-", "−") for row in table_rows([["", *header], *cells])]
        rows.append(tr("largest", d=f"{check.max_difference:.2e}", r=f"{check.max_relative_difference:.2e}"))
        self.query_one("#check", SteadyStatic).show_content("\n".join(rows))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._render_tab(self.state, event.pane.id)

    # Messages from the widgets

    @on(PixelGrid.Toggled)
    def _pixel(self, event: PixelGrid.Toggled) -> None:
        self._set(self.state.with_pixel_toggled(event.index))

    @on(ParameterEditor.Edited)
    def _parameter(self, event: ParameterEditor.Edited) -> None:
        if event.i:
            self._set(self.state.with_weight(event.layer, event.j, event.i, event.value))
        else:
            self._set(self.state.with_bias(event.layer, event.j, event.value))

    # Actions

    def action_step(self, direction: int) -> None:
        self._set(self.state.at_step(self.state.step + direction))

    def action_phase(self, direction: int) -> None:
        self._set(self.state.next_phase(direction))

    def action_jump(self, phase: str) -> None:
        self._set(self.state.at_phase(phase))

    def action_apply_update(self) -> None:
        before = self.state.explanation.pass_.cost
        self._set(self.state.applied())
        after = self.state.explanation.pass_.cost
        self.notify(self.app.tr("applied", before=number(before, 6), after=number(after, 6)))

    def action_undo(self) -> None:
        if not self.state.history:
            self.notify(self.app.tr("nothing_to_undo"), severity="warning")
            return
        self._set(self.state.undone())
        self.notify(self.app.tr("undone"))

    def action_image(self, direction: int) -> None:
        if self.state.preset == "book":
            current = self.state.image or 1
            self._set(self.state.with_image((current - 1 + direction) % 64 + 1))
        elif self.state.setup.grid is not None and self.state.setup.data is not None:  # the learner's data set
            current = self.state.image or 1
            self._set(self.state.with_image((current - 1 + direction) % len(self.state.setup.data) + 1))

    def action_toggle_digit(self) -> None:
        if self.state.digit is not None:
            self._set(self.state.with_digit(1 - self.state.digit))

    def action_edit_parameters(self) -> None:
        self.query_one("#wb-tabs", TabbedContent).active = "tab-params"
        self._render_tab(self.state, "tab-params")  # the grids exist from the first time they are shown
        self.query_one("#params", ParameterEditor).focus_grid()

    def action_gradient_check(self) -> None:
        self.query_one("#wb-tabs", TabbedContent).active = "tab-check"

    def action_reset(self) -> None:
        reset = self.state.reset()
        if reset is self.state:  # a loaded network has no preset to go back to
            self.notify(self.app.tr("reset_loaded"), severity="warning")
            return
        self._set(reset)
        self.notify(self.app.tr("reset"))

    def action_switch_preset(self) -> None:
        self._set(self.state.switched("mazur" if self.state.preset == "book" else "book"))

    def action_lessons_numbers(self) -> None:
        """The lessons' numbers (the book's network on image 1), the learner's own kept for undo."""
        if self.state.is_books_lesson():
            return
        self._set(self.state.books_lesson(1))
        self.notify(self.app.tr("try_switched", image=1))

    def action_reader(self) -> None:
        from .reader import ReaderScreen

        self.app.push_screen(ReaderScreen())


def table_rows(rows: list[list[str]]) -> list[str]:
    """Rows of cells in columns by their width on screen (a Chinese character takes two cells):
    the first column to the left, the others to the right, so each header sits over its numbers."""
    widths = [max(cell_len(row[k]) for row in rows) for k in range(len(rows[0]))]

    def pad(text: str, k: int) -> str:
        space = " " * (widths[k] - cell_len(text))
        return text + space if k == 0 else space + text

    return ["  ".join(pad(cell, k) for k, cell in enumerate(row)).rstrip() for row in rows]


