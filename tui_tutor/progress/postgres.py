"""One learner's progress in a PostgreSQL database shared by several lab servers.

``PostgresStore`` is the SQLite ``ProgressStore`` over another connection: the
same public methods, the same schema and migrations (``pg_schema``), each
statement translated to PostgreSQL's dialect on its way. A write is committed
before the method returns, so whatever the tutor shows as saved is in the
database. A lost connection is reopened once and the statement tried again; if
the database stays out of reach, the store goes on in memory (like the SQLite
store when its file stops taking writes) and ``warning`` says so; later writes
(and ``try_again``) reconnect, less and less often, and commit there the writes
made in memory, in order.
"""

from __future__ import annotations

import copy
import re
import sqlite3
import time
from collections.abc import Collection, Mapping

from .pg_schema import migrate, translate
from .schema import TooNew
from .schema import migrate as migrate_sqlite
from .store import RETRY_AFTER, RETRY_AFTER_MAX, NullStore, ProgressStore, default_user

CONNECT_TIMEOUT = 10  # seconds to reach the database server
RECONNECT_TIMEOUT = 2  # ... when trying again after it was out of reach (libpq's least): the learner waits
_TABLES = ("users", "lessons_read", "answers", "state", "networks")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#]*):[^@/?#]*@")
_PASSWORD_IN_DSN = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)\s*", re.IGNORECASE)


def redact(url: str) -> str:
    """The URL as it may be shown or logged: the password left out."""
    return _PASSWORD_IN_DSN.sub("", _PASSWORD_IN_URL.sub(r"\1@", url)).strip()


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def connect(url: str, timeout: int = CONNECT_TIMEOUT):
    """An autocommitting psycopg connection (each write runs in its own explicit transaction)."""
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=timeout, application_name="tui-tutor")


def _params(params) -> tuple:
    # the schema keeps ``correct`` as an INTEGER (SQLite's way); PostgreSQL will not cast a boolean into it
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


