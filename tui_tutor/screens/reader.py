"""The reader mode: the workbench's current step as plain lines, for a screen reader or a
braille display. Textual draws for the eye (boxes, colours, a formula over two lines); a
terminal screen reader reads the screen line by line, so here there is nothing but text,
one statement a line, from ``tutor.reader``. n and p step through the pass as on the
workbench (the workbench follows); v or Esc goes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen

from ..tutor.reader import reader_lines
from ..widgets.keys import bind
from ..widgets.styled_lines import StyledLines


class ReaderScreen(Screen):
    BINDINGS = [
        bind("n", "step(1)"),
        bind("p", "step(-1)"),
        bind("right", "step(1)", show=False),
        bind("left", "step(-1)", show=False),
        bind("escape,v", "dismiss"),
    ]
    DEFAULT_CSS = """
    ReaderScreen > VerticalScroll { padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield StyledLines(id="reader-text", wrap=True)

    def on_mount(self) -> None:
        self.app.ensure_workbench()
        self.watch(self.app, "workbench", lambda _: self._show_step())
        self.watch(self.app, "lang", lambda _: self._show_step())

    @property
    def shown_text(self) -> str:
        return self.query_one("#reader-text", StyledLines).content

    def _show_step(self) -> None:
        state = self.app.workbench
        steps = state.explanation.steps
        lines = reader_lines(steps[state.step], state.step, len(steps), self.app.lang)
        self.query_one("#reader-text", StyledLines).show_text("\n".join(lines), fit=True)

    def action_step(self, direction: int) -> None:
        state = self.app.workbench
        self.app.workbench = state.at_step(state.step + direction)
