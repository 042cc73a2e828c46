"""The footer: the keys that apply now, named in the learner's language, in one line.

Textual's Footer is a widget per key, each with two styled parts: a dozen keys were
a third of the CSS work of a start, and it built them all again at every focus change.
This one is a single widget that draws one line, and only when the keys change.
A click on a key presses it; the command palette's key sits at the right end.

When the line is too short for every key, the keys that matter most on the screen stay
(``PRIORITY``) and the others are left out whole, never cut in the middle of a word:
everything is still in the help (?) and the command palette (ctrl+p)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from .keys import key_label

PRIORITY: dict[str, tuple[str, ...]] = {
    "LessonsScreen": ("lesson(1)", "lesson(-1)", "try_it"),
    "WorkbenchScreen": ("step(1)", "step(-1)", "apply_update", "undo", "choose_image"),
    "TrainingScreen": ("train", "stop", "keep"),
    "QuizScreen": ("leave_answer", "next", "hint", "answer", "retry", "mistakes", "lesson(1)"),
}
"""Each screen's keys (by action) in the order they matter; its other keys follow in their own order."""
APP_PRIORITY = ("help", "quit", "open('lessons')", "open('workbench')", "open('training')", "open('quiz')",
                "toggle_language", "toggle_dark")
"""The app's keys after the screen's: help and quit first; then the focused widget's keys; then the rest."""


def rank(screen, node, action: str, order: int) -> tuple[int, int]:
    """Where a key comes in the footer: the screen's (its priority first), help and quit, the widgets',
    the app's other keys."""
    if node is screen:
        mine = PRIORITY.get(type(screen).__name__, ())
        return (0, mine.index(action)) if action in mine else (1, order)
    if node is screen.app:
        if action == f"open('{screen.app.current_mode}')":
            return (5, 0)  # the screen on show: its own key matters least
        where = APP_PRIORITY.index(action) if action in APP_PRIORITY else len(APP_PRIORITY) + order
        return (2, where) if action in ("help", "quit") else (4, where)
    return (3, order)


class TutorFooter(Widget, can_focus=False):
    auto_links = False  # keys are clickable (an @click in their style) but should not look like links
    COMPONENT_CLASSES = {"tutor-footer--key", "tutor-footer--description"}
    DEFAULT_CSS = """
    TutorFooter {
        dock: bottom; height: 1; width: 1fr;
        color: $footer-foreground; background: $footer-background;
        & > .tutor-footer--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .tutor-footer--description { color: $footer-description-foreground; background: $footer-description-background; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._keys: tuple = ()  # what the line shows: (language, (key, display, description, enabled)...)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.watch(self.app, "lang", lambda _lang: self.bindings_changed(self.screen), init=False)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if screen is not self.screen:
            return
        keys = self._shown_keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def _shown_keys(self) -> tuple:
        """(key, display, description, enabled) for each action shown, its first key, most important first;
        and the palette's."""
        app, screen = self.app, self.screen
        by_action: dict[str, tuple] = {}
        ranks: dict[str, tuple[int, int]] = {}
        palette = None
        for order, (node, binding, enabled, _tooltip) in enumerate(screen.active_bindings.values()):
            entry = (binding.key, app.get_key_display(binding), key_label(app.lang, node, binding), enabled)
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and binding.action not in by_action:
                by_action[binding.action] = entry
                ranks[binding.action] = rank(screen, node, binding.action, order)
        shown = tuple(by_action[action] for action in sorted(by_action, key=ranks.__getitem__))
        return (app.lang, shown, palette)

    def render(self) -> Text:
        if not self._keys:
            self._keys = self._shown_keys()  # the first frame already has the keys
        _lang, keys, palette = self._keys
        key_style = self.get_component_rich_style("tutor-footer--key")
        text_style = self.get_component_rich_style("tutor-footer--description")
        tail = Text(end="")
        if palette is not None:
            key, display, description, _enabled = palette
            tail = Text.assemble(("│", Style(dim=True)), (display, key_style), (f" {description}", text_style))
            tail.stylize(Style.from_meta({"@click": f"app.simulate_key({key!r})"}))
        room = self.size.width - cell_len(tail.plain)
        line = Text(no_wrap=True, overflow="crop", end="")
        for key, display, description, enabled in keys:
            width = cell_len(display) + cell_len(description) + 1
            if width > room:
                continue  # left out whole: a shorter key further on may still fit
            room -= width
            press = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
            dim = Style(dim=not enabled)
            line.append(display, key_style + dim + press)
            line.append(f"{description} ", text_style + dim + press)
        line.append(" " * max(room, 0))
        line.append_text(tail)
        return line