class PostgresStore(ProgressStore):
    """One learner's view of the shared database. Open with ``PostgresStore.open_url``."""

    def __init__(self, conn, user: str, url: str) -> None:
        super().__init__(conn, user)
        self.path = redact(url)  # what ``summary`` and messages show as the database
        self._url = url
        self._pg = conn  # None while the store goes on in memory
        self._retry_after = RETRY_AFTER

    @classmethod
    def open_url(cls, url: str, user: str | None) -> ProgressStore:
        """The store at ``url``, migrated; a ``NullStore`` saying why if it cannot be used."""
        user, where = (user or "").strip() or default_user(), redact(url)
        try:
            import psycopg
        except ImportError:
            return NullStore(user, "a PostgreSQL database needs psycopg: pip install 'tui-tutor[postgres]'")
        try:
            conn = connect(url)
        except (psycopg.Error, ValueError) as e:
            return NullStore(user, f"the database {where} cannot be reached ({_first_line(e)})")
        try:
            migrate(conn)
        except TooNew as e:
            conn.close()
            return NullStore(user, f"the database {where} {e}")
        except psycopg.Error as e:
            conn.close()
            return NullStore(user, f"the database {where} cannot be used ({_first_line(e)})")
        store = cls(conn, user, url)
        store._write()
        return store

    # The connection: statements translated, tried again once on a fresh connection

    def _attempt(self, work):
        import psycopg

        for attempt in (1, 2):
            try:
                return work(self._pg)
            except psycopg.OperationalError as e:
                if attempt == 2:
                    raise sqlite3.OperationalError(_first_line(e)) from e
                try:
                    self._pg.close()
                    self._pg = self._conn = connect(self._url)
                except psycopg.Error as again:
                    raise sqlite3.OperationalError(_first_line(again)) from again

    def _execute_all(self, conn, statements) -> None:
        with conn.transaction(), conn.cursor() as cur:
            for sql, params in statements:
                cur.execute(translate(sql), _params(params))

    def _write(self, *statements: tuple[str, tuple], seen: bool = True, replaces: object = None,
               wait_for_disk: bool = True) -> None:
        # every commit waits for the server's WAL flush (``wait_for_disk`` is SQLite's): the database
        # usually lives on another machine than the tutor, and must outlive it
        now = time.time()
        user = ("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen",
                (self.user, now, now))
        statements = (*statements, user) if seen else statements
        if self._pg is not None:
            try:
                self._attempt(lambda conn: self._execute_all(conn, statements))
                return
            except sqlite3.Error as e:
                self._to_memory(f"the database {self.path} cannot be written ({e})")
        self._run(self._conn, statements)
        key = replaces if replaces is not None else object()
        self._pending.pop(key, None)  # a replaced write moves to the end, after the writes it follows
        self._pending[key] = statements
        self.try_again()

    def try_again(self, now: bool = False) -> bool:
        """While on in memory: reconnect, if the wait before the next try is over (or ``now``), and
        commit there the writes made in memory, in order, in one transaction. True while out of reach."""
        import psycopg

        if self._pg is not None:
            return False
        if not now and time.monotonic() < self._next_retry:
            return True
        conn = None
        try:
            conn = connect(self._url, RECONNECT_TIMEOUT)
            self._execute_all(conn, [s for writes in self._pending.values() for s in writes])
        except (psycopg.Error, ValueError):
            if conn is not None:
                conn.close()
            self._retry_after = min(max(self._retry_after, 0.01) * 2, RETRY_AFTER_MAX)
            self._next_retry = time.monotonic() + self._retry_after
            return True
        self._conn.close()
        self._pg = self._conn = conn
        self._pending, self.reason, self.warning = {}, None, None
        return False

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self._pg is not None:
            try:
                return self._attempt(lambda conn: conn.execute(translate(sql), _params(params)).fetchall())
            except sqlite3.Error as e:
                self._to_memory(f"the database {self.path} cannot be read ({e})")
        return self._conn.execute(sql, params).fetchall()

    def _rows(self, sql: str, *params) -> list[tuple]:
        return self._query(sql, (self.user, *params))

    def _to_memory(self, reason: str) -> None:
        """Go on in an in-memory SQLite database of the same schema (what could be read is lost to this
        session only: it stays in the database)."""
        memory = sqlite3.connect(":memory:", isolation_level=None)
        migrate_sqlite(memory)
        try:
            self._pg.close()
        except Exception:  # noqa: BLE001 -- a broken connection may fail to close in any way; it is gone anyway
            pass
        self._pg, self._conn, self.reason = None, memory, reason
        self.warning = f"Progress is not being saved: {reason}."
        self._next_retry = time.monotonic() + self._retry_after

    def all_users_summary(self, questions: Mapping[int, int | Collection[str]] | None = None) -> list[dict]:
        names = [row[0] for row in self._query("SELECT name FROM users ORDER BY name")]
        out = []
        for name in names:
            other = copy.copy(self)  # the same connection, another learner
            other.user = name
            out.append(other.summary(questions))
        return out

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
        else:
            self._conn.close()


def read_all_summaries(url: str, questions: Mapping[int, int | Collection[str]] | None = None) -> list[dict]:
    """Every learner's summary, registering nobody (``lab report``); ``OSError`` saying why it cannot be read."""
    import psycopg

    try:
        conn = connect(url)
    except (psycopg.Error, ValueError) as e:
        raise OSError(f"the database {redact(url)} cannot be reached ({_first_line(e)})") from None
    try:
        migrate(conn)
        return PostgresStore(conn, "", url).all_users_summary(questions)
    except TooNew as e:
        raise OSError(f"the database {redact(url)} {e}") from None
    except psycopg.Error as e:
        raise OSError(f"the database {redact(url)} cannot be read ({_first_line(e)})") from None
    finally:
        conn.close()


__all__ = ["PostgresStore", "connect", "is_postgres_url", "read_all_summaries", "redact"]
