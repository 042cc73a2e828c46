"""The quiz bank: questions stored as TOML beside the lessons, and their grading.

``lessons/<lang>/NN-slug.quiz.toml`` holds the questions of lesson NN (see
lessons/README.md for the format). Four kinds: ``numeric`` (computed by the
engine from a network and graded within a stated tolerance), ``choice`` (ideas),
``formula`` (the right formula among close variants) and ``order`` (put the
steps of backpropagation in order). Nothing here imports Textual.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.symbols import number
from .grading import AnswerError, Grade, grade_choice, grade_numeric, grade_order, parse_answer  # noqa: F401 (re-exported)
from .lessons import LANGUAGES, lessons_root

if TYPE_CHECKING:  # the engine (numpy) loads on the first numeric question, not with the bank
    from ..engine.network import Network
    from ..engine.steps import Explanation, Ref, Step

KINDS = ("numeric", "choice", "formula", "order")
SOURCES = ("seed", "book", "workbench")


class QuizFormatError(ValueError):
    """A question that cannot be used, with the file and question named."""


@dataclass(frozen=True)
class Question:
    lesson: int
    id: str
    kind: str
    prompt: str
    hint: str
    explanation: str
    choices: tuple[str, ...] = ()  # choice and formula
    answer: int = 0  # 1-based index of the right choice
    items: tuple[str, ...] = ()  # order: in the right order
    step: str = ""  # numeric: the kind of step record asked for, e.g. "output_delta"
    symbol: str = ""  # numeric: its symbol, e.g. "δ₂³"
    source: str = "seed"  # numeric: where the network comes from
    seed: int = 0
    image: int = 1
    learning_rate: float = 0.2
    relative: float = 1e-3
    absolute: float = 1e-4
    figures: int = 4  # significant figures the learner is asked for

    @property
    def key(self) -> str:
        return f"{self.lesson:02d}/{self.id}"

    def shuffled_items(self) -> tuple[str, ...]:
        """The order question's items as shown: shuffled, the same way every time, never already in order."""
        rng = random.Random(self.key)
        items = list(self.items)
        while tuple(items) == self.items and len(items) > 1:
            rng.shuffle(items)
        return tuple(items)


@dataclass(frozen=True)
class Given:
    symbol: str
    value: float


@dataclass(frozen=True)
class Numeric:
    """A numeric question made concrete: the numbers given, the step that answers it."""

    question: Question
    givens: tuple[Given, ...]
    step: Step

    @property
    def expected(self) -> float:
        return self.step.value

    @property
    def tolerance_text(self) -> str:
        return f"±{self.relative_text} or ±{self.absolute_text}"

    @property
    def relative_text(self) -> str:
        return f"{self.question.relative * 100:g} %"

    @property
    def absolute_text(self) -> str:
        return number(self.question.absolute)


# Parsing the bank

def _load_file(path: Path, lesson: int) -> list[Question]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise QuizFormatError(f"{path.name}: {err}") from None
    out = []
    for k, raw in enumerate(doc.get("questions", [])):
        where = f"{path.name}: question {k + 1} ({raw.get('id', '?')})"
        try:
            out.append(_question(raw, lesson))
        except (KeyError, TypeError, ValueError) as err:
            raise QuizFormatError(f"{where}: {err}") from None
    return out


def _question(raw: dict, lesson: int) -> Question:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    fields = {k: raw[k] for k in ("prompt", "hint", "explanation")}
    extra: dict = {}
    if kind in ("choice", "formula"):
        extra = {"choices": tuple(raw["choices"]), "answer": int(raw["answer"])}
        if not 1 <= extra["answer"] <= len(extra["choices"]) or len(extra["choices"]) < 2:
            raise ValueError("answer must number one of at least two choices (1-based)")
    elif kind == "order":
        extra = {"items": tuple(raw["items"])}
        if len(extra["items"]) < 3:
            raise ValueError("an order question needs at least three items")
    else:
        extra = {k: raw[k] for k in ("step", "symbol")}
        extra.update({k: raw[k] for k in ("source", "seed", "image", "learning_rate", "relative", "absolute",
                                          "figures") if k in raw})
        if extra.get("source", "seed") not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    return Question(lesson, str(raw["id"]), kind, **fields, **extra)


@cache
def load_bank(lang: str) -> dict[int, tuple[Question, ...]]:
    """Every lesson's questions in one language (a QuizFormatError names a bad file)."""
    folder = lessons_root() / lang
    bank: dict[int, tuple[Question, ...]] = {}
    for path in sorted(folder.glob("[0-9][0-9]-*.quiz.toml")):
        lesson = int(path.name[:2])
        bank[lesson] = tuple(_load_file(path, lesson))
    return bank


