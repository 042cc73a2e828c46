"""The presets against hand-checked numbers, and the step records of one explained pass."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_tutor.engine import presets, steps, training
from tui_tutor.engine.steps import PHASES, Ref


def assert_printed(value: float, printed: str) -> None:
    """``value`` agrees with a number to every digit printed (within half a unit of the last one)."""
    digits = len(printed.split(".")[1])
    assert abs(value - float(printed)) <= 0.5 * 10.0**-digits, f"{value!r} is not {printed}"


@pytest.fixture(scope="module")
def mazur():
    s = presets.mazur()
    return steps.explain(s.network, s.input, s.target, s.learning_rate, s.update_biases)


@pytest.fixture(scope="module")
def book_image_1():
    s = presets.book(1)
    return steps.explain(s.network, s.input, s.target, s.learning_rate, s.update_biases)


# The 2-2-2 network of the step-by-step blog post (w1…w4 are w₁₁², w₁₂², w₂₁², w₂₂²; w5…w8 likewise in layer 3).

def test_mazur_setup_is_the_blog_post():
    s = presets.mazur()
    assert s.network.layers == (2, 2, 2)
    np.testing.assert_array_equal(s.input, [0.05, 0.10])
    np.testing.assert_array_equal(s.target, [0.01, 0.99])
    assert s.learning_rate == 0.5
    assert s.update_biases is False


def test_mazur_forward_pass(mazur):
    p = mazur.pass_
    assert p.z_of(2)[0] == pytest.approx(0.3775, abs=1e-12)
    assert_printed(p.a_of(2)[0], "0.593269992")
    assert_printed(p.a_of(2)[1], "0.596884378")
    assert_printed(p.a_of(3)[0], "0.75136507")
    assert_printed(p.a_of(3)[1], "0.772928465")
    assert_printed(p.cost, "0.298371109")


def test_mazur_output_delta_and_gradient(mazur):
    assert_printed(mazur.pass_.delta_of(3)[0], "0.138498562")
    assert_printed(mazur.pass_.grad_w[1][0, 0], "0.082167041")  # ∂E/∂w5 in the blog


@pytest.mark.parametrize(("l", "j", "i", "printed"), [
    (3, 1, 1, "0.35891648"), (3, 1, 2, "0.408666186"), (3, 2, 1, "0.511301270"), (3, 2, 2, "0.561370121"),
    (2, 1, 1, "0.149780716"), (2, 1, 2, "0.19956143"), (2, 2, 1, "0.24975114"), (2, 2, 2, "0.29950229"),
])
def test_mazur_updated_weights(mazur, l, j, i, printed):
    assert_printed(mazur.updated.w(l, j, i), printed)


def test_mazur_leaves_the_biases_alone(mazur):
    for old, new in zip(mazur.pass_.network.biases, mazur.updated.biases):
        np.testing.assert_array_equal(new, old)
    assert not any(s.kind == "bias_update" for s in mazur.steps)


def test_mazur_first_step_with_its_numbers(mazur):
    first = mazur.steps[0]
    assert first.formula == "z₁² = w₁₁²x₁ + w₁₂²x₂ + b₁²"
    assert first.substituted == "0.15×0.05 + 0.2×0.1 + 0.35"


# The book's 12-3-2 example.

def test_book_data_set():
    images, labels = presets.book_images(), presets.book_labels()
    assert images.shape == (64, 12)
    assert set(np.unique(images)) <= {0.0, 1.0}
    assert labels == (0,) * 32 + (1,) * 32
    assert "".join(str(int(v)) for v in images[0]) == "111101101111"


def test_book_image_1_is_a_zero():
    s = presets.book(1)
    assert s.network.layers == (12, 3, 2)
    np.testing.assert_array_equal(s.input, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(s.target, [1.0, 0.0])
    assert s.learning_rate == 0.2 and s.epochs == 50 and s.update_biases


def test_book_image_64_is_a_one():
    s = presets.book(64)
    np.testing.assert_array_equal(s.target, [0.0, 1.0])
    np.testing.assert_array_equal(s.input, presets.book_images()[63])


def test_book_trains_to_full_accuracy_in_50_iterations():
    s = presets.book()
    run = training.train(s.network, s.data, 0.2, 50)
    history = np.array(run.cost_history)
    assert len(history) == 51
    assert history[0] == pytest.approx(20.2545, abs=5e-5)
    assert history[-1] == pytest.approx(0.236735, abs=5e-7)
    assert np.all(np.diff(history) < 0)
    assert training.accuracy(run.network, s.data) == 1.0
    assert training.accuracy(s.network, s.data) < 1.0  # the untrained network gets some wrong


def test_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="book, mazur"):
        presets.preset("lenet")


# Step records.

def test_steps_come_in_teaching_order(book_image_1):
    phases = [s.phase for s in book_image_1.steps]
    runs = [ph for k, ph in enumerate(phases) if k == 0 or phases[k - 1] != ph]
    assert runs == list(PHASES)  # every phase present, in order, each one contiguous
    kinds = [s.kind for s in book_image_1.steps]
    assert kinds.count("weighted_input") == kinds.count("activation") == 5
    assert kinds.count("output_delta") == 2 and kinds.count("hidden_delta") == 3
    assert kinds.count("weight_gradient") == kinds.count("weight_update") == 36 + 6
    assert kinds.count("bias_gradient") == kinds.count("bias_update") == 3 + 2
    assert book_image_1.first_of("cost") == 10


def test_first_step_is_the_articles_formula_written_out(book_image_1):
    first = book_image_1.steps[0]
    assert first.symbol == "z₁²"
    assert first.formula == ("z₁² = w₁₁²x₁ + w₁₂²x₂ + w₁₃²x₃ + w₁₄²x₄ + w₁₅²x₅ + w₁₆²x₆ + w₁₇²x₇ + w₁₈²x₈"
                             " + w₁₉²x₉ + w₁,₁₀²x₁₀ + w₁,₁₁²x₁₁ + w₁,₁₂²x₁₂ + b₁²")
    assert first.general == "zⱼˡ = Σᵢ wⱼᵢˡ aᵢˡ⁻¹ + bⱼˡ"


def _engine_value(ex: steps.Explanation, step: steps.Step) -> float:
    """The number the engine holds for the quantity a step computes."""
    p, r = ex.pass_, step.result
    if step.phase == "update":
        return ex.updated.w(r.layer, r.j, r.i) if r.quantity == "w" else ex.updated.b(r.layer, r.j)
    return {
        "z": lambda: p.z_of(r.layer)[r.j - 1],
        "a": lambda: p.a_of(r.layer)[r.j - 1],
        "C": lambda: p.cost,
        "delta": lambda: p.delta_of(r.layer)[r.j - 1],
        "grad_w": lambda: p.grad_w[r.layer - 2][r.j - 1, r.i - 1],
        "grad_b": lambda: p.grad_b[r.layer - 2][r.j - 1],
    }[r.quantity]()


@pytest.mark.parametrize("which", ["book_image_1", "mazur"])
def test_every_step_is_complete_and_equals_the_engine(which, request):
    ex = request.getfixturevalue(which)
    for step in ex.steps:
        assert step.symbol and step.formula and step.substituted and step.general, step
        assert step.symbol == step.result.symbol
        assert step.formula.startswith(step.symbol + (" ← " if step.phase == "update" else " = "))
        assert math.isfinite(step.value)
        assert step.value == _engine_value(ex, step), step.symbol


def test_output_delta_steps_equal_the_pass(book_image_1):
    out = [s for s in book_image_1.steps if s.kind == "output_delta"]
    assert [s.symbol for s in out] == ["δ₁³", "δ₂³"]
    assert [s.value for s in out] == book_image_1.pass_.delta_of(3).tolist()


def test_hidden_delta_uses_the_output_deltas_and_weights(book_image_1):
    d12 = next(s for s in book_image_1.steps if s.symbol == "δ₁²")
    assert d12.formula == "δ₁² = (δ₁³w₁₁³ + δ₂³w₂₁³)σ′(z₁²)"
    uses = set(d12.uses)
    assert {Ref("delta", 3, 1), Ref("delta", 3, 2), Ref("w", 3, 1, 1), Ref("w", 3, 2, 1)} <= uses
    assert {"δ₁³", "δ₂³", "w₁₁³", "w₂₁³"} <= {r.symbol for r in d12.uses}
    assert Ref("delta", 2, 1) not in uses  # the left-hand side is not a use


def test_step_to_dict_carries_the_uses(book_image_1):
    d = book_image_1.steps[0].to_dict()
    assert d["kind"] == "weighted_input" and d["phase"] == "forward"
    assert d["uses"][0] == {"quantity": "w", "symbol": "w₁₁²", "l": 2, "j": 1, "i": 1}
    assert d["uses"][1] == {"quantity": "x", "symbol": "x₁", "l": 1, "j": 1}
