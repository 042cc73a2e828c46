"""What the lab tests share: a lab on 127.0.0.1 with a stand-in tutor, SSH clients, process checks.

The tutor is played by ``lab_standin.py`` (same arguments; tells its size on SIGWINCH, echoes keys).
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from tui_tutor.lab.accounts import Accounts
from tui_tutor.lab.config import LabConfig
from tui_tutor.lab.server import Lab

STANDIN = [sys.executable, str(Path(__file__).with_name("lab_standin.py"))]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that is not us counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


async def gone(*pids: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


@pytest.fixture
def keys():
    return {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("alice", "bob", "stranger")}


@pytest.fixture
async def make_lab(tmp_path, keys):
    labs = []

    async def make(**overrides) -> Lab:
        accounts = Accounts(tmp_path)
        with accounts.editing():
            for name in ("alice", "bob"):
                accounts.account(name, create=True).add_keys([keys[name].convert_to_public()])
        config = LabConfig(data_dir=tmp_path, port=0, tutor_command=STANDIN, stop_grace=0.3, shutdown_grace=2,
                           log_to_stderr=False)
        for k, v in overrides.items():
            setattr(config, k, v)
        lab = Lab(config)
        await lab.start()
        labs.append(lab)
        return lab

    yield make
    for lab in labs:
        await lab.close()  # a no-op for those a test closed already


@pytest.fixture
async def lab(make_lab):
    lab = await make_lab()
    yield lab
    await lab.close()


def connect(lab: Lab, user: str, key=None, **kw):
    options = {"known_hosts": None, "config": None, "agent_path": None, "client_keys": [key] if key else [],
               "password_auth": False, "kbdint_auth": False, "gss_auth": False}
    options.update(kw)
    return asyncssh.connect("127.0.0.1", lab.port, username=user, **options)


class Term:
    """A client session with a pty, read into a buffer."""

    def __init__(self, process) -> None:
        self.process, self.buffer = process, b""

    @classmethod
    async def open(cls, conn, size=(80, 24), term="xterm-256color", **kw) -> Term:
        return cls(await conn.create_process(term_type=term, term_size=size, encoding=None, **kw))

    async def expect(self, pattern: bytes, timeout: float = 10.0) -> re.Match:
        async with asyncio.timeout(timeout):
            while (match := re.search(pattern, self.buffer)) is None:
                chunk = await self.process.stdout.read(65536)
                if not chunk:
                    raise EOFError(self.buffer)
                self.buffer += chunk
        self.buffer = self.buffer[match.end():]
        return match

    async def rest(self, timeout: float = 10.0) -> bytes:
        async with asyncio.timeout(timeout):
            while chunk := await self.process.stdout.read(65536):
                self.buffer += chunk
            await self.process.wait_closed()
        return self.buffer

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)


class Shown:
    """What a terminal of ``size`` shows of a session's output, read as it comes (pyte, as the board
    does): its lines, and every cell with its colours and attributes."""

    def __init__(self, term: Term, size: tuple[int, int]) -> None:
        import pyte  # a test extra, needed by the tests that look at a screen

        self.screen = pyte.Screen(*size)
        stream = pyte.ByteStream(self.screen)

        async def pump() -> None:
            while chunk := await term.process.stdout.read(65536):
                stream.feed(chunk)

        self.task = asyncio.get_running_loop().create_task(pump())

    async def until(self, ready, timeout: float = 10.0) -> list[str]:
        """The screen's lines, once ``ready(lines)`` holds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not ready(lines := self.lines()):
            assert asyncio.get_running_loop().time() < deadline, "\n".join(lines)
            assert not self.task.done(), "the session ended:\n" + "\n".join(lines)
            await asyncio.sleep(0.05)
        return lines

    async def settled(self, quiet: float = 0.6) -> list[list[tuple]]:
        """Every cell, once nothing has changed for ``quiet`` seconds."""
        last, since = None, time.monotonic()
        while True:
            now = self.cells()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
            await asyncio.sleep(0.05)

    def lines(self) -> list[str]:
        """The screen's text. Not pyte's ``display``: mid-frame, a wide character's first half may have
        been written over and its second half not yet, and ``display`` then fails on the orphan."""
        buffer, (cols, rows) = self.screen.buffer, (self.screen.columns, self.screen.lines)
        return ["".join(buffer[y][x].data for x in range(cols)) for y in range(rows)]

    def cells(self) -> list[list[tuple]]:
        buffer, (cols, rows) = self.screen.buffer, (self.screen.columns, self.screen.lines)
        return [[(c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.reverse)
                 for c in (buffer[y][x] for x in range(cols))] for y in range(rows)]


def log_of(lab: Lab) -> str:
    return (lab.config.data_dir / "lab.log").read_text()


async def logged(lab: Lab, pattern: str, within: float = 3.0) -> str:
    """The log, once a line matches ``pattern`` (the server writes some lines just after the client is done)."""
    deadline = time.monotonic() + within
    while not re.search(pattern, log := log_of(lab)):
        assert time.monotonic() < deadline, f"no {pattern!r} in the log:\n{log}"
        await asyncio.sleep(0.05)
    return log



async def pool_warm(lab: Lab, n: int, within: float = 40.0) -> None:
    """Until the zygote says ``n`` tutors of its pool are ready (it loads, then warms them one at a time)."""
    deadline = time.monotonic() + within
    while lab.zygote.pool_warm != n:
        assert time.monotonic() < deadline, f"{lab.zygote.pool_warm} ready, not {n}:\n{log_of(lab)}"
        await asyncio.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    """`tui-tutor lab serve` as a subprocess, with the stand-in; returns it and its port once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", "0", "--data-dir", str(tmp_path),
         "--tutor-command", " ".join(map(str, STANDIN)), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    banner = proc.stdout.readline()
    match = re.search(r"port (\d+)", banner)
    assert match, banner + proc.stderr.read()
    return proc, int(match.group(1))
