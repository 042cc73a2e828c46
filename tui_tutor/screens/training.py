"""Full-batch training on the 64 images, off the UI thread, from the workbench's parameters."""

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
from ..engine.presets import book_data, book_labels
from ..engine.symbols import number
from ..widgets.footer import TutorFooter
from ..widgets.keys import bind
from ..widgets.pixel_grid import PixelGrid
from ..engine.numbers import NumberError, editable, parse_number, parse_whole
from ..tutor.training_runs import MAX_EPOCHS, TrainingJob, TrainingRefused


def predictions_content(network: Network, lang_wrong: str, per_row: int = 12) -> Content:
    """The 64 images in bands of ``per_row``, each with its prediction; wrong ones in red."""
    data = book_data()
    guess = training.predict(network, data.inputs)
    labels = book_labels()
    parts: list = []
    for start in range(0, len(data), per_row):
        band = range(start, min(start + per_row, len(data)))
        parts.append(("".join(f"{k + 1:<5}" for k in band), "dim"))
        parts.append("\n")
        for r in range(4):
            for k in band:
                row = data.inputs[k][r * 3 : r * 3 + 3]
                parts.append(("".join("█" if v else "·" for v in row) + "  ", ""))
            parts.append("\n")
        for k in band:
            wrong = guess[k] != labels[k]
            parts.append((f"→{guess[k]}{'✗' if wrong else ' '}  ", "bold red" if wrong else "green"))
        parts.append("\n\n")
    wrong = int(np.sum(guess != np.array(labels)))
    parts.append((f"{lang_wrong}: {wrong}/{len(data)}", "bold red" if wrong else "bold green"))
    return Content.assemble(*parts)


class TrainingScreen(Screen):
    BINDINGS = [
        bind("g", "train"),
        bind("s", "stop"),
        bind("k", "keep"),
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
                yield Static(id="predictions")
        yield TutorFooter()

    def on_mount(self) -> None:
        setup = self.app.ensure_workbench().setup
        self.query_one("#eta", Input).value = editable(setup.learning_rate)
        self.query_one("#epochs", Input).value = str(max(1, setup.epochs))
        self.watch(self.app, "lang", self._language_changed)
        self.watch(self.app, "workbench", lambda _: self._show(self.network))
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

    def _show(self, network: Network) -> None:
        if network.layers != (12, 3, 2):
            self.query_one("#predictions", Static).update(self.app.tr("not_book_shape"))
            return
        per_row = max(1, (self.query_one("#train-right").size.width - 2) // 5)
        self.query_one("#predictions", Static).update(predictions_content(network, self.app.tr("wrong"), per_row))
        self._answer()

    def _answer(self) -> None:
        grid = self.query_one("#draw", PixelGrid)
        net = self.network
        if net.layers != (12, 3, 2):
            return
        a = training.outputs(net, np.array([grid.pixels], dtype=float))[0]
        digit = 0 if a[0] >= a[1] else 1
        self.query_one("#draw-answer", Static).update(
            self.app.tr("answer", digit=digit, a1=number(a[0]), a2=number(a[1])))

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
        acc = training.accuracy(run.network, book_data())
        self.query_one("#train-status", Static).update(
            f"{text}\n{self.app.tr('accuracy')} {100 * acc:.1f} %\nk: {self.app.tr('workbench')} ←")
        self.query_one("#train", Button).disabled = False
        self.query_one("#stop", Button).disabled = True
        self._show(run.network)
        self.call_after_refresh(self.query_one("#train-status").scroll_visible, animate=False)
