"""Skills and generated questions: every skill, 200 seeds each, well posed, graded by the engine,
and each common mistake diagnosed as itself; the bank's numeric questions diagnosed alike."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_tutor.curriculum.generated import SkillError, bank_numeric, generate, mark
from tui_tutor.curriculum.grading import AnswerError, grade
from tui_tutor.curriculum.mistakes import within
from tui_tutor.curriculum.quiz import load_bank
from tui_tutor.curriculum.skills import SKILLS, mistake_words, skill_name
from tui_tutor.engine.network import backprop
from tui_tutor.engine.presets import book_images
from tui_tutor.i18n import LANGUAGES

SEEDS = range(200)


@pytest.mark.parametrize("skill", SKILLS)
def test_every_seed_gives_a_well_posed_question_the_engine_answers_and_its_mistakes_are_named(skill):
    shapes = set()
    for seed in SEEDS:
        g = generate(skill, seed)
        shapes.add(g.setup.network.layers)
        assert math.isfinite(g.answer) and all(math.isfinite(x.value) for x in g.givens)
        assert [c.id for c in g.mistakes] == list(SKILLS[skill])  # every listed mistake, on this setup
        for c in g.mistakes:
            assert not within(g.answer, c.value, g.relative, g.absolute), (seed, c.id)
        assert mark(g, repr(g.answer)).correct
        assert mark(g, f"{g.answer:.3g}").correct  # to the figures asked for
        for c in g.mistakes:
            result = mark(g, repr(c.value))
            assert not result.correct and result.mistake.id == c.id, (seed, c.id)
    assert len(shapes) >= 3  # the small shapes, and the book's 12-3-2 now and then


def test_a_seed_gives_the_same_question_every_time_and_another_seed_fresh_numbers():
    a, b, c = generate("output-delta", 5), generate("output-delta", 5), generate("output-delta", 6)
    assert a.answer == b.answer and a.givens == b.givens
    assert c.givens != a.givens


def test_the_numbers_are_ones_a_learner_can_work_with():
    for seed in range(50):
        g = generate("forward-z", seed)
        for w in g.setup.network.weights + g.setup.network.biases:
            assert np.allclose(w, np.round(w, 2))  # two decimals
        for given in g.givens:
            assert float(f"{given.value:.4g}") == given.value


def test_the_twelve_input_network_runs_on_one_of_the_books_images():
    books = [generate("forward-z", s) for s in range(200)]
    big = [g for g in books if g.setup.network.layers == (12, 3, 2)]
    assert big
    images = {tuple(row) for row in book_images()}
    assert all(tuple(g.setup.input) in images for g in big)


def test_the_batch_gradient_is_the_sum_of_each_inputs_delta_times_a():
    g = generate("batch-gradient", 3)
    l, j, i = g.quantity.layer, g.quantity.j, g.quantity.i
    total = sum(backprop(g.setup.network, x, t).delta_of(l)[j - 1] * backprop(g.setup.network, x, t).a_of(l - 1)[i - 1]
                for x, t in zip(g.setup.data.inputs, g.setup.data.targets))
    assert g.answer == pytest.approx(total)
    assert len(g.setup.data) >= 2


def test_an_unknown_skill_and_a_malformed_answer_are_refused():
    with pytest.raises(SkillError, match="forward-z"):
        generate("backward", 1)
    with pytest.raises(AnswerError):
        mark(generate("cost", 1), "one half")


def test_every_skill_and_mistake_has_words_in_both_languages():
    for lang in LANGUAGES:
        for skill, mistakes in SKILLS.items():
            assert skill_name(lang, skill)
            assert all(mistake_words(lang, skill, m) for m in mistakes)


def test_the_banks_numeric_questions_name_the_same_mistakes():
    seen = set()
    for lang in LANGUAGES:
        for questions in load_bank(lang).values():
            for q in (q for q in questions if q.kind == "numeric"):
                n = bank_numeric(q)
                assert grade(q, n, repr(n.expected)).correct
                for c in n.mistakes:
                    result = grade(q, n, repr(c.value))
                    assert not result.correct and result.mistake == c.id
                    assert result.mistake_line and result.right_line.startswith(q.symbol)
                    seen.add(c.id)
    assert {"no-sigma-prime", "sign-flip", "transposed-weights", "no-half", "no-eta"} <= seen
