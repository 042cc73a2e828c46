"""The zygote: tutors forked from one loaded process, their exits and signals through it, and the lab
going on the old way when it is missing or dies. The tutor is the stand-in (run by the zygote too)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import STANDIN, Term, alive, connect, gone, log_of, logged

from tui_tutor.lab.confine import TUTOR_NICENESS
from tui_tutor.lab.prefork import Zygote, zygote_target
from tui_tutor.lab.session import TutorProcess
from tui_tutor.lab.terminal import tutor_env

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_what_the_zygote_can_run():
    here = sys.executable
    assert zygote_target([here, "-m", "tui_tutor", "--lab"]) == ("module", "tui_tutor", ["--lab"])
    assert zygote_target([here, "t/standin.py", "x"]) == ("path", os.path.abspath("t/standin.py"), ["x"])
    for other in (["/usr/bin/env", "python3", "-m", "tui_tutor"], [here, "-I", "-m", "tui_tutor"], [here],
                  [here, "-c", "print()"], []):
        assert zygote_target(other) is None, other


async def test_tutors_are_forked_by_the_zygote_into_their_own_session(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn)
        ready = await term.expect(rb"READY user=alice pid=(\d+)[^\r]*ctty=True")
        pid = int(ready.group(1))
        assert lab.zygote is not None and parent_of(pid) == lab.zygote.pid
        assert os.getsid(pid) == pid and os.getpgid(pid) == pid
        assert Path(f"/proc/{pid}/comm").read_text() == "tutor alice\n"  # what ps and top show
        assert Path(f"/proc/{lab.zygote.pid}/comm").read_text() == "tutor-zygote\n"
        # A little below the server, which carries every session's bytes.
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + TUTOR_NICENESS)
        term.send(b"q")
        await term.rest()
        assert term.process.exit_status == 0
    log = await logged(lab, "why=quit")
    assert re.search(r"zygote pid=\d+ ready in [\d.]+ s", log)
    assert re.search(rf"start user=alice .* pid={pid} .* via=zygote", log)


async def test_without_the_zygote_tutors_are_spawned(make_lab, keys):
    lab = await make_lab(zygote=False)
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(90, 25))
        pid = int((await term.expect(rb"READY user=alice pid=(\d+)[^\r]*size=90x25 ctty=True")).group(1))
        assert parent_of(pid) == os.getpid()
        term.process.change_terminal_size(70, 20)
        await term.expect(b"SIZE 70x20")
    assert lab.zygote is None and "via=spawn" in log_of(lab) and "zygote" not in log_of(lab)


async def test_when_the_zygote_dies_its_sessions_go_on_and_new_ones_are_spawned(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        first = await Term.open(a)
        pid = int((await first.expect(rb"READY user=alice pid=(\d+)")).group(1))
        os.kill(lab.zygote.pid, signal.SIGKILL)
        await logged(lab, "the zygote exited; 1 session")
        first.send(b"k")  # alice's tutor runs on, reparented
        await first.expect(b"KEY 6b")
        first.process.change_terminal_size(100, 40)
        await first.expect(b"SIZE 100x40")
        second = await Term.open(b)  # bob's is started the old way
        await second.expect(b"READY user=bob")
        first.send(b"q")  # its exit is still noticed (without a status: only the zygote could tell)
        await first.rest()
        assert first.process.exit_status == 0
        assert await gone(pid)
    log = await logged(lab, r"end user=alice .* why=ended \(exit status unknown\)")
    assert re.search(r"start user=bob .* via=spawn", log)


async def test_a_dropped_session_whose_zygote_died_leaves_no_process_behind(lab, keys):
    conn = await connect(lab, "alice", keys["alice"])
    term = await Term.open(conn)
    pid = int((await term.expect(rb"pid=(\d+)")).group(1))
    term.send(b"s")  # deaf to SIGHUP and SIGTERM
    await term.expect(b"DEAF")
    os.kill(lab.zygote.pid, signal.SIGKILL)
    await logged(lab, "the zygote exited")
    conn.abort()  # the lab signals the group itself now: SIGHUP, SIGTERM, then SIGKILL
    assert await gone(pid)
    await logged(lab, "why=dropped")


def children_of(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


async def test_the_zygote_survives_bad_messages_and_ends_with_the_lab(lab, keys):
    sock = lab.zygote._sock
    for bad in (b"not json", json.dumps({"op": "spawn", "id": 99}).encode(), b"[]",
                json.dumps({"op": "signal", "pid": "x", "sig": 1}).encode()):
        sock.send(bad)
    read, write = os.pipe()
    try:  # something other than Python: refused before any fork
        shell = {"op": "spawn", "id": 98, "run": ["shell", "/bin/sh"], "argv": [], "env": {}, "cwd": "/"}
        socket.send_fds(sock, [json.dumps(shell).encode()], [read])
    finally:
        os.close(read), os.close(write)
    await asyncio.sleep(0.3)
    assert children_of(lab.zygote.pid) == []
    async with connect(lab, "alice", keys["alice"]) as conn:
        await (await Term.open(conn)).expect(b"READY user=alice")
    zygote = lab.zygote.pid
    await lab.close()
    assert await gone(zygote)
    assert "warning" not in log_of(lab)


async def test_a_zygote_whose_server_goes_ends_its_tutors(tmp_path):
    env = tutor_env("xterm", {})
    zygote = Zygote(env, str(tmp_path), preload=False, log=lambda line: None)
    zygote.start()
    output = bytearray()
    tutor = TutorProcess([*STANDIN, "--user", "alice"], env, (80, 24, 0, 0), output.extend, zygote)
    await tutor.start()
    assert tutor.forked
    while b"READY" not in output:
        await asyncio.sleep(0.05)
    await zygote.close()  # as if the server had died: the zygote ends what is left, then itself
    assert await asyncio.wait_for(tutor.wait(), 10) == 0  # the stand-in's answer to SIGTERM
    assert b"GOT SIGTERM" in output
    assert not alive(zygote.pid)


async def test_a_zygote_too_slow_to_answer_is_passed_over_and_its_late_tutor_killed(lab, keys):
    lab.zygote.start_timeout = 0.5
    os.kill(lab.zygote.pid, signal.SIGSTOP)  # it hears the request but cannot answer in time
    try:
        async with connect(lab, "alice", keys["alice"]) as conn:
            term = await Term.open(conn)
            pid = int((await term.expect(rb"READY user=alice pid=(\d+)")).group(1))
            assert parent_of(pid) == os.getpid()  # spawned the old way
            os.kill(lab.zygote.pid, signal.SIGCONT)  # now it forks the tutor nobody waits for ...
            await logged(lab, "could not start a tutor")
            await logged(lab, r"a tutor started too late \(pid \d+\); killed")
            deadline = asyncio.get_running_loop().time() + 5
            while children_of(lab.zygote.pid):  # ... and is told to kill it
                assert asyncio.get_running_loop().time() < deadline, children_of(lab.zygote.pid)
                await asyncio.sleep(0.05)
            term.send(b"k")
            await term.expect(b"KEY 6b")  # the session's own tutor is untouched
    finally:
        os.kill(lab.zygote.pid, signal.SIGCONT)
    assert re.search(r"start user=alice .* via=spawn", log_of(lab))
