"""One full-batch iteration explained: the book's own update, over the whole training set.

C_T = Σ_k C_k, and ∂C_T/∂w_ji^l = Σ_k δ_j^l[k] a_i^(l−1)[k]: every image's share of a
gradient is its δ times its a, and one update w ← w − η ∂C_T/∂w follows. The numbers of
all images are computed at once (a row an image), with the arithmetic of
``training.total_gradient``, so the update here is the first update of ``train`` to the
last digit. The step records are built like ``steps.py`` builds them (parts tagged with
the quantity they name, so a UI colours them alike); a per-image quantity is a
``BatchRef`` (δ₁³[5] is image 5's δ₁³), and a sum over the set has image 0 (C_T, ∂C_T/∂w).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np

from . import symbols as S
from .network import Network, apply_gradient, squared_error
from .presets import Setup
from .quantities import Ref, parameter_value
from .steps import Step, Steps
from .training import DataSet, batch_forward

GENERAL = {
    "image_cost": "Cₖ = ½ Σⱼ (tⱼ[k] − aⱼᴸ[k])²",
    "total_cost": "C_T = Σₖ Cₖ",
    "image_weight_gradient": "∂Cₖ/∂wⱼᵢˡ = δⱼˡ[k] aᵢˡ⁻¹[k]",
    "image_bias_gradient": "∂Cₖ/∂bⱼˡ = δⱼˡ[k]",
    "total_weight_gradient": "∂C_T/∂wⱼᵢˡ = Σₖ δⱼˡ[k] aᵢˡ⁻¹[k]",
    "total_bias_gradient": "∂C_T/∂bⱼˡ = Σₖ δⱼˡ[k]",
    "weight_update": "wⱼᵢˡ ← wⱼᵢˡ − η ∂C_T/∂wⱼᵢˡ",
    "bias_update": "bⱼˡ ← bⱼˡ − η ∂C_T/∂bⱼˡ",
}
FIRST_TERMS = 3  # a sum over the set shows its first terms, "…" and the last one


@dataclass(frozen=True)
class BatchRef(Ref):
    """A quantity of one image (``image`` k ≥ 1: δ₁³[k], x₃[k], C_k, ∂C_k/∂w) or a sum over
    the set (``image`` 0: C_T, ∂C_T/∂w, ∂C_T/∂b)."""

    image: int = 0

    @cached_property
    def symbol(self) -> str:
        q, k = self.quantity, self.image
        cost = "C" + S.sub(k) if k else "C_T"
        if q == "C":
            return cost
        if q == "grad_w":
            return f"∂{cost}/∂" + S.weight(self.layer, self.j, self.i)
        if q == "grad_b":
            return f"∂{cost}/∂" + S.unit("b", self.layer, self.j)
        return Ref(q, self.layer, self.j, self.i).symbol + f"[{k}]"

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.image:
            out["k"] = self.image
        return out


def training_set(setup: Setup) -> DataSet:
    """The set a full-batch iteration runs over: the setup's data, else its one example
    (the 2-2-2 example of the blog post trains on one input)."""
    if setup.data is not None:
        return setup.data
    return DataSet(setup.input[None, :], setup.target[None, :])


@dataclass(frozen=True, eq=False)
class BatchPass:
    """Every image's forward and backward pass at once: row k − 1 of each array is image k."""

    network: Network
    data: DataSet
    z: tuple[np.ndarray, ...]  # z^l for l = 2..L, shape (images, units)
    a: tuple[np.ndarray, ...]  # a^l for l = 1..L (a^1 = the inputs)
    delta: tuple[np.ndarray, ...]  # δ^l for l = 2..L
    costs: np.ndarray  # C_k
    cost_total: float  # C_T
    grad_w: tuple[np.ndarray, ...]  # ∂C_T/∂w of each layer
    grad_b: tuple[np.ndarray, ...]  # ∂C_T/∂b of each layer

    def __len__(self) -> int:
        return len(self.data)

    def image_grad_w(self, k: int) -> tuple[np.ndarray, ...]:
        """Image k's own ∂C_k/∂w = δ[k] a[k]ᵀ, layer by layer (k from 1)."""
        return tuple(np.outer(d[k - 1], a[k - 1]) for d, a in zip(self.delta, self.a[:-1]))


