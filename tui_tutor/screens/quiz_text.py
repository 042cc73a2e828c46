"""How a quiz question and its feedback read on the screen: the question with its givens laid out in
columns (nothing that gives the answer away), and the feedback after an answer."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

from ..curriculum.quiz import Numeric, Question
from ..engine.symbols import number
from ..tutor.session import Feedback
from ..widgets.quiz_parts import feedback_parts


def in_columns(items: list[str], width: int, indent: int = 2, gap: int = 3) -> list[str]:
    """The items in as many columns as fit in ``width`` cells, row by row (so that a weight and its
    pixel, given one after the other, share a line): a long list of givens stays on one screen."""
    cell = max(cell_len(item) for item in items)
    columns = max(1, (width - indent + gap) // (cell + gap))
    rows = [items[k:k + columns] for k in range(0, len(items), columns)]
    return [" " * indent + (" " * gap).join(item + " " * (cell - cell_len(item)) for item in row).rstrip()
            for row in rows]


def question_content(q: Question, numeric: Numeric | None, position: str, tr, width: int = 0) -> Content:
    """The question as the learner first sees it: nothing here gives the answer away.
    ``width``: the cells it is shown in, to lay the givens out in columns (0: one a line)."""
    parts: list = [(position, "bold"), "\n\n", q.prompt, "\n"]
    if numeric is not None:
        parts += ["\n", (tr("givens"), "bold"), "\n"]
        givens = [f"{g.symbol} = {number(g.value, 8)}" for g in numeric.givens]
        parts += [line + "\n" for line in in_columns(givens, width)] if givens else []
        parts += ["\n", (tr("tolerance", rel=numeric.relative_text, abs=numeric.absolute_text, figures=q.figures), "italic")]
    elif q.kind in ("choice", "formula"):
        parts.append("\n")
        for k, choice in enumerate(q.choices):
            parts.append(f"  {'abcdefgh'[k]}) {choice}\n")
        parts += ["\n", (tr("answer_choice"), "italic")]
    else:
        parts.append("\n")
        for k, item in enumerate(q.shuffled_items()):
            parts.append(f"  {k + 1}. {item}\n")
        parts += ["\n", (tr("answer_order"), "italic")]
    return Content.assemble(*parts)


def feedback_content(feedback: Feedback, tr) -> Content:
    if feedback.mistake:  # the mistake named, its line beside the right one (widgets/quiz_parts.py)
        parts = feedback_parts(feedback, tr)
    else:
        right = feedback.correct
        parts = [(tr("right") if right else tr("not_right"), "bold green" if right else "bold red"),
                 "  ", tr("expected", answer=feedback.expected), "\n"]
        if feedback.worked:
            parts += ["\n", (tr("worked"), "bold"), "\n", feedback.worked, "\n"]
    parts += ["\n", feedback.explanation]
    return Content.assemble(*parts)
