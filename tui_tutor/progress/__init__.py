"""Saved progress: one SQLite file that serves one learner at home or many in the SSH lab.

Every row carries the learner's name. The schema is a list of migration steps;
``PRAGMA user_version`` says how many have run, and opening runs the rest in one
write transaction. WAL mode, a 10 s busy timeout and ``BEGIN IMMEDIATE`` around
every write let many processes write at once without losing a write.

Nothing here raises at the learner: a damaged file (or one whose schema lacks its
tables) is moved aside (never deleted) and a fresh one started; a folder that cannot
be written gives a ``NullStore``, the same API over an in-memory database (a copy of
what the file holds, when it can be read), whose ``warning`` says that progress is
not being saved and why. A lock held past the busy timeout sends the store to memory
only until the file takes writes again. Folders are made 0700, the files 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .schema import MIGRATIONS, SCHEMA_VERSION
from .store import DB_NAME, Answer, MemoryStore, NullStore, ProgressStore, Score, default_user

__all__ = ["DB_NAME", "ENV_VAR", "MIGRATIONS", "SCHEMA_VERSION", "Answer", "MemoryStore", "NullStore", "ProgressStore", "Score",
           "data_dir", "default_user", "open_store", "open_store_url", "DATABASE_URL_ENV", "database_url"]

ENV_VAR = "TUI_TUTOR_DATA_DIR"
DATABASE_URL_ENV = "TUI_TUTOR_DATABASE_URL"  # a PostgreSQL database instead of the SQLite file


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir`` if given, else $TUI_TUTOR_DATA_DIR, else the platform's user data folder."""
    chosen = explicit or os.environ.get(ENV_VAR) or platformdirs.user_data_dir("tui-tutor", appauthor=False)
    return Path(chosen).expanduser()


def open_store(directory: str | os.PathLike, user: str | None = None) -> tuple[ProgressStore, str | None]:
    """The store in ``directory`` (created if need be) and a one-sentence warning, or None if all is well.

    With $TUI_TUTOR_DATABASE_URL set, the store in that database instead (how the lab's tutors find it).
    """
    if os.environ.get(DATABASE_URL_ENV):
        return open_store_url(os.environ[DATABASE_URL_ENV], user)
    store = ProgressStore.open(Path(directory) / DB_NAME, user or default_user())
    return store, store.warning


def database_url(explicit: str | None = None) -> str | None:
    """``--database-url`` if given, else $TUI_TUTOR_DATABASE_URL, else None (the SQLite file)."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or None


def open_store_url(url: str | None, user: str | None = None,
                   directory: str | os.PathLike | None = None) -> tuple[ProgressStore, str | None]:
    """The store a URL names (``postgresql://…``), or with no URL the SQLite file in ``directory``."""
    if not url:
        store = ProgressStore.open(Path(data_dir(directory)) / DB_NAME, user or default_user())
        return store, store.warning
    from .postgres import PostgresStore, is_postgres_url, redact

    if not is_postgres_url(url):
        store = NullStore(user or default_user(), f"{redact(url)} is not a postgresql:// URL")
    else:
        store = PostgresStore.open_url(url, user)
    return store, store.warning
