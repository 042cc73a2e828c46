"""The quiz: one question at a time, graded by the engine, with hints, worked solutions,
a score for each lesson, retry of the missed questions and a review of mistakes."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..curriculum.grading import AnswerError
from ..curriculum.lessons import load_lessons
from ..curriculum.quiz import Numeric, Question
from ..engine.symbols import number
from ..tutor.session import Feedback
from ..widgets.footer import TutorFooter
from ..widgets.keys import bind


def question_content(q: Question, numeric: Numeric | None, position: str, tr) -> Content:
    """The question as the learner first sees it: nothing here gives the answer away."""
    parts: list = [(position, "bold"), "\n\n", q.prompt, "\n"]
    if numeric is not None:
        parts += ["\n", (tr("givens"), "bold"), "\n"]
        for g in numeric.givens:
            parts.append(f"  {g.symbol} = {number(g.value, 8)}\n")
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
    right = feedback.correct
    parts: list = [(tr("right") if right else tr("not_right"), "bold green" if right else "bold red"),
                   "  ", tr("expected", answer=feedback.expected), "\n"]
    if feedback.worked:
        parts += ["\n", (tr("worked"), "bold"), "\n", feedback.worked, "\n"]
    parts += ["\n", feedback.explanation]
    return Content.assemble(*parts)


class QuizScreen(Screen):
    BINDINGS = [
        bind("escape", "leave_answer", show=False),
        bind("enter", "next", show=False),
        bind("a", "answer"),
        bind("n", "next"),
        bind("h", "hint"),
        bind("r", "retry"),
        bind("m", "mistakes"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lesson = 1
        self.queue: list[Question] = []
        self.index = 0
        self.numeric: Numeric | None = None
        self.answered = False
        self.started = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="quiz-lessons")
            with Vertical(id="quiz-main"):
                with VerticalScroll(id="quiz-scroll"):
                    yield Static(id="question")
                    yield Static(id="hint", classes="hidden")
                    yield Static(id="feedback", classes="hidden")
                yield Label("", id="answer-message", markup=False)
                yield Input(id="answer")
                yield Label("", id="score", markup=False)
        yield TutorFooter()

    def on_mount(self) -> None:
        saved = self.app.session.state.quiz_position
        if saved is not None:  # resume where the learner stopped
            self.lesson, self.index = saved
            if self.lesson not in self.app.session.quiz_lessons():  # a lesson since removed
                self.lesson, self.index = 1, 0
        self.watch(self.app, "lang", lambda _: self._refresh_all())

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.app.session.questions(self.lesson)

    def _refresh_all(self) -> None:
        self._fill_lessons()
        self.start_lesson(self.lesson, keep_position=True)

    def _fill_lessons(self) -> None:
        scores = self.app.session.lesson_scores()
        options = self.query_one("#quiz-lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for lesson in load_lessons(self.app.lang):
            s = scores.get(lesson.number)
            mark = "✓ " if s and s.mastered else "  "
            tail = f" {s.right}/{s.total}" if s else ""
            options.add_option(Option(f"{mark}{lesson.list_title}{tail}", id=str(lesson.number)))
        options.highlighted = highlighted if highlighted is not None else self.lesson - 1

    def start_lesson(self, lesson: int, only: list[str] | None = None, keep_position: bool = False) -> None:
        self.lesson = lesson
        queue = [q for q in self.questions if only is None or q.id in only]
        position = self.index if keep_position else 0
        self.queue = queue or list(self.questions)
        self.index = min(position, max(0, len(self.queue) - 1))
        self.show_question()

    def show_question(self) -> None:
        tr = self.app.tr
        self.answered = False
        for name in ("#hint", "#feedback"):
            self.query_one(name).add_class("hidden")
        if not self.queue:
            self.query_one("#question", Static).update(tr("no_questions"))
            return
        q = self.queue[self.index]
        self.numeric = self.app.session.numbers_for(q, self.app.ensure_workbench())
        position = tr("question_of", lesson=self.lesson, n=self.index + 1, total=len(self.queue), kind=tr(q.kind))
        self.query_one("#question", Static).update(question_content(q, self.numeric, position, tr))
        self.query_one("#hint", Static).update(Content.assemble((tr("hint") + ": ", "bold"), q.hint))
        field = self.query_one("#answer", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self.query_one("#answer-message", Label).update("")
        self._show_score()
        self.query_one("#quiz-scroll").scroll_home(animate=False)
        self.started = time.monotonic()
        self.app.session.state.quiz_position = (self.lesson, self.index)

    def _show_score(self) -> None:
        s = self.app.session.lesson_scores().get(self.lesson)
        text = self.app.tr("score", right=s.right if s else 0, total=len(self.questions))
        if s and s.mastered:
            text += " ✓"
        self.query_one("#score", Label).update(text)

    @on(OptionList.OptionSelected, "#quiz-lessons")
    def _lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        self.start_lesson(int(event.option.id))

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.answered:
            self.action_next()
            return
        q = self.queue[self.index]
        try:
            feedback = self.app.session.attempt(q, self.numeric, event.value, time.monotonic() - self.started)
        except AnswerError as err:  # not an attempt: say what was wrong and wait
            message = self.app.tr(f"bad_answer_{err.key}", **err.values)
            self.query_one("#answer-message", Label).update(message)
            event.input.select_all()  # what is typed next replaces the refused entry
            return
        self.answered = True
        self.app.live.attempted(q.id, feedback.correct, event.value)
        self.query_one("#answer-message", Label).update("")
        feedback_widget = self.query_one("#feedback", Static)
        feedback_widget.update(feedback_content(feedback, self.app.tr))
        feedback_widget.remove_class("hidden")
        self._show_score()
        self._fill_lessons()
        self.call_after_refresh(self.query_one("#quiz-scroll").scroll_end, animate=False)

    def action_leave_answer(self) -> None:
        self.query_one("#quiz-lessons").focus()

    def action_answer(self) -> None:
        self.query_one("#answer", Input).focus()

    def action_next(self) -> None:
        if not self.queue:
            return
        if self.index + 1 < len(self.queue):
            self.index += 1
            self.show_question()
        else:
            self.query_one("#answer-message", Label).update(self.app.tr("lesson_done"))

    def action_hint(self) -> None:
        self.query_one("#hint").remove_class("hidden")

    def action_retry(self) -> None:
        missed = self.app.session.missed_questions(self.lesson)
        if not missed:
            self.notify(self.app.tr("nothing_missed"))
            return
        self.start_lesson(self.lesson, only=missed)

    def action_mistakes(self) -> None:
        from .mistakes import MistakesScreen

        self.app.push_screen(MistakesScreen(self.app.session.mistakes(self.app.ensure_workbench())))
