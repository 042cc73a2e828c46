"""One full-batch iteration (engine/batch.py and `explain --batch`) against independent oracles:
each image's own backprop, summed, and the first update of `train`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_tutor.engine import presets, training
from tui_tutor.engine.batch import BatchRef, explain_batch, parameter_refs, training_set
from tui_tutor.engine.network import Network, backprop
from tui_tutor.engine.quantities import Ref
from tui_tutor.tutor.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
       "PYTHONIOENCODING": "utf-8"}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_tutor", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def per_image_sums(network: Network, inputs, targets):
    """∂C_T/∂w and ∂C_T/∂b as the sum of each image's own backprop, and C_T as the sum of its costs."""
    passes = [backprop(network, x, t) for x, t in zip(inputs, targets)]
    grad_w = [sum(p.grad_w[k] for p in passes) for k in range(len(network.weights))]
    grad_b = [sum(p.grad_b[k] for p in passes) for k in range(len(network.biases))]
    return sum(p.cost for p in passes), grad_w, grad_b, passes


def assert_close(a, b) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-10, atol=1e-13)


def test_explain_batch_json_sums_the_64_images_and_updates_as_train_does():
    out = cli("explain", "--batch", "--preset", "book", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["cost_total", "images", "grad_weights", "grad_biases", "updated", "steps"]
    book = presets.book()
    cost, grad_w, grad_b, passes = per_image_sums(book.network, book.data.inputs, book.data.targets)
    assert [image["k"] for image in doc["images"]] == list(range(1, 65))
    for image, p in zip(doc["images"], passes):
        assert image["cost"] == pytest.approx(p.cost, rel=1e-12)
        for mine, theirs in zip(image["deltas"], p.delta):
            assert_close(mine, theirs)
    assert doc["cost_total"] == pytest.approx(cost, rel=1e-12)
    assert doc["images"][0]["cost"] == pytest.approx(0.236821, abs=5e-7)  # the book's C of image 1
    for mine, theirs in zip(doc["grad_weights"] + doc["grad_biases"], grad_w + grad_b):
        assert_close(mine, theirs)

    trained = cli("train", "--epochs", "1", "--preset", "book", "--format", "json")
    assert trained.returncode == 0, trained.stderr
    first = json.loads(trained.stdout)
    assert doc["updated"] == {"weights": first["weights"], "biases": first["biases"]}  # to the last digit
    assert doc["cost_total"] == first["cost_history"][0]

    kinds = [s["kind"] for s in doc["steps"]]
    assert kinds.count("image_cost") == 64 and kinds.count("total_weight_gradient") == 42
    assert kinds.count("total_bias_gradient") == 5 and kinds.count("weight_update") == 42
    gradient = next(s for s in doc["steps"] if s["symbol"] == "∂C_T/∂w₁₂³")
    assert gradient["value"] == doc["grad_weights"][1][0][1]
    assert gradient["formula"].startswith("∂C_T/∂w₁₂³ = δ₁³[1]a₂²[1] + δ₁³[2]a₂²[2] + δ₁³[3]a₂²[3] + … + ")
    assert gradient["general"] == "∂C_T/∂wⱼᵢˡ = Σₖ δⱼˡ[k] aᵢˡ⁻¹[k]"
    assert {"quantity": "delta", "symbol": "δ₁³[2]", "l": 3, "j": 1, "k": 2} in gradient["uses"]


def test_explain_batch_text_and_markdown_and_what_it_refuses():
    text = cli("explain", "--batch", "--preset", "mazur")
    assert text.returncode == 0, text.stderr
    assert "1 image, η = 0.5, biases not updated" in text.stdout and "its one example is the whole set" in text.stdout
    assert "∂C_T/∂w₁₁³ = δ₁³[1]a₁²[1]" in text.stdout and "b₁³ ←" not in text.stdout
    markdown = cli("explain", "--batch", "--format", "markdown")
    assert markdown.stdout.startswith("# One full-batch iteration: 12-3-2 network, 64 images, η = 0.2")
    assert "## Cost" in markdown.stdout and "C_T = C₁ + C₂ + C₃ + … + C₆₄" in markdown.stdout
    refused = cli("explain", "--batch", "--image", "3")
    assert refused.returncode == 2 and refused.stderr.strip() == (
        "tui-tutor: error: --batch explains the whole training set: leave out --image")
    assert refused.stdout == ""


def _floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def batches(draw):
    """A network of 2 to 4 layers (1–5 units each, parameters in [−2, 2]) and 1 to 6 images."""
    layers = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    matrix = lambda n, m, lo, hi: np.array(draw(st.lists(_floats(lo, hi), min_size=n * m, max_size=n * m))
                                           ).reshape(n, m)
    network = Network(tuple(matrix(n, m, -2, 2) for m, n in zip(layers, layers[1:])),
                      tuple(matrix(1, n, -2, 2)[0] for n in layers[1:]))
    count = draw(st.integers(1, 6))
    return network, training.DataSet(matrix(count, layers[0], 0, 1), matrix(count, layers[-1], 0, 1))


@settings(max_examples=40, deadline=None)
@given(batches(), _floats(0.01, 2), st.booleans())
def test_on_random_networks_the_sums_are_the_images_gradients_and_the_update_is_trains(case, eta, biases):
    network, data = case
    ex = explain_batch(network, data, eta, biases)
    cost, grad_w, grad_b, passes = per_image_sums(network, data.inputs, data.targets)
    assert ex.pass_.cost_total == pytest.approx(cost, rel=1e-12, abs=1e-15)
    for mine, theirs in zip(ex.pass_.grad_w + ex.pass_.grad_b, grad_w + grad_b):
        assert_close(mine, theirs)
    for k, p in enumerate(passes, start=1):
        for mine, theirs in zip(ex.pass_.image_grad_w(k), p.grad_w):
            assert_close(mine, theirs)
    assert ex.updated.same_as(training.train(network, data, eta, 1, biases).network)  # bit for bit
    # The step records: every image's share, the sum with its total, the update's new value
    for ref in parameter_refs(network.layers):
        walk = ex.walk(ref)
        shares = [walk[k].value for k in range(len(data))]
        total = walk[len(data)]
        assert total.value == ex.value_of(BatchRef("grad_" + ref.quantity, ref.layer, ref.j, ref.i))
        assert total.value == pytest.approx(sum(shares), rel=1e-9, abs=1e-12)
    updates = [s for s in ex.steps if s.phase == "update"]
    assert len(updates) == sum(w.size for w in network.weights) + (sum(b.size for b in network.biases) if biases else 0)
    for step in updates:
        assert step.value == (ex.updated.w(step.result.layer, step.result.j, step.result.i)
                              if step.result.quantity == "w" else ex.updated.b(step.result.layer, step.result.j))


def test_a_nudge_misses_its_first_order_prediction_by_a_second_order_amount():
    """ΔC − ∂C/∂θ·h shrinks as h²: a tenth of h, a hundredth of the miss."""
    bench = Workbench.from_preset("book", image=5)
    for parameter in (Ref("w", 3, 1, 2), Ref("w", 2, 2, 2), Ref("b", 2, 3)):
        misses = []
        for h in (1e-2, 1e-3):
            moved, nudge = bench.nudged(parameter, h)
            assert [b.setup.network for b in moved.history] == [bench.setup.network]
            assert nudge.change == moved.explanation.pass_.cost - bench.explanation.pass_.cost
            misses.append(abs(nudge.change - nudge.predicted))
            assert misses[-1] < 0.05 * abs(nudge.change)
        assert misses[1] / misses[0] == pytest.approx(0.01, rel=0.2)
    with pytest.raises(ValueError):
        bench.nudged(Ref("w", 3, 1, 2), 0.0)


def test_per_image_quantities_are_named_by_image_and_coloured_as_their_kind():
    book = presets.book()
    ex = explain_batch(book.network, book.data, book.learning_rate)
    share = ex.share(Ref("w", 3, 1, 2), 5)
    assert share.lines() == ("∂C₅/∂w₁₂³ = δ₁³[5]a₂²[5]", "          = (−0.1481)×0.9187", "          = −0.136099")
    p = backprop(book.network, book.data.inputs[4], book.data.targets[4])
    assert share.value == p.delta_of(3)[0] * p.a_of(2)[1]
    assert [r.quantity for r in share.uses] == ["delta", "a"]  # the colours of δ and a
    assert BatchRef("delta", 3, 1, image=5) != Ref("delta", 3, 1)  # image 5's δ is not the workbench's δ
    assert ex.total_cost().substituted.startswith("0.2368 + 0.2426 + 0.2543 + … + ")
    assert training_set(presets.mazur()).inputs.shape == (1, 2)
    with pytest.raises(ValueError, match="inputs"):
        explain_batch(book.network, training.DataSet([[0.0, 1.0]], [[1.0, 0.0]]), 0.5)
