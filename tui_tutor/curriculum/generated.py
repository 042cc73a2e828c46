"""Questions generated from a seed: a fresh small network, input and target for a skill,
numbers a learner can work with, one quantity asked for, graded by the engine.

The same (skill, seed) always gives the same question, so an attempt stored with its seed can
be shown again. A draw whose answer would lie within the tolerance of one of the skill's
mistakes (or two mistakes of each other) is drawn again, so a diagnosis is never ambiguous.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from ..engine import symbols as S
from ..engine.network import Network
from ..engine.presets import Setup, book_images, book_labels, target_for_digit
from ..engine.quantities import Ref
from ..engine.training import DataSet
from .grading import AnswerError, parse_answer
from .mistakes import Candidate, candidates, diagnose, right_line, within
from .quiz import Given, Numeric, Question, given_of
from .skills import SKILLS

SHAPES = ((2, 2, 2), (3, 2, 2), (4, 3, 2), (12, 3, 2))
LEARNING_RATES = (0.5, 1.0, 1.5, 2.0)
RELATIVE, ABSOLUTE, FIGURES = 0.01, 1e-4, 3
MAX_DRAWS = 500  # a draw is rejected rarely; the bound only keeps a bug from looping forever
SMALLEST_ANSWER = 1e-3  # smaller answers would be graded mostly by the absolute tolerance


class SkillError(ValueError):
    """An unknown skill, named with the known ones."""


@dataclass(frozen=True, eq=False)
class Generated:
    skill: str
    seed: int
    setup: Setup
    quantity: Ref  # what is asked for
    givens: tuple[Given, ...]
    answer: float
    worked: tuple[str, ...]  # the right lines
    mistakes: tuple[Candidate, ...]
    relative: float = RELATIVE
    absolute: float = ABSOLUTE
    figures: int = FIGURES

    @property
    def symbol(self) -> str:
        if self.skill == "batch-gradient":
            return "∂C_T/∂" + S.weight(self.quantity.layer, self.quantity.j, self.quantity.i)
        return self.quantity.symbol

    @property
    def hint(self) -> str:
        """The general formula of the skill (docs/notation.md)."""
        from ..engine.steps import GENERAL

        if self.skill == "batch-gradient":
            return "∂C_T/∂wⱼᵢˡ = Σₖ δⱼˡ(k) aᵢˡ⁻¹(k)"
        return GENERAL[_GENERAL_OF[self.skill]]

    @property
    def shape(self) -> str:
        return "-".join(map(str, self.setup.network.layers))

    def prompt(self, lang: str) -> str:
        from ..i18n import tr

        key = "generated_prompt_batch" if self.skill == "batch-gradient" else "generated_prompt"
        return tr(lang, key, symbol=self.symbol, layers=self.shape, n=len(self.setup.data or ()))


@dataclass(frozen=True)
class Marked:
    correct: bool
    expected: float
    mistake: Candidate | None  # the mistake the answer matches, when wrong


def _round(v: float, figures: int = 2) -> float:
    return float(f"{v:.{figures}g}")


def _network(rng: random.Random, layers: tuple[int, ...]) -> Network:
    def weight() -> float:
        return round(rng.uniform(-1.0, 1.0), 2) or 0.1
    weights = tuple(np.array([[weight() for _ in range(m)] for _ in range(n)]) for m, n in zip(layers, layers[1:]))
    biases = tuple(np.array([weight() for _ in range(n)]) for n in layers[1:])
    return Network(weights, biases)


def _example(rng: random.Random, layers: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    if layers[0] == 12:  # one of the book's images, with its digit's target
        image = rng.randint(1, 64)
        return np.array(book_images()[image - 1]), target_for_digit(book_labels()[image - 1])
    x = np.array([round(rng.uniform(0.05, 0.95), 2) for _ in range(layers[0])])
    return x, target_for_digit(rng.randint(0, 1))


def draw_setup(rng: random.Random, batch: bool) -> Setup:
    layers = rng.choice(SHAPES)
    network = _network(rng, layers)
    x, t = _example(rng, layers)
    data = None
    if batch:
        examples = [(x, t)] + [_example(rng, layers) for _ in range(rng.randint(1, 2))]
        data = DataSet(np.array([e[0] for e in examples]), np.array([e[1] for e in examples]))
    return Setup(network, x, t, rng.choice(LEARNING_RATES), True, data)


def _step_for(skill: str, rng: random.Random, layers: tuple[int, ...]) -> tuple[str, Ref]:
    L = len(layers)

    def unit(l: int) -> int:
        return rng.randint(1, layers[l - 1])

    if skill in ("forward-z", "forward-a"):
        l = rng.randint(2, L)
        return ("weighted_input" if skill == "forward-z" else "activation"), Ref("z" if skill == "forward-z" else "a", l, unit(l))
    if skill == "cost":
        return "cost", Ref("C")
    if skill in ("output-delta", "grad-bias"):
        j = unit(L)
        return ("output_delta", Ref("delta", L, j)) if skill == "output-delta" else ("bias_gradient", Ref("grad_b", L, j))
    if skill == "hidden-delta":  # a unit that has a w_ij of the next layer too (for the transposed mistake)
        return "hidden_delta", Ref("delta", L - 1, rng.randint(1, min(layers[L - 2], layers[L - 1])))
    if skill == "grad-weight":  # the output layer: its inputs have a z, the z-for-a mistake's
        return "weight_gradient", Ref("grad_w", L, unit(L), unit(L - 1))
    if skill == "update-weight":
        l = rng.randint(2, L)
        return "weight_update", Ref("w", l, unit(l), unit(l - 1))
    raise SkillError(skill)


_GENERAL_OF = {"forward-z": "weighted_input", "forward-a": "activation", "cost": "cost", "output-delta": "output_delta",
               "hidden-delta": "hidden_delta", "grad-weight": "weight_gradient", "grad-bias": "bias_gradient",
               "update-weight": "weight_update"}
_PHASES = {"weighted_input": "forward", "activation": "forward", "cost": "cost", "output_delta": "output_delta",
           "hidden_delta": "backward", "bias_gradient": "gradients", "weight_gradient": "gradients",
           "weight_update": "update"}


def _find(ex, kind: str, wanted):
    """The step of ``kind`` that is ``wanted``; only its phase's steps are built (a pass builds lazily)."""
    phase = _PHASES[kind]
    return next(step for k, ph in enumerate(ex.steps.phases) if ph == phase
                for step in (ex.steps[k],) if step.kind == kind and wanted(step))


