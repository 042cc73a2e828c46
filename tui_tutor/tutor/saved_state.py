"""Where the learner was, typed: the one place that knows how it is kept in the store.

The store keeps a string per (learner, key); this class turns each into what the
screens use (a screen name, a lesson index, a quiz position, a workbench) and
reads anything it cannot understand as "nothing saved" rather than failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..progress.store import ProgressStore
    from .workbench import Workbench

SCREENS = ("lessons", "workbench", "training", "quiz")
LANGUAGES = ("en", "zh")
THEMES = ("textual-dark", "textual-light")


class SavedState:
    def __init__(self, store: ProgressStore) -> None:
        self._store = store
        self._bench: Workbench | None = None  # the workbench last read or written, and its JSON:
        self._bench_text: str | None = None  # a key that changed nothing then writes nothing
        self._written = False  # ... and that JSON is this version's own (so its layout is known)

    def _get(self, key: str) -> str | None:
        return self._store.get_state(key)

    def _set(self, key: str, value: str, wait_for_disk: bool = True) -> None:
        self._store.set_state(key, value, wait_for_disk=wait_for_disk)

    @property
    def last_screen(self) -> str | None:
        value = self._get("last_screen")
        return value if value in SCREENS else None

    @last_screen.setter
    def last_screen(self, screen: str) -> None:
        if screen in SCREENS:
            self._set("last_screen", screen)

    @property
    def lesson_index(self) -> int:
        """The open lesson, 0-based (0 when none was saved)."""
        value = self._get("lesson") or ""
        return int(value) if value.isdigit() and len(value) < 4 else 0

    @lesson_index.setter
    def lesson_index(self, index: int) -> None:
        self._set("lesson", str(max(0, int(index))))

    @property
    def quiz_position(self) -> tuple[int, int] | None:
        """(lesson number, question index) where the quiz was left."""
        parts = (self._get("quiz_position") or "").split(":")
        if len(parts) == 2 and all(p.isdigit() and len(p) < 4 for p in parts):
            return int(parts[0]), int(parts[1])
        return None

    @quiz_position.setter
    def quiz_position(self, position: tuple[int, int]) -> None:
        lesson, index = position
        self._set("quiz_position", f"{int(lesson)}:{int(index)}")

    @property
    def workbench(self) -> Workbench | None:
        from .workbench_json import workbench_from_json

        saved = self._get("workbench")
        bench = workbench_from_json(saved) if saved else None
        self._bench, self._bench_text, self._written = bench, saved if bench is not None else None, False
        return bench

    @workbench.setter
    def workbench(self, bench: Workbench) -> None:
        """Committed to the store before this returns, unless it is what was last read or written."""
        from .workbench_json import workbench_to_json

        if bench is self._bench:  # the same (frozen) state: not even serialised again
            return
        same_setup = self._written and self._bench is not None and bench.setup is self._bench.setup
        text = (_moved(self._bench_text, bench) if same_setup else None) or workbench_to_json(bench)
        if text != self._bench_text:  # on every key: committed, without waiting for the disk (set_state)
            self._set("workbench", text, wait_for_disk=False)
        self._bench, self._bench_text, self._written = bench, text, True

    @property
    def language(self) -> str | None:
        value = self._get("language")
        return value if value in LANGUAGES else None

    @language.setter
    def language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self._set("language", lang)

    @property
    def theme(self) -> str | None:
        value = self._get("theme")
        return value if value in THEMES else None

    @theme.setter
    def theme(self, theme: str) -> None:
        if theme in THEMES:
            self._set("theme", theme)

    @property
    def told_about_help(self) -> bool:
        """Whether the learner was once told how to find every key (? and the command palette)."""
        return self._get("told_about_help") == "1"

    @told_about_help.setter
    def told_about_help(self, told: bool) -> None:
        self._set("told_about_help", "1" if told else "0")


_POSITION = ', "preset": '


def _moved(text: str | None, bench: Workbench) -> str | None:
    """``workbench_to_json(bench)`` from the JSON of a state with the same setup: only where the learner
    is (preset, image, step) differs, and it comes last, so the setup (up to a thousand images of the
    learner's own data set: tens of milliseconds) is not serialised again on every key."""
    import json

    at = text.rfind(_POSITION) if text else -1
    if at < 0:
        return None
    return text[:at + 2] + json.dumps({"preset": bench.preset, "image": bench.image, "step": bench.step})[1:]
