"""Every key that applies where help was asked for, read from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ..i18n import key_name

MOUSE_AND_MORE = [
    ("mouse", "click a pixel to toggle it, a lesson to open it, a link to follow it, a cell to edit it"),
    ("tab / shift+tab", "move between panels"),
    ("ctrl+p", "command palette: every action by name"),
]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: 80%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: auto; }
    """

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self._shown_bindings = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(self.app.tr("help") + " — esc", classes="title")
            table = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns("key", "action")
            seen = set()
            for key, active in self._shown_bindings.items():
                binding: Binding = active.binding
                if binding.system or not binding.description or (binding.description, key) in seen:
                    continue
                seen.add((binding.description, key))
                table.add_row(self.app.get_key_display(binding), key_name(self.app.lang, binding.description))
            for key, what in MOUSE_AND_MORE:
                table.add_row(key, what)
            yield table