def _single(skill: str, seed: int, rng: random.Random) -> Generated:
    from ..engine.steps import explain

    setup = draw_setup(rng, batch=False)
    kind, ref = _step_for(skill, rng, setup.network.layers)
    return question_on(skill, seed, setup, explain(setup.network, setup.input, setup.target, setup.learning_rate),
                       kind, ref)


def question_on(skill: str, seed: int, setup: Setup, ex, kind: str, ref: Ref) -> Generated:
    """The question of ``skill`` asking for ``ref`` (a ``kind`` step) on ``setup``, explained as ``ex``."""
    step = _find(ex, kind, lambda s: s.result == ref)
    uses = list(step.uses)
    worked = [right_line(step)]
    if skill == "grad-bias":  # ∂C/∂b = δ: given what δ is made of, not δ
        delta = _find(ex, "output_delta", lambda s: s.unit == ref.j)
        uses, worked = list(delta.uses), [right_line(delta)] + worked
    givens: dict[str, float] = {}
    for r in uses:
        symbol, value = given_of(r, ex)
        givens.setdefault(symbol, _round(value, 4))
    return Generated(skill, seed, setup, ref, tuple(Given(s, v) for s, v in givens.items()), step.value,
                     tuple(worked), candidates(ex, step))


def _batch(seed: int, rng: random.Random) -> Generated:
    from ..engine.network import backprop
    from ..engine.training import total_gradient

    setup = draw_setup(rng, batch=True)
    layers = setup.network.layers
    l = rng.randint(2, len(layers))
    j, i = rng.randint(1, layers[l - 1]), rng.randint(1, layers[l - 2])
    _, grad_w, _ = total_gradient(setup.network, setup.data)
    givens, terms = [], []
    for k, (x, t) in enumerate(zip(setup.data.inputs, setup.data.targets), start=1):
        p = backprop(setup.network, x, t)
        d, a = float(p.delta_of(l)[j - 1]), float(p.a_of(l - 1)[i - 1])
        givens += [Given(f"{S.unit('δ', l, j)} ({k})", _round(d, 4)), Given(f"{S.unit('a', l - 1, i)} ({k})", _round(a, 4))]
        terms.append(f"{S.operand(d)}×{S.operand(a)}")
    answer = float(grad_w[l - 2][j - 1, i - 1])
    ref = Ref("grad_w", l, j, i)
    line = f"∂C_T/∂{S.weight(l, j, i)} = {' + '.join(terms)} = {S.number(answer, 6)}"
    return Generated("batch-gradient", seed, setup, ref, tuple(givens), answer, (line,), ())