def batch_pass(network: Network, data: DataSet) -> BatchPass:
    """The whole set's passes, with ``total_gradient``'s arithmetic (so its very bits)."""
    if data.inputs.shape[1] != network.layers[0] or data.targets.shape[1] != network.layers[-1]:
        raise ValueError(f"the data set's images have {data.inputs.shape[1]} inputs and {data.targets.shape[1]} "
                         f"targets; the network is {'-'.join(map(str, network.layers))}")
    z, a = batch_forward(network, data.inputs)
    costs = 0.5 * np.sum((data.targets - a[-1]) ** 2, axis=1)
    delta = (a[-1] - data.targets) * a[-1] * (1.0 - a[-1])  # σ′(z) = a(1 − a)
    deltas, grad_w, grad_b = [None] * len(z), [None] * len(z), [None] * len(z)
    for k in range(len(z) - 1, -1, -1):
        deltas[k] = delta
        grad_w[k] = delta.T @ a[k]
        grad_b[k] = delta.sum(axis=0)
        if k:
            delta = (delta @ network.weights[k]) * a[k] * (1.0 - a[k])
    return BatchPass(network, data, tuple(z), tuple(a), tuple(deltas), costs,
                     squared_error(data.targets, a[-1]), tuple(grad_w), tuple(grad_b))


def parameter_refs(layers) -> list[Ref]:
    """Every weight and bias, unit by unit as the update phase of ``steps`` goes: w_j1 … w_jn, b_j."""
    out: list[Ref] = []
    for l in range(2, len(layers) + 1):
        for j in range(1, layers[l - 1] + 1):
            out += [Ref("w", l, j, i) for i in range(1, layers[l - 2] + 1)]
            out.append(Ref("b", l, j))
    return out


def _input_ref(l: int, i: int, k: int) -> BatchRef:
    return BatchRef("x", 1, i, image=k) if l == 1 else BatchRef("a", l, i, image=k)


def _terms(count: int) -> list[int | None]:
    """Which images a sum shows: all of a few, else the first ones, None for "…", and the last."""
    if count <= FIRST_TERMS + 1:
        return list(range(1, count + 1))
    return [*range(1, FIRST_TERMS + 1), None, count]


