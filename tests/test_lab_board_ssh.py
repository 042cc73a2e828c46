"""The class board over real SSH: two students (asyncssh's client) and one instructor (OpenSSH's ssh, or
asyncssh's where it is not installed), all with the real tutor and the real board."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys

import pytest

asyncssh = pytest.importorskip("asyncssh")
pyte = pytest.importorskip("pyte")
pytest.register_assert_rewrite("lab_support")

from lab_support import Shown, Term, connect, logged

from tui_tutor.lab.accounts import Accounts

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab

TUTOR = [sys.executable, "-m", "tui_tutor"]


class OpenSshTerm(Term):
    """OpenSSH's ssh -tt as a subprocess, read like ``Term``."""

    @classmethod
    async def login(cls, port: int, user: str, key_file) -> OpenSshTerm:
        proc = await asyncio.create_subprocess_exec(
            "ssh", "-F", "/dev/null", "-p", str(port), "-i", str(key_file), "-tt", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", f"{user}@127.0.0.1",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"})
        return cls(proc)


async def read_until(term: Term, pattern: bytes, timeout: float = 10.0) -> bytes:
    """Everything ``term`` shows until ``pattern`` has come (kept whole, unlike ``Term.expect``)."""
    seen, term.buffer = term.buffer, b""
    async with asyncio.timeout(timeout):
        while pattern not in seen:
            chunk = await term.process.stdout.read(65536)
            assert chunk, seen[-500:]
            seen += chunk
    return seen


@pytest.fixture
def instructor(tmp_path, keys):
    with (accounts := Accounts(tmp_path)).editing():
        account = accounts.account("teach", create=True)
        account.add_keys([keys["stranger"].convert_to_public()])
        account.role = "instructor"
    key_file = tmp_path / "id_teach"
    key_file.write_bytes(keys["stranger"].export_private_key())
    key_file.chmod(0o600)
    return key_file


async def test_the_instructor_watches_the_class_looks_over_one_shoulder_and_messages_everyone(
        make_lab, keys, instructor):
    lab = await make_lab(tutor_command=TUTOR)
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a, size=(80, 24)), await Term.open(b, size=(80, 24))
        if shutil.which("ssh"):
            teach = await OpenSshTerm.login(lab.port, "teach", instructor)  # -tt without a terminal: 80x24
        else:
            teach = await Term.open(await connect(lab, "teach", keys["stranger"]).__aenter__(), size=(80, 24))
        try:
            for t in (ta, tb):
                await t.expect(b"Quit", timeout=30)
                t.send(b"w")
                await t.expect(b"Step 1 of", timeout=10)
            await teach.expect(b"the class", timeout=15)
            ta.send(b"4")  # alice: the backward pass; bob: two steps into the forward one
            tb.send(b"nn")
            await teach.expect(rb"alice .*workbench .*Backward recursion 14/110", timeout=10)
            await teach.expect(rb"bob .*workbench .*Forward pass 3/110", timeout=10)
            await logged(lab, r"start user=teach .* board")

            teach.send(b"\r")  # Enter on the first row: alice's screen
            await read_until(ta, b"your instructor is viewing")  # the mark in her tutor's header
            await teach.expect(b"your instructor is viewing", timeout=10)
            ta.send(b"n")
            theirs = await read_until(ta, b"Step 15 of")
            await read_until(teach, theirs[-400:])  # the very bytes alice's terminal got
            teach.send(b"l")  # were it passed on, alice's tutor would open the lessons
            await asyncio.sleep(1.0)
            assert {r["user"]: r["screen"] for r in lab.feed.rows()}["alice"] == "workbench"
            teach.send(b"\x1b")  # back to the board
            await teach.expect(b"the class", timeout=10)
            assert not lab.feed.student_session("alice").viewers  # and her tutor was told: the mark goes
            await logged(lab, r"view by=teach of=alice")

            teach.send(b"M")
            await asyncio.sleep(0.5)
            teach.send("Stop here | 停一下".encode() + b"\r")
            await ta.expect(b"Stop here", timeout=10)
            await tb.expect(b"Stop here", timeout=10)
            await logged(lab, r"message from=teach to=\* reached=2 text=Stop here")
            assert b"instructor is viewing" not in tb.buffer and b"the class" not in tb.buffer

            teach.send(b"t")  # the instructor's own tutor, and back to the board when it quits
            await teach.expect(b"tui-tutor: backpropagation", timeout=15)
            teach.send(b"q")
            await teach.expect(b"the class", timeout=15)
            assert [r["user"] for r in lab.feed.rows()] == ["alice", "bob"]  # an instructor's tutor is not on the board
            await logged(lab, r"switch user=teach to=tutor")
        finally:
            teach.send(b"q")
            ta.send(b"q")
            tb.send(b"q")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(teach.process.wait(), 10)
            if getattr(teach.process, "returncode", 0) is None:
                teach.process.kill()


