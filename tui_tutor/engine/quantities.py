"""The quantities a formula names (``Ref``) and their values in a pass.

``value_of`` is the one place a quantity such as w₁₂³, δ₁³ or σ′(z₂²) becomes a
number: the step records, the network diagram, the parameter grids and the quiz's
given values all read it, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import symbols as S
from .network import Network, Pass, sigmoid_prime

QUANTITIES = ("x", "w", "b", "z", "a", "dsigma", "delta", "t", "C", "eta", "grad_w", "grad_b")


@dataclass(frozen=True)
class Ref:
    """A quantity a formula names: ``Ref("w", 2, 1, 3)`` is w₁₃², ``Ref("delta", 3, 1)`` is δ₁³."""

    quantity: str  # one of QUANTITIES
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


def parameter_value(network: Network, ref: Ref) -> float:
    """A weight or bias of a network (``Ref("w", l, j, i)`` or ``Ref("b", l, j)``)."""
    if ref.quantity == "w":
        return network.w(ref.layer, ref.j, ref.i)
    if ref.quantity == "b":
        return network.b(ref.layer, ref.j)
    raise ValueError(f"{ref.symbol} is not a weight or a bias")


def value_of(ref: Ref, p: Pass, learning_rate: float) -> float:
    """The value of any quantity a formula names, in pass ``p``: the one place a ``Ref``
    becomes a number. Weights and biases are the network's before the update."""
    q, l, j, i = ref.quantity, ref.layer, ref.j, ref.i
    # A 0 would count from the end of an array: refuse it rather than show another quantity.
    if ((l < 2 and q not in ("x", "t", "C", "eta")) or (j < 1 and q not in ("C", "eta"))
            or (i < 1 and q in ("w", "grad_w"))):
        raise ValueError(f"{ref} names no quantity of the network")
    if q in ("w", "b"):
        return parameter_value(p.network, ref)
    if q == "x":
        return float(p.a_of(1)[j - 1])
    if q == "a":
        return float(p.a_of(l)[j - 1])
    if q == "z":
        return float(p.z_of(l)[j - 1])
    if q == "dsigma":
        return float(sigmoid_prime(p.z_of(l)[j - 1]))
    if q in ("delta", "grad_b"):  # ∂C/∂b = δ
        return float(p.delta_of(l)[j - 1])
    if q == "grad_w":  # ∂C/∂w_ji = δ_j a_i^(l−1), the element of Pass.grad_w without building it
        return float(p.delta_of(l)[j - 1] * p.a_of(l - 1)[i - 1])
    if q == "t":
        return float(p.t[j - 1])
    if q == "C":
        return p.cost
    if q == "eta":
        return float(learning_rate)
    raise ValueError(f"unknown quantity {q!r}")
