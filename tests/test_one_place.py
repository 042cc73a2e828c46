"""One concept, one place: a quantity's value (``value_of``), the cost (``squared_error``)
and a step's three lines (``Step.lines``), each checked against what the engine holds
and against what the command line, the quiz and the formula panel show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_tutor.curriculum import quiz
from tui_tutor.engine import presets, symbols, training
from tui_tutor.engine.network import Network, backprop, cost_of, squared_error
from tui_tutor.engine.quantities import QUANTITIES, Ref, parameter_value, value_of
from tui_tutor.engine.steps import explain
from tui_tutor.widgets.formula_panel import step_lines as panel_lines

ROOT = Path(__file__).resolve().parents[1]


def _book(image: int = 1, eta: float = 0.2):
    s = presets.book(image)
    return explain(s.network, s.input, s.target, eta)


def _random(layers: tuple[int, ...], seed: int, update_biases: bool = True):
    rng = np.random.default_rng(seed)
    net = Network.random(layers, seed, scale=1.5)
    return explain(net, rng.uniform(0, 1, layers[0]), rng.uniform(0, 1, layers[-1]), float(rng.uniform(0.05, 2)),
                   update_biases)


EXPLANATIONS = {
    "book image 1": lambda: _book(1),
    "book image 37": lambda: _book(37, 0.9),
    "random 3-4-2": lambda: _random((3, 4, 2), 1),
    "random 5-3-4-2": lambda: _random((5, 3, 4, 2), 2, update_biases=False),
    "random 2-1": lambda: _random((2, 1), 3),
}


def _expected_values(ex) -> dict[Ref, float]:
    """Every quantity of the pass, read straight from the engine's arrays."""
    p, net = ex.pass_, ex.pass_.network
    out: dict[Ref, float] = {Ref("C"): p.cost, Ref("eta"): ex.learning_rate}
    out.update({Ref("x", 1, i + 1): v for i, v in enumerate(p.a[0])})
    out.update({Ref("t", net.depth, j + 1): v for j, v in enumerate(p.t)})
    for l in range(2, net.depth + 1):
        z, a, delta = p.z[l - 2], p.a[l - 1], p.delta[l - 2]
        for j in range(z.size):
            out[Ref("z", l, j + 1)] = z[j]
            out[Ref("a", l, j + 1)] = a[j]
            out[Ref("dsigma", l, j + 1)] = a[j] * (1 - a[j])  # σ′(z) = a(1 − a), approximately
            out[Ref("delta", l, j + 1)] = delta[j]
            out[Ref("b", l, j + 1)] = net.biases[l - 2][j]
            out[Ref("grad_b", l, j + 1)] = p.grad_b[l - 2][j]
            for i in range(net.layers[l - 2]):
                out[Ref("w", l, j + 1, i + 1)] = net.weights[l - 2][j, i]
                out[Ref("grad_w", l, j + 1, i + 1)] = p.grad_w[l - 2][j, i]
    return out


@pytest.mark.parametrize("name", EXPLANATIONS)
def test_value_of_every_quantity_equals_the_engines_arrays(name):
    ex = EXPLANATIONS[name]()
    expected = _expected_values(ex)
    assert {ref.quantity for ref in expected} == set(QUANTITIES)
    for ref, want in expected.items():
        got = ex.value_of(ref)
        assert type(got) is float, ref
        if ref.quantity == "dsigma":
            assert got == pytest.approx(float(want), rel=1e-12, abs=1e-15), ref.symbol
        else:
            assert got == float(want), ref.symbol
        assert got == value_of(ref, ex.pass_, ex.learning_rate)
        if ref.quantity in ("w", "b"):
            assert parameter_value(ex.pass_.network, ref) == got


@pytest.mark.parametrize("name", EXPLANATIONS)
def test_every_number_a_step_shows_is_its_quantitys_value(name):
    ex = EXPLANATIONS[name]()
    for step in ex.steps:
        terms = [(text, ref) for text, ref in step.substituted_parts if ref is not None]
        assert [ref for _, ref in terms] == [ref for _, ref in step.formula_parts[2:] if ref is not None]
        for text, ref in terms:
            v = ex.value_of(ref)
            assert text in (symbols.operand(v), symbols.number(v)), (step.symbol, ref.symbol, text)
        if step.phase != "update":  # an update's value is the new parameter, value_of gives the one used
            assert step.value == ex.value_of(step.result), step.symbol


