"""One learner's progress in the shared database, and the in-memory stand-in used when it cannot be saved.

This module is the connection: opening the file (a damaged one moved aside), and writes that go on in
memory when the file stops taking them, replayed there later. What is read and written is ``queries``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Mapping
from pathlib import Path

from .files import make_private_folder, move_aside
from .queries import ProgressQueries
from .records import Answer, Score, default_user
from .schema import (BUSY_TIMEOUT, Corrupt, TooNew, Unreadable, check_tables, connect, migrate, read_only_copy,
                     transaction)

__all__ = ["DB_NAME", "Answer", "MemoryStore", "NullStore", "ProgressStore", "Score", "default_user"]

DB_NAME = "progress.sqlite3"
RETRY_AFTER = 1.0  # seconds from a refused write to the first try to write the file again; doubles each time
RETRY_AFTER_MAX = 60.0
RETRY_WAIT_MS = 100  # how long a try waits for another process's lock


def _why(path: Path, error: Exception) -> str:
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{path} cannot be written ({detail})"


class ProgressStore(ProgressQueries):
    """One learner's view of the progress database. Open with ``ProgressStore.open`` or ``open_store``."""

    def __init__(self, conn: sqlite3.Connection, user: str, path: Path | None = None) -> None:
        self._conn, self.user, self.path = conn, user, path
        self.warning: str | None = None  # one sentence for the learner, when something went wrong
        self.reason: str | None = None  # why progress is not being saved (None while it is)
        self._file: sqlite3.Connection | None = None  # the file, kept while the store runs in memory
        self._pending: dict[object, tuple[tuple[str, tuple], ...]] = {}  # writes made in memory, to replay
        self._retry_after = self._next_retry = 0.0

    @classmethod
    def open(cls, path: str | os.PathLike, user: str, *, busy_timeout: float = BUSY_TIMEOUT,
             retry_after: float = RETRY_AFTER) -> ProgressStore:
        """The store at ``path`` (its folder created 0700 if need be); a ``NullStore`` if it cannot be written.

        A damaged file is moved aside and a fresh one started; ``warning`` then says so.
        A file that can be read but not written is shown as it is, with nothing new saved.
        ``retry_after``: seconds before the first try to write the file again once it refused a write.
        """
        path, user = Path(path), (user or "").strip() or default_user()
        try:
            make_private_folder(path.parent)
        except OSError as e:
            what = "is a file, not a folder" if path.parent.is_file() else f"cannot be created ({e.strerror or e})"
            return NullStore(user, f"the folder {path.parent} {what}")
        try:
            warning = None
            try:
                conn = connect(path, busy_timeout)
            except Corrupt as e:
                moved = move_aside(path)
                warning = (f"The progress database {path} was damaged ({e}), so it was kept as {moved.name} "
                           f"and a fresh one was started.")
                conn = connect(path, busy_timeout)
        except TooNew as e:
            return NullStore(user, f"{path} {e}")
        except Corrupt as e:
            return NullStore(user, f"{path} is damaged ({e})")
        except (OSError, sqlite3.Error) as e:
            return NullStore.reading(path, user, _why(path, e))
        store = cls(conn, user, path)
        store.warning, store._retry_after = warning, retry_after
        store._write()  # registers the learner, or notes why nothing can be saved
        return store

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _write(self, *statements: tuple[str, tuple], seen: bool = True, replaces: object = None,
               wait_for_disk: bool = True) -> None:
        """Run ``statements`` in one transaction and (unless ``seen`` is False) mark the learner as seen.

        If the file stops taking writes (disk full, locked past the busy timeout), the store goes on in
        memory from a copy, so nothing is lost, and ``warning`` says so. Later writes try the file again
        (less and less often); once it takes them, the writes made in memory are replayed there in order.
        ``replaces``: a key under which a later write makes this one needless (the same state key).
        ``wait_for_disk=False``: committed without waiting for the disk to confirm it (``set_state``).
        """
        now = time.time()
        user = ("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen",
                (self.user, now, now))
        statements = (*statements, user) if seen else statements
        if self._file is None:
            try:
                self._run(self._conn, statements, wait_for_disk)
                return
            except sqlite3.Error as e:
                self._to_memory(_why(self.path or Path(DB_NAME), e))
        self._run(self._conn, statements)
        if self._file is not None:
            key = replaces if replaces is not None else object()
            self._pending.pop(key, None)  # a replaced write moves to the end, after the writes it follows
            self._pending[key] = statements
            self._try_file_again()

    @staticmethod
    def _run(conn: sqlite3.Connection, statements, wait_for_disk: bool = True) -> None:
        if not wait_for_disk:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with transaction(conn) as c:
                for sql, params in statements:
                    c.execute(sql, params)
        finally:
            if not wait_for_disk:
                conn.execute("PRAGMA synchronous = FULL")

    def _to_memory(self, reason: str) -> None:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self._conn.backup(memory)
            check_tables(memory)
        except (sqlite3.Error, Corrupt):  # unreadable too: go on from nothing
            memory.close()
            memory = sqlite3.connect(":memory:", isolation_level=None)
        migrate(memory)
        self._file, self._conn, self.reason = self._conn, memory, reason
        self.warning = f"Progress is not being saved: {reason}."
        self._next_retry = time.monotonic() + self._retry_after

    def _try_file_again(self) -> None:
        """Replay the writes kept in memory into the file, if it is time to try and it takes them."""
        if self._file is None or time.monotonic() < self._next_retry:
            return
        busy = self._file.execute("PRAGMA busy_timeout").fetchone()[0]
        self._file.execute(f"PRAGMA busy_timeout = {min(busy, RETRY_WAIT_MS)}")  # never hold the learner up long
        try:
            with transaction(self._file) as c:
                for statements in self._pending.values():
                    for sql, params in statements:
                        c.execute(sql, params)
        except sqlite3.Error:
            self._retry_after = min(max(self._retry_after, 0.01) * 2, RETRY_AFTER_MAX)
            self._next_retry = time.monotonic() + self._retry_after
            return
        finally:
            self._file.execute(f"PRAGMA busy_timeout = {busy}")
        self._conn.close()
        self._conn, self._file, self._pending = self._file, None, {}
        self.reason = self.warning = None

    def try_again(self, now: bool = False) -> bool:
        """Write what was kept in memory to the file, if the wait before the next try is over (or ``now``).
        True while some is still waiting for the file; False once saving again, or with no file to wait for."""
        if self._file is None:
            return False
        if now:
            self._next_retry = 0.0
        self._try_file_again()
        return self._file is not None

    def _rows(self, sql: str, *params) -> list[tuple]:
        return self._conn.execute(sql, (self.user, *params)).fetchall()

    def all_users_summary(self, questions: Mapping[int, int | Collection[str]] | None = None) -> list[dict]:
        """Every learner's summary, by name (the lab report)."""
        names = [row[0] for row in self._conn.execute("SELECT name FROM users ORDER BY name")]
        stores = [ProgressStore(self._conn, name, self.path) for name in names]
        for s in stores:
            s.reason = self.reason
        return [s.summary(questions) for s in stores]


