"""Central differences, (C(θ + h) − C(θ − h)) / 2h, beside every backpropagated gradient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network, backprop, cost_of
from .symbols import parameter_symbols


@dataclass(frozen=True)
class GradientCheck:
    symbols: tuple[str, ...]  # ∂C/∂w₁₁², … in the order of Network.parameters()
    backprop: np.ndarray
    numeric: np.ndarray

    @property
    def differences(self) -> np.ndarray:
        return np.abs(self.backprop - self.numeric)

    @property
    def max_difference(self) -> float:
        return float(self.differences.max())

    @property
    def max_relative_difference(self) -> float:
        """Relative to the larger magnitude, with a floor so that zero gradients don't divide by zero."""
        scale = np.maximum(np.maximum(np.abs(self.backprop), np.abs(self.numeric)), 1e-8)
        return float((self.differences / scale).max())


def numeric_gradient(network: Network, x, t, h: float = 1e-5) -> np.ndarray:
    theta = network.parameters()
    out = np.empty_like(theta)
    for k in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        out[k] = (cost_of(network.from_parameters(up), x, t) - cost_of(network.from_parameters(down), x, t)) / (2 * h)
    return out


def check_gradients(network: Network, x, t, h: float = 1e-5) -> GradientCheck:
    result = backprop(network, x, t)
    analytic = np.concatenate([g.ravel() for g in result.grad_w] + [g.ravel() for g in result.grad_b])
    return GradientCheck(
        tuple("∂C/∂" + s for s in parameter_symbols(network.layers)),
        analytic,
        numeric_gradient(network, x, t, h),
    )
