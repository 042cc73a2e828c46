"""Backpropagation against an independent oracle: central differences, and the batch against the single image."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_tutor.engine import gradcheck, training
from tui_tutor.engine.network import Network, apply_gradient, backprop

EXAMPLES = settings(max_examples=40, deadline=None)


def _close(bp, num) -> np.ndarray:
    """|bp − num| ≤ 1e-6·max(|bp|, |num|) + 1e-9, entry by entry."""
    bp, num = np.asarray(bp), np.asarray(num)
    return np.abs(bp - num) <= 1e-6 * np.maximum(np.abs(bp), np.abs(num)) + 1e-9


def _floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _vector(draw, n: int, lo: float, hi: float) -> np.ndarray:
    return np.array(draw(st.lists(_floats(lo, hi), min_size=n, max_size=n)))


@st.composite
def networks(draw, min_layers: int = 2, max_layers: int = 5) -> Network:
    """Layer counts 2 to 5 (input layer included), 1–6 units each, weights and biases in [-2, 2]."""
    layers = draw(st.lists(st.integers(1, 6), min_size=min_layers, max_size=max_layers))
    weights = tuple(_vector(draw, n * m, -2, 2).reshape(n, m) for m, n in zip(layers, layers[1:]))
    biases = tuple(_vector(draw, n, -2, 2) for n in layers[1:])
    return Network(weights, biases)


@st.composite
def cases(draw, min_layers: int = 2):
    """A network, an input in [0, 1] and a target in [0, 1]."""
    net = draw(networks(min_layers=min_layers))
    return net, _vector(draw, net.layers[0], 0, 1), _vector(draw, net.layers[-1], 0, 1)


@st.composite
def batches(draw):
    """A network and a data set of 1 to 5 images."""
    net = draw(networks())
    count = draw(st.integers(1, 5))
    inputs = np.array([_vector(draw, net.layers[0], 0, 1) for _ in range(count)])
    targets = np.array([_vector(draw, net.layers[-1], 0, 1) for _ in range(count)])
    return net, training.DataSet(inputs, targets)


@EXAMPLES
@given(cases())
def test_central_differences_agree_with_every_backprop_gradient(case):
    net, x, t = case
    check = gradcheck.check_gradients(net, x, t)
    assert check.backprop.shape == check.numeric.shape == net.parameters().shape
    assert len(check.symbols) == check.backprop.size
    bad = [(s, b, n) for s, b, n, ok in zip(check.symbols, check.backprop, check.numeric,
                                              _close(check.backprop, check.numeric)) if not ok]
    assert not bad, f"layers {net.layers}: {bad[:5]}"


@EXAMPLES
@given(cases(min_layers=4))
def test_central_differences_agree_in_deep_networks(case):
    """Four and five layers: the backward recursion runs through more than one hidden layer."""
    net, x, t = case
    check = gradcheck.check_gradients(net, x, t)
    assert _close(check.backprop, check.numeric).all(), net.layers


def test_gradient_symbols_follow_the_parameter_order():
    net = Network.random((2, 3, 1), seed=4)
    check = gradcheck.check_gradients(net, [0.3, 0.7], [1.0])
    assert check.symbols[0] == "∂C/∂w₁₁²"
    assert check.symbols[5] == "∂C/∂w₃₂²"
    assert check.symbols[6] == "∂C/∂w₁₁³"
    assert check.symbols[-1] == "∂C/∂b₁³"
    p = backprop(net, [0.3, 0.7], [1.0])
    assert check.backprop[5] == p.grad_w[0][2, 1]
    assert check.backprop[-1] == p.grad_b[1][0]


def test_a_wrong_gradient_is_caught_by_the_check():
    """The oracle is independent: perturb backprop's answer and the comparison fails."""
    net = Network.random((3, 2, 2), seed=1)
    check = gradcheck.check_gradients(net, [1.0, 0.0, 1.0], [1.0, 0.0])
    assert _close(check.backprop, check.numeric).all()
    wrong = check.backprop.copy()
    wrong[0] *= 1.001
    assert not _close(wrong, check.numeric).all()


@EXAMPLES
@given(batches())
def test_total_gradient_is_the_sum_of_single_image_gradients(batch):
    net, data = batch
    cost, grad_w, grad_b = training.total_gradient(net, data)
    passes = [backprop(net, x, t) for x, t in zip(data.inputs, data.targets)]
    assert cost == pytest.approx(sum(p.cost for p in passes), rel=1e-12, abs=1e-15)
    assert cost == pytest.approx(training.total_cost(net, data), rel=1e-12, abs=1e-15)
    for k in range(len(net.weights)):
        np.testing.assert_allclose(grad_w[k], sum(p.grad_w[k] for p in passes), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grad_b[k], sum(p.grad_b[k] for p in passes), rtol=1e-10, atol=1e-14)


@EXAMPLES
@given(cases(), _floats(0.01, 2))
def test_an_update_returns_a_new_network_and_leaves_the_old_one_alone(case, eta):
    net, x, t = case
    before = [a.copy() for a in net.weights + net.biases]
    p = backprop(net, x, t)
    new = apply_gradient(net, p.grad_w, p.grad_b, eta)
    assert new is not net
    for old_array, kept in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(old_array, kept)
    for k in range(len(net.weights)):
        np.testing.assert_allclose(new.weights[k], before[k] - eta * p.grad_w[k], rtol=0, atol=1e-15)
        np.testing.assert_allclose(new.biases[k], net.biases[k] - eta * p.grad_b[k], rtol=0, atol=1e-15)


@EXAMPLES
@given(cases(), _floats(0.01, 2))
def test_update_biases_false_keeps_the_biases(case, eta):
    net, x, t = case
    p = backprop(net, x, t)
    new = apply_gradient(net, p.grad_w, p.grad_b, eta, update_biases=False)
    for b_old, b_new in zip(net.biases, new.biases):
        np.testing.assert_array_equal(b_new, b_old)


def test_training_without_bias_updates_keeps_the_biases_for_every_epoch():
    net = Network.random((3, 4, 2), seed=7)
    data = training.DataSet([[0, 1, 1], [1, 0, 0]], [[1, 0], [0, 1]])
    run = training.train(net, data, 0.5, 5, update_biases=False)
    assert len(run.cost_history) == 6
    assert not run.network.same_as(net)
    for b_old, b_new in zip(net.biases, run.network.biases):
        np.testing.assert_array_equal(b_new, b_old)


def test_arrays_handed_out_are_read_only():
    net = Network.random((2, 2, 2), seed=2)
    p = backprop(net, [0.1, 0.9], [0.0, 1.0])
    for array in net.weights + net.biases + p.z + p.a + p.delta + p.grad_w:
        with pytest.raises(ValueError):
            array[0] = 1.0


def test_a_network_keeps_its_own_copy_of_the_callers_arrays():
    w = np.array([[0.5, -0.5]])
    net = Network((w,), (np.array([0.1]),))
    w[0, 0] = 9.0
    assert net.w(2, 1, 1) == 0.5


def test_with_weight_and_with_bias_leave_the_original_alone():
    net = Network.random((2, 3, 2), seed=3)
    w, b = net.w(3, 2, 1), net.b(2, 3)
    changed = net.with_weight(3, 2, 1, 42.0).with_bias(2, 3, -1.0)
    assert (changed.w(3, 2, 1), changed.b(2, 3)) == (42.0, -1.0)
    assert (net.w(3, 2, 1), net.b(2, 3)) == (w, b)
