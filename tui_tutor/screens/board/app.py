"""The class board: one row per connected student, updated within a second.

Enter looks over the selected student's shoulder (``shoulder``); m writes to
them, M to everyone; / filters the rows (any column), s sorts by the next
column (or click a column's title). A row is flagged when its student looks
stuck (the rule is said under the table: see ``lab.live_state``).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter

from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Input, Label

from ...i18n import detect_language, phase_title, tr
from ...widgets.footer import TutorFooter
from ...widgets.keys import bind
from .feed_client import FeedClient
from .shoulder import look

COLUMNS = ("user", "screen", "lesson", "step", "question", "score", "last_mistake", "since", "idle_s", "stuck")
OPEN_TUTOR = 75  # the exit status by which the board asks the lab for the instructor's own tutor
STUCK_WRONG, STUCK_MINUTES = 3, 5  # as the lab decides it (lab.live_state): said on the board


def _duration(seconds: object) -> str:
    if not isinstance(seconds, int):
        return ""
    minutes, secs = divmod(max(seconds, 0), 60)
    return f"{minutes}:{secs:02d}"


class BoardApp(App):
    TITLE = "tui-tutor"
    CSS = """
    #board-summary, #board-rule { height: 1; padding: 0 1; }
    #board-rule { color: $text-muted; }
    #board-input { display: none; }
    #board-input.open { display: block; }
    DataTable { height: 1fr; }
    """
    BINDINGS = [
        bind("q", "quit"),
        bind("m", "write('one')"),
        bind("M", "write('all')"),
        bind("slash", "filter", key_display="/"),
        bind("s", "sort"),
        bind("L", "toggle_language"),
        bind("t", "own_tutor"),
    ]
    lang: reactive[str] = reactive("en")

    def __init__(self, feed: FeedClient, lang: str | None = None, in_lab: bool = False) -> None:
        super().__init__()
        self.feed, self.in_lab = feed, in_lab
        self.lang = lang or detect_language()
        self.rows: list[dict] = []
        self.sort_by, self.filter_text = "user", ""
        self.writing: str | None = None  # "one", "all" or "filter" while the input is open

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="board-summary", markup=False)
        yield DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="board-rule", markup=False)
        yield Input(id="board-input")
        yield TutorFooter()

    def on_mount(self) -> None:
        self.feed.handler = self._message
        asyncio.get_running_loop().add_reader(self.feed.sock.fileno(), self._readable)
        self.feed.send(op="watch")
        self._relabel()

    def _readable(self) -> None:
        if not self.feed.read():
            asyncio.get_running_loop().remove_reader(self.feed.sock.fileno())
            self.notify(tr(self.lang, "board_lab_gone"), severity="error", timeout=30)

    def _message(self, message: dict) -> None:
        op = message.get("op")
        if op == "rows" and isinstance(message.get("rows"), list):
            self.rows = [r for r in message["rows"] if isinstance(r, dict)]
            self._fill()
        elif op == "view":
            self._view(str(message.get("user", "")), message.get("size"))
        elif op == "sent":
            self.notify(tr(self.lang, "board_sent", count=message.get("count", 0)))
        elif op == "error":
            self.notify(str(message.get("error", ""))[:200], severity="warning")

    # The table

    def _relabel(self) -> None:
        self.title = tr(self.lang, "board_title")
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for column, heading in zip(COLUMNS, tr(self.lang, "board_columns").split("|"), strict=False):
            table.add_column(heading + (" ▼" if column == self.sort_by else ""), key=column)
        self.query_one("#board-rule", Label).update(
            tr(self.lang, "board_rule", wrong=STUCK_WRONG, minutes=STUCK_MINUTES))
        self._fill()

    def _cells(self, row: dict) -> tuple[str, ...]:
        phase = row.get("phase") or ""
        step = f"{phase_title(self.lang, phase) if phase else ''} {row.get('step') or ''}".strip()
        return (str(row.get("user", "")), str(row.get("screen", "")), str(row.get("lesson") or ""), step,
                str(row.get("question", "")), str(row.get("score", "")), str(row.get("last_mistake", "")),
                _duration(row.get("since")), _duration(row.get("idle_s")),
                tr(self.lang, "board_stuck") if row.get("stuck") else "")

    def shown_rows(self) -> list[tuple[str, ...]]:
        cells = [self._cells(r) for r in self.rows]
        if self.filter_text:
            needle = self.filter_text.casefold()
            cells = [c for c in cells if any(needle in cell.casefold() for cell in c)]
        index = COLUMNS.index(self.sort_by)
        raw = {c[0]: r for c, r in zip((self._cells(r) for r in self.rows), self.rows, strict=True)}
        numeric = self.sort_by in ("lesson", "since", "idle_s")
        key = (lambda c: raw[c[0]].get(self.sort_by) or 0) if numeric else (lambda c: c[index].casefold())
        return sorted(cells, key=key, reverse=self.sort_by in ("since", "idle_s", "stuck"))

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_user()
        table.clear()
        for cells in self.shown_rows():
            table.add_row(*cells, key=cells[0])
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        phases = Counter(phase_title(self.lang, r["phase"]) for r in self.rows if r.get("phase"))
        lessons = Counter(str(r["lesson"]) for r in self.rows if r.get("lesson"))
        self.query_one("#board-summary", Label).update(tr(
            self.lang, "board_summary", students=len(self.rows),
            stuck=sum(1 for r in self.rows if r.get("stuck")),
            phases=", ".join(f"{p} {n}" for p, n in sorted(phases.items())) or "-",
            lessons=", ".join(f"{lesson}: {n}" for lesson, n in sorted(lessons.items())) or "-"))

    def selected_user(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by = str(event.column_key.value)
        self._relabel()

    def action_sort(self) -> None:
        self.sort_by = COLUMNS[(COLUMNS.index(self.sort_by) + 1) % len(COLUMNS)]
        self._relabel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.in_lab or action != "own_tutor"  # the lab alone can start the instructor's tutor

    def action_own_tutor(self) -> None:
        self.exit(return_code=OPEN_TUTOR)  # the lab starts their tutor; quitting it comes back here

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self._relabel()

    # Writing: a message, or the filter

    def action_write(self, to: str) -> None:
        user = self.selected_user()
        if to == "one" and user is None:
            return
        self._open_input(to, tr(self.lang, "board_to_one", user=user) if to == "one" else tr(self.lang, "board_to_all"))

    def action_filter(self) -> None:
        self._open_input("filter", tr(self.lang, "board_filter"), self.filter_text)

    def _open_input(self, mode: str, placeholder: str, value: str = "") -> None:
        self.writing = mode
        field = self.query_one("#board-input", Input)
        field.placeholder, field.value = placeholder, value
        field.add_class("open")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        mode, text = self.writing, event.value.strip()
        event.input.remove_class("open")
        self.writing = None
        self.query_one(DataTable).focus()
        if mode == "filter":
            self.filter_text = text
            self._fill()
        elif text and mode in ("one", "all"):
            self.feed.send(op="message", to=self.selected_user() if mode == "one" else "", text=text)

    def key_escape(self) -> None:
        if self.writing is not None:
            self.query_one("#board-input", Input).remove_class("open")
            self.writing = None
            self.query_one(DataTable).focus()

    # Over a student's shoulder

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.feed.send(op="view", user=str(event.row_key.value))

    def _view(self, user: str, size: object) -> None:
        valid = isinstance(size, list) and len(size) == 2 and all(isinstance(n, int) and n > 0 for n in size)
        theirs = (size[0], size[1]) if valid else (80, 24)

        def note(cols: int, rows: int, their_cols: int, their_rows: int) -> str:
            return tr(self.lang, "board_cropped", user=user, cols=cols, rows=rows,
                      their_cols=their_cols, their_rows=their_rows)

        loop = asyncio.get_running_loop()
        loop.remove_reader(self.feed.sock.fileno())
        try:
            with self.suspend():
                why = look(self.feed, user, theirs, note, sys.__stdin__.fileno(), sys.__stdout__.fileno(),
                           fallback=(self.size.width, self.size.height))
        finally:
            if not self.feed.closed:
                loop.add_reader(self.feed.sock.fileno(), self._readable)
        if why not in ("esc", ""):
            self.notify(tr(self.lang, "board_view_ended", user=user, why=why), timeout=8)


def main() -> int:
    try:
        feed = FeedClient.from_environment()
    except OSError as e:
        print(f"tui-tutor: error: {e}", file=sys.stderr)
        return 1
    os.environ.pop("TUI_TUTOR_LIVE_FD", None)
    app = BoardApp(feed, in_lab="--lab" in sys.argv[1:])
    app.run()
    return app.return_code or 0