@dataclass(frozen=True, eq=False)
class BatchExplanation:
    pass_: BatchPass
    updated: Network
    learning_rate: float
    update_biases: bool
    parameters: tuple[Ref, ...] = field(default=())

    def value_of(self, ref: Ref) -> float:
        """The value of a quantity of the iteration (weights and biases: before the update)."""
        p, q, l, j, i = self.pass_, ref.quantity, ref.layer, ref.j, ref.i
        if q in ("w", "b"):
            return parameter_value(p.network, ref)
        if q == "eta":
            return float(self.learning_rate)
        k = getattr(ref, "image", 0)
        if k == 0:
            if q == "C":
                return p.cost_total
            if q == "grad_w":
                return float(p.grad_w[l - 2][j - 1, i - 1])
            if q == "grad_b":
                return float(p.grad_b[l - 2][j - 1])
            raise ValueError(f"{ref.symbol} needs an image")
        row = k - 1
        if q == "x":
            return float(p.a[0][row, j - 1])
        if q == "a":
            return float(p.a[l - 1][row, j - 1])
        if q == "z":
            return float(p.z[l - 2][row, j - 1])
        if q == "t":
            return float(p.data.targets[row, j - 1])
        if q == "C":
            return float(p.costs[row])
        if q in ("delta", "grad_b"):
            return float(p.delta[l - 2][row, j - 1])
        if q == "grad_w":  # + 0.0: a negative δ times a white pixel is 0, not −0
            return float(p.delta[l - 2][row, j - 1] * p.a[l - 2][row, i - 1]) + 0.0
        raise ValueError(f"{ref.symbol} is not a quantity of a full-batch iteration")

    # The step records

    def image_cost(self, k: int) -> Step:
        L, b = self.pass_.network.depth, _Builder(self)
        b.text("½[")
        for j in range(1, self.pass_.network.layers[-1] + 1):
            if j > 1:
                b.text(" + ")
            b.text("(").term(BatchRef("t", L, j, image=k)).text(" − ").term(BatchRef("a", L, j, image=k)).text(")²")
        b.text("]")
        return b.step("image_cost", "cost", BatchRef("C", image=k))

    def total_cost(self) -> Step:
        b = _Builder(self)
        self._sum(b, lambda k: b.term(BatchRef("C", image=k), bracket=False))
        return b.step("total_cost", "cost", BatchRef("C"))

    def share(self, parameter: Ref, k: int) -> Step:
        """Image k's share of ∂C_T/∂θ: δ_j^l[k] a_i^(l−1)[k] for a weight, δ_j^l[k] for a bias."""
        l, j, i, b = parameter.layer, parameter.j, parameter.i, _Builder(self)
        if parameter.quantity == "w":
            b.term(BatchRef("delta", l, j, image=k)).text("", "×").term(_input_ref(l - 1, i, k))
            return b.step("image_weight_gradient", "gradients", BatchRef("grad_w", l, j, i, image=k), layer=l, unit=j)
        b.term(BatchRef("delta", l, j, image=k), bracket=False)
        return b.step("image_bias_gradient", "gradients", BatchRef("grad_b", l, j, image=k), layer=l, unit=j)

    def gradient(self, parameter: Ref) -> Step:
        """∂C_T/∂θ = Σ_k of the shares, its first terms and the total put in."""
        l, j, i, b = parameter.layer, parameter.j, parameter.i, _Builder(self)
        if parameter.quantity == "w":
            self._sum(b, lambda k: b.term(BatchRef("delta", l, j, image=k)).text("", "×")
                      .term(_input_ref(l - 1, i, k)))
            return b.step("total_weight_gradient", "gradients", BatchRef("grad_w", l, j, i), layer=l, unit=j)
        self._sum(b, lambda k: b.term(BatchRef("delta", l, j, image=k)))
        return b.step("total_bias_gradient", "gradients", BatchRef("grad_b", l, j), layer=l, unit=j)

    def update(self, parameter: Ref) -> Step:
        """θ ← θ − η ∂C_T/∂θ; the value is the new θ (a bias left alone keeps its own)."""
        l, j, i, b = parameter.layer, parameter.j, parameter.i, _Builder(self)
        total = BatchRef("grad_w", l, j, i) if parameter.quantity == "w" else BatchRef("grad_b", l, j)
        b.term(parameter, bracket=False).text(" − ").term(Ref("eta")).text(" ", "×").term(total)
        kind = "weight_update" if parameter.quantity == "w" else "bias_update"
        return b.step(kind, "update", parameter, parameter_value(self.updated, parameter), l, j)

    def _sum(self, b: _Builder, term: Callable[[int], object]) -> None:
        for n, k in enumerate(_terms(len(self.pass_))):
            if n:
                b.text(" + ")
            if k is None:
                b.text("…")
            else:
                term(k)

    @cached_property
    def steps(self) -> Steps:
        """The iteration as the command line tells it: each image's cost and C_T, every ∂C_T/∂θ, every update."""
        makers = [("cost", partial(self.image_cost, k)) for k in range(1, len(self.pass_) + 1)]
        makers.append(("cost", self.total_cost))
        makers += [("gradients", partial(self.gradient, p)) for p in self.parameters]
        makers += [("update", partial(self.update, p)) for p in self._updated_parameters]
        return Steps(makers)

    def walk(self, parameter: Ref) -> Steps:
        """The iteration as the workbench steps through it following one parameter: every image's
        share of its gradient, the sum, then the update of every parameter."""
        makers: list[tuple[str, Callable[[], Step]]] = [
            ("gradients", partial(self.share, parameter, k)) for k in range(1, len(self.pass_) + 1)]
        makers.append(("gradients", partial(self.gradient, parameter)))
        makers += [("update", partial(self.update, p)) for p in self._updated_parameters]
        return Steps(makers)

    @property
    def _updated_parameters(self) -> list[Ref]:
        return [p for p in self.parameters if self.update_biases or p.quantity == "w"]


class _Builder:
    """The symbolic and the numeric form side by side, part by part (as in ``steps``)."""

    def __init__(self, ex: BatchExplanation) -> None:
        self.ex = ex
        self.sym: list = []
        self.num: list = []

    def text(self, both: str, numeric: str | None = None) -> _Builder:
        self.sym.append((both, None))
        self.num.append((both if numeric is None else numeric, None))
        return self

    def term(self, ref: Ref, bracket: bool = True) -> _Builder:
        value = self.ex.value_of(ref)
        self.sym.append((ref.symbol, ref))
        self.num.append((S.operand(value) if bracket else S.number(value), ref))
        return self

    def step(self, kind: str, phase: str, result: Ref, value: float | None = None, layer=0, unit=0) -> Step:
        lhs = [(result.symbol, result), (" ← " if kind.endswith("update") else " = ", None)]
        value = self.ex.value_of(result) if value is None else value
        return Step(kind, phase, result.symbol, tuple(lhs + self.sym), tuple(self.num), float(value),
                    result, layer, unit, GENERAL[kind])


def explain_batch(network: Network, data: DataSet, learning_rate: float,
                  update_biases: bool = True) -> BatchExplanation:
    """One full-batch iteration: every image's pass, ∂C_T/∂θ and the update w ← w − η ∂C_T/∂w."""
    p = batch_pass(network, data)
    new = apply_gradient(network, p.grad_w, p.grad_b, learning_rate, update_biases)
    return BatchExplanation(p, new, float(learning_rate), update_biases, tuple(parameter_refs(network.layers)))
