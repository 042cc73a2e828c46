"""The tutor app's command palette: every action by name, and Textual's own commands in the learner's
language."""

from __future__ import annotations

from textual.app import SystemCommand


def action_commands():
    """The command palette's provider of every action by name, imported when the palette first opens."""
    from .screens.palette import ActionCommands

    return ActionCommands


class PaletteInWords:
    """Mixed into ``TutorApp`` before Textual's ``App``: its palette worded by the session."""

    def get_system_commands(self, screen):
        """Textual's commands in the learner's language, but Keys (the tutor's ? says more); its screenshot
        only where the session may write one. Its Quit is the tutor's (``action_quit``, which saves)."""
        tr = self.session.tr
        words = {"Quit": (tr("action.quit"), tr("palette.quit.help")),
                 "Theme": (tr("palette.theme"), tr("palette.theme.help")),
                 "Maximize": (tr("palette.maximize"), tr("palette.maximize.help")),
                 "Minimize": (tr("palette.minimize"), tr("palette.minimize.help"))}
        if self.session.capabilities.screenshot:
            words["Screenshot"] = (tr("palette.screenshot"), tr("palette.screenshot.help"))
        for command in super().get_system_commands(screen):
            if command.title in words:
                yield SystemCommand(*words[command.title], command.callback, command.discover)

    def action_command_palette(self) -> None:
        """Textual's palette, its search field worded in the learner's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.tr("palette.search"), id="--command-palette"))
