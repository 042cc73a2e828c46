"""Step records: one pass of backpropagation explained in teaching order.

Forward pass (layer by layer, unit by unit: z then a), cost, output δ,
backward δ (layer by layer), gradients, update. Every formula the tutor shows
comes from here: each step carries its symbol, the general formula, the
formula for this unit in symbols, the same with the live numbers put in, and
the value. Formulas are built from parts, each part tagged with the quantity
it names (a ``Ref``), so a UI can colour a term alike in the symbolic form,
in the numeric form and on a network diagram; each part's number is the
quantity's value (``quantities.value_of``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from . import symbols as S
from .network import Network, Pass, apply_gradient, backprop
from .quantities import Ref, value_of

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

    @property
    def continuation(self) -> str:
        """How the second and third lines start: spaces as wide as the symbol, then " = "."""
        return " " * len(self.symbol) + " = "

    @property
    def value_text(self) -> str:
        """The value as the tutor shows it (six significant figures)."""
        return S.number(self.value, 6)

    def lines(self) -> tuple[str, str, str]:
        """The three lines a step shows everywhere: symbols, numbers put in, value."""
        return self.formula, self.continuation + self.substituted, self.continuation + self.value_text

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
    """Collects a symbolic and a numeric form side by side, part by part; each term's
    number is the quantity's value in the pass (``value_of``), read where every view reads it."""

    def __init__(self, p: Pass, eta: float) -> None:
        self.p, self.eta = p, eta
        self.sym: list[Part] = []
        self.num: list[Part] = []

    def text(self, both: str, numeric: str | None = None) -> _Builder:
        self.sym.append((both, None))
        self.num.append((both if numeric is None else numeric, None))
        return self

    def term(self, ref: Ref, bracket: bool = True) -> _Builder:
        value = value_of(ref, self.p, self.eta)
        self.sym.append((ref.symbol, ref))
        self.num.append((S.operand(value) if bracket else S.number(value), ref))
        return self

    def step(self, kind, phase, result: Ref, value=None, layer=0, unit=0) -> Step:
        """``value`` defaults to the result's own value in the pass (an update's is the new one)."""
        lhs = [(result.symbol, result), (" ← " if kind.endswith("update") else " = ", None)]
        value = value_of(result, self.p, self.eta) if value is None else value
        return Step(kind, phase, result.symbol, tuple(lhs + self.sym), tuple(self.num), float(value),
                    result, layer, unit, GENERAL[kind])


def _input_ref(l: int, i: int) -> Ref:
    return Ref("x", 1, i) if l == 1 else Ref("a", l, i)


def _weighted_input(p: Pass, eta: float, l: int, j: int) -> Step:
    b = _Builder(p, eta)
    for i in range(1, p.network.layers[l - 2] + 1):
        if i > 1:
            b.text(" + ")
        b.term(Ref("w", l, j, i)).text("", "×").term(_input_ref(l - 1, i))
    b.text(" + ").term(Ref("b", l, j))
    return b.step("weighted_input", "forward", Ref("z", l, j), layer=l, unit=j)


def _activation(p: Pass, eta: float, l: int, j: int) -> Step:
    b = _Builder(p, eta).text("σ(").term(Ref("z", l, j), bracket=False).text(")")
    return b.step("activation", "forward", Ref("a", l, j), layer=l, unit=j)


def _cost_step(p: Pass, eta: float) -> Step:
    L = p.network.depth
    b = _Builder(p, eta).text("½[")
    for j in range(1, p.network.layers[-1] + 1):
        if j > 1:
            b.text(" + ")
        b.text("(").term(Ref("t", L, j)).text(" − ").term(Ref("a", L, j)).text(")²")
    b.text("]")
    return b.step("cost", "cost", Ref("C"))


def _output_delta(p: Pass, eta: float, j: int) -> Step:
    L = p.network.depth
    b = _Builder(p, eta).text("(").term(Ref("a", L, j)).text(" − ").term(Ref("t", L, j))
    b.text(")", ")×").term(Ref("dsigma", L, j))
    return b.step("output_delta", "output_delta", Ref("delta", L, j), layer=L, unit=j)


def _hidden_delta(p: Pass, eta: float, l: int, i: int) -> Step:
    b = _Builder(p, eta).text("(")
    for j in range(1, p.network.layers[l] + 1):
        if j > 1:
            b.text(" + ")
        b.term(Ref("delta", l + 1, j)).text("", "×").term(Ref("w", l + 1, j, i))
    b.text(")", ")×").term(Ref("dsigma", l, i))
    return b.step("hidden_delta", "backward", Ref("delta", l, i), layer=l, unit=i)


def _weight_gradient(p: Pass, eta: float, l: int, j: int, i: int) -> Step:
    b = _Builder(p, eta).term(Ref("delta", l, j)).text("", "×").term(_input_ref(l - 1, i))
    return b.step("weight_gradient", "gradients", Ref("grad_w", l, j, i), layer=l, unit=j)