async def test_a_students_larger_screen_is_shown_cropped_with_a_note(make_lab, keys, instructor):
    lab = await make_lab(tutor_command=TUTOR)
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "teach", keys["stranger"]) as t:
        ta, teach = await Term.open(a, size=(120, 40)), await Term.open(t, size=(80, 24))
        alice, board = Shown(ta, (120, 40)), Shown(teach, (80, 24))
        try:
            await alice.until(lambda lines: any("Quit" in line for line in lines), timeout=30)
            ta.send(b"w")
            await alice.until(lambda lines: any("Step 1 of" in line for line in lines))
            await board.until(lambda lines: any("alice" in line and "workbench" in line for line in lines), 15)
            teach.send(b"\r")  # look over alice's shoulder: her 120x40 does not fit in 80x24

            def same_top_left(lines: list[str]) -> bool:
                theirs = alice.screen.display
                return "viewing" in theirs[0] and lines[:23] == [line[:80] for line in theirs[:23]]

            shown = await board.until(same_top_left)
            assert "Showing 80×23 of alice's 120×40 screen" in shown[23]
            assert "tui-tutor" in shown[0]  # her title bar, as far as it fits
            ta.send(b"n")  # she works on while looked at; the crop follows
            await alice.until(lambda lines: any("Step 2 of" in line for line in lines))
            await board.until(same_top_left)
            alice.screen.resize(20, 70)
            ta.process.change_terminal_size(70, 20)  # now hers fits: her bytes as they come, no note
            await alice.until(lambda lines: "viewing" in lines[0] and lines[19].strip())
            await board.until(lambda lines: lines[:20] == [line.ljust(80) for line in alice.screen.display]
                              and not any("Showing" in line for line in lines))
            teach.send(b"l")  # were it passed on, alice's tutor would open the lessons
            await asyncio.sleep(0.5)
            assert {r["user"]: r["screen"] for r in lab.feed.rows()}["alice"] == "workbench"
            teach.send(b"\x1b")
            await board.until(lambda lines: any("the class" in line for line in lines))
            assert not lab.feed.student_session("alice").viewers
        finally:
            for term in (teach, ta):
                term.send(b"q")
            for shown_ in (alice, board):
                shown_.task.cancel()


async def test_a_student_cannot_reach_the_board_or_the_feed(make_lab, keys, instructor):
    lab = await make_lab()  # the stand-in tutor: this is about what a student is given, not the tutor
    async with connect(lab, "bob", keys["bob"]) as conn:
        for command in ("board", "tui-tutor lab status --format json", "python -m tui_tutor.screens.board"):
            with pytest.raises(asyncssh.ChannelOpenError):  # no command is run for anyone
                await conn.run(command, term_type="xterm", timeout=10)
        term = await Term.open(conn)
        await term.expect(b"READY")  # his own tutor, not the board
        term.send(b"q")
        await term.rest()
    assert "the class" not in term.buffer.decode("utf-8", "replace")
    log = await logged(lab, r"refused user=bob .*exec request \('board'\)")
    assert "role=instructor" not in log
    assert "TUI_TUTOR_LIVE_FD" not in os.environ  # the board's fd is given to the board only


@pytest.mark.skipif(os.getuid() != 0 or shutil.which("setpriv") is None, reason="needs root to be another user")
async def test_lab_status_from_another_account_is_refused(lab):
    out = await asyncio.to_thread(
        subprocess.run, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                         "tui_tutor", "lab", "status", "--data-dir", str(lab.config.data_dir)],
        capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode != 0 and "permission denied" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert "alice" not in out.stdout
