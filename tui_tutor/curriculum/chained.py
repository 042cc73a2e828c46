"""Chained exercises: one setup, several answers in order, each built on the one before
(δⱼᴸ, then ∂C/∂wⱼᵢᴸ = δⱼᴸ aᵢᴸ⁻¹ from it, then the updated wⱼᵢᴸ = wⱼᵢᴸ − η ∂C/∂wⱼᵢᴸ).

Carry-forward marking, as exam markers do: when an answer was wrong, the next part is graded
against what follows from the learner's *own* answer, so one slip is not counted three times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..engine.quantities import Ref
from .generated import Generated, Marked, SkillError, mark, question_on, well_posed
from .grading import parse_answer

PARTS = ("output-delta", "grad-weight", "update-weight")
MAX_DRAWS = 500


@dataclass(frozen=True, eq=False)
class Chain:
    seed: int
    parts: tuple[Generated, ...]

    def given_for(self, k: int):
        """Part ``k``'s givens, less the quantity the previous part computed (the learner has it)."""
        if k == 0:
            return self.parts[0].givens
        previous = self.parts[k - 1].symbol
        return tuple(g for g in self.parts[k].givens if g.symbol != previous)

    def expected(self, k: int, previous: float | None) -> float:
        """What part ``k`` should be, from the learner's answer ``previous`` to part k − 1 (None: use the right one)."""
        part = self.parts[k]
        if k == 0 or previous is None:
            return part.answer
        ref, setup = part.quantity, part.setup
        if part.skill == "grad-weight":  # δⱼᴸ × aᵢᴸ⁻¹, with the learner's δ
            return previous * self.activation(ref.layer - 1, ref.i)
        return setup.network.w(ref.layer, ref.j, ref.i) - setup.learning_rate * previous

    def activation(self, l: int, i: int) -> float:
        from ..engine.network import forward

        setup = self.parts[0].setup
        return float(forward(setup.network, setup.input)[1][l - 1][i - 1])


@dataclass(frozen=True)
class ChainMark:
    marked: Marked
    value: float  # the learner's number
    carried: bool  # right against their own earlier answer, not the engine's


def chain(seed: int) -> Chain:
    from ..engine.steps import explain
    from .generated import draw_setup

    for draw in range(MAX_DRAWS):
        rng = random.Random(f"chain/{seed}/{draw}")
        setup = draw_setup(rng, batch=False)
        layers = setup.network.layers
        L = len(layers)
        j, i = rng.randint(1, layers[-1]), rng.randint(1, layers[-2])
        ex = explain(setup.network, setup.input, setup.target, setup.learning_rate)
        parts = (question_on("output-delta", seed, setup, ex, "output_delta", Ref("delta", L, j)),
                 question_on("grad-weight", seed, setup, ex, "weight_gradient", Ref("grad_w", L, j, i)),
                 question_on("update-weight", seed, setup, ex, "weight_update", Ref("w", L, j, i)))
        if all(well_posed(p) for p in parts):
            return Chain(seed, parts)
    raise SkillError(f"no well-posed chained exercise from seed {seed}")


def mark_part(c: Chain, k: int, text: str, previous: ChainMark | None) -> ChainMark:
    """Grade part ``k``; ``previous`` is how part k − 1 was marked (None for the first)."""
    value = parse_answer(text)  # AnswerError: not an attempt
    carry = previous is not None and previous.value != c.parts[k - 1].answer and (
        previous.carried or not previous.marked.correct)
    if carry:
        marked = mark(c.parts[k], text, c.expected(k, previous.value))
        return ChainMark(marked, value, marked.correct)
    return ChainMark(mark(c.parts[k], text), value, False)
