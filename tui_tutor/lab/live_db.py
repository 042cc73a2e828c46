"""The class's live state shared through the database, when several servers share one.

Each server (``LivePublisher``) writes its students' rows (``LiveLink.row``) to the
table ``lab_live`` once every ``PUBLISH_EVERY`` seconds, one row per student and
server, in one transaction; it deletes the rows of students who left, and all of
its rows when it stops. ``class_rows`` reads the whole class back, whichever
server each student is on; a row not refreshed for ``STALE_AFTER`` seconds (its
server died or lost the database) is left out, by the database's own clock, so
servers whose clocks disagree still agree on what is stale.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid

PUBLISH_EVERY = 1.0  # at most one write a second per student
STALE_AFTER = 5.0  # seconds: a row older than this is from a server that is gone


class LiveError(Exception):
    """The database's live rows could not be read (one sentence saying why)."""


def _connect(url: str):
    from ..progress.postgres import connect

    return connect(url)


class LivePublisher:
    """Publishes ``lab.feed.rows()`` to the database while the lab runs; ``others`` is what the other
    servers published, read back in the same turn (so this server's board shows the whole class)."""

    def __init__(self, lab, url: str) -> None:  # a server.Lab
        self.lab, self.url = lab, url
        self.server = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._conn = None
        self._task: asyncio.Task | None = None
        self.others: list[dict] = []

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 -- stopping: nothing to report to
                pass
        try:
            await asyncio.wait_for(asyncio.to_thread(self._publish, [], True), 3)  # stopping waits no longer
        except Exception:  # noqa: BLE001 -- the rows go stale and are dropped anyway
            pass

    async def _run(self) -> None:
        while True:
            rows = self.lab.feed.rows()
            try:
                self.others = await asyncio.to_thread(self._publish, rows, False)
            except Exception as e:  # noqa: BLE001 -- the database is away: the lab serves on, the board waits
                self.others = []
                self._drop()
                self.lab.log_seldom("live-db", f"warning: live state not published to the database "
                                               f"({(str(e).strip().splitlines() or [type(e).__name__])[0]})", 60)
            await asyncio.sleep(PUBLISH_EVERY)

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
            self._conn = None

    def _publish(self, rows: list[dict], last: bool) -> list[dict]:
        if self._conn is None:
            self._conn = _connect(self.url)
        users = [r["user"] for r in rows]
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute('DELETE FROM lab_live WHERE server = %s AND NOT ("user" = ANY(%s))', (self.server, users))
            if rows:
                cur.executemany(
                    'INSERT INTO lab_live (server, "user", row_json, updated) VALUES (%s, %s, %s, now())'
                    ' ON CONFLICT (server, "user") DO UPDATE SET row_json = excluded.row_json, updated = now()',
                    [(self.server, r["user"], json.dumps(r, ensure_ascii=False)) for r in rows])
        if last:
            self._drop()
            return []
        return _fresh(self._conn, self.server)


def class_rows(url: str) -> list[dict]:
    """Every student's live row, from every server publishing to the database at ``url``, by name.

    A student on two servers at once shows once, with the fresher row."""
    try:
        import psycopg
    except ImportError:
        raise LiveError("a PostgreSQL database needs psycopg: pip install 'tui-tutor[postgres]'") from None
    from ..progress.postgres import redact

    try:
        with _connect(url) as conn:
            return _fresh(conn, "")
    except psycopg.errors.UndefinedTable:
        return []  # no lab has run on this database yet
    except (psycopg.Error, ValueError) as e:
        raise LiveError(f"the database {redact(url)} cannot be reached "
                        f"({(str(e).strip().splitlines() or [type(e).__name__])[0]})") from None


def _fresh(conn, but_server: str) -> list[dict]:
    """The rows not stale, but those of ``but_server``: one per student (the freshest), by name."""
    found = conn.execute(
        'SELECT DISTINCT ON ("user") row_json FROM lab_live WHERE server <> %s'
        ' AND updated > now() - make_interval(secs => %s) ORDER BY "user", updated DESC',
        (but_server, STALE_AFTER)).fetchall()
    rows = []
    for (text,) in found:
        try:
            row = json.loads(text)
        except ValueError:
            continue
        if isinstance(row, dict) and isinstance(row.get("user"), str):
            rows.append(row)
    return rows
