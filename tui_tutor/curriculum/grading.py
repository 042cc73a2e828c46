"""What the learner typed, read and graded: numbers as people write them, a letter,
an order of steps. A bad entry raises ``AnswerError`` and is not an attempt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..engine.numbers import NumberError, parse_number
from ..engine.symbols import number
from .mistakes import diagnose, right_line

if TYPE_CHECKING:
    from .quiz import Numeric, Question


class AnswerError(NumberError):
    """What the learner typed is not an answer; it does not count as an attempt.

    ``key`` and ``values`` let a UI say it in the learner's language (the catalogue's
    ``bad_answer_<key>``, tui_tutor.i18n); ``str()`` is the English."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    expected: str  # the right answer as shown after answering
    worked: str = ""  # numeric: the formula, with numbers, and the value
    mistake: str | None = None  # numeric: the id of the common mistake the answer matches
    mistake_line: str = ""  # that mistake's line, with its numbers: what the learner wrote, in effect
    right_line: str = ""  # the right line beside it


def parse_answer(text: str) -> float:
    """A number by the tutor's one rule (see engine/numbers.py); ``AnswerError`` otherwise."""
    try:
        return parse_number(text)
    except NumberError as err:
        raise AnswerError(err.key, **err.values) from None


def grade_numeric(n: Numeric, text: str) -> Grade:
    value = parse_answer(text)  # AnswerError propagates: not an attempt
    q = n.question
    correct = abs(value - n.expected) <= max(q.absolute, q.relative * abs(n.expected))
    grade = Grade(correct, number(n.expected, q.figures), "\n".join(n.step.lines()))
    found = None if correct else diagnose(value, getattr(n, "mistakes", ()), q.relative, q.absolute)
    if found is None:
        return grade
    return replace(grade, mistake=found.id, mistake_line=found.line, right_line=right_line(n.step))


def grade_choice(q: Question, text: str) -> Grade:
    letters = "abcdefgh"[: len(q.choices)]
    pick = text.strip().lower()
    if pick.isdigit() and len(pick) <= 2 and 1 <= int(pick) <= len(q.choices):
        index = int(pick)
    elif len(pick) == 1 and pick in letters:
        index = letters.index(pick) + 1
    else:
        raise AnswerError("letter", letters=", ".join(letters))
    return Grade(index == q.answer, f"{letters[q.answer - 1]}) {q.choices[q.answer - 1]}")


def grade_order(q: Question, text: str) -> Grade:
    """The learner types the shown items' numbers in the right order, e.g. "3142" or "3 1 4 2"."""
    shown = q.shuffled_items()
    digits = [c for c in text if not c.isspace() and c not in ",-"]
    if sorted(digits) != [str(k) for k in range(1, len(shown) + 1)]:
        raise AnswerError("order", n=len(shown), example="".join(str(k) for k in range(len(shown), 0, -1)))
    given = tuple(shown[int(d) - 1] for d in digits)
    right = "".join(str(shown.index(item) + 1) for item in q.items)
    return Grade(given == q.items, right + ": " + " → ".join(q.items))


def grade(q: Question, numeric: Numeric | None, text: str) -> Grade:
    """Grade ``text`` as an answer to ``q`` (``numeric``: the question made concrete, for a numeric one)."""
    if q.kind == "numeric":
        if numeric is None:
            raise ValueError(f"{q.key}: a numeric question needs its numbers")
        return grade_numeric(numeric, text)
    if q.kind == "order":
        return grade_order(q, text)
    return grade_choice(q, text)
