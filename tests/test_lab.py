"""The SSH lab, end to end: a real server on 127.0.0.1, real SSH clients (asyncssh's, and OpenSSH's
where installed), a real pty and child process per session.

The tutor is played by ``lab_standin.py`` (same arguments; tells its size on SIGWINCH, echoes keys),
so these tests don't depend on the app; the last tests run the real tutor and textual-serve.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")

from tui_tutor.lab.accounts import Accounts, hash_password
from tui_tutor.lab.server import Lab, LabConfig

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


def log_of(lab: Lab) -> str:
    return (lab.config.data_dir / "lab.log").read_text()


async def logged(lab: Lab, pattern: str, within: float = 3.0) -> str:
    """The log, once a line matches ``pattern`` (the server writes some lines just after the client is done)."""
    deadline = time.monotonic() + within
    while not re.search(pattern, log := log_of(lab)):
        assert time.monotonic() < deadline, f"no {pattern!r} in the log:\n{log}"
        await asyncio.sleep(0.05)
    return log


async def test_key_login_runs_the_tutor_on_a_pty_with_the_clients_terminal(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, term="xterm-direct", env={"LANG": "zh_CN.GB18030", "SECRET": "x"})
        ready = (await term.expect(rb"READY [^\r]*")).group(0).decode()
        for part in ("user=alice", "size=80x24", "ctty=True", "lab=True", "TERM=xterm-direct", "LANG=zh_CN.UTF-8",
                     "COLORTERM=truecolor", "COLUMNS=-", "LINES=-", f"data={lab.config.data_dir}"):
            assert part in ready, ready
        term.send("é".encode())
        await term.expect(b"KEY c3a9")
        term.send(b"q")
        await term.rest()
        assert term.process.exit_status == 0
    fp = keys["alice"].get_fingerprint("sha256")
    log = await logged(lab, "logout")
    assert re.search(rf"login user=alice from=127\.0\.0\.1 key={re.escape(fp)} method=publickey", log)
    assert re.search(r"end user=alice .* why=quit", log)
    assert re.search(rf"logout user=alice from=127\.0\.0\.1 key={re.escape(fp)} duration=\d+m\d\ds", log)


async def test_a_relative_data_dir_reaches_the_tutor_as_an_absolute_one(make_lab, keys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)  # the tutor runs elsewhere (in $HOME): a relative path would move
    lab = await make_lab(data_dir=Path(tmp_path.name))
    async with connect(lab, "alice", keys["alice"]) as conn:
        await (await Term.open(conn)).expect(rb"data=" + re.escape(str(tmp_path).encode()) + rb"\r")


async def test_a_wrong_key_and_an_unknown_user_are_refused(lab, keys):
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(lab, "alice", keys["stranger"]):
            pass
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(lab, "mallory", keys["alice"]):
            pass
    log = await logged(lab, "refused user=mallory")
    assert re.search(r"refused user=alice from=127\.0\.0\.1 why=no matching key \(offered SHA256:", log)
    assert "refused user=mallory from=127.0.0.1 why=unknown user" in log
    assert "login" not in log.replace("logins", "")


async def test_only_the_tutor_exec_sftp_and_forwarding_are_refused(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("cat /etc/passwd")
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", lab.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
        term = await Term.open(conn)  # the connection still serves the tutor
        await term.expect(b"READY")
    log = log_of(lab)
    for why in ("exec request ('cat /etc/passwd')", "subsystem request (sftp)", "port forwarding to 127.0.0.1",
                "remote port forwarding from 127.0.0.1:0"):
        assert why in log


async def test_a_resize_reaches_the_app_as_sigwinch(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(100, 30))
        await term.expect(b"READY[^\r]*size=100x30")
        term.process.change_terminal_size(132, 43)
        await term.expect(b"SIZE 132x43")
        term.process.change_terminal_size(60, 20)
        await term.expect(b"SIZE 60x20")


async def test_two_students_get_their_own_tutor_under_their_own_name(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a), await Term.open(b)
        ma = await ta.expect(rb"READY user=(\w+) pid=(\d+)")
        mb = await tb.expect(rb"READY user=(\w+) pid=(\d+)")
        assert (ma.group(1), mb.group(1)) == (b"alice", b"bob")
        assert ma.group(2) != mb.group(2)
        tb.send(b"k")  # keys go to the right tutor only
        await tb.expect(b"KEY 6b")
        assert b"KEY" not in ta.buffer


async def test_a_dropped_connection_leaves_no_process_behind(lab, keys):
    conn = await connect(lab, "alice", keys["alice"])
    term = await Term.open(conn)
    pid = int((await term.expect(rb"pid=(\d+)")).group(1))
    term.send(b"g")
    grandchild = int((await term.expect(rb"GRANDCHILD (\d+)")).group(1))
    term.send(b"s")  # deaf to SIGHUP and SIGTERM: only SIGKILL ends it
    await term.expect(b"DEAF")
    assert alive(pid) and alive(grandchild)
    conn.abort()
    assert await gone(pid, grandchild), "the tutor or its child outlived the connection"
    await asyncio.sleep(0.1)
    assert not lab.sessions
    assert re.search(rf"end user=alice from=127\.0\.0\.1 pid={pid} after=\S+ why=dropped", log_of(lab))


async def test_the_session_limit_holds(make_lab, keys):
    lab = await make_lab(max_sessions=1)
    try:
        async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
            first = await Term.open(a)
            await first.expect(b"READY")
            second = await Term.open(b)
            assert b"the lab is full (1 sessions)" in await second.rest()
            assert second.process.exit_status == 1
            first.send(b"q")
            await first.rest()
            third = await Term.open(b)  # a slot is free again
            await third.expect(b"READY user=bob")
    finally:
        await lab.close()
    assert "refused user=bob from=127.0.0.1 why=lab full (1 sessions)" in log_of(lab)


async def test_a_crash_ends_that_session_alone_and_resets_the_terminal(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a), await Term.open(b)
        await ta.expect(b"READY")
        await tb.expect(b"READY")
        ta.send(b"x")
        out = await ta.rest()
        assert ta.process.exit_status == 1
        for seq in (b"\x1b[?1000l", b"\x1b[?1002l", b"\x1b[?1003l", b"\x1b[?1006l", b"\x1b[?1049l", b"\x1b[?25h",
                    b"\x1b[0m"):
            assert seq in out
        assert out.rstrip().endswith(b"stopped unexpectedly (exit status 3); what you had saved is kept. "
                                     b"Please log in again.")
        tb.send(b"k")  # the other student goes on
        await tb.expect(b"KEY 6b")
    assert re.search(r"crash user=alice .* exit status 3 last output: .*ZeroDivisionError", log_of(lab))


async def test_a_session_without_a_pty_is_told_and_closed(lab, keys):
    async with connect(lab, "alice", keys["alice"]) as conn:
        process = await conn.create_process(encoding=None)
        out = await process.stdout.read()
        await process.wait_closed()
        assert b"needs a terminal: log in with `ssh -t`" in out
        assert process.exit_status == 1


async def test_an_idle_session_is_closed(make_lab, keys):
    lab = await make_lab(idle_timeout=0.6)
    try:
        async with connect(lab, "alice", keys["alice"]) as conn:
            term = await Term.open(conn)
            pid = int((await term.expect(rb"pid=(\d+)")).group(1))
            out = await term.rest(timeout=5)
            assert b"closed after 0.01 minutes without a key pressed" in out
            assert b"\x1b[?1049l" in out
            assert await gone(pid)
    finally:
        await lab.close()


async def test_failed_logins_block_the_address_for_a_while(make_lab, keys):
    lab = await make_lab(max_failures=3, block_time=30)
    try:
        for _ in range(3):
            with pytest.raises(asyncssh.PermissionDenied):
                async with connect(lab, "alice", keys["stranger"]):
                    pass
        await asyncio.sleep(0.1)
        with pytest.raises(asyncssh.PermissionDenied, match="too many failed logins from 127.0.0.1"):
            async with connect(lab, "alice", keys["alice"]):  # even the right key, for now
                pass
    finally:
        await lab.close()
    assert "blocked from=127.0.0.1 for 30 s after 3 failed logins" in log_of(lab)


async def test_a_silent_client_is_dropped_at_the_login_timeout(make_lab):
    lab = await make_lab(login_timeout=0.5)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", lab.port)
        assert (await reader.readline()).startswith(b"SSH-2.0-")
        started = time.monotonic()
        async with asyncio.timeout(5):
            while await reader.read(4096):
                pass
        assert time.monotonic() - started < 3
        writer.close()
    finally:
        await lab.close()


async def test_password_login(make_lab, keys):
    lab = await make_lab()
    try:
        with Accounts(lab.config.data_dir).editing() as accounts:
            accounts.account("carol", create=True).password = hash_password("correct horse")
        async with connect(lab, "carol", password="correct horse", password_auth=True) as conn:
            await (await Term.open(conn)).expect(b"READY user=carol")
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(lab, "carol", password="wrong horse", password_auth=True):
                pass
    finally:
        await lab.close()
    assert "login user=carol from=127.0.0.1 key=- method=password" in log_of(lab)


class _Guest(asyncssh.SSHClient):
    def __init__(self) -> None:
        self.answers = ["no way!", "carol"]  # a bad name first: asked again

    def kbdint_auth_requested(self):
        return ""  # any submethod

    def kbdint_challenge_received(self, name, instructions, lang, prompts):
        return [self.answers.pop(0)] if prompts else []


async def test_guests_log_in_under_the_name_they_type(make_lab):
    lab = await make_lab(guest=True)
    try:
        conn, _ = await asyncssh.create_connection(
            _Guest, "127.0.0.1", lab.port, username="root", known_hosts=None, config=None, agent_path=None,
            client_keys=[], password_auth=False, gss_auth=False)
        async with conn:
            await (await Term.open(conn)).expect(b"READY user=guest-carol")
    finally:
        await lab.close()
    assert "login user=guest-carol from=127.0.0.1 key=- method=guest" in log_of(lab)


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


async def test_sigterm_ends_every_session_gracefully_and_exits_0(tmp_path, keys):
    with Accounts(tmp_path).editing() as accounts:
        for name in ("alice", "bob"):
            accounts.account(name, create=True).add_keys([keys[name].convert_to_public()])
    proc, port = await asyncio.to_thread(_serve, tmp_path)
    assert proc.stdout.readline().startswith("host key fingerprint: SHA256:")
    try:
        lab = type("Where", (), {"port": port})()
        async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
            terms = [await Term.open(a), await Term.open(b)]
            pids = [int((await t.expect(rb"pid=(\d+)")).group(1)) for t in terms]
            proc.send_signal(signal.SIGTERM)
            for t in terms:
                out = await t.rest()
                assert b"GOT SIGTERM" in out  # each tutor was asked to save and stop
                assert b"the lab is closing; your progress is saved" in out
        assert await asyncio.to_thread(proc.wait, 10) == 0
        assert await gone(*pids, within=1)
        log = (tmp_path / "lab.log").read_text()
        assert "stopping: 2 session(s) to end" in log and log.rstrip().endswith("stopped")
        assert log.count("why=shutdown") == 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
async def test_openssh_client(lab, keys, tmp_path):
    key_file = tmp_path / "id_alice"
    key_file.write_bytes(keys["alice"].export_private_key())
    key_file.chmod(0o600)
    proc = await asyncio.create_subprocess_exec(
        "ssh", "-F", "/dev/null", "-p", str(lab.port), "-i", str(key_file), "-tt", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG", "alice@127.0.0.1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TERM": "screen-256color", "LANG": "en_GB.UTF-8"})
    out = b""
    async with asyncio.timeout(15):
        while b"READY" not in out or b"\n" not in out.split(b"READY", 1)[1]:
            chunk = await proc.stdout.read(4096)
            assert chunk, out + await proc.stderr.read()
            out += chunk
        proc.stdin.write(b"q")
        out += await proc.stdout.read()
        assert await proc.wait() == 0
    ready = out.split(b"READY", 1)[1].split(b"\r", 1)[0].decode()
    assert "user=alice" in ready and "ctty=True" in ready and "TERM=screen-256color" in ready
    assert "LANG=en_GB.UTF-8" in ready and b"BYE" in out


def _tutor_takes_lab_flags() -> bool:
    """Whether the real tutor accepts ``--data-dir DIR --user NAME --lab`` (``--lab`` is hidden from --help)."""
    from tui_tutor.cli import UsageError, build_parser

    try:
        build_parser().parse_args(["--data-dir", "x", "--user", "y", "--lab"])
    except (UsageError, SystemExit):
        return False
    return True


@pytest.mark.skipif(not _tutor_takes_lab_flags(), reason="the tutor has no --lab flag yet")
async def test_the_real_tutor_keeps_each_students_progress_apart(make_lab, keys):
    from tui_tutor.lab.report import summaries

    lab = await make_lab(tutor_command=[sys.executable, "-m", "tui_tutor"])
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a, size=(100, 30)), await Term.open(b, size=(100, 30))
        await ta.expect(b"Quit", timeout=20)  # the footer: the first frame is complete
        await tb.expect(b"Quit", timeout=20)
        ta.send(b"w")  # alice opens the workbench; bob stays on the lessons
        await asyncio.sleep(1.0)
        ta.send(b"q")
        tb.send(b"q")
        await ta.rest(timeout=15)
        await tb.rest(timeout=15)
        assert (ta.process.exit_status, tb.process.exit_status) == (0, 0)
    screens = {s["user"]: s["last_screen"] for s in summaries(lab.config.data_dir)}
    assert screens == {"alice": "workbench", "bob": "lessons"}


def test_lab_web_serves_the_tutor_page_on_loopback(tmp_path):
    pytest.importorskip("textual_serve")
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tui_tutor", "lab", "web", "--port", str(port),
                             "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert f"open http://127.0.0.1:{port}" in proc.stdout.readline()
        deadline, page = time.monotonic() + 10, None
        while page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
                time.sleep(0.1)
        assert "tui-tutor" in page and "/ws" in page
    finally:
        proc.terminate()
        proc.wait(10)
    assert "warning" not in proc.stderr.read()
