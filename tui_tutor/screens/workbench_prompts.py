"""The workbench's prompts: pick an image, set η, a random seed, save and load a network.
Kept apart from the screen's layout; each one asks, checks what was typed with the tutor's
one number rule, says what was wrong in the learner's language, and sets a new state.

Saving and loading go through the session's network library: files at home, named slots
in the learner's own progress in the lab (no path is ever asked there).
"""

from __future__ import annotations

from ..engine.numbers import NumberError, editable, parse_number, parse_whole
from ..tutor.networks import LibraryError
from ..tutor.workbench import MAX_SEED, Workbench
from .prompt import PromptScreen


class WorkbenchPrompts:
    """Mixed into WorkbenchScreen: uses its ``state``, ``_set``, ``_seed`` and ``_last_name``."""

    def _refused(self, key: str, **values) -> None:
        self.notify(self.app.tr(key, **values), severity="error", timeout=8)

    def action_choose_image(self) -> None:
        own = self.state.setup.grid is not None and self.state.setup.data is not None  # the learner's data set
        if self.state.preset != "book" and not own:
            self.notify(self.app.tr("no_images"), severity="warning")
            return
        count = len(self.state.setup.data) if own else 64

        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                n = parse_whole(text, 1, count)
            except NumberError:
                self._refused("image_range", text=text[:40], count=count)
                return
            self._set(self.state.with_image(n))

        question = self.app.tr("prompt_image", count=count)
        self.app.push_screen(PromptScreen(question, str(self.state.image or 1)), chosen)

    def action_set_eta(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                self._set(self.state.with_learning_rate(parse_number(text)))
            except ValueError:  # NumberError, or not positive
                self._refused("eta_positive", text=text[:40])

        self.app.push_screen(PromptScreen(self.app.tr("prompt_eta"), editable(self.state.setup.learning_rate)),
                             chosen)

    def action_randomise(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                self._seed = parse_whole(text, 0, MAX_SEED)
            except NumberError:
                self._refused("seed_whole", text=text[:40], high=MAX_SEED)
                return
            self._set(self.state.randomised(self._seed))
            self.notify(self.app.tr("randomised", seed=self._seed))

        self.app.push_screen(PromptScreen(self.app.tr("prompt_seed"), str((self._seed + 1) % (MAX_SEED + 1))), chosen)

    def _library_prompt(self, action: str) -> str:
        """The question asked before saving or loading, with the names already saved where there are slots."""
        library = self.app.session.networks
        question = self.app.tr(f"prompt_{action}" if library.kind == "files" else f"prompt_{action}_slot")
        names = library.names()
        if names:
            question += "\n" + self.app.tr("saved_slots", names=", ".join(names[:8]))
        return question

    def action_save(self) -> None:
        library = self.app.session.networks

        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                where = library.save(text, self.state.setup)
            except LibraryError as err:
                self._refused(f"library_{err.key}", **err.values)
                return
            self._last_name = text.strip()
            in_store = library.kind == "slots"
            key = "saved_slot" if in_store else "saved"
            self.notify(self.app.tr(key, path=where))

        default = self._last_name or library.default_name
        self.app.push_screen(PromptScreen(self._library_prompt("save"), default), chosen)

    def action_load(self) -> None:
        library = self.app.session.networks

        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                setup = library.load(text)
            except LibraryError as err:
                self._refused(f"library_{err.key}", **err.values)
                return
            self._last_name = text.strip()
            self._set(Workbench.from_setup(setup))
            in_store = library.kind == "slots"
            key = "loaded_slot" if in_store else "loaded"
            self.notify(self.app.tr(key, path=text.strip()))

        names = library.names()
        default = self._last_name or (names[0] if names else library.default_name)
        self.app.push_screen(PromptScreen(self._library_prompt("load"), default), chosen)
