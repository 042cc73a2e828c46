"""The quiz's generated questions: the feedback that names a mistake, and the screen that runs a
review of the due skills or a chained exercise, one generated question after another."""

from __future__ import annotations

import random
import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..curriculum.grading import AnswerError
from ..engine.symbols import number
from ..tutor.session import Feedback
from .keys import bind


def feedback_parts(feedback: Feedback, tr) -> list:
    """The verdict, then the mistake named with its line beside the right one, or else the worked solution."""
    right = feedback.correct
    verdict = tr("carried_forward") if feedback.carried else (tr("right") if right else tr("not_right"))
    parts: list = [(verdict, "bold green" if right else "bold red")]
    if not feedback.carried:
        parts += ["  ", tr("expected", answer=feedback.expected)]
    parts.append("\n")
    if feedback.mistake:
        parts += ["\n", (tr("mistake_matched", name=feedback.mistake), "bold"), "\n",
                  (f"{tr('your_line')} {feedback.mistake_line}", "red"), "\n",
                  (f"{tr('right_line')} {feedback.right_line}", "green"), "\n"]
    elif feedback.worked and not right:
        parts += ["\n", (tr("worked"), "bold"), "\n", feedback.worked, "\n"]
    return parts


class ExerciseScreen(ModalScreen):
    """Generated questions in a row: ``review`` (one per due skill, fresh numbers) or a chained exercise."""

    BINDINGS = [bind("escape", "leave_answer", show=False), bind("q", "dismiss"), bind("a", "answer"),
                bind("h", "hint")]
    DEFAULT_CSS = """
    ExerciseScreen { align: center middle; }
    ExerciseScreen > Vertical { width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    ExerciseScreen #exercise-scroll { height: 1fr; }
    ExerciseScreen #exercise-message { color: $warning; }
    """

    def __init__(self, skills: list[str] | None = None, chain_seed: int | None = None) -> None:
        super().__init__()
        from ..curriculum.chained import chain
        from ..curriculum.generated import generate

        self.chain = chain(chain_seed) if chain_seed is not None else None
        seeds = random.Random()
        self.questions = list(self.chain.parts) if self.chain else [generate(s, seeds.randrange(10**9))
                                                                     for s in skills or []]
        self.index, self.answered, self.hinted, self.previous = 0, False, False, None
        self.started = time.monotonic()

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="exercise-scroll"):
                yield Static(id="exercise-question")
                yield Static(id="exercise-feedback")
            yield Label("", id="exercise-message", markup=False)
            yield Input(id="exercise-answer")

    def on_mount(self) -> None:
        self.show_question()

    def show_question(self) -> None:
        tr = self.app.tr
        self.answered, self.hinted = False, False
        self.query_one("#exercise-feedback", Static).update("")
        field = self.query_one("#exercise-answer", Input)
        if self.index >= len(self.questions):
            self.query_one("#exercise-question", Static).update(tr("exercise_done") if self.questions
                                                                else tr("nothing_due"))
            field.disabled = True
            return
        g = self.questions[self.index]
        n, total = self.index + 1, len(self.questions)
        from ..curriculum.skills import skill_name

        title = (tr("chained_of", n=n, total=total) if self.chain
                 else tr("review_of", skill=skill_name(self.app.lang, g.skill), n=n, total=total))
        givens = self.chain.given_for(self.index) if self.chain else g.givens
        parts: list = [(title, "bold"), "\n\n", g.prompt(self.app.lang), "\n\n", (tr("givens"), "bold"), "\n"]
        if self.chain and self.index and self.previous is not None:  # the part before's answer, the learner's own
            before = self.questions[self.index - 1].symbol
            parts.append(f"  {before} = {number(self.previous.value, 8)} ({tr('your_answer')})\n")
        parts += [f"  {x.symbol} = {number(x.value, 8)}\n" for x in givens]
        parts += ["\n", (tr("tolerance", rel=f"{g.relative * 100:g} %", abs=number(g.absolute), figures=g.figures),
                         "italic")]
        self.query_one("#exercise-question", Static).update(Content.assemble(*parts))
        field.value, field.disabled = "", False
        field.focus()
        self.started = time.monotonic()

    @on(Input.Submitted, "#exercise-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.answered:
            self.index += 1
            self.show_question()
            return
        session = self.app.session
        try:
            feedback = session.attempt_generated(self.questions[self.index], event.value,
                                                 time.monotonic() - self.started, self.hinted,
                                                 self.previous, self.chain, self.index)
        except AnswerError as err:
            self.query_one("#exercise-message", Label).update(self.app.tr(f"bad_answer_{err.key}", **err.values))
            event.input.select_all()
            return
        self.previous = session.last_mark
        self.answered = True
        self.query_one("#exercise-message", Label).update("")
        self.query_one("#exercise-feedback", Static).update(Content.assemble("\n", *feedback_parts(feedback, self.app.tr)))

    def action_leave_answer(self) -> None:
        """Esc in the answer leaves it (then h, a, q are keys); Esc again goes back to the quiz."""
        answer = self.query_one("#exercise-answer", Input)
        if answer.has_focus:
            self.query_one("#exercise-scroll").focus()
        else:
            self.dismiss()

    def action_answer(self) -> None:
        self.query_one("#exercise-answer", Input).focus()

    def action_hint(self) -> None:
        self.hinted = True
        if self.index < len(self.questions):
            hint = Content.assemble("\n", (self.app.tr("hint") + ": ", "bold"), self.questions[self.index].hint)
            self.query_one("#exercise-feedback", Static).update(hint)
