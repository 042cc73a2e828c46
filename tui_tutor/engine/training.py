"""Full-batch training on a data set, vectorised over the images.

The book trains full batch: the gradient of C_T = Σ_k C_k is the sum of each
image's gradient, and one update w ← w − η ∂C_T/∂w follows each pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .network import Network, apply_gradient, sigmoid, squared_error


@dataclass(frozen=True, eq=False)
class DataSet:
    """Inputs (one row an image) and targets (one row an image)."""

    inputs: np.ndarray
    targets: np.ndarray

    def __post_init__(self) -> None:
        inputs = np.array(self.inputs, dtype=float, ndmin=2)
        targets = np.array(self.targets, dtype=float, ndmin=2)
        if inputs.shape[0] != targets.shape[0]:
            raise ValueError(f"{inputs.shape[0]} inputs but {targets.shape[0]} targets")
        inputs.setflags(write=False)
        targets.setflags(write=False)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "targets", targets)

    def __len__(self) -> int:
        return self.inputs.shape[0]


def batch_forward(network: Network, inputs) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z and a of every layer for every image: row k belongs to image k."""
    a = [np.asarray(inputs, dtype=float)]
    z = []
    for w, b in zip(network.weights, network.biases):
        z.append(a[-1] @ w.T + b)
        a.append(sigmoid(z[-1]))
    return z, a


def outputs(network: Network, inputs) -> np.ndarray:
    return batch_forward(network, inputs)[1][-1]


def total_cost(network: Network, data: DataSet) -> float:
    """C_T = Σ_k ½ Σ_j (t_j − a_j^L)²."""
    return squared_error(data.targets, outputs(network, data.inputs))


def total_gradient(network: Network, data: DataSet):
    """C_T and its gradient ∂C_T/∂w = Σ_k ∂C_k/∂w (and the same for b)."""
    z, a = batch_forward(network, data.inputs)
    cost = squared_error(data.targets, a[-1])
    delta = (a[-1] - data.targets) * a[-1] * (1.0 - a[-1])  # σ′(z) = a(1 − a)
    grad_w, grad_b = [None] * len(z), [None] * len(z)
    for k in range(len(z) - 1, -1, -1):
        grad_w[k] = delta.T @ a[k]
        grad_b[k] = delta.sum(axis=0)
        if k:
            delta = (delta @ network.weights[k]) * a[k] * (1.0 - a[k])
    return cost, tuple(grad_w), tuple(grad_b)


def predict(network: Network, inputs) -> np.ndarray:
    """The index of the largest output: 0 means "digit 0" in the book (a₁³ ≥ a₂³ gives 0)."""
    return np.argmax(outputs(network, inputs), axis=1)


def accuracy(network: Network, data: DataSet) -> float:
    return float(np.mean(predict(network, data.inputs) == np.argmax(data.targets, axis=1)))


@dataclass(frozen=True, eq=False)
class TrainingRun:
    network: Network
    cost_history: tuple[float, ...]  # C_T before the first update and after each one
    stopped: bool = False


def train(
    network: Network,
    data: DataSet,
    learning_rate: float,
    epochs: int,
    update_biases: bool = True,
    on_epoch: Callable[[int, float], bool | None] | None = None,
) -> TrainingRun:
    """Full-batch gradient descent for ``epochs`` updates.

    ``on_epoch(n, cost)`` is called after update n with C_T; returning True stops early.
    The C_T after an update is the cost the next gradient computes anyway, so each
    iteration is one forward and one backward pass over the batch.
    """
    stopped = False
    cost, grad_w, grad_b = total_gradient(network, data)
    history = [cost]
    for n in range(epochs):
        network = apply_gradient(network, grad_w, grad_b, learning_rate, update_biases)
        last = n + 1 == epochs
        if last:
            cost = total_cost(network, data)
        else:
            cost, grad_w, grad_b = total_gradient(network, data)
        history.append(cost)
        if on_epoch is not None and on_epoch(n + 1, cost):
            stopped = True
            break
    return TrainingRun(network, tuple(history), stopped)


def confusion_matrix(network: Network, data: DataSet) -> np.ndarray:
    """Row c, column p: how many images of class c the network took for class p (the largest output)."""
    n = data.targets.shape[1]
    out = np.zeros((n, n), dtype=int)
    np.add.at(out, (np.argmax(data.targets, axis=1), predict(network, data.inputs)), 1)
    return out
