"""Saving and loading the learner's network: as files at home, as named slots in the lab.

Both libraries take a name and give back a ``Setup``; which one a session gets is
decided by its capabilities (``files``). A slot lives in the learner's own progress,
so a lab student's saved networks are theirs and touch no file on the server.
(The engine, and numpy with it, loads when a network is first saved or loaded, not with the app.)
Every problem raises ``LibraryError``: one sentence naming it (with a ``key`` and
``values`` for a translated message), and nothing is half saved or half loaded.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.presets import Setup
    from ..progress.store import ProgressStore

MAX_NAME = 60  # characters of a slot's name
MAX_PATH = 4096  # characters of a file's path
MAX_SLOTS = 50  # networks one learner may keep in the store


class LibraryError(Exception):
    def __init__(self, key: str, message: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(message)


def clean_name(text: str, limit: int = MAX_NAME) -> str:
    """A name as typed, trimmed; refused if empty, too long or holding control characters."""
    name = text.strip()
    if not name:
        raise LibraryError("name_empty", "Type a name first.")
    if len(name) > limit:
        raise LibraryError("name_long", f"A name has at most {limit} characters.", limit=limit)
    if any(unicodedata.category(c)[0] == "C" for c in name):
        raise LibraryError("name_control", "A name cannot hold control characters.")
    return name


class FileLibrary:
    """Network files on this machine (the format ``tui-tutor explain --network`` reads)."""

    kind = "files"
    default_name = "workbench.json"

    def save(self, name: str, setup: Setup) -> str:
        from ..engine.netfile import save_setup

        path = Path(clean_name(name, MAX_PATH)).expanduser()
        try:
            save_setup(setup, path)
        except OSError as err:
            raise LibraryError("cannot_save", f"Could not save {path}: {err.strerror or err}",
                               path=str(path), why=err.strerror or str(err)) from None
        return str(path)

    def load(self, name: str) -> Setup:
        from ..engine.netfile import NetworkFileError, load_setup

        try:
            return load_setup(Path(clean_name(name, MAX_PATH)).expanduser())
        except NetworkFileError as err:
            raise LibraryError("cannot_load", str(err), why=str(err)) from None

    def names(self) -> list[str]:
        return []  # a file is named by its path: nothing to list


class SlotLibrary:
    """Named networks in the learner's own progress store."""

    kind = "slots"
    default_name = "workbench"

    def __init__(self, store: ProgressStore) -> None:
        self._store = store

    def save(self, name: str, setup: Setup) -> str:
        from ..engine.netfile import setup_to_dict

        name = clean_name(name)
        if name not in self._store.network_names() and len(self._store.network_names()) >= MAX_SLOTS:
            raise LibraryError("slots_full", f"You already keep {MAX_SLOTS} networks: reuse a name.", limit=MAX_SLOTS)
        self._store.save_network(name, json.dumps(setup_to_dict(setup)))
        return name

    def load(self, name: str) -> Setup:
        from ..engine.netfile import NetworkFileError, setup_from_dict

        name = clean_name(name)
        document = self._store.load_network(name)
        if document is None:
            raise LibraryError("no_slot", f"No network saved as {name!r}.", name=name)
        try:
            return setup_from_dict(json.loads(document))
        except (ValueError, NetworkFileError) as err:
            raise LibraryError("cannot_load", f"{name}: {err}", why=str(err)) from None

    def names(self) -> list[str]:
        return self._store.network_names()
