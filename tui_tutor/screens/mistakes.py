"""A review of the questions whose latest answer was wrong, with the given answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..tutor.session import Mistake
from ..widgets.keys import bind


class MistakesScreen(ModalScreen):
    BINDINGS = [bind("escape,m,q", "dismiss")]
    DEFAULT_CSS = """
    MistakesScreen { align: center middle; }
    MistakesScreen > VerticalScroll { width: 90%; height: 85%; border: round $accent; background: $surface;
                                      padding: 0 1; }
    """

    def __init__(self, mistakes: list[Mistake]) -> None:
        super().__init__()
        self._mistakes = mistakes

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        parts: list = [(tr("mistakes") + " — esc", "bold"), "\n\n"]
        if not self._mistakes:
            parts.append(tr("no_mistakes"))
        for k, m in enumerate(self._mistakes, 1):
            parts += [(f"{k}. ", "bold"), (f"({tr('mistake_lesson', lesson=m.lesson)}) ", "dim"), m.prompt, "\n",
                      (f"   {tr('your_answer')}: {m.given_text or m.given}", "red"), "\n",
                      (f"   {tr('expected', answer=m.right)}", "green"), "\n\n"]
        with VerticalScroll():
            yield Static(Content.assemble(*parts))
