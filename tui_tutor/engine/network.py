"""A fully connected sigmoid network and backpropagation for one input.

Names follow the book's notation (see docs/notation.md): layer 1 is the input
layer, ``weights[k]`` holds w_ji of layer l = k + 2 with shape
(units of l, units of l − 1), and ``biases[k]`` holds b_j of the same layer.

Everything here returns new objects. Arrays handed out are read-only, so a
network or a pass can be kept in a history and stepped back to for free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)). Below z = −700, e^(−z) would overflow: z is held at −700 there,
    where σ is 10⁻³⁰⁴, as good as its true value 0 (and cheaper than silencing the overflow)."""
    return 1.0 / (1.0 + np.exp(-np.maximum(z, -700.0)))


def sigmoid_prime(z):
    """σ′(z) = σ(z)(1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def squared_error(targets, outputs) -> float:
    """C = ½ Σ (t − a)², the cost of the book: of one input (vectors), or summed over a
    batch (one row an input), which is C_T = Σ_k C_k."""
    return 0.5 * float(np.sum((np.asarray(targets, dtype=float) - outputs) ** 2))


def _frozen(array) -> np.ndarray:
    out = np.array(array, dtype=float)  # always a copy: callers keep theirs
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Network:
    """Weights and biases of a network; ``eq=False`` because arrays don't compare to a bool."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", tuple(_frozen(w) for w in self.weights))
        object.__setattr__(self, "biases", tuple(_frozen(b) for b in self.biases))
        if not self.weights or len(self.weights) != len(self.biases):
            raise ValueError("a network needs one bias vector per weight matrix, and at least one layer")
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ValueError(f"layer {k + 2}: weights {w.shape} do not match biases {b.shape}")
            if k and w.shape[1] != self.weights[k - 1].shape[0]:
                raise ValueError(f"layer {k + 2}: takes {w.shape[1]} inputs, layer {k + 1} has {self.weights[k - 1].shape[0]} units")

    @classmethod
    def _of_new_arrays(cls, weights, biases) -> Network:
        """A network of arrays just computed for it, of a shape already checked: they are made
        read-only rather than copied and checked again (training makes one per iteration)."""
        network = object.__new__(cls)
        for array in (*weights, *biases):
            array.setflags(write=False)
        object.__setattr__(network, "weights", tuple(weights))
        object.__setattr__(network, "biases", tuple(biases))
        return network

    @property
    def layers(self) -> tuple[int, ...]:
        """Units per layer, from the input layer on (the book's 12-3-2 is ``(12, 3, 2)``)."""
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @property
    def depth(self) -> int:
        """L, the number of the output layer."""
        return len(self.weights) + 1

    def w(self, l: int, j: int, i: int) -> float:
        """w_ji^l with 1-based j and i, as in the book."""
        return float(self.weights[l - 2][j - 1, i - 1])

    def b(self, l: int, j: int) -> float:
        """b_j^l with a 1-based j."""
        return float(self.biases[l - 2][j - 1])

    def with_weight(self, l: int, j: int, i: int, value: float) -> Network:
        weights = [w.copy() for w in self.weights]
        weights[l - 2][j - 1, i - 1] = value
        return Network(tuple(weights), self.biases)

    def with_bias(self, l: int, j: int, value: float) -> Network:
        biases = [b.copy() for b in self.biases]
        biases[l - 2][j - 1] = value
        return Network(self.weights, tuple(biases))

    def parameters(self) -> np.ndarray:
        """All weights then all biases, layer by layer, as one flat vector."""
        return np.concatenate([w.ravel() for w in self.weights] + [b.ravel() for b in self.biases])

    def from_parameters(self, flat) -> Network:
        """A network of this shape with the parameters of a vector from ``parameters()``."""
        flat = np.asarray(flat, dtype=float)
        weights, biases, at = [], [], 0
        for w in self.weights:
            weights.append(flat[at : at + w.size].reshape(w.shape))
            at += w.size
        for b in self.biases:
            biases.append(flat[at : at + b.size])
            at += b.size
        return Network(tuple(weights), tuple(biases))

    def same_as(self, other: Network) -> bool:
        return self.layers == other.layers and all(
            np.array_equal(p, q) for p, q in zip(self.weights + self.biases, other.weights + other.biases)
        )

    @classmethod
    def random(cls, layers, seed: int = 0, scale: float = 1.0) -> Network:
        """Parameters drawn from a normal distribution, reproducible from ``seed``."""
        rng = np.random.default_rng(seed)
        layers = tuple(layers)
        weights = tuple(rng.normal(0.0, scale, (n, m)) for m, n in zip(layers, layers[1:]))
        biases = tuple(rng.normal(0.0, scale, n) for n in layers[1:])
        return cls(weights, biases)