class NullStore(ProgressStore):
    """The same API over an in-memory database: progress lasts for this session only."""

    def __init__(self, user: str, reason: str, saved: sqlite3.Connection | None = None,
                 path: Path | None = None) -> None:
        """``reason``: why nothing can be saved, e.g. "/x/progress.sqlite3 cannot be written (Permission denied)";
        ``saved``: an in-memory copy of the progress saved so far (else: none), read from ``path``."""
        conn = saved or sqlite3.connect(":memory:", isolation_level=None)
        migrate(conn)
        super().__init__(conn, user, path)
        self._write()
        self.reason = reason
        self.warning = f"Progress is not being saved: {reason}."

    @classmethod
    def reading(cls, path: Path, user: str, reason: str) -> NullStore:
        """What ``path`` holds, when it can be read but not written; an empty one if it cannot be read either."""
        try:
            saved = read_only_copy(path)
        except (Corrupt, TooNew, Unreadable, OSError, sqlite3.Error):
            return cls(user, reason)
        store = cls(user, reason, saved, path)
        store.warning = f"Progress is not being saved: {reason}; what it holds is shown, nothing new is saved."
        return store


class MemoryStore(NullStore):
    """Progress kept in memory for one run, with nothing to warn about: what the app uses when it is
    given no store (tests, a demo)."""

    def __init__(self, user: str = "learner") -> None:
        super().__init__(user, reason="")
        self.reason = self.warning = None  # nothing went wrong: there was never a file
