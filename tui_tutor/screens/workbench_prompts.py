"""The workbench's prompts: pick an image, set η, a random seed, save and load the
network file. Kept apart from the screen's layout; each one asks, checks what was typed,
says what was wrong in the learner's language, and sets a new state."""

from __future__ import annotations

from pathlib import Path

from ..engine.netfile import NetworkFileError, load_setup, save_setup
from ..engine.symbols import number
from ..workbench_state import Workbench, parse_number
from .prompt import PromptScreen


class WorkbenchPrompts:
    """Mixed into WorkbenchScreen: uses its ``state``, ``_set``, ``_seed`` and ``_last_file``."""

    def action_choose_image(self) -> None:
        if self.state.preset != "book":
            self.notify(self.app.tr("no_images"), severity="warning")
            return

        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                n = int(text.strip())
                if not 1 <= n <= 64:
                    raise ValueError
            except ValueError:
                self.notify(self.app.tr("image_range", text=text), severity="error")
                return
            self._set(self.state.with_image(n))

        self.app.push_screen(PromptScreen(self.app.tr("prompt_image"), str(self.state.image or 1)), chosen)

    def action_set_eta(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                self._set(self.state.with_learning_rate(parse_number(text)))
            except ValueError:
                self.notify(self.app.tr("eta_positive", text=text), severity="error")

        self.app.push_screen(PromptScreen(self.app.tr("prompt_eta"), number(self.state.setup.learning_rate)), chosen)

    def action_randomise(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                self._seed = int(text.strip())
            except ValueError:
                self.notify(self.app.tr("seed_whole", text=text), severity="error")
                return
            self._set(self.state.randomised(self._seed))
            self.notify(self.app.tr("randomised", seed=self._seed))

        self.app.push_screen(PromptScreen(self.app.tr("prompt_seed"), str(self._seed + 1)), chosen)

    def action_save(self) -> None:
        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(text).expanduser()
            try:
                save_setup(self.state.setup, path)
            except OSError as err:
                self.notify(self.app.tr("cannot_save", path=path, why=err.strerror or err), severity="error")
                return
            self._last_file = text
            self.notify(self.app.tr("saved", path=path))

        self.app.push_screen(PromptScreen(self.app.tr("prompt_save"), self._last_file), chosen)

    def action_load(self) -> None:
        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                setup = load_setup(Path(text).expanduser())
            except NetworkFileError as err:
                self.notify(str(err), severity="error", timeout=8)
                return
            self._last_file = text
            self._set(Workbench.from_setup(setup))
            self.notify(self.app.tr("loaded", path=text))

        self.app.push_screen(PromptScreen(self.app.tr("prompt_load"), self._last_file), chosen)
