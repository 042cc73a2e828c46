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
from functools import cache
from pathlib import Path
from urllib.parse import quote

from .files import create_private_file

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
    (  # 5: a lesson "Checking backprop yourself" became lesson 7, so saved lessons 7 and up move up by one
        # (through negative numbers, so that no (user, lesson) key is ever taken twice mid-update)
        "UPDATE lessons_read SET lesson = -(lesson + 1) WHERE lesson >= 7",
        "UPDATE lessons_read SET lesson = -lesson WHERE lesson < 0",
        "UPDATE answers SET lesson = lesson + 1 WHERE lesson >= 7",
        # the open lesson is a 0-based index kept as text; anything not a plain number is left alone
        ("UPDATE state SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key IN ('lesson')"
         " AND value <> '' AND value NOT GLOB '*[^0-9]*' AND CAST(value AS INTEGER) >= 6"),
        # the quiz position is "lesson:question", the lesson 1-based
        ("UPDATE state SET value = CAST(CAST(substr(value, 1, instr(value, ':') - 1) AS INTEGER) + 1 AS TEXT)"
         " || substr(value, instr(value, ':')) WHERE key IN ('quiz_position') AND instr(value, ':') > 1"
         " AND substr(value, 1, instr(value, ':') - 1) NOT GLOB '*[^0-9]*'"
         " AND substr(value, instr(value, ':') + 1) <> '' AND substr(value, instr(value, ':') + 1) NOT GLOB '*[^0-9]*'"
         " AND CAST(substr(value, 1, instr(value, ':') - 1) AS INTEGER) >= 7"),
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
_CORRUPTION_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes)
_SQLITE_BUSY = 5


class Corrupt(Exception):
    """The file is not an SQLite database, or fails ``PRAGMA quick_check``."""


class TooNew(Exception):
    """The file's schema is newer than this tui-tutor knows: leave it alone."""


class Unreadable(Exception):
    """The file cannot even be read (a folder, no permission, an I/O error)."""


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


@cache
def expected_tables() -> dict[str, frozenset[str]]:
    """Each table the migrations make, with its columns."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn)
        return _tables(conn)
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: frozenset(row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')) for name in names}


def check_foreign(conn: sqlite3.Connection) -> None:
    """Before migrating: a file with tables but no schema version is another program's, not ours to change.
    The version and the tables are read in one read transaction: another tutor may be creating the file's
    tables right now, and must be seen either not at all or with its version."""
    conn.execute("BEGIN")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = _tables(conn) if version == 0 else {}
    finally:
        conn.execute("COMMIT")
    if version == 0:
        if tables:
            shown = ", ".join(list(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise Corrupt(f"not a tui-tutor progress database: it holds other tables ({shown})")


def check_tables(conn: sqlite3.Connection) -> None:
    """After migrating: every table and column the schema promises is there, else ``Corrupt``."""
    have = _tables(conn)
    missing = [table for table in expected_tables() if table not in have]
    if missing:
        raise Corrupt(f"its schema version says {SCHEMA_VERSION} but it lacks the table(s) {', '.join(missing)}")
    for table, columns in expected_tables().items():
        if lacking := sorted(columns - have[table]):
            raise Corrupt(f"its table {table} lacks the column(s) {', '.join(lacking)}")


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


def _quick_check(conn: sqlite3.Connection) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise Corrupt("; ".join(problems[:3]))


def connect(path: Path | str, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """An open, checked, migrated connection; ``Corrupt`` if the file is damaged or another program's."""
    create_private_file(Path(path))
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _quick_check(conn)
        check_foreign(conn)
        migrate(conn)  # before WAL, so a file from a newer tui-tutor is left exactly as it was
        check_tables(conn)
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


def read_only_copy(path: Path) -> sqlite3.Connection:
    """The file's progress copied into memory (and migrated there), without writing a byte of the file.

    For readers that must change nothing (``lab report``) and for a folder that cannot be
    written. Raises ``Corrupt`` (damaged, or another program's), ``TooNew`` or ``Unreadable``.
    """
    if not path.is_file():
        raise Unreadable("not a regular file" if path.exists() else "no such file")
    uri = "file:" + quote(str(path.resolve()))
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        # mode=ro still makes a WAL file's -shm beside it; where the folder forbids that, read the
        # file as it is on disk (immutable), which is what a folder nobody can write holds anyway.
        for options in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                source = sqlite3.connect(uri + options, uri=True, isolation_level=None)
                try:
                    _quick_check(source)
                    _version(source)
                    check_foreign(source)
                    source.backup(memory)
                finally:
                    source.close()
                break
            except sqlite3.DatabaseError as e:
                code = getattr(e, "sqlite_errorcode", 0) & 0xFF
                if code in _CORRUPTION_CODES:
                    raise Corrupt(str(e)) from e
                if options.endswith("immutable=1"):
                    raise Unreadable(str(e)) from e
        migrate(memory)
        check_tables(memory)
    except BaseException:
        memory.close()
        raise
    return memory
