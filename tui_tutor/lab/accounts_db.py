"""The class list in the PostgreSQL database every lab server shares (``--database-url``).

The same ``Accounts`` as the JSON file, kept in the table ``lab_accounts`` (one row a
student: keys as a JSON list, the scrypt hash, when added). An edit runs in one
transaction under a lock and bumps ``lab_accounts_version``; each server checks that
number at every login (one small query through its connection pool) and rereads the
list when it moved, so ``lab user add`` on any machine reaches every server at once.
"""

from __future__ import annotations

import contextlib
import json

from .accounts import Account, Accounts
from .names import AccountError, is_valid_name

_EDIT_LOCK = 0x7475_6974_6163  # "tuitac": one class-list edit at a time


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class DatabaseAccounts(Accounts):
    """The class list in the database at ``url``. ``close()`` when done."""

    def __init__(self, url: str, *, pool_size: int = 4, timeout: float = 10.0) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        from ..progress.pg_schema import migrate
        from ..progress.postgres import connect, redact
        from ..progress.schema import TooNew

        self.path = redact(url)  # shown in messages, as the file's path is
        self.users = {}
        self._keys = {}
        self._version: int | None = None
        self._timeout = timeout
        try:  # one connection first: a database out of reach is told at once, in one line
            with connect(url) as conn:
                migrate(conn, lab=True)
        except (psycopg.Error, ValueError) as e:
            raise AccountError(f"the database {self.path} cannot be reached ({_first_line(e)})") from None
        except TooNew as e:
            raise AccountError(f"the database {self.path} {e}") from None
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, kwargs={"autocommit": True},
                                    open=False, name="tui-tutor-lab")
        self._pool.open(wait=False)
        self.reload()

    def close(self) -> None:
        self._pool.close()

    @contextlib.contextmanager
    def _connection(self):
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=self._timeout) as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as e:
            raise AccountError(f"the database {self.path} cannot be reached ({_first_line(e)})") from None

    def reload(self) -> bool:
        with self._connection() as conn:
            version = conn.execute("SELECT n FROM lab_accounts_version").fetchone()[0]
            if version == self._version:
                return False
            self._read_from(conn)
        return True

    def _read_from(self, conn) -> None:
        with conn.transaction():  # the rows and their version number from one snapshot
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            self._version = conn.execute("SELECT n FROM lab_accounts_version").fetchone()[0]
            rows = conn.execute("SELECT name, keys, password, added FROM lab_accounts").fetchall()
        users = {}
        for name, keys, password, added in rows:
            try:
                listed = [k for k in json.loads(keys) if isinstance(k, str)]
            except (ValueError, TypeError):
                listed = []  # a row edited by hand into nonsense admits nobody by key
            if is_valid_name(name):
                users[name] = Account(name, listed, password, added)
        self.users = users
        self._keys = {name: {k.public_data for k in a.public_keys()} for name, a in users.items()}

    @contextlib.contextmanager
    def editing(self):
        """Locks the class list, rereads it, lets the caller change ``users``, then writes it in the same
        transaction: two teachers editing at once on two machines both keep their changes."""
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_EDIT_LOCK,))
            rows = conn.execute("SELECT name, keys, password, added FROM lab_accounts").fetchall()
            before = {name: Account(name, json.loads(keys), password, added)
                      for name, keys, password, added in rows if is_valid_name(name)}
            self.users = {name: Account(a.name, list(a.keys), a.password, a.added) for name, a in before.items()}
            yield self
            gone = [name for name in before if name not in self.users]
            if gone:
                conn.execute("DELETE FROM lab_accounts WHERE name = ANY(%s)", (gone,))
            for name, a in self.users.items():
                if name in before and before[name] == a:
                    continue
                conn.execute("INSERT INTO lab_accounts VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO UPDATE"
                             " SET keys = excluded.keys, password = excluded.password, added = excluded.added",
                             (name, json.dumps(a.keys), a.password, a.added))
            conn.execute("UPDATE lab_accounts_version SET n = n + 1")
        self._version = None
        self.reload()


__all__ = ["DatabaseAccounts"]
