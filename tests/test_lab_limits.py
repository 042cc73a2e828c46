"""A hostile student against the lab, part two: using up what everyone shares.

Connections that never log in, every session channel taken by one connection or one user, a burst of
concurrent password guesses, a huge paste, a client that stops reading. A real server on 127.0.0.1,
asyncssh's client (and raw sockets for the flood); the tutor is ``lab_standin.py``.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, _serve, alive, connect, log_of

from tui_tutor.lab.accounts import Accounts, hash_password
from tui_tutor.lab.config import LabConfig

pytest_plugins = ["lab_support"]


def open_idle_sockets(port: int, count: int) -> list[socket.socket]:
    """``count`` TCP connections that read the server's banner and then say nothing."""
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.setblocking(False)
        socks.append(s)
    return socks


def still_open(socks: list[socket.socket]) -> int:
    n = 0
    for s in socks:
        try:
            while s.recv(4096):
                pass
        except BlockingIOError:
            n += 1  # nothing to read, not closed
        except OSError:
            pass  # reset
    return n


async def test_a_flood_of_idle_connections_cannot_keep_a_student_out(make_lab, keys):
    assert LabConfig(data_dir=Path()).login_timeout == 20  # each idle one is closed after that at the latest
    lab = await make_lab(max_sessions=4)  # the whole lab had room for 2 * 4 + 32 = 40 connections
    socks = open_idle_sockets(lab.port, 40)
    try:
        await asyncio.sleep(0.3)  # the server has accepted them all
        started = time.monotonic()
        async with connect(lab, "alice", keys["alice"]) as conn:
            await (await Term.open(conn)).expect(b"READY")
            seconds = time.monotonic() - started
        assert seconds < 2, f"the student waited {seconds:.1f} s"
        assert still_open(socks) <= lab.config.max_waiting_per_address
    finally:
        for s in socks:
            s.close()
    log = log_of(lab)
    assert "dropped from=127.0.0.1 why=a connection that had not begun to log in" in log
    assert log.count("dropped from=") <= 2, log  # a flood does not flood the log


async def test_one_connection_or_one_user_cannot_take_every_session(make_lab, keys):
    lab = await make_lab(max_sessions=4)
    async with connect(lab, "alice", keys["alice"]) as a1, connect(lab, "alice", keys["alice"]) as a2:
        for _ in range(2):
            await (await Term.open(a1)).expect(b"READY")
        with pytest.raises(asyncssh.ChannelOpenError, match="at most 2 sessions on one connection"):
            await Term.open(a1)
        await (await Term.open(a2)).expect(b"READY")
        with pytest.raises(asyncssh.ChannelOpenError, match="at most 3 sessions for one user"):
            await Term.open(a2)
        async with connect(lab, "bob", keys["bob"]) as b:  # the lab is not full for the others
            await (await Term.open(b)).expect(b"READY user=bob")
    log = log_of(lab)
    assert "refused user=alice from=127.0.0.1 why=session (at most 2 sessions on one connection)" in log
    assert "refused user=alice from=127.0.0.1 why=session (at most 3 sessions for one user)" in log


@pytest.fixture
def carol(tmp_path):
    with (accounts := Accounts(tmp_path)).editing():
        accounts.account("carol", create=True).password = hash_password("correct horse")


async def test_concurrent_password_guesses_are_counted_before_they_are_checked(carol, make_lab):
    lab = await make_lab(max_failures=5)

    async def guess(n: int) -> None:
        async with connect(lab, "carol", password=f"guess {n}", password_auth=True):
            pass

    results = await asyncio.gather(*(guess(n) for n in range(30)), return_exceptions=True)
    assert all(isinstance(r, asyncssh.PermissionDenied) for r in results), results
    await asyncio.sleep(0.2)
    evaluated = log_of(lab).count("why=wrong password")
    assert evaluated <= 5 and lab.passwords_checked <= 5, (evaluated, lab.passwords_checked)
    with pytest.raises(asyncssh.PermissionDenied):  # and the address is blocked, right password or not
        async with connect(lab, "carol", password="correct horse", password_auth=True):
            pass


class Guesser(asyncssh.SSHClient):
    """Tries one password after another on the same connection."""

    tries = 0

    def password_auth_requested(self):
        Guesser.tries += 1
        return f"guess {Guesser.tries}" if Guesser.tries <= 10 else None


async def test_one_connection_gets_a_few_passwords(carol, make_lab):
    lab = await make_lab(max_failures=100)
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(lab, "carol", client_factory=Guesser, password_auth=True):
            pass
    assert lab.passwords_checked == 3, lab.passwords_checked


def rss_kib(pid: str | int = "self") -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


async def echoes(term: Term, within: float = 1.0) -> float:
    started = time.monotonic()
    term.send(b"k")
    await term.expect(b"KEY 6b", timeout=within)
    return time.monotonic() - started


async def test_a_huge_paste_and_a_client_that_stops_reading_leave_the_others_served(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        paster, other = await Term.open(a), await Term.open(b)
        await paster.expect(b"READY")
        await other.expect(b"READY")
        paster.send(b"a" * 1_000_000 + b"k")  # a megabyte pasted at once
        await echoes(other)
        await paster.expect(b"6b\r\n", timeout=5)  # all of it reached the tutor, in order
        deaf = await Term.open(a)  # the same student's second session: floods 32 MiB, never read
        pid = int((await deaf.expect(rb"pid=(\d+)")).group(1))
        before = rss_kib()
        deaf.send(b"f")
        worst = 0.0
        for _ in range(10):
            worst = max(worst, await echoes(other))
            await asyncio.sleep(0.1)
        assert worst < 0.5, f"another student waited {worst:.2f} s for an echo"
        async with connect(lab, "bob", keys["bob"]) as b2:  # and the server still logs people in
            await (await Term.open(b2)).expect(b"READY")
        assert alive(pid) and b"FLOODED" not in deaf.buffer
        assert rss_kib() - before < 16_000, "the server buffered what the client would not read"


async def test_lab_serve_takes_the_limits_as_options(tmp_path, keys):
    with Accounts(tmp_path).editing() as accounts:
        accounts.account("alice", create=True).add_keys([keys["alice"].convert_to_public()])
    proc, port = await asyncio.to_thread(
        _serve, tmp_path, "--tutor-memory", "512", "--tutor-file-size", "8", "--sessions-per-connection", "1",
        "--login-timeout", "5")
    try:
        where = type("Where", (), {"port": port})()
        async with connect(where, "alice", keys["alice"]) as conn:
            term = await Term.open(conn)
            await term.expect(b"READY")
            term.send(b"r")
            assert (await term.expect(rb"LIMITS [^\r]*")).group(0) == b"LIMITS as=536870912 fsize=8388608"
            with pytest.raises(asyncssh.ChannelOpenError, match="at most 1 sessions on one connection"):
                await Term.open(conn)
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 10)
    assert re.search(r"limits: 5 s to log in, .* 1 sessions a connection, .* memory 512 MiB, files 8 MiB",
                     (tmp_path / "lab.log").read_text())
    bad = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "tui_tutor", "lab", "serve",
                                  "--tutor-memory", "5"], capture_output=True, text=True, timeout=30, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "--tutor-memory: expected 0 (no limit) or 256 MiB or more, not 5" in bad.stderr
