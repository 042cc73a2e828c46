"""The footer: Textual's, with the key names in the learner's language, rebuilt only
when the keys it shows change. Textual's own rebuilds on every focus change (twice for
each weight edit), which cost a new set of widgets each time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..i18n import key_name


class TutorFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown_keys: tuple | None = None
        self._composed_lang: str | None = None  # the language of the keys built last
        self.set_reactive(Footer._bindings_ready, True)  # keys in the first frame, not one signal later

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "lang", self._language_changed, init=False)

    def _language_changed(self, _lang: str) -> None:
        self._shown_keys = None
        self.bindings_changed(self.screen)

    def _shown(self) -> list[tuple]:
        """(binding, enabled, tooltip) for each action the footer shows, the first key of each."""
        by_action: dict[str, tuple] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, (binding, enabled, tooltip))
        return list(by_action.values())

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not (self.is_attached and screen is self.screen):
            return
        shown = self._shown()
        keys = (self.app.lang, tuple((b.key, b.description, enabled) for b, enabled, _ in shown))
        if keys == self._shown_keys:
            return
        self._shown_keys = keys
        composed = {key.key: key for key in self.query_children(FooterKey) if "-command-palette" not in key.classes}
        if self._composed_lang == self.app.lang and all(b.key in composed for b, _, _ in shown):
            # Fewer keys (an Input has focus, say): hide the others rather than build anew.
            enabled = {b.key: on for b, on, _ in shown}
            for key, widget in composed.items():
                widget.display = key in enabled
                widget.disabled = not enabled.get(key, True)
            self.styles.grid_size_columns = len(shown) + (len(self.children) - len(composed))
        else:
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        shown = self._shown()
        self._composed_lang = self.app.lang
        self.styles.grid_size_columns = len(shown)
        for binding, enabled, tooltip in shown:
            yield FooterKey(binding.key, self.app.get_key_display(binding), key_name(self.app.lang, binding.description),
                            binding.action, disabled=not enabled, tooltip=tooltip)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                yield FooterKey(binding.key, self.app.get_key_display(binding), key_name(self.app.lang, binding.description),
                                binding.action, classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)
