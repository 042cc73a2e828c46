"""Saving and loading the learner's own data sets: files at home, named entries in the lab.

As with networks (``networks.py``), the session's capabilities decide: with ``files`` a data
set is a JSON or CSV file the learner names; without, it is kept in the learner's own
progress store. Every problem raises ``LibraryError`` with one sentence; nothing is half
saved or half loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..engine import dataset_files, datasets
from ..engine.datasets import DataSetFileError, ImageSet
from .networks import MAX_PATH, MAX_SLOTS, LibraryError, clean_name

if TYPE_CHECKING:
    from ..progress.store import ProgressStore
    from .session import Session


class DataSetFiles:
    kind = "files"
    default_name = "dataset.json"

    def save(self, name: str, images: ImageSet) -> str:
        path = Path(clean_name(name, MAX_PATH)).expanduser()
        try:
            dataset_files.save(images, path)
        except OSError as err:
            raise LibraryError("cannot_save", f"Could not save {path}: {err.strerror or err}",
                               path=str(path), why=err.strerror or str(err)) from None
        return str(path)

    def load(self, name: str, grid: tuple[int, int] | None = None) -> ImageSet:
        try:
            return dataset_files.load(Path(clean_name(name, MAX_PATH)).expanduser(), grid)
        except DataSetFileError as err:
            raise LibraryError("cannot_load", str(err), why=str(err)) from None

    def names(self) -> list[str]:
        return []


class DataSetSlots:
    kind = "slots"
    default_name = "dataset"

    def __init__(self, store: ProgressStore) -> None:
        self._store = store

    def save(self, name: str, images: ImageSet) -> str:
        name = clean_name(name)
        names = self._store.dataset_names()
        if name not in names and len(names) >= MAX_SLOTS:
            raise LibraryError("slots_full", f"You already keep {MAX_SLOTS} data sets: reuse a name.", limit=MAX_SLOTS)
        self._store.save_dataset(name, datasets.dumps(images))
        return name

    def load(self, name: str, grid: tuple[int, int] | None = None) -> ImageSet:
        name = clean_name(name)
        document = self._store.load_dataset(name)
        if document is None:
            raise LibraryError("no_slot", f"No data set saved as {name!r}.", name=name)
        try:
            return datasets.loads(document)
        except DataSetFileError as err:
            raise LibraryError("cannot_load", f"{name}: {err}", why=str(err)) from None

    def names(self) -> list[str]:
        return self._store.dataset_names()


def library_for(session: Session) -> DataSetFiles | DataSetSlots:
    # Session keeps its store private; a ``Session.datasets`` (as ``networks``) would spare this.
    return DataSetFiles() if session.capabilities.files else DataSetSlots(session._store)
