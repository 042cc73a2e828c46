"""The common mistakes of a step, each computed by the engine on the question's own setup,
and the diagnosis of a wrong answer: which of them it matches, within the question's tolerance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine import symbols as S
from .skills import STEP_SKILLS

if TYPE_CHECKING:
    from ..engine.steps import Explanation, Step


@dataclass(frozen=True)
class Candidate:
    """One mistake made concrete: its id, its value, and the line a learner who made it wrote."""

    id: str
    value: float
    line: str


def within(value: float, target: float, relative: float, absolute: float) -> bool:
    return abs(value - target) <= max(absolute, relative * abs(target))


def diagnose(value: float, candidates: Sequence[Candidate], relative: float, absolute: float) -> Candidate | None:
    """The mistake whose value the answer matches (the nearest, should two be close); None if none."""
    matching = [c for c in candidates if within(value, c.value, relative, absolute)]
    return min(matching, key=lambda c: abs(c.value - value)) if matching else None


def _n(v: float) -> str:
    return S.operand(v)


def _line(symbol: str, formula: str, value: float) -> str:
    return f"{symbol} = {formula} = {S.number(value, 6)}"


def right_line(step: Step) -> str:
    return _line(step.symbol, step.substituted, step.value)


def _sigma_prime(v: float) -> float:
    from ..engine.network import sigmoid_prime

    return float(sigmoid_prime(v))


def candidates(ex: Explanation, step: Step) -> tuple[Candidate, ...]:
    """The common mistakes of ``step``'s skill on ``ex``'s pass (none for a skill that has none)."""
    skill = STEP_SKILLS.get(step.kind)
    make = _MAKERS.get(skill)
    return tuple(make(ex, step)) if make else ()


def _cost(ex: Explanation, step: Step) -> list[Candidate]:
    p, L = ex.pass_, ex.pass_.network.depth
    terms = [(float(t), float(a)) for t, a in zip(p.t, p.a_of(L))]
    value = sum((t - a) ** 2 for t, a in terms)
    formula = " + ".join(f"({_n(t)} − {_n(a)})²" for t, a in terms)
    return [Candidate("no-half", value, _line("C", formula, value))]


def _output_delta(ex: Explanation, step: Step) -> list[Candidate]:
    p, L, j = ex.pass_, ex.pass_.network.depth, step.unit
    a, t, z = float(p.a_of(L)[j - 1]), float(p.t[j - 1]), float(p.z_of(L)[j - 1])
    sp, sym = _sigma_prime(z), step.symbol
    spa = _sigma_prime(a)
    return [
        Candidate("no-sigma-prime", a - t, _line(sym, f"{_n(a)} − {_n(t)}", a - t)),
        Candidate("sign-flip", (t - a) * sp, _line(sym, f"({_n(t)} − {_n(a)})×{_n(sp)}", (t - a) * sp)),
        Candidate("z-for-a", (z - t) * sp, _line(sym, f"({_n(z)} − {_n(t)})×{_n(sp)}", (z - t) * sp)),
        Candidate("sigma-prime-of-a", (a - t) * spa, _line(sym, f"({_n(a)} − {_n(t)})×σ′({S.number(a)})",
                                                           (a - t) * spa)),
    ]


def _hidden_delta(ex: Explanation, step: Step) -> list[Candidate]:
    p, l, i = ex.pass_, step.layer, step.unit
    deltas = [float(d) for d in p.delta_of(l + 1)]
    w, new_w = p.network.weights[l - 1], ex.updated.weights[l - 1]  # w^(l+1): rows j of layer l+1
    sp, sym = _sigma_prime(float(p.z_of(l)[i - 1])), step.symbol

    def summed(weights: list[float]) -> tuple[float, str]:
        total = sum(d * wt for d, wt in zip(deltas, weights))
        return total, " + ".join(f"{_n(d)}×{_n(wt)}" for d, wt in zip(deltas, weights))

    right_w = [float(w[j, i - 1]) for j in range(len(deltas))]
    total, text = summed(right_w)
    out = [Candidate("no-sigma-prime", total, _line(sym, text, total))]
    if i <= w.shape[0] and len(deltas) <= w.shape[1]:  # w_ij^(l+1) exists for every j
        s, text_t = summed([float(w[i - 1, j]) for j in range(len(deltas))])
        out.append(Candidate("transposed-weights", s * sp, _line(sym, f"({text_t})×{_n(sp)}", s * sp)))
    if len(deltas) > 1:
        first = deltas[0] * right_w[0] * sp
        out.append(Candidate("one-term", first, _line(sym, f"{_n(deltas[0])}×{_n(right_w[0])}×{_n(sp)}", first)))
    s, text_u = summed([float(new_w[j, i - 1]) for j in range(len(deltas))])
    out.append(Candidate("updated-weights", s * sp, _line(sym, f"({text_u})×{_n(sp)}", s * sp)))
    return out


def _grad_weight(ex: Explanation, step: Step) -> list[Candidate]:
    p, l, j, i = ex.pass_, step.result.layer, step.result.j, step.result.i
    d, sym = float(p.delta_of(l)[j - 1]), step.symbol
    a_same = float(p.a_of(l)[j - 1])
    out = [Candidate("same-layer-activation", d * a_same, _line(sym, f"{_n(d)}×{_n(a_same)}", d * a_same))]
    if l - 1 >= 2:  # the input layer has no z
        z = float(p.z_of(l - 1)[i - 1])
        out.append(Candidate("z-for-a", d * z, _line(sym, f"{_n(d)}×{_n(z)}", d * z)))
    return out


def _update(ex: Explanation, step: Step) -> list[Candidate]:
    from ..engine.quantities import Ref

    r = step.result
    old = ex.value_of(r)
    grad = ex.value_of(Ref("grad_w", r.layer, r.j, r.i) if r.quantity == "w" else Ref("grad_b", r.layer, r.j))
    eta, sym = ex.learning_rate, step.symbol
    return [
        Candidate("sign-flip", old + eta * grad, _line(sym, f"{S.number(old)} + {_n(eta)}×{_n(grad)}", old + eta * grad)),
        Candidate("no-eta", old - grad, _line(sym, f"{S.number(old)} − {_n(grad)}", old - grad)),
    ]


_MAKERS = {"cost": _cost, "output-delta": _output_delta, "hidden-delta": _hidden_delta,
           "grad-weight": _grad_weight, "update-weight": _update}
