"""The command palette's commands: every action of the screen and of the app, by name, in the
learner's language, made from the same bindings and catalogue labels as the keys, the footer and
the help. Searching also matches the English names, so "grad" finds 梯度检验 too.

An action the session may not do (the app's or the screen's ``check_action`` says no) is not offered;
Textual's own commands (theme, maximize, screenshot) come from ``TutorApp.get_system_commands``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..i18n import action_label, tr

SYSTEM_COMMANDS = ("command_palette", "quit")
"""Actions left to Textual's own provider: the palette itself, and Quit (among its commands)."""


@dataclass(frozen=True)
class Command:
    label: str  # in the learner's language
    english: str
    keys: str  # the keys that do it too, as the footer shows them
    run: object  # a callable: runs the action where it is bound


def commands(screen) -> list[Command]:
    """The screen's actions, then the app's, each once, with every key bound to it."""
    app = screen.app
    found: dict[str, tuple[object, list[str]]] = {}
    for node in (screen, app):
        for _key, binding in node._bindings:
            if binding.action in SYSTEM_COMMANDS or not binding.description:
                continue
            owner = type(node).__name__
            if action_label("en", binding.action, owner) is None:  # one of Textual's: not ours to name
                continue
            node_and_keys = found.setdefault((owner, binding.action), (node, []))
            display = app.get_key_display(binding)
            if display not in node_and_keys[1]:
                node_and_keys[1].append(display)
    out = []
    for (owner, action), (node, keys) in found.items():
        _namespace, name, parameters = parse(action)
        if not app.check_action(name, parameters) or not node.check_action(name, parameters):
            continue
        out.append(Command(action_label(app.lang, action, owner), action_label("en", action, owner),
                           " ".join(keys), partial(node.run_action, action)))
    return out


class ActionCommands(Provider):
    """Every action of the calling screen and of the app."""

    async def discover(self) -> Hits:
        lang = self.app.lang
        for command in commands(self.screen):
            yield DiscoveryHit(command.label, command.run, help=tr(lang, "palette.keys", keys=command.keys))

    async def search(self, query: str) -> Hits:
        lang = self.app.lang
        matcher = self.matcher(query)
        for command in commands(self.screen):
            name = command.label
            score = matcher.match(name)
            display = matcher.highlight(name) if score else name
            if not score and command.english != command.label:
                name = command.english
                score = matcher.match(name) * 0.9  # an English name typed in Chinese
            if score and name.casefold().startswith(query.casefold()):
                score *= 2  # a name that begins with what was typed comes first ("grad": Gradient check)
            if score > 0:
                yield Hit(score, display, command.run, text=command.label,
                          help=tr(lang, "palette.keys", keys=command.keys))
