"""A Static that asks for a new layout only when its text no longer fits.

Textual lays out the whole screen after any ``Static.update``; stepping through the
workbench changes numbers, rarely the room the panels need, and that layout would be
most of the cost of a key press. Text that needs less room than the panel has is shown
without a layout (the panel keeps its size, so it does not jump about either)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class SteadyStatic(Static):
    _asked: tuple[int, int] | None = None  # (height, width) the last layout was asked for

    def show_content(self, content: Content | str, fit: bool = False) -> None:
        """Show ``content``; with ``fit``, also shrink to it (one layout), else only ever grow."""
        if any(not node.display for node in self.ancestors_with_self if node is not self.screen):
            self.update(content, layout=False)  # in a hidden tab: laid out when the tab shows
            return
        size = self.content_size
        if size.width <= 0:  # not laid out yet
            self.update(content)
            return
        self.update(content, layout=False)
        visual = self.visual
        # The height the text takes at this width (wrapped as Textual wraps it), and the width
        # it would like, which matters to panels sized to their content.
        auto_width = self.styles.width is not None and self.styles.width.is_auto
        need = (visual.get_height(self.styles, size.width),
                visual.get_optimal_width(self.styles, size.width) if auto_width else size.width)
        too_big = need[0] > size.height or (auto_width and need[1] > size.width)
        too_small = fit and (need[0] < size.height or (auto_width and need[1] < size.width))
        if (too_big or too_small) and need != self._asked:  # (when a max-height caps it, asking again would not help)
            self._asked = need
            self.refresh(layout=True)
