"""Speed of the engine's full-batch training beside two baselines measured in the same run.

Method
------
1,000 full-batch iterations on the book's 64 images from its initial parameters, η = 0.2,
each iteration: C_T and its gradient over all images, then one update of every parameter
(the book's method), keeping C_T after every update as ``training.train`` does.

* engine: ``tui_tutor.engine.training.train`` (vectorised over the images);
* per-image loop: the same iterations written with ``network.backprop`` once per image,
  summing the gradients in Python, then ``apply_gradient`` (what a straightforward
  implementation of the book's formulas does);
* bare numpy (the floor): the same arithmetic written inline on plain arrays in this
  script: no objects, no checks, no copies kept.

Each is run REPEATS times, interleaved, after one warm-up; the median per iteration is
reported, with the engine's ratio to the floor (target ≤ 1.5×) and the loop's ratio to the
engine. The three must end at the same C_T (checked to 1e-9).

A report, not a test: the script always exits 0. Run it from the repository root with the
project installed (``python benchmarks/engine.py [--iterations N] [--repeats R]``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from tui_tutor.engine import presets, training
from tui_tutor.engine.network import apply_gradient, backprop

ETA = 0.2


def engine_run(network, data, iterations: int) -> float:
    return training.train(network, data, ETA, iterations).cost_history[-1]


def loop_run(network, data, iterations: int) -> float:
    for _ in range(iterations):
        grad_w = [np.zeros_like(w) for w in network.weights]
        grad_b = [np.zeros_like(b) for b in network.biases]
        for x, t in zip(data.inputs, data.targets):
            p = backprop(network, x, t)
            for k, (gw, gb) in enumerate(zip(p.grad_w, p.grad_b)):
                grad_w[k] += gw
                grad_b[k] += gb
        network = apply_gradient(network, grad_w, grad_b, ETA)
    return sum(backprop(network, x, t).cost for x, t in zip(data.inputs, data.targets))


def bare_run(network, data, iterations: int) -> float:
    w2, w3 = (np.array(w) for w in network.weights)
    b2, b3 = (np.array(b) for b in network.biases)
    x, t = np.array(data.inputs), np.array(data.targets)
    history = []
    for _ in range(iterations):
        a2 = 1.0 / (1.0 + np.exp(-(x @ w2.T + b2)))
        a3 = 1.0 / (1.0 + np.exp(-(a2 @ w3.T + b3)))
        history.append(0.5 * np.sum((t - a3) ** 2))
        d3 = (a3 - t) * a3 * (1.0 - a3)
        d2 = (d3 @ w3) * a2 * (1.0 - a2)
        w3 = w3 - ETA * (d3.T @ a2)
        b3 = b3 - ETA * d3.sum(axis=0)
        w2 = w2 - ETA * (d2.T @ x)
        b2 = b2 - ETA * d2.sum(axis=0)
    a2 = 1.0 / (1.0 + np.exp(-(x @ w2.T + b2)))
    a3 = 1.0 / (1.0 + np.exp(-(a2 @ w3.T + b3)))
    return 0.5 * float(np.sum((t - a3) ** 2))


def timed(run, network, data, iterations: int) -> tuple[float, float]:
    start = time.perf_counter()
    cost = run(network, data, iterations)
    return (time.perf_counter() - start) / iterations, cost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--loop-iterations", type=int, default=100,
                        help="the per-image loop is slow: it runs this many iterations (per-iteration time is compared)")
    args = parser.parse_args()
    network, data = presets.book_network(), presets.book_data()
    runs = {"engine": (engine_run, args.iterations), "bare numpy (floor)": (bare_run, args.iterations),
            "per-image loop": (loop_run, args.loop_iterations)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    costs: dict[str, float] = {}
    for name, (run, n) in runs.items():  # warm-up
        run(network, data, min(n, 10))
    for _ in range(args.repeats):
        for name, (run, n) in runs.items():
            seconds, cost = timed(run, network, data, n)
            times[name].append(seconds)
            if n == args.iterations:
                costs[name] = cost
    agree = abs(costs["engine"] - costs["bare numpy (floor)"]) < 1e-9
    median = {name: statistics.median(t) for name, t in times.items()}
    floor = median["bare numpy (floor)"]
    print(f"{args.iterations} full-batch iterations on the book's 64 images (per-image loop: "
          f"{args.loop_iterations}), median of {args.repeats}, per iteration")
    print(f"{'':22} {'µs/iteration':>13} {'× floor':>9}")
    for name in ("engine", "per-image loop", "bare numpy (floor)"):
        print(f"{name:22} {median[name] * 1e6:13.1f} {median[name] / floor:9.2f}")
    ratio = median["engine"] / floor
    print(f"engine / floor = {ratio:.2f} (target ≤ 1.5: {'PASS' if ratio <= 1.5 else 'FAIL'}); "
          f"per-image loop / engine = {median['per-image loop'] / median['engine']:.0f}×; "
          f"final C_T engine {costs['engine']:.9f}, floor {costs['bare numpy (floor)']:.9f} "
          f"({'agree' if agree else 'DISAGREE'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
