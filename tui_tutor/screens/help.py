"""Every key that applies where help was asked for, read from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ..i18n import key_name

MOUSE_AND_MORE = {
    "en": [("mouse", "click a pixel to toggle it, a lesson to open it, a link to follow it, a cell to edit it"),
           ("tab / shift+tab", "move between panels"),
           ("ctrl+p", "command palette: every action by name")],
    "zh": [("鼠标", "点击像素切换黑白，点击课程打开，点击链接跳转，点击单元格修改"),
           ("tab / shift+tab", "在面板之间移动"),
           ("ctrl+p", "命令面板：按名称查找所有操作")],
}
HEADINGS = {"en": ("key", "action"), "zh": ("按键", "操作")}


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
            lang = self.app.lang if self.app.lang in HEADINGS else "en"
            table.add_columns(*HEADINGS[lang])
            seen = set()
            for key, active in self._shown_bindings.items():
                binding: Binding = active.binding
                if binding.system or not binding.description or (binding.description, key) in seen:
                    continue
                seen.add((binding.description, key))
                table.add_row(self.app.get_key_display(binding), key_name(self.app.lang, binding.description))
            for key, what in MOUSE_AND_MORE[lang]:
                table.add_row(key, what)
            yield table
