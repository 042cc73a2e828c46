"""A one-line question in a small dialog; dismisses with the text, or None on escape."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..widgets.keys import bind


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [bind("escape", "cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 60; max-width: 100%; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    """

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self._question, self._value = question, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question)
            yield Input(self._value, select_on_focus=True, max_length=4096)  # a path at most (PATH_MAX)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
