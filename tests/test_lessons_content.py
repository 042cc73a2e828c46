"""What the lessons and their quizzes must contain, read from the shipped files themselves."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest

from tui_tutor.curriculum import quiz
from tui_tutor.curriculum.lessons import lessons_root, load_lessons
from tui_tutor.tutor.workbench import Workbench

LANGS = ("en", "zh")


def raw_questions(lang: str) -> dict[str, list[dict]]:
    """Each quiz file's questions as written, keyed by the lesson's file stem (fields the loader drops included)."""
    folder = lessons_root() / lang
    return {p.name.removesuffix(".quiz.toml"): tomllib.loads(p.read_text(encoding="utf-8"))["questions"]
            for p in sorted(folder.glob("[0-9][0-9]-*.quiz.toml"))}


def test_nine_lessons_in_each_language_with_the_same_files_and_checking_backprop_seventh():
    for lang in LANGS:
        lessons = load_lessons(lang)
        assert [lesson.number for lesson in lessons] == list(range(1, 10))
    names = {lang: sorted(p.name for p in (lessons_root() / lang).iterdir()) for lang in LANGS}
    assert names["en"] == names["zh"] and "07-checking-backprop.md" in names["en"]
    assert load_lessons("en")[6].title.endswith("Checking backprop yourself")


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_has_six_questions_and_one_that_asks_to_reason(lang):
    bank = raw_questions(lang)
    assert len(bank) == 9
    for stem, questions in bank.items():
        assert len(questions) >= 6, stem
        assert any(q.get("skill") == "reason" for q in questions), f"{stem}: no question marked skill = \"reason\""
        assert {q.get("skill", "") for q in questions} <= {"", "reason"}, stem


def test_both_languages_mark_the_same_questions_and_agree_on_every_untranslated_field():
    translated = {"prompt", "hint", "explanation", "choices", "items"}
    en, zh = raw_questions("en"), raw_questions("zh")
    for stem in en:
        for a, b in zip(en[stem], zh[stem], strict=True):
            assert {k: v for k, v in a.items() if k not in translated} == \
                   {k: v for k, v in b.items() if k not in translated}, (stem, a["id"])
            assert len(a.get("choices", ())) == len(b.get("choices", ()))


@pytest.mark.parametrize("lang", LANGS)
def test_three_questions_a_language_on_the_total_cost_and_the_full_batch_update(lang):
    def about_the_batch(q: dict) -> bool:
        text = " ".join([q["prompt"], *q.get("choices", ()), *q.get("items", ())])
        return "C_T" in text or "Σₖ" in text or "64" in text

    batch = [q["id"] for qs in raw_questions(lang).values() for q in qs
             if q["kind"] in ("choice", "formula", "order") and about_the_batch(q)]
    assert len(batch) >= 3, batch


def test_the_checking_lesson_chains_delta_gradient_prediction_and_the_workbench():
    questions = raw_questions("en")["07-checking-backprop"]
    ids = [q["id"] for q in questions]
    chain = ["chain-delta", "chain-gradient", "chain-prediction", "chain-confirm-workbench"]
    assert [i for i in ids if i.startswith("chain-")] == chain
    delta, gradient, prediction, confirm = (next(q for q in questions if q["id"] == i) for i in chain)
    bank = {q.id: q for q in quiz.load_bank("en")[7]}
    d = quiz.make_numeric(bank["chain-delta"])
    assert {g.symbol for g in d.givens} >= {"z₁³", "a₁³"}
    g = quiz.make_numeric(bank["chain-gradient"])
    assert {x.symbol: x.value for x in g.givens}["δ₁³"] == pytest.approx(d.expected)
    h = 0.01  # the prediction's right choice is the engine's ∂C/∂w₁₂³ × h, to the four figures it shows
    right = prediction["choices"][prediction["answer"] - 1]
    assert float(re.search(r"[0-9]+\.[0-9]+", right).group()) == pytest.approx(g.expected * h, rel=2e-4)
    assert delta["image"] == gradient["image"] == confirm["image"] == 33 and confirm["source"] == "workbench"
    # doing what the prompt says in the workbench moves C by the prediction, to the first order
    before = quiz.make_numeric(bank["chain-confirm-workbench"], Workbench.from_preset("book", image=33)).expected
    nudged = Workbench.from_preset("book").with_image(33).with_weight(3, 1, 2, 0.803 + h)
    after = quiz.make_numeric(bank["chain-confirm-workbench"], nudged).expected
    assert after - before == pytest.approx(g.expected * h, rel=1e-2)
    assert f"{after:.5f}" in confirm["explanation"] and f"{before:.5f}" in confirm["explanation"]


def test_workbench_questions_are_graded_by_relative_tolerance_only():
    for lang in LANGS:
        for qs in quiz.load_bank(lang).values():
            for q in (q for q in qs if q.source == "workbench" and q.kind == "numeric"):
                assert q.absolute <= 1e-12, q.key
                n = quiz.make_numeric(q)
                tiny = dataclasses.replace(n, step=dataclasses.replace(n.step, value=-5e-7))
                assert not quiz.grade_numeric(tiny, "0").correct, q.key
                assert quiz.grade_numeric(tiny, "-5.002e-7").correct, q.key


def test_one_chinese_term_for_the_forward_pass():
    for path in (lessons_root() / "zh").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "正向计算" not in text and "前向传播" not in text, path.name
    from tui_tutor.i18n import zh
    assert "正向计算" not in repr(vars(zh))


def test_code_blocks_fit_an_80_column_terminal():
    for lang in LANGS:
        for path in sorted((lessons_root() / lang).glob("*.md")):
            inside = False
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.lstrip().startswith("```"):
                    inside = not inside
                elif inside:
                    assert len(line.strip()) <= 70, f"{lang}/{path.name}:{n}"