@dataclass(frozen=True, eq=False)
class Pass:
    """One forward and backward pass for one input x and target t.

    Lists are indexed by layer l through the helpers; ``z[0]`` is layer 2.
    """

    network: Network
    x: np.ndarray
    t: np.ndarray
    z: tuple[np.ndarray, ...]  # z^l for l = 2..L
    a: tuple[np.ndarray, ...]  # a^l for l = 1..L (a^1 = x)
    delta: tuple[np.ndarray, ...]  # δ^l for l = 2..L
    cost: float

    def z_of(self, l: int) -> np.ndarray:
        return self.z[l - 2]

    def a_of(self, l: int) -> np.ndarray:
        return self.a[l - 1]

    def delta_of(self, l: int) -> np.ndarray:
        return self.delta[l - 2]

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]

    @property
    def grad_w(self) -> tuple[np.ndarray, ...]:
        """∂C/∂w_ji^l = δ_j^l · a_i^(l−1), for every layer l = 2..L."""
        return tuple(_frozen(np.outer(d, a)) for d, a in zip(self.delta, self.a[:-1]))

    @property
    def grad_b(self) -> tuple[np.ndarray, ...]:
        """∂C/∂b_j^l = δ_j^l, because ∂z_j^l/∂b_j^l = 1."""
        return self.delta


def forward(network: Network, x) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """z^l = W^l a^(l−1) + b^l and a^l = σ(z^l), layer by layer."""
    a = [_frozen(x)]
    if a[0].shape != (network.layers[0],):
        raise ValueError(f"the input has {a[0].size} values, the network expects {network.layers[0]}")
    z = []
    for w, b in zip(network.weights, network.biases):
        z.append(_frozen(w @ a[-1] + b))
        a.append(_frozen(sigmoid(z[-1])))
    return tuple(z), tuple(a)


def backprop(network: Network, x, t) -> Pass:
    """Forward pass, cost, output δ, then the backward recursion.

    Output layer:  δ_j^L = (a_j^L − t_j) · σ′(z_j^L)
    Recursion:     δ_i^l = (Σ_j δ_j^(l+1) · w_ji^(l+1)) · σ′(z_i^l)
    The recursion uses the weights before any update.
    """
    z, a = forward(network, x)
    t = _frozen(t)
    if t.shape != a[-1].shape:
        raise ValueError(f"the target has {t.size} values, the network has {a[-1].size} outputs")
    cost = squared_error(t, a[-1])
    delta = [(a[-1] - t) * sigmoid_prime(z[-1])]
    for k in range(len(z) - 2, -1, -1):
        delta.insert(0, (network.weights[k + 1].T @ delta[0]) * sigmoid_prime(z[k]))
    return Pass(network, a[0], t, z, a, tuple(_frozen(d) for d in delta), cost)


def apply_gradient(network: Network, grad_w, grad_b, eta: float, update_biases: bool = True) -> Network:
    """w ← w − η ∂C/∂w and b ← b − η ∂C/∂b, all at once, into a new network."""
    weights = [w - eta * np.asarray(g, dtype=float) for w, g in zip(network.weights, grad_w)]
    biases = [b - eta * np.asarray(g, dtype=float) for b, g in zip(network.biases, grad_b)] if update_biases \
        else network.biases
    if any(w.shape != v.shape for w, v in zip(weights + list(biases), network.weights + network.biases)):
        raise ValueError("the gradient does not have the network's shape")
    return Network._of_new_arrays(weights, biases)


def cost_of(network: Network, x, t) -> float:
    """C = ½ Σ_j (t_j − a_j^L)² for one input."""
    _, a = forward(network, x)
    return squared_error(t, a[-1])
