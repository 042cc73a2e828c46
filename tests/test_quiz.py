"""The quiz bank and its grading: tolerances, the forms people type, bad input, the bank check."""

import subprocess
import sys
from pathlib import Path

import pytest

from tui_tutor.curriculum import quiz
from tui_tutor.curriculum.quiz import AnswerError, Question
from tui_tutor.tutor.workbench import Workbench


def numeric(**fields) -> quiz.Numeric:
    base = dict(lesson=5, id="d", kind="numeric", prompt="Compute δ₂³.", hint="h", explanation="e",
                step="output_delta", symbol="δ₂³", source="book", image=1, relative=1e-3, absolute=1e-5)
    base.update(fields)
    return quiz.make_numeric(Question(**base))


@pytest.mark.parametrize("text, value", [
    ("0.0123", 0.0123), (".0123", 0.0123), ("1.23e-2", 0.0123), ("-0.5", -0.5), ("0,0123", 0.0123),
    ("−0.5", -0.5), ("  2 ", 2.0), ("1E3", 1000.0),
])
def test_answers_in_the_forms_people_type(text, value):
    assert quiz.parse_answer(text) == pytest.approx(value)


@pytest.mark.parametrize("text, says", [
    ("", "Type a number"), ("   ", "Type a number"), ("abc", "not a number"), ("1e999", "not a finite"),
    ("nan", "not a finite"), ("inf", "not a finite"), ("1,2.5", "mixes decimal marks"), ("0.1.2", "not a number"),
])
def test_bad_answers_are_refused_with_a_message(text, says):
    with pytest.raises(AnswerError, match=says):
        quiz.parse_answer(text)


def test_numeric_grading_uses_the_engine_and_the_stated_tolerance():
    n = numeric()
    expected = n.expected
    assert expected == pytest.approx(Workbench.from_preset().explanation.pass_.delta_of(3)[1])
    assert quiz.grade_numeric(n, f"{expected:.4g}").correct
    assert quiz.grade_numeric(n, repr(expected * (1 + 0.9e-3))).correct  # inside 0.1 %
    assert not quiz.grade_numeric(n, repr(expected * (1 + 5e-3))).correct  # outside
    assert not quiz.grade_numeric(n, repr(-expected)).correct  # wrong sign
    assert "0.1 %" in n.tolerance_text


def test_absolute_tolerance_covers_answers_near_zero():
    n = numeric(absolute=1e-2)
    assert quiz.grade_numeric(n, repr(n.expected + 0.009)).correct
    assert not quiz.grade_numeric(n, repr(n.expected + 0.02)).correct


def test_a_bad_numeric_answer_is_not_an_attempt():
    with pytest.raises(AnswerError):
        quiz.grade_numeric(numeric(), "twelve")


def test_the_givens_do_not_give_the_answer_away_and_the_worked_solution_does():
    n = numeric()
    assert {g.symbol for g in n.givens} == {"a₂³", "t₂", "z₂³"}
    grade = quiz.grade_numeric(n, "0")
    assert not grade.correct
    assert grade.worked.startswith("δ₂³ = (a₂³ − t₂)σ′(z₂³)")
    assert n.step.substituted in grade.worked


def test_workbench_questions_follow_the_learners_state():
    bench = Workbench.from_preset().with_pixel_toggled(0)
    q = numeric(source="workbench").question
    assert quiz.make_numeric(q, bench).expected == pytest.approx(bench.explanation.pass_.delta_of(3)[1])
    assert quiz.make_numeric(q, bench).expected != pytest.approx(quiz.make_numeric(q, None).expected)


def test_choice_and_order_grading():
    q = Question(1, "c", "choice", "p", "h", "e", choices=("x", "y", "z"), answer=2)
    assert quiz.grade_choice(q, "b").correct and quiz.grade_choice(q, "2").correct
    assert quiz.grade_choice(q, " B ").correct
    assert not quiz.grade_choice(q, "a").correct
    with pytest.raises(AnswerError):
        quiz.grade_choice(q, "e")
    order = Question(1, "o", "order", "p", "h", "e", items=("one", "two", "three", "four"))
    shown = order.shuffled_items()
    assert shown != order.items and sorted(shown) == sorted(order.items)
    right = "".join(str(shown.index(item) + 1) for item in order.items)
    assert quiz.grade_order(order, right).correct
    assert quiz.grade_order(order, " ".join(right)).correct
    assert not quiz.grade_order(order, right[::-1]).correct
    for bad in ("", "123", "11234", "abcd"):
        with pytest.raises(AnswerError):
            quiz.grade_order(order, bad)


def test_the_shipped_bank_is_sound():
    report = quiz.check_bank()
    assert report.problems == []
    for lang in ("en", "zh"):
        assert sum(n for (_, l), n in report.counts.items() if l == lang) > 30
    assert all(n >= 4 for n in report.counts.values())
    kinds = {q.kind for qs in quiz.load_bank("en").values() for q in qs}
    assert kinds == set(quiz.KINDS)


def test_the_check_catches_a_broken_question(tmp_path):
    bad = tmp_path / "05-x.quiz.toml"
    bad.write_text('[[questions]]\nid = "a"\nkind = "choice"\nprompt = "p"\nhint = "h"\nexplanation = "e"\n'
                   'choices = ["x", "y"]\nanswer = 3\n', encoding="utf-8")
    with pytest.raises(quiz.QuizFormatError, match="answer must number"):
        quiz._load_file(bad, 5)
    tight = Question(5, "t", "numeric", "p", "h", "e", step="output_delta", symbol="δ₂³", source="book",
                     relative=1e-9, absolute=0.0, figures=2)
    assert quiz._self_check(tight)  # two figures cannot meet a 1e-9 tolerance


def test_quiz_check_command_prints_counts_and_passes():
    out = subprocess.run([sys.executable, "-m", "tui_tutor", "quiz", "--check"], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "total" in out.stdout and "sound" in out.stdout
