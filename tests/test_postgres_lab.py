"""Several lab servers sharing one PostgreSQL database: the class list, the host key, the tutors' progress.

Real servers on 127.0.0.1, real asyncssh clients, the real tutor, a real PostgreSQL (conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest
from lab_support import STANDIN, Term, connect, logged

from tui_tutor.lab.accounts_db import DatabaseAccounts
from tui_tutor.lab.config import LabConfig
from tui_tutor.lab.report import summaries
from tui_tutor.lab.server import Lab

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
ENV.pop("TUI_TUTOR_DATABASE_URL", None)


def cli(*argv: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_tutor", *argv], capture_output=True, text=True, input=stdin,
                          env=env or ENV, timeout=60)


@pytest.fixture
def host_key_file(tmp_path) -> Path:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / "shared-host-key"
    path.write_bytes(key.export_private_key())
    path.chmod(0o600)
    return path


async def test_two_servers_share_the_class_list_the_host_key_and_the_tutors_progress(
        tmp_path, postgres_url, host_key_file):
    alice = asyncssh.generate_private_key("ssh-ed25519")
    bob = asyncssh.generate_private_key("ssh-ed25519")
    labs = []
    for n, command in ((1, [sys.executable, "-m", "tui_tutor"]), (2, STANDIN)):
        config = LabConfig(data_dir=tmp_path / f"server{n}", port=0, tutor_command=command, stop_grace=0.3,
                           shutdown_grace=2, log_to_stderr=False, database_url=postgres_url,
                           host_key_file=host_key_file)
        labs.append(Lab(config))
        await labs[-1].start()
    try:
        assert labs[0].fingerprint == labs[1].fingerprint  # students' ssh sees one host wherever they land
        assert not (tmp_path / "server1" / "lab-host-key").exists()
        teacher = DatabaseAccounts(postgres_url)  # added after both started: they see it at the next login
        with teacher.editing():
            teacher.account("alice", create=True).add_keys([alice.convert_to_public()])
        teacher.close()
        async with connect(labs[0], "alice", alice) as conn:
            term = await Term.open(conn, size=(100, 30))
            await term.expect(b"Quit", timeout=30)
            term.send(b"w")
            await term.expect(b"Step 1 of", timeout=15)
            term.send(b"q")
            await term.rest(timeout=15)
        assert {s["user"]: s["last_screen"] for s in summaries(tmp_path / "elsewhere", postgres_url)} == {
            "alice": "workbench"}
        assert not (tmp_path / "server1" / "progress.sqlite3").exists()  # nothing on the server's disk
        (tmp_path / "bob.pub").write_bytes(bob.export_public_key())
        added = cli("lab", "user", "add", "bob", "--key", str(tmp_path / "bob.pub"), "--database-url", postgres_url,
                    "--data-dir", str(tmp_path / "teacher"))
        assert added.returncode == 0, added.stderr
        async with connect(labs[1], "bob", bob) as conn:  # on the other server, added on a third machine
            term = await Term.open(conn)
            await term.expect(b"user=bob")
            term.send(b"e")
            names = (await term.expect(rb"ENV ([^\r\n]*)")).group(1).decode()
            assert "TUI_TUTOR_DATABASE_URL" in names  # how the tutor finds the database
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(labs[1], "alice", bob):
                pass
        await logged(labs[1], "refused user=alice")
    finally:
        for lab in labs:
            await lab.close()


def test_the_class_list_commands_and_the_report_work_on_the_database(tmp_path, postgres_url):
    key = asyncssh.generate_private_key("ssh-ed25519", comment="carol@laptop")
    (tmp_path / "carol.pub").write_bytes(key.export_public_key())
    env = {**ENV, "TUI_TUTOR_DATABASE_URL": postgres_url, "TUI_TUTOR_DATA_DIR": str(tmp_path / "data")}
    assert cli("lab", "user", "add", "carol", "--key", str(tmp_path / "carol.pub"), env=env).returncode == 0
    done = cli("lab", "user", "add", "dave", "--password", stdin="long enough pw\n", env=env)
    assert done.returncode == 0 and "password set" in done.stdout, done.stderr
    listed = cli("lab", "user", "list", "--database-url", postgres_url)
    assert listed.returncode == 0 and "carol\t1 key" in listed.stdout and "dave\t0 keys" in listed.stdout
    assert not (tmp_path / "data" / "lab-accounts.json").exists()
    removed = cli("lab", "user", "remove", "dave", "--database-url", postgres_url)
    assert removed.returncode == 0 and "dave" not in cli("lab", "user", "list", env=env).stdout
    missing = cli("lab", "user", "remove", "nobody", env=env)
    assert missing.returncode == 2 and missing.stderr.strip() == "tui-tutor: error: no such user: nobody"
    saved = cli("progress", "--user", "carol", "--format", "json", "--database-url", postgres_url)
    assert saved.returncode == 0 and json.loads(saved.stdout)["database"].startswith("postgresql://"), saved.stderr
    report = cli("lab", "report", "--format", "json", "--database-url", postgres_url)
    assert [s["user"] for s in json.loads(report.stdout)["students"]] == ["carol"]


def test_a_bad_or_unreachable_database_url_gets_one_line_and_no_traceback(tmp_path, host_key_file):
    bad = cli("lab", "serve", "--database-url", "mysql://x@y/z")
    assert bad.returncode == 2 and "expected a postgresql://" in bad.stderr and "Traceback" not in bad.stderr
    nowhere = f"postgresql://x:pw-not-shown@/nowhere?host={tmp_path}&connect_timeout=2"
    for argv in (["lab", "report"], ["lab", "user", "list"], ["progress"]):
        done = cli(*argv, "--database-url", nowhere, "--data-dir", str(tmp_path))
        assert "Traceback" not in done.stderr and "pw-not-shown" not in done.stderr
        assert "cannot be reached" in done.stderr, (argv, done.stderr)
    (tmp_path / "not-a-key").write_text("hello\n")
    done = cli("lab", "serve", "--port", "0", "--data-dir", str(tmp_path), "--host-key", str(tmp_path / "not-a-key"))
    assert done.returncode == 2 and "is not an SSH private key" in done.stderr and "Traceback" not in done.stderr
