"""Full-batch training on the workbench's data set (the book's 64 images, or the learner's own),
off the UI thread, from the workbench's parameters; then what each hidden unit learned."""

from __future__ import annotations

import numpy as np
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, ProgressBar, Sparkline, Static

from ..engine import training
from ..engine.network import Network
from ..engine.symbols import number
from ..widgets.footer import TutorFooter
from ..widgets.keys import bind
from ..widgets.hidden_units import hidden_unit_lines
from ..widgets.image_gallery import ImageGallery
from ..widgets.pixel_grid import PixelGrid
from ..widgets.styled_lines import StyledLines
from ..engine.numbers import NumberError, editable, parse_number, parse_whole
from ..tutor.training_runs import MAX_EPOCHS, TrainingJob, TrainingRefused


def prediction_captions(network: Network, data: training.DataSet, classes) -> tuple[list, int]:
    """Each image's caption "→ class" (✗ and red when wrong) and how many are wrong."""
    guess = training.predict(network, data.inputs)
    truth = np.argmax(data.targets, axis=1)
    captions = [(f"→{classes[g]}{'✗' if g != t else ''}", "bold red" if g != t else "green")
                for g, t in zip(guess, truth)]
    return captions, int(np.sum(guess != truth))


class TrainingScreen(Screen):
    BINDINGS = [
        bind("g", "train"),
        bind("s", "stop"),
        bind("k", "keep"),
        bind("d", "datasets"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._result: Network | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="train-left"):
                with Horizontal(classes="field"):
                    yield Label("η", classes="field-label")
                    yield Input("0.2", id="eta")
                    yield Label("N", classes="field-label")
                    yield Input("50", id="epochs")
                with Horizontal(classes="buttons"):
                    yield Button("Train", id="train", variant="primary")
                    yield Button("Stop", id="stop", disabled=True)
                yield ProgressBar(id="progress", show_eta=False)
                yield Sparkline([], id="curve")
                yield Static(id="train-status", markup=False)
                yield Label("", id="draw-title")
                yield PixelGrid(id="draw")
                yield Static(id="draw-answer", markup=False)
            with VerticalScroll(id="train-right"):
                yield ImageGallery(id="predictions")
                yield Static(id="wrong-count", markup=False)
                yield StyledLines(id="hidden-units")
        yield TutorFooter()

    def on_mount(self) -> None:
        setup = self.app.ensure_workbench().setup
        self.query_one("#eta", Input).value = editable(setup.learning_rate)
        self.query_one("#epochs", Input).value = str(max(1, setup.epochs))
        self.watch(self.app, "lang", self._language_changed)
        self.watch(self.app, "workbench", lambda _: self._show(self.network))
        self.query_one("#predictions", ImageGallery).can_focus = False
        self.query_one("#train", Button).focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show, self.network)

    @property
    def network(self) -> Network:
        return self._result or self.app.workbench.setup.network

    def _language_changed(self, _lang: str) -> None:
        self.query_one("#train", Button).label = self.app.tr("train")
        self.query_one("#stop", Button).label = self.app.tr("stop")
        self.query_one("#draw-title", Label).update(self.app.tr("draw"))
        self._show(self.network)

    def _shape(self):
        """The grid and classes of the workbench's data set, when this network can learn it."""
        setup = self.app.workbench.setup
        shape = setup.shape()
        if shape is None or setup.data is None or self.network.layers[0] != shape[0][0] * shape[0][1] \
                or self.network.layers[-1] != len(shape[1]):
            return None
        return shape

    def _show(self, network: Network) -> None:
        shape = self._shape()
        wrong_count = self.query_one("#wrong-count", Static)
        if shape is None:
            wrong_count.update(self.app.tr("not_book_shape"))
            return
        (rows, cols), classes = shape
        data = self.app.workbench.setup.data
        title = self.app.tr("draw") if classes == ("0", "1") else self.app.tr("draw_class")
        self.query_one("#draw-title", Label).update(title)
        grid = self.query_one("#draw", PixelGrid)
        if grid.shape != (rows, cols):
            grid.set_shape(rows, cols)
        captions, wrong = prediction_captions(network, data, classes)
        self.query_one("#predictions", ImageGallery).show(data.inputs, rows, cols, captions)
        wrong_count.update(Content.styled(f"{self.app.tr('wrong')}: {wrong}/{len(data)}",
                                          "bold red" if wrong else "bold green"))
        width = self.query_one("#train-right").size.width - 2
        self.query_one("#hidden-units", StyledLines).show_lines(hidden_unit_lines(
            network, rows, cols, self.app.tr("hidden_title"), lambda j: self.app.tr("hidden_unit", j=j), width))
        self._answer()

    def _answer(self) -> None:
        shape = self._shape()
        if shape is None:
            return
        grid = self.query_one("#draw", PixelGrid)
        a = training.outputs(self.network, np.array([grid.pixels], dtype=float))[0]
        classes = shape[1]
        if len(classes) == 2 and classes == ("0", "1"):  # the book's way: a₁ against a₂
            text = self.app.tr("answer", digit=0 if a[0] >= a[1] else 1, a1=number(a[0]), a2=number(a[1]))
        else:
            text = self.app.tr("answer_class", name=classes[int(np.argmax(a))],
                               outputs=", ".join(f"{name} {number(v)}" for name, v in zip(classes, a)))
        self.query_one("#draw-answer", Static).update(text)

    def action_datasets(self) -> None:
        from .dataset_editor import DataSetEditorScreen

        self.app.push_screen(DataSetEditorScreen())

    @on(PixelGrid.Toggled, "#draw")
    def _drawn(self, event: PixelGrid.Toggled) -> None:
        grid = event.grid
        pixels = list(grid.pixels)
        pixels[event.index] = 1 - pixels[event.index]
        grid.pixels = tuple(pixels)
        self._answer()
        # On a short terminal the answer is below the grid: keep it in sight as the learner draws.
        self.call_after_refresh(self.query_one("#draw-answer").scroll_visible, animate=False)

    @on(Button.Pressed, "#train")
    def action_train(self) -> None:
        eta_text, epochs_text = self.query_one("#eta", Input).value, self.query_one("#epochs", Input).value
        try:
            eta = parse_number(eta_text)
        except NumberError:
            self.notify(self.app.tr("eta_positive", text=eta_text[:40]), severity="error")
            return
        try:
            epochs = parse_whole(epochs_text, 1, MAX_EPOCHS)
        except NumberError:
            self.notify(self.app.tr("iterations_whole"), severity="error")
            return
        try:
            job = self.app.session.trainer.begin(self.app.workbench.setup, eta, epochs)
        except TrainingRefused as refused:
            self.notify(self.app.tr(refused.key, **refused.values), severity="warning")
            return
        self.query_one("#train", Button).disabled = True
        self.query_one("#stop", Button).disabled = False
        self.query_one("#progress", ProgressBar).update(total=epochs, progress=0)
        self._run(job)

    @on(Button.Pressed, "#stop")
    def action_stop(self) -> None:
        self.app.session.trainer.cancel()

    def action_keep(self) -> None:
        try:
            self.app.workbench = self.app.session.trainer.take(self.app.workbench)
        except TrainingRefused as refused:
            self.notify(self.app.tr(refused.key, **refused.values), severity="warning")
            return
        self._result = None
        self.notify(self.app.tr("trained_taken"))

    @work(thread=True, exclusive=True)
    def _run(self, job: TrainingJob) -> None:
        history: list[float] = []
        every = max(1, job.epochs // 100)  # repaint at most ~100 times
        worker = get_current_worker()

        def on_epoch(n: int, cost: float) -> None:
            history.append(cost)
            if worker.is_cancelled:  # the app is closing: nobody is there to show it
                job.cancel()
            elif n % every == 0 or n == job.epochs:
                self.app.call_from_thread(self._progress, n, list(history))

        run = None
        try:
            run = job.execute(on_epoch)
        finally:
            self.app.session.trainer.finish(job, run)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finished, run)

    def _progress(self, n: int, history: list[float]) -> None:
        self.query_one("#progress", ProgressBar).update(progress=n)
        self.query_one("#curve", Sparkline).data = history
        self.query_one("#train-status", Static).update(f"{n}: C_T = {number(history[-1], 6)}")

    def _finished(self, run: training.TrainingRun) -> None:
        self._result = run.network
        n = len(run.cost_history) - 1
        self.query_one("#curve", Sparkline).data = list(run.cost_history)
        key = "stopped" if run.stopped else "training_done"
        text = self.app.tr(key, n=n, first=number(run.cost_history[0], 6), last=number(run.cost_history[-1], 6))
        acc = training.accuracy(run.network, self.app.workbench.setup.data)
        self.query_one("#train-status", Static).update(
            f"{text}\n{self.app.tr('accuracy')} {100 * acc:.1f} %\nk: {self.app.tr('workbench')} ←")
        self.query_one("#train", Button).disabled = False
        self.query_one("#stop", Button).disabled = True
        if self.focused is None:  # the Train button lost the focus while it was disabled
            self.query_one("#train", Button).focus()
        self._show(run.network)
        self.call_after_refresh(self.query_one("#train-status").scroll_visible, animate=False)