@pytest.mark.parametrize("ref", [Ref("z", 1, 1), Ref("a", 2, 0), Ref("w", 2, 1, 0), Ref("x", 1, 0),
                                 Ref("grad_w", 3, 2, 0), Ref("delta", 0, 1)])
def test_value_of_refuses_an_index_that_would_count_from_the_end(ref):
    ex = _book()
    with pytest.raises(ValueError, match="names no quantity"):
        ex.value_of(ref)


def test_parameter_value_is_only_for_weights_and_biases():
    net = presets.book().network
    assert parameter_value(net, Ref("w", 3, 2, 3)) == float(net.weights[1][1, 2])
    with pytest.raises(ValueError, match="not a weight or a bias"):
        parameter_value(net, Ref("z", 2, 1))


def test_the_quiz_gives_sigma_prime_as_its_z_and_everything_else_by_value_of():
    ex = _book()
    assert quiz.given_of(Ref("dsigma", 3, 2), ex) == ("z₂³", ex.value_of(Ref("z", 3, 2)))
    assert quiz.given_of(Ref("w", 3, 1, 2), ex) == ("w₁₂³", ex.value_of(Ref("w", 3, 1, 2)))


# One cost

def test_squared_error_is_half_the_sum_of_squares():
    assert squared_error([1.0, 0.0], np.array([0.5, 0.5])) == 0.25
    assert squared_error([[1.0, 0.0], [0.0, 0.0]], np.array([[0.0, 0.0], [0.0, 2.0]])) == 2.5


def test_every_cost_is_the_same_squared_error():
    s = presets.book()
    data = presets.book_data()
    costs = [backprop(s.network, x, t).cost for x, t in zip(data.inputs, data.targets)]
    assert costs == [cost_of(s.network, x, t) for x, t in zip(data.inputs, data.targets)]
    assert costs[0] == squared_error(data.targets[0], backprop(s.network, data.inputs[0], data.targets[0]).output)
    total = training.total_cost(s.network, data)
    assert total == pytest.approx(sum(costs), rel=1e-12)
    assert training.total_gradient(s.network, data)[0] == total


# One three-line rendering of a step

def test_step_lines_are_symbols_numbers_and_value_under_each_other():
    step = _book().steps[1]  # a₁² = σ(z₁²)
    formula, numbers, value = step.lines()
    assert formula == step.formula == "a₁² = σ(z₁²)"
    assert numbers == "    = σ(" + symbols.number(_book().value_of(Ref("z", 2, 1))) + ")"
    assert value == "    = " + symbols.number(step.value, 6)


def test_the_command_line_prints_step_lines():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONIOENCODING": "utf-8", "COLUMNS": "2000"}
    out = {fmt: subprocess.run([sys.executable, "-m", "tui_tutor", "explain", "--preset", "mazur", "--format", fmt],
                               cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
           for fmt in ("text", "markdown")}
    m = presets.mazur()
    ex = explain(m.network, m.input, m.target, m.learning_rate, m.update_biases)
    expected = [line for step in ex.steps for line in step.lines()]
    for fmt, done in out.items():
        assert done.returncode == 0, done.stderr
        wanted = set(expected)
        assert [line for line in done.stdout.splitlines() if line in wanted] == expected, fmt


def test_the_quiz_worked_solution_and_the_formula_panel_show_step_lines():
    q = next(q for qs in quiz.load_bank("en").values() for q in qs if q.kind == "numeric")
    n = quiz.make_numeric(q)
    assert quiz.grade_numeric(n, "0").worked == "\n".join(n.step.lines())
    ex = _random((3, 4, 2), 1)
    for k, step in enumerate(ex.steps):
        lines = panel_lines(step, k, len(ex.steps), "en")
        assert tuple("".join(text for text, _ in line) for line in lines[2:]) == step.lines()
