"""Every key that applies where help was asked for, read from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ..i18n import help_rows
from ..widgets.keys import bind, key_label


class HelpScreen(ModalScreen):
    BINDINGS = [bind("escape,question_mark,q", "dismiss")]
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
            lang = self.app.lang
            table.add_columns(self.app.tr("help.key"), self.app.tr("help.action"))
            seen = set()
            for key, active in self._shown_bindings.items():
                binding: Binding = active.binding
                if binding.system or not binding.description:
                    continue
                label = key_label(lang, active.node, binding)
                if (label, key) not in seen:
                    seen.add((label, key))
                    table.add_row(self.app.get_key_display(binding), label)
            for key, what in help_rows(lang):
                table.add_row(key, what)
            yield table
