"""The database file: schema steps, opening with checks, and moving a damaged file aside.

The schema is a list of migration steps; ``PRAGMA user_version`` says how many
have run, and opening runs the rest in one write transaction (so two processes
opening an old file at once migrate it once). WAL mode, a 10 s busy timeout and
``BEGIN IMMEDIATE`` around every write let many processes write at once.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT = 10.0  # seconds a write waits for another process's

MIGRATIONS: list[tuple[str, ...]] = [
    (  # 1: learners, lessons read, quiz answers, and a key/value state per learner
        "CREATE TABLE users (name TEXT PRIMARY KEY, first_seen REAL NOT NULL, last_seen REAL NOT NULL)",
        ("CREATE TABLE lessons_read (user TEXT NOT NULL, lesson INTEGER NOT NULL, first_read REAL NOT NULL,"
         " last_read REAL NOT NULL, PRIMARY KEY (user, lesson))"),
        ("CREATE TABLE answers (id INTEGER PRIMARY KEY, user TEXT NOT NULL, lesson INTEGER NOT NULL,"
         " question_id TEXT NOT NULL, answer TEXT NOT NULL, correct INTEGER NOT NULL, answered_at REAL NOT NULL)"),
        ("CREATE TABLE state (user TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated REAL NOT NULL,"
         " PRIMARY KEY (user, key))"),
    ),
    (  # 2: the seconds an answer took (NULL for older answers); latest-answer lookups by question
        "ALTER TABLE answers ADD COLUMN seconds REAL",
        "CREATE INDEX answers_by_question ON answers (user, lesson, question_id, id)",
    ),
    (  # 3: networks saved by name in the learner's own progress (the lab has no files for students)
        ("CREATE TABLE networks (user TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,"
         " updated REAL NOT NULL, PRIMARY KEY (user, name))"),
    ),
    (  # 4: attempts at a skill (the seed of a generated question, the mistake matched) and each skill's
       # review card (FSRS, as its JSON, with its due time for the queries)
        ("CREATE TABLE skill_attempts (id INTEGER PRIMARY KEY, user TEXT NOT NULL, skill TEXT NOT NULL,"
         " seed INTEGER, lesson INTEGER, question_id TEXT, answer TEXT NOT NULL, correct INTEGER NOT NULL,"
         " mistake TEXT, seconds REAL, answered_at REAL NOT NULL)"),
        "CREATE INDEX skill_attempts_by_skill ON skill_attempts (user, skill, id)",
        ("CREATE TABLE skill_cards (user TEXT NOT NULL, skill TEXT NOT NULL, card TEXT NOT NULL, due REAL NOT NULL,"
         " updated REAL NOT NULL, PRIMARY KEY (user, skill))"),
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
_CORRUPTION_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes)
_SQLITE_BUSY = 5


class Corrupt(Exception):
    """The file is not an SQLite database, or fails ``PRAGMA quick_check``."""


class TooNew(Exception):
    """The file's schema is newer than this tui-tutor knows: leave it alone."""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock up front, so the busy timeout applies and nothing deadlocks."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def _version(conn: sqlite3.Connection) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise TooNew(f"was written by a newer tui-tutor (schema {version}; this one knows {SCHEMA_VERSION})")
    return version


def migrate(conn: sqlite3.Connection) -> None:
    """Run the steps the file has not had yet, all in one transaction."""
    if _version(conn) == SCHEMA_VERSION:
        return
    with transaction(conn):
        for step in MIGRATIONS[_version(conn):]:  # read again under the lock: another process may have migrated
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _use_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch a new file to WAL. Two processes switching at once deadlock, and SQLite then answers
    "database is locked" at once instead of waiting: so wait and retry here."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if getattr(e, "sqlite_errorcode", 0) & 0xFF != _SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def connect(path: Path | str, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """An open, checked, migrated connection; ``Corrupt`` if the file is damaged."""
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise Corrupt("; ".join(problems[:3]))
        migrate(conn)  # before WAL, so a file from a newer tui-tutor is left exactly as it was
        _use_wal(conn, busy_timeout)
    except sqlite3.DatabaseError as e:
        conn.close()
        if getattr(e, "sqlite_errorcode", 0) & 0xFF in _CORRUPTION_CODES:
            raise Corrupt(str(e)) from e
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL files) to ``<name>.corrupt-<timestamp>``; never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target, n = path.with_name(f"{path.name}.corrupt-{stamp}"), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.rename(target.with_name(target.name + suffix))
    return target


