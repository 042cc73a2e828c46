"""Keys named from the catalogue (tui_tutor.i18n), by their action rather than their English words.

A binding's description is its action's English label, so the command palette, which shows the
descriptions, says what the footer and the help say in English; the footer and the help name a
key by its action in the learner's language."""

from __future__ import annotations

from textual.binding import Binding

from ..i18n import action_label


def bind(key: str, action: str, *, owner: str | None = None, **options) -> Binding:
    """A binding whose description is the English label of ``action`` in the catalogue;
    ``owner``: the widget's class name, for an action the catalogue names per widget."""
    label = action_label("en", action, owner)
    if label is None:
        where = f"{owner}:{action}" if owner else action
        raise KeyError(f"the catalogue has no label for the action {action!r}: add 'action.{where}'")
    return Binding(key, action, label, **options)


def key_label(lang: str, node: object, binding: Binding) -> str:
    """What ``binding`` (of ``node``, the app, a screen or a widget) does, in ``lang``. A binding of
    Textual's that the catalogue does not know keeps its own (English) description."""
    return action_label(lang, binding.action, type(node).__name__) or binding.description