def _bias_gradient(p: Pass, eta: float, l: int, j: int) -> Step:
    b = _Builder(p, eta).term(Ref("delta", l, j), bracket=False)
    return b.step("bias_gradient", "gradients", Ref("grad_b", l, j), layer=l, unit=j)


def _weight_update(p: Pass, eta: float, new: Network, l: int, j: int, i: int) -> Step:
    b = _Builder(p, eta).term(Ref("w", l, j, i), bracket=False).text(" − ")
    b.term(Ref("eta")).text(" ", "×").term(Ref("grad_w", l, j, i))
    return b.step("weight_update", "update", Ref("w", l, j, i), new.w(l, j, i), l, j)


def _bias_update(p: Pass, eta: float, new: Network, l: int, j: int) -> Step:
    b = _Builder(p, eta).term(Ref("b", l, j), bracket=False).text(" − ")
    b.term(Ref("eta")).text(" ", "×").term(Ref("grad_b", l, j))
    return b.step("bias_update", "update", Ref("b", l, j), new.b(l, j), l, j)


Maker = tuple[str, Callable[..., Step], tuple]  # phase, builder, the builder's unit indices


@lru_cache(maxsize=32)
def _plan(layers: tuple[int, ...], update_biases: bool) -> tuple[Maker, ...]:
    """(phase, builder, indices) for every step, in teaching order. It depends only on the
    network's shape, so it is made once per shape, not on every new pixel or weight."""
    L = len(layers)

    def units(l: int) -> range:
        return range(1, layers[l - 1] + 1)

    out: list[Maker] = []
    for l in range(2, L + 1):
        for j in units(l):
            out += [("forward", _weighted_input, (l, j)), ("forward", _activation, (l, j))]
    out.append(("cost", _cost_step, ()))
    out += [("output_delta", _output_delta, (j,)) for j in units(L)]
    for l in range(L - 1, 1, -1):
        out += [("backward", _hidden_delta, (l, i)) for i in units(l)]
    for l in range(2, L + 1):
        for j in units(l):
            out += [("gradients", _weight_gradient, (l, j, i)) for i in units(l - 1)]
            out.append(("gradients", _bias_gradient, (l, j)))
    for l in range(2, L + 1):
        for j in units(l):
            out += [("update", _weight_update, (l, j, i)) for i in units(l - 1)]
            if update_biases:
                out.append(("update", _bias_update, (l, j)))
    return tuple(out)


class Steps(Sequence[Step]):
    """Step records, each built the first time it is asked for.

    A new pixel or weight makes a new explanation on every key press of the workbench,
    which shows one step of the 110, so only that one is built; iterating (the command
    line's text and JSON) builds them all."""

    def __init__(self, makers: list[tuple[str, Callable[[], Step]]]) -> None:
        self.phases = tuple(phase for phase, _ in makers)
        self._makers = [make for _, make in makers]
        self._built: list[Step | None] = [None] * len(makers)

    def __len__(self) -> int:
        return len(self._built)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[n] for n in range(*k.indices(len(self))))
        step = self._built[k]
        if step is None:
            step = self._built[k] = self._make(k)
        return step

    def _make(self, k: int) -> Step:
        return self._makers[k]()


class _PassSteps(Steps):
    """The steps of one pass, made from the plan of its network's shape (``_plan``)."""

    def __init__(self, p: Pass, new: Network, eta: float, update_biases: bool) -> None:
        self._plan = _plan(p.network.layers, update_biases)
        self.phases = _phases(self._plan)
        self._p, self._new, self._eta = p, new, eta
        self._built = [None] * len(self._plan)

    def _make(self, k: int) -> Step:
        _, build, indices = self._plan[k]
        if build in (_weight_update, _bias_update):  # they also read the updated network
            return build(self._p, self._eta, self._new, *indices)
        return build(self._p, self._eta, *indices)


@lru_cache(maxsize=32)
def _phases(plan: tuple[Maker, ...]) -> tuple[str, ...]:
    return tuple(phase for phase, _, _ in plan)


@dataclass(frozen=True, eq=False)
class Explanation:
    """One pass explained: the numbers (``pass_``), the updated network and the steps."""

    pass_: Pass
    updated: Network
    learning_rate: float
    update_biases: bool
    steps: Steps

    def value_of(self, ref: Ref) -> float:
        """The value of a quantity in this pass (see ``value_of``)."""
        return value_of(ref, self.pass_, self.learning_rate)

    def first_of(self, phase: str) -> int:
        """Index of the first step of a phase (see PHASES)."""
        return next(k for k, ph in enumerate(self.steps.phases) if ph == phase)


def explain(network: Network, x, t, learning_rate: float, update_biases: bool = True) -> Explanation:
    p = backprop(network, x, t)
    new = apply_gradient(network, p.grad_w, p.grad_b, learning_rate, update_biases)
    return Explanation(p, new, learning_rate, update_biases, _PassSteps(p, new, learning_rate, update_biases))