def well_posed(g: Generated) -> bool:
    values = [g.answer] + [c.value for c in g.mistakes]
    if not all(np.isfinite(values)) or abs(g.answer) < SMALLEST_ANSWER:
        return False
    return not any(within(u, v, 2 * g.relative, 2 * g.absolute)
                   for k, u in enumerate(values) for v in values[k + 1:])


def generate(skill: str, seed: int) -> Generated:
    """The question of ``skill`` drawn from ``seed`` (the same one every time)."""
    if skill not in SKILLS:
        raise SkillError(f"unknown skill {skill!r}: choose one of {', '.join(SKILLS)}")
    for draw in range(MAX_DRAWS):
        rng = random.Random(f"{skill}/{seed}/{draw}")
        g = _batch(seed, rng) if skill == "batch-gradient" else _single(skill, seed, rng)
        if well_posed(g):
            return g
    raise SkillError(f"no well-posed {skill} question from seed {seed}")  # never seen; kept as a bound


def mark(g: Generated, text: str, expected: float | None = None) -> Marked:
    """Grade ``text`` against ``expected`` (default: the engine's answer). ``AnswerError`` if not a number."""
    value = parse_answer(text)
    target = g.answer if expected is None else expected
    if within(value, target, g.relative, g.absolute):
        return Marked(True, target, None)
    return Marked(False, target, diagnose(value, g.mistakes, g.relative, g.absolute) if expected is None else None)


def to_dict(g: Generated, lang: str = "en") -> dict:
    """The question as ``tui-tutor quiz --skill S --seed N --format json`` prints it."""
    from ..engine.netfile import setup_to_dict

    doc = setup_to_dict(g.setup)
    setup = {k: doc[k] for k in ("layers", "weights", "biases", "input", "target", "learning_rate")}
    if "data" in doc:
        setup["data"] = doc["data"]
    quantity = {"kind": g.skill}
    for name, value in (("l", g.quantity.layer), ("j", g.quantity.j), ("i", g.quantity.i)):
        if value:
            quantity[name] = value
    return {"skill": g.skill, "seed": g.seed, "prompt": g.prompt(lang), "setup": setup, "quantity": quantity,
            "givens": [{"symbol": x.symbol, "value": x.value} for x in g.givens],
            "answer": g.answer, "tolerance": {"relative": g.relative, "absolute": g.absolute}}


@dataclass(frozen=True)
class DiagnosedNumeric(Numeric):
    """A hand-written numeric question of the bank made concrete, with its step's common mistakes."""

    mistakes: tuple[Candidate, ...] = ()


def bank_numeric(q: Question, workbench=None) -> DiagnosedNumeric:
    """``quiz.make_numeric`` and the mistakes of the step it asks for, on the same setup."""
    from ..engine.steps import explain
    from .quiz import _network_for, make_numeric

    n = make_numeric(q, workbench)
    network, x, t, eta = _network_for(q, workbench)
    ex = explain(network, x, t, eta)
    return DiagnosedNumeric(n.question, n.givens, n.step, candidates(ex, n.step))


__all__ = ["AnswerError", "Generated", "Marked", "SkillError", "generate", "mark", "to_dict"]