def question_ids(lang: str = "en") -> dict[int, set[str]]:
    """Each lesson's question ids: what a score is counted against (``quiz --check``
    makes sure they are the same in every language)."""
    return {lesson: {q.id for q in qs} for lesson, qs in load_bank(lang).items()}


# Numeric questions: the engine computes the answer

def _network_for(q: Question, workbench=None) -> tuple[Network, object, object, float]:
    from ..engine import presets
    from ..engine.network import Network

    if q.source == "workbench" and workbench is not None and workbench.setup.network.layers == (12, 3, 2):
        s = workbench.setup
        return s.network, s.input, s.target, s.learning_rate
    if q.source == "seed":
        rng = random.Random(q.seed)
        image = rng.randint(1, 64)
        setup = presets.book(image)
        return Network.random((12, 3, 2), q.seed, scale=0.8), setup.input, setup.target, q.learning_rate
    setup = presets.book(q.image)
    return setup.network, setup.input, setup.target, q.learning_rate


def given_of(ref: Ref, ex: Explanation) -> tuple[str, float]:
    """A quantity a step uses, as the question gives it (σ′(z) is given as z, to be worked out)."""
    from ..engine.steps import Ref

    shown = Ref("z", ref.layer, ref.j) if ref.quantity == "dsigma" else ref
    return shown.symbol, ex.value_of(shown)


def make_numeric(q: Question, workbench=None) -> Numeric:
    from ..engine.steps import explain

    network, x, t, eta = _network_for(q, workbench)
    ex = explain(network, x, t, eta)
    step = next((s for s in ex.steps if s.kind == q.step and s.symbol == q.symbol), None)
    if step is None:
        raise QuizFormatError(f"{q.key}: no {q.step} step with symbol {q.symbol}")
    givens = {}
    for ref in step.uses:
        symbol, value = given_of(ref, ex)
        givens.setdefault(symbol, value)
    return Numeric(q, tuple(Given(s, v) for s, v in givens.items()), step)


def right_answer(q: Question, workbench=None) -> str:
    """The right answer as a learner reviewing their mistakes reads it."""
    if q.kind == "numeric":
        n = make_numeric(q, workbench)
        return grade_numeric(n, repr(n.expected)).expected
    if q.kind == "order":
        return " → ".join(q.items)
    return q.choices[q.answer - 1]


@dataclass
class BankReport:
    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_bank() -> BankReport:
    """Every question parses and grades its own right answer as right; every lesson has
    at least six questions in each language, with the same ids."""
    from .lessons import load_lessons

    report = BankReport()
    banks = {}
    for lang in LANGUAGES:
        try:
            banks[lang] = load_bank.__wrapped__(lang)
        except QuizFormatError as err:
            report.problems.append(f"{lang}: {err}")
            banks[lang] = {}
    for lesson in load_lessons("en"):
        for lang in LANGUAGES:
            questions = banks[lang].get(lesson.number, ())
            report.counts[(lesson.number, lang)] = len(questions)
            if len(questions) < 6:
                report.problems.append(f"lesson {lesson.number} ({lang}): {len(questions)} questions, needs 6")
            for q in questions:
                report.problems += [f"{lang} {q.key}: {p}" for p in _self_check(q)]
        ids = {lang: {q.id for q in banks[lang].get(lesson.number, ())} for lang in LANGUAGES}
        if ids["en"] != ids["zh"]:
            report.problems.append(f"lesson {lesson.number}: ids differ between en and zh: "
                                   f"{sorted(ids['en'] ^ ids['zh'])}")
    return report


def _self_check(q: Question) -> list[str]:
    try:
        if q.kind == "numeric":
            n = make_numeric(q)
            rounded = f"{n.expected:.{q.figures}g}"
            if not grade_numeric(n, rounded).correct:
                return [f"the answer rounded to {q.figures} figures ({rounded}) fails its own tolerance"]
        elif q.kind == "order":
            shown = q.shuffled_items()
            if not grade_order(q, "".join(str(shown.index(i) + 1) for i in q.items)).correct:
                return ["the right order does not grade right"]
        elif not grade_choice(q, str(q.answer)).correct:
            return ["the right choice does not grade right"]
    except (QuizFormatError, AnswerError, ValueError, StopIteration) as err:
        return [str(err)]
    return []
