"""Every key that applies where help was asked for, read from the live bindings, in three groups:
this screen's own (the screen's and its focused widgets'), the tutor's keys that work everywhere,
and Textual's; then the things that are not keys (the mouse, the command palette).

The table itself takes the keys: ↑ ↓ PgUp PgDn Home End scroll it, so at any terminal size
every row can be reached without a mouse."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ..i18n import help_rows
from ..widgets.keys import bind, key_label
from ..widgets.line_breaks import break_offsets

WIDTH = 76  # the help's box, at most

GROUPS = ("this_screen", "everywhere", "textual")
"""The help's groups in order; each is titled by the catalogue id ``help.<group>``."""


def is_ours(node: object, binding: Binding) -> bool:
    """Whether one of the tutor's classes (not Textual's) gave ``node`` this binding."""
    for cls in type(node).__mro__:
        if cls.__module__.startswith("tui_tutor."):
            for ours in cls.__dict__.get("BINDINGS", ()):
                if isinstance(ours, Binding) and ours.action == binding.action and binding.key in ours.key.split(","):
                    return True
    return False


def grouped_rows(app, bindings: dict[str, ActiveBinding]) -> dict[str, list[list[str]]]:
    """{group: [[keys, what they do]...]}. Keys that do one thing share a row; a key of a later group
    that does what an earlier row does (Textual's ^q beside the tutor's q) is left out. The palette's
    key is described among the rows that are not keys."""
    placed = []
    for active in bindings.values():
        node, binding = active.node, active.binding
        if binding.system or not binding.description or binding.action == "command_palette":
            continue
        ours = is_ours(node, binding)
        group = ("everywhere" if node is app else "this_screen") if ours else "textual"
        placed.append((GROUPS.index(group), group, node, binding))
    placed.sort(key=lambda entry: entry[0])  # stable: each group keeps the bindings' order
    groups: dict[str, list[list[str]]] = {group: [] for group in GROUPS}
    rows_by_label: dict[str, tuple[str, list[str]]] = {}
    for _order, group, node, binding in placed:
        label = key_label(app.lang, node, binding)
        display = app.get_key_display(binding)
        if label in rows_by_label:
            seen_group, row = rows_by_label[label]
            if seen_group == group and display not in row[0].split("  "):
                row[0] += "  " + display
            continue
        row = [display, label]
        rows_by_label[label] = (group, row)
        groups[group].append(row)
    return groups


def wrapped(text: str, width: int) -> tuple[str, int]:
    """``text`` in lines of at most ``width`` cells (English at spaces, Chinese between characters)
    for a cell, and how many lines: the table's rows do not wrap by themselves."""
    lines = [piece.plain.strip() for piece in Text(text).divide(break_offsets(text, max(width, 10)))]
    return "\n".join(lines), len(lines)


class HelpTable(DataTable, inherit_bindings=True):
    """The help's rows; Home and End go to the first and last row (a DataTable's go left and right)."""

    BINDINGS = [Binding("home", "scroll_top", show=False), Binding("end", "scroll_bottom", show=False)]


class HelpScreen(ModalScreen):
    BINDINGS = [bind("escape,question_mark,q", "dismiss")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 76; max-width: 100%; height: 90%; border: round $accent;
                            background: $surface; padding: 0 1; }
    HelpScreen .title { text-style: bold; }
    HelpScreen #help-intro { width: 1fr; color: $text-muted; }
    HelpScreen HelpTable { height: 1fr; }
    """

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self._shown_bindings = bindings

    def compose(self) -> ComposeResult:
        tr, lang = self.app.tr, self.app.lang
        with Vertical():
            yield Label(tr("help") + " — esc", classes="title")
            yield Label(tr("help.intro"), id="help-intro")
            table = HelpTable(show_cursor=False, zebra_stripes=True)
            table.add_columns(tr("help.key"), tr("help.action"))
            groups = grouped_rows(self.app, self._shown_bindings)
            headings = [tr(f"help.{group}") for group in GROUPS] + [tr("help.more")]
            keys = [row[0] for rows in groups.values() for row in rows] + [key for key, _ in help_rows(lang)]
            # The actions wrap in what is left beside the keys: box 4, cells' padding 4, scrollbar 2
            room = min(WIDTH, self.app.size.width) - 10 - max(cell_len(text) for text in keys + headings)
            for group, rows in groups.items():
                if rows:
                    table.add_row(Text(tr(f"help.{group}"), style="bold"), "")
                    for key, what in rows:
                        what, lines = wrapped(what, room)
                        table.add_row(key, what, height=lines)
            table.add_row(Text(tr("help.more"), style="bold"), "")
            for key, what in help_rows(lang):
                what, lines = wrapped(what, room)
                table.add_row(key, what, height=lines)
            yield table

    def on_mount(self) -> None:
        self.query_one(HelpTable).focus()
