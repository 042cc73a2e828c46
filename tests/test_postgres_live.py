"""The class's live state across servers sharing one PostgreSQL database: each server publishes its
students' rows there, and ``lab status --database-url`` lists the whole class, whichever server each
student is on. Real servers on 127.0.0.1, real asyncssh clients, the real tutor, a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest
from lab_support import Term, connect

from tui_tutor.lab.accounts_db import DatabaseAccounts
from tui_tutor.lab.config import LabConfig
from tui_tutor.lab.live_db import STALE_AFTER, class_rows
from tui_tutor.lab.server import Lab
from tui_tutor.lab.status import fetch_rows
from tui_tutor.progress.postgres import connect as connect_db

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
ENV.pop("TUI_TUTOR_DATABASE_URL", None)
TUTOR = [sys.executable, "-m", "tui_tutor"]


def status(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_tutor", "lab", "status", "--format", "json",
                           "--database-url", url, "--data-dir", str(tmp_path / "nowhere")],
                          capture_output=True, text=True, env=ENV, timeout=30, check=False)


async def phases_listed(url: str, tmp_path: Path, want: dict, within: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + within
    while True:
        done = await asyncio.to_thread(status, url, tmp_path)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        rows = json.loads(done.stdout)
        if {r["user"]: r["phase"] for r in rows} == want:
            return rows
        assert time.monotonic() < deadline, f"not within {within} s: {want}; listed {rows}"
        await asyncio.sleep(0.3)


async def test_lab_status_lists_the_students_of_every_server_sharing_the_database(tmp_path, postgres_url):
    keys = {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("alice", "bob")}
    accounts = DatabaseAccounts(postgres_url)
    with accounts.editing():
        for name, key in keys.items():
            accounts.account(name, create=True).add_keys([key.convert_to_public()])
    accounts.close()
    labs = []
    for n in (1, 2):
        labs.append(Lab(LabConfig(data_dir=tmp_path / f"server{n}", port=0, tutor_command=TUTOR, stop_grace=0.3,
                                  shutdown_grace=2, log_to_stderr=False, database_url=postgres_url)))
        await labs[-1].start()
    try:
        async with connect(labs[0], "alice", keys["alice"]) as a, connect(labs[1], "bob", keys["bob"]) as b:
            ta, tb = await Term.open(a, size=(100, 30)), await Term.open(b, size=(100, 30))
            await ta.expect(b"Quit", timeout=30)
            await tb.expect(b"Quit", timeout=30)
            ta.send(b"w")
            tb.send(b"w")
            await ta.expect(b"Step 1 of", timeout=10)
            await tb.expect(b"Step 1 of", timeout=10)
            ta.send(b"4")  # alice jumps to the backward pass, on server 1; bob stays forward, on server 2
            rows = await phases_listed(postgres_url, tmp_path, {"alice": "backward", "bob": "forward"})
            assert [(r["user"], r["screen"]) for r in rows] == [("alice", "workbench"), ("bob", "workbench")]
            # each server's own feed (its board, ``lab status --data-dir``) shows the other server's student too
            deadline = time.monotonic() + 5  # what the other server published, read back within a second
            while {r["user"]: r["phase"] for r in await asyncio.to_thread(fetch_rows, labs[0].config.data_dir)} != {
                    "alice": "backward", "bob": "forward"}:
                assert time.monotonic() < deadline, "server 1's feed does not show bob's phase"
                await asyncio.sleep(0.2)
            ta.send(b"q")
            await ta.rest(timeout=15)
            await phases_listed(postgres_url, tmp_path, {"bob": "forward"})  # a session that ended is gone
        await labs[1].close()  # a server that stops takes its rows with it
        assert await asyncio.to_thread(class_rows, postgres_url) == []
    finally:
        for lab in labs:
            await lab.close()


def test_rows_of_a_server_that_died_are_left_out_once_stale_and_a_bad_database_is_one_line(tmp_path, postgres_url):
    DatabaseAccounts(postgres_url).close()  # migrates, as a starting server does
    with connect_db(postgres_url) as conn:  # a server killed: nothing deleted its rows, they just stopped moving
        for user, age in (("carol", 0.0), ("dave", STALE_AFTER + 5)):
            conn.execute('INSERT INTO lab_live (server, "user", row_json, updated)'
                         " VALUES ('dead:1', %s, %s, now() - make_interval(secs => %s))",
                         (user, json.dumps({"user": user, "phase": "forward"}), age))
    assert [r["user"] for r in class_rows(postgres_url)] == ["carol"]
    nowhere = f"postgresql://x:pw-not-shown@/nowhere?host={tmp_path}&connect_timeout=2"
    done = status(nowhere, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "pw-not-shown" not in done.stderr
    assert "cannot be reached" in done.stderr, done.stderr
    with connect_db(postgres_url) as conn:
        conn.execute("DROP TABLE lab_live")
    assert class_rows(postgres_url) == []
