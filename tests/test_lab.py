"""The SSH lab, end to end: a real server on 127.0.0.1, real SSH clients (asyncssh's, and OpenSSH's
where installed), a real pty and process per session, forked by the zygote (see test_lab_zygote.py
for the zygote itself, test_lab_tutor.py for the real tutor).

The tutor is played by ``lab_standin.py`` (same arguments; tells its size on SIGWINCH, echoes keys),
so these tests don't depend on the app.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, _serve, alive, connect, gone, log_of, logged

from tui_tutor.lab.accounts import Accounts, hash_password

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab


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
