"""Step records: one pass of backpropagation explained in teaching order.

Forward pass (layer by layer, unit by unit: z then a), cost, output δ,
backward δ (layer by layer), gradients, update. Every formula the tutor shows
comes from here: each step carries its symbol, the general formula, the
formula for this unit in symbols, the same with the live numbers put in, and
the value. Formulas are built from parts, each part tagged with the quantity
it names (a ``Ref``), so a UI can colour a term alike in the symbolic form,
in the numeric form and on a network diagram.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

from . import symbols as S
from .network import Network, Pass, apply_gradient, backprop, sigmoid_prime

PHASES = ("forward", "cost", "output_delta", "backward", "gradients", "update")

# The general formulas of docs/notation.md, in Unicode; lessons quote these same forms.
GENERAL = {
    "weighted_input": "zⱼˡ = Σᵢ wⱼᵢˡ aᵢˡ⁻¹ + bⱼˡ",
    "activation": "aⱼˡ = σ(zⱼˡ)",
    "cost": "C = ½ Σⱼ (tⱼ − aⱼᴸ)²",
    "output_delta": "δⱼᴸ = (aⱼᴸ − tⱼ) σ′(zⱼᴸ)",
    "hidden_delta": "δᵢˡ = (Σⱼ δⱼˡ⁺¹ wⱼᵢˡ⁺¹) σ′(zᵢˡ)",
    "weight_gradient": "∂C/∂wⱼᵢˡ = δⱼˡ aᵢˡ⁻¹",
    "bias_gradient": "∂C/∂bⱼˡ = δⱼˡ",
    "weight_update": "wⱼᵢˡ ← wⱼᵢˡ − η ∂C/∂wⱼᵢˡ",
    "bias_update": "bⱼˡ ← bⱼˡ − η ∂C/∂bⱼˡ",
}


@dataclass(frozen=True)
class Ref:
    """A quantity a formula names: ``Ref("w", 2, 1, 3)`` is w₁₃², ``Ref("delta", 3, 1)`` is δ₁³."""

    quantity: str  # x w b z a dsigma delta t C eta grad_w grad_b
    layer: int = 0
    j: int = 0
    i: int = 0

    @cached_property  # asked for thousands of times per explanation
    def symbol(self) -> str:
        q, l, j, i = self.quantity, self.layer, self.j, self.i
        if q == "w":
            return S.weight(l, j, i)
        if q in ("z", "a", "b"):
            return S.unit(q, l, j)
        if q == "x":
            return "x" + S.sub(j)
        if q == "delta":
            return S.unit("δ", l, j)
        if q == "dsigma":
            return f"σ′({S.unit('z', l, j)})"
        if q == "t":
            return S.target(j)
        if q == "grad_w":
            return "∂C/∂" + S.weight(l, j, i)
        if q == "grad_b":
            return "∂C/∂" + S.unit("b", l, j)
        return {"C": "C", "eta": "η"}[q]

    def to_dict(self) -> dict:
        out = {"quantity": self.quantity, "symbol": self.symbol}
        if self.layer:
            out["l"] = self.layer
        if self.j:
            out["j"] = self.j
        if self.i:
            out["i"] = self.i
        return out


Part = tuple[str, "Ref | None"]


@dataclass(frozen=True)
class Step:
    kind: str
    phase: str
    symbol: str
    formula_parts: tuple[Part, ...]
    substituted_parts: tuple[Part, ...]
    value: float
    result: Ref  # the quantity this step computes
    layer: int = 0
    unit: int = 0
    general: str = field(default="")

    @property
    def formula(self) -> str:
        return "".join(text for text, _ in self.formula_parts)

    @property
    def substituted(self) -> str:
        return "".join(text for text, _ in self.substituted_parts)

    @cached_property  # the UI asks once per cell it colours
    def uses(self) -> tuple[Ref, ...]:
        """The quantities on the right-hand side, each once, in order of appearance."""
        seen: dict[Ref, None] = {}
        for _, ref in self.formula_parts[2:]:  # past "symbol =" on the left
            if ref is not None:
                seen.setdefault(ref)
        return tuple(seen)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "phase": self.phase,
            "symbol": self.symbol,
            "general": self.general,
            "formula": self.formula,
            "substituted": self.substituted,
            "value": self.value,
            "uses": [r.to_dict() for r in self.uses],
        }


class _Builder:
    """Collects a symbolic and a numeric form side by side, part by part."""

    def __init__(self) -> None:
        self.sym: list[Part] = []
        self.num: list[Part] = []

    def text(self, both: str, numeric: str | None = None) -> _Builder:
        self.sym.append((both, None))
        self.num.append((both if numeric is None else numeric, None))
        return self

    def term(self, ref: Ref, value: float, bracket: bool = True) -> _Builder:
        self.sym.append((ref.symbol, ref))
        self.num.append((S.operand(value) if bracket else S.number(value), ref))
        return self

    def step(self, kind, phase, result: Ref, value, layer=0, unit=0) -> Step:
        lhs = [(result.symbol, result), (" ← " if kind.endswith("update") else " = ", None)]
        return Step(kind, phase, result.symbol, tuple(lhs + self.sym), tuple(self.num), float(value),
                    result, layer, unit, GENERAL[kind])


def _input_ref(l: int, i: int) -> Ref:
    return Ref("x", 1, i) if l == 1 else Ref("a", l, i)


def _weighted_input(p: Pass, l: int, j: int) -> Step:
    net, a_prev, b = p.network, p.a_of(l - 1), _Builder()
    for i in range(1, net.layers[l - 2] + 1):
        if i > 1:
            b.text(" + ")
        b.term(Ref("w", l, j, i), net.w(l, j, i)).text("", "×").term(_input_ref(l - 1, i), a_prev[i - 1])
    b.text(" + ").term(Ref("b", l, j), net.b(l, j))
    return b.step("weighted_input", "forward", Ref("z", l, j), p.z_of(l)[j - 1], l, j)


def _activation(p: Pass, l: int, j: int) -> Step:
    b = _Builder().text("σ(").term(Ref("z", l, j), p.z_of(l)[j - 1], bracket=False).text(")")
    return b.step("activation", "forward", Ref("a", l, j), p.a_of(l)[j - 1], l, j)


def _cost_step(p: Pass) -> Step:
    L = p.network.depth
    b = _Builder().text("½[")
    for j in range(1, p.network.layers[-1] + 1):
        if j > 1:
            b.text(" + ")
        b.text("(").term(Ref("t", L, j), p.t[j - 1]).text(" − ").term(Ref("a", L, j), p.output[j - 1]).text(")²")
    b.text("]")
    return b.step("cost", "cost", Ref("C"), p.cost)


def _output_delta(p: Pass, j: int) -> Step:
    L = p.network.depth
    z = p.z_of(L)[j - 1]
    b = _Builder().text("(").term(Ref("a", L, j), p.output[j - 1]).text(" − ").term(Ref("t", L, j), p.t[j - 1])
    b.text(")", ")×").term(Ref("dsigma", L, j), sigmoid_prime(z))
    return b.step("output_delta", "output_delta", Ref("delta", L, j), p.delta_of(L)[j - 1], L, j)


def _hidden_delta(p: Pass, l: int, i: int) -> Step:
    net, b = p.network, _Builder().text("(")
    for j in range(1, net.layers[l] + 1):
        if j > 1:
            b.text(" + ")
        b.term(Ref("delta", l + 1, j), p.delta_of(l + 1)[j - 1]).text("", "×")
        b.term(Ref("w", l + 1, j, i), net.w(l + 1, j, i))
    b.text(")", ")×").term(Ref("dsigma", l, i), sigmoid_prime(p.z_of(l)[i - 1]))
    return b.step("hidden_delta", "backward", Ref("delta", l, i), p.delta_of(l)[i - 1], l, i)


def _weight_gradient(p: Pass, l: int, j: int, i: int) -> Step:
    a_prev, delta = p.a_of(l - 1), p.delta_of(l)
    b = _Builder().term(Ref("delta", l, j), delta[j - 1]).text("", "×").term(_input_ref(l - 1, i), a_prev[i - 1])
    return b.step("weight_gradient", "gradients", Ref("grad_w", l, j, i), delta[j - 1] * a_prev[i - 1], l, j)


def _bias_gradient(p: Pass, l: int, j: int) -> Step:
    b = _Builder().term(Ref("delta", l, j), p.delta_of(l)[j - 1], bracket=False)
    return b.step("bias_gradient", "gradients", Ref("grad_b", l, j), p.delta_of(l)[j - 1], l, j)


def _weight_update(p: Pass, new: Network, eta: float, l: int, j: int, i: int) -> Step:
    b = _Builder().term(Ref("w", l, j, i), p.network.w(l, j, i), bracket=False).text(" − ")
    b.term(Ref("eta"), eta).text(" ", "×").term(Ref("grad_w", l, j, i), p.grad_w[l - 2][j - 1, i - 1])
    return b.step("weight_update", "update", Ref("w", l, j, i), new.w(l, j, i), l, j)


def _bias_update(p: Pass, new: Network, eta: float, l: int, j: int) -> Step:
    b = _Builder().term(Ref("b", l, j), p.network.b(l, j), bracket=False).text(" − ")
    b.term(Ref("eta"), eta).text(" ", "×").term(Ref("grad_b", l, j), p.delta_of(l)[j - 1])
    return b.step("bias_update", "update", Ref("b", l, j), new.b(l, j), l, j)


def _makers(p: Pass, new: Network, eta: float, update_biases: bool) -> list[tuple[str, Callable[[], Step]]]:
    """(phase, how to build the step) for every step, in teaching order."""
    net, L = p.network, p.network.depth

    def units(l: int) -> range:
        return range(1, net.layers[l - 1] + 1)

    out: list[tuple[str, Callable[[], Step]]] = []
    for l in range(2, L + 1):
        for j in units(l):
            out += [("forward", partial(_weighted_input, p, l, j)), ("forward", partial(_activation, p, l, j))]
    out.append(("cost", partial(_cost_step, p)))
    out += [("output_delta", partial(_output_delta, p, j)) for j in units(L)]
    for l in range(L - 1, 1, -1):
        out += [("backward", partial(_hidden_delta, p, l, i)) for i in units(l)]
    for l in range(2, L + 1):
        for j in units(l):
            out += [("gradients", partial(_weight_gradient, p, l, j, i)) for i in units(l - 1)]
            out.append(("gradients", partial(_bias_gradient, p, l, j)))
    for l in range(2, L + 1):
        for j in units(l):
            out += [("update", partial(_weight_update, p, new, eta, l, j, i)) for i in units(l - 1)]
            if update_biases:
                out.append(("update", partial(_bias_update, p, new, eta, l, j)))
    return out


class Steps(Sequence[Step]):
    """The step records of a pass, each built the first time it is asked for.

    A new pixel or weight makes a new explanation on every key press of the workbench,
    which shows one step of the 110: building them all was ~4 ms a press. Iterating
    (the command line's text and JSON) builds them all, as before."""

    def __init__(self, makers: list[tuple[str, Callable[[], Step]]]) -> None:
        self.phases = tuple(phase for phase, _ in makers)
        self._makers = [make for _, make in makers]
        self._built: list[Step | None] = [None] * len(makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[n] for n in range(*k.indices(len(self))))
        step = self._built[k]
        if step is None:
            step = self._built[k] = self._makers[k]()
        return step


@dataclass(frozen=True, eq=False)
class Explanation:
    """One pass explained: the numbers (``pass_``), the updated network and the steps."""

    pass_: Pass
    updated: Network
    learning_rate: float
    update_biases: bool
    steps: Steps

    def first_of(self, phase: str) -> int:
        """Index of the first step of a phase (see PHASES)."""
        return next(k for k, ph in enumerate(self.steps.phases) if ph == phase)


def explain(network: Network, x, t, learning_rate: float, update_biases: bool = True) -> Explanation:
    p = backprop(network, x, t)
    new = apply_gradient(network, p.grad_w, p.grad_b, learning_rate, update_biases)
    return Explanation(p, new, learning_rate, update_biases, Steps(_makers(p, new, learning_rate, update_biases)))
