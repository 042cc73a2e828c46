"""Training runs for the tutor: one at a time, cancellable, from the workbench's own setup.

The UI runs ``TrainingJob.execute`` off its event loop (a worker thread) and passes on
the progress it reports; everything that decides *what* is trained and *whether*
a run may start lives here. A run trains the workbench's network on the workbench's
data with its learning rate, unless the learner typed another η or count, and the
trained network comes back into the workbench only if it still has the same shape.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import training
    from ..engine.network import Network
    from ..engine.presets import Setup
    from .workbench import Workbench

MAX_EPOCHS = 100_000


class TrainingRefused(Exception):
    """Why a run cannot start, or its result cannot be taken (``key`` for a translated message)."""

    def __init__(self, key: str, message: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(message)


@dataclass(eq=False)
class TrainingJob:
    """A run that was allowed to start: ``execute`` it once, off the UI thread."""

    network: Network
    data: training.DataSet
    learning_rate: float
    epochs: int
    update_biases: bool
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def execute(self, on_epoch: Callable[[int, float], None] | None = None) -> training.TrainingRun:
        from ..engine import training

        def each(n: int, cost: float) -> bool:
            if on_epoch is not None:
                on_epoch(n, cost)
            return self._cancel.is_set()

        return training.train(self.network, self.data, self.learning_rate, self.epochs, self.update_biases, each)


class Trainer:
    """The session's training: at most one run at a time, and the last result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._job: TrainingJob | None = None
        self.result: training.TrainingRun | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def begin(self, setup: Setup, learning_rate: float | None = None, epochs: int | None = None) -> TrainingJob:
        """A new run of ``setup``'s network on its data; ``TrainingRefused`` if one runs or nothing can be trained."""
        if setup.data is None:
            raise TrainingRefused("no_data", "This network has no training images to learn from.")
        eta = setup.learning_rate if learning_rate is None else learning_rate
        count = setup.epochs if epochs is None else epochs
        if not (math.isfinite(eta) and eta > 0):
            raise TrainingRefused("eta_positive", f"η must be a positive number, not {eta}", text=str(eta))
        if not 1 <= count <= MAX_EPOCHS:
            raise TrainingRefused("iterations_whole", f"The number of iterations must be from 1 to {MAX_EPOCHS}")
        with self._lock:
            if self._job is not None:
                raise TrainingRefused("already_training", "A training run is already under way.")
            self._job = TrainingJob(setup.network, setup.data, eta, count, setup.update_biases)
            return self._job

    def finish(self, job: TrainingJob, run: training.TrainingRun | None) -> None:
        """The run has ended (``run`` None: it failed); another may start."""
        with self._lock:
            if self._job is job:
                self._job = None
            if run is not None:
                self.result = run

    def cancel(self) -> None:
        with self._lock:
            if self._job is not None:
                self._job.cancel()

    def take(self, bench: Workbench) -> Workbench:
        """The workbench with the trained parameters, if they fit it; ``TrainingRefused`` otherwise."""
        if self.result is None:
            raise TrainingRefused("nothing_trained", "Nothing has been trained yet: press g to train first.")
        trained = self.result.network
        if trained.layers != bench.setup.network.layers:
            raise TrainingRefused(
                "trained_shape", "The trained network no longer fits the workbench's network",
                trained="-".join(map(str, trained.layers)), current="-".join(map(str, bench.setup.network.layers)))
        return bench.with_network(trained)
