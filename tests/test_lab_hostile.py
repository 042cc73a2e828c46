"""A hostile student against the lab, part one: what a client sends that reaches the tutor or the log.

Its environment (only the locale and the terminal type pass), the names and strings it chooses (escaped
in the log), the terminal sizes it claims (clamped), and files it saves (never imported by a later tutor).
A real server on 127.0.0.1, asyncssh's client; the tutor is ``lab_standin.py``, forked by the zygote or
spawned.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, alive, connect, log_of, logged

from tui_tutor.lab.escape import shown

pytest_plugins = ["lab_support"]

PATHS = pytest.mark.parametrize("zygote", [True, False], ids=["zygote", "spawn"])
HOSTILE_ENV = {"LD_PRELOAD": "libhostile.so", "PYTHONPATH": "/nonexistent/hostile", "PYTHONSTARTUP": "/nonexistent/hostile/s.py",
               "PYTHONINSPECT": "1", "TUI_TUTOR_DATA_DIR": "/nonexistent/hostile", "HOME": "/nonexistent/hostile", "PATH": "/nonexistent/hostile",
               "LANG": "fr_FR.UTF-8", "LC_TIME": "$(reboot)", "LC_ALL": "de_DE.ISO-8859-1", "BASH_ENV": "/x"}
ALLOWED = {"PATH", "TZ", "HOME", "TERM", "LANG", "PYTHONUTF8", "COLORTERM", "TUI_TUTOR_LIVE_FD"}  # the last: set by the lab


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def rss_kib(pid: int) -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


@PATHS
async def test_only_the_locale_and_terminal_of_the_clients_environment_reach_the_tutor(
        make_lab, keys, zygote, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/server-side")  # the server's own PYTHON* stay out too
    monkeypatch.setenv("TUI_TUTOR_SECRET", "x")
    lab = await make_lab(zygote=zygote)
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, term="xterm;rm -rf /", env=HOSTILE_ENV)
        pid = int((await term.expect(rb"READY [^\r]*pid=(\d+)")).group(1))
        term.send(b"e")
        names = set((await term.expect(rb"ENV ([^\r]*)")).group(1).decode().split(","))
        real = environ_of(pid)  # for a forked tutor: what the zygote was started with
    seen = names | set(real)
    assert seen <= ALLOWED | {"LC_ALL"}, seen - ALLOWED
    assert not any("hostile" in v for v in real.values()), real
    assert real["HOME"] == str(lab.run_dir) and real["TERM"] in ("xterm-256color",)
    if not zygote:
        assert real["LANG"] == "fr_FR.UTF-8" and real["LC_ALL"] == "de_DE.UTF-8"


class Typist(asyncssh.SSHClient):
    """Answers the guest prompt with ``typed``."""

    typed = ""

    def kbdint_auth_requested(self):
        return ""

    def kbdint_challenge_received(self, name, instructions, lang, prompts):
        return [self.typed] * len(prompts)


async def test_client_strings_are_escaped_on_one_log_line(make_lab, keys):
    lab = await make_lab(guest=True)
    evil = "x\x1b[2J\n2026-01-01T00:00:00 login user=root from=10.0.0.1\u202eevil\x9b"
    with pytest.raises(asyncssh.PermissionDenied):  # user names are SASLprepped: no controls, but spaces
        async with connect(lab, "x login user=root from=10.0.0.1", keys["stranger"]):
            pass
    Typist.typed = evil
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(lab, "someone", client_factory=Typist, kbdint_auth=True):
            pass
    async with connect(lab, "alice", keys["alice"]) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_session(asyncssh.SSHClientSession, subsystem="sub" + evil[:-6])  # ASCII only
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_session(asyncssh.SSHClientSession, "exec" + evil)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "host" + evil, 9)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("listen" + evil, 0, "127.0.0.1", 9)
    log = await logged(lab, "refused user=someone")
    assert "\x1b" not in log and "\u202e" not in log and "\x9b" not in log
    assert not re.search(r"^2026-01-01T00:00:00", log, re.MULTILINE), log  # no forged line
    escaped = shown(evil, 60)
    assert escaped.startswith("x\\x1b[2J\\n2026-01-01T00:00:00") and "\\u202e" in escaped
    for what in ("subsystem request (sub", "exec request ('exec", "port forwarding to host",
                 "remote port forwarding from listen"):
        line = next((ln for ln in log.splitlines() if what in ln), None)
        assert line is not None and "\\x1b[2j\\n2026" in line.lower(), (what, log)
    assert "refused user=x\\x20login\\x20user=root\\x20from=10.0.0.1 from=127.0.0.1 why=" in log, log
    assert "refused user=someone from=127.0.0.1 why=bad guest name 'x\\x1b[2J\\n2026-01-01T00:00:00 login" in log


def test_shown_escapes_controls_and_bidi_marks_and_caps_the_length():
    assert shown("a\tb\rc\x00\x7f\x85\u200e\u2066\u2069\ufeff") == "a\\tb\\rc\\x00\\x7f\\x85\\u200e\\u2066\\u2069\\ufeff"
    assert shown("élève 中文 ok") == "élève 中文 ok"
    assert shown("a b", spaces=False) == "a\\x20b"
    assert shown("y" * 500, 10) == "y" * 10 + "…(+490)"


@PATHS
async def test_huge_and_zero_terminal_sizes_are_clamped_and_the_tutor_keeps_its_limits(make_lab, keys, zygote):
    lab = await make_lab(zygote=zygote)
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(65535, 65535))
        match = await term.expect(rb"READY [^\r]*pid=(\d+) size=(\d+x\d+)")
        pid = int(match.group(1))
        assert match.group(2) == b"500x200"
        term.process.change_terminal_size(0, 0)
        await term.expect(b"SIZE 20x5")
        term.process.change_terminal_size(10000, 10000)
        await term.expect(b"SIZE 500x200")
        term.process.change_terminal_size(65535, 3)
        await term.expect(b"SIZE 500x5")
        peak, deadline = 0, time.monotonic() + 1.5
        while time.monotonic() < deadline:
            peak = max(peak, rss_kib(pid))
            await asyncio.sleep(0.1)
        assert alive(pid) and peak < 100_000, f"the tutor's RSS reached {peak} KiB"
        term.send(b"r")
        assert (await term.expect(rb"LIMITS [^\r]*")).group(0) == b"LIMITS as=1073741824 fsize=67108864"
    assert "size=500x200" in log_of(lab)


@PATHS
async def test_a_numpy_py_saved_in_the_tutors_folder_or_home_does_not_break_the_real_tutor(
        make_lab, keys, zygote, tmp_path, monkeypatch):
    trap = tmp_path / "trap"
    trap.mkdir()
    (trap / "numpy.py").write_text("raise SystemExit('a student planted numpy.py')\n")
    monkeypatch.setenv("HOME", str(trap))  # where the tutors (and the zygote) ran before
    monkeypatch.chdir(trap)
    lab = await make_lab(zygote=zygote, tutor_command=[sys.executable, "-m", "tui_tutor"])
    async with connect(lab, "alice", keys["alice"]) as conn:
        term = await Term.open(conn, size=(100, 30))
        await term.expect(b"Quit", timeout=30)  # the footer of the first frame
        term.send(b"q")
        await term.rest(timeout=15)
    assert "planted" not in log_of(lab)
    assert f"via={'zygote' if zygote else 'spawn'}" in log_of(lab)
    assert not any(lab.run_dir.iterdir()) and lab.run_dir.stat().st_mode & 0o222 == 0  # where they run now


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH's client is not installed")
async def test_openssh_setenv_reaches_the_spawned_tutor_only_as_a_locale(make_lab, keys, tmp_path):
    lab = await make_lab(zygote=False)  # a spawned tutor's /proc environ is its real environment
    key_file = tmp_path / "id_alice"
    key_file.write_bytes(keys["alice"].export_private_key())
    key_file.chmod(0o600)
    setenv = "LD_PRELOAD=libhostile.so PYTHONPATH=/nonexistent/hostile HOME=/nonexistent/hostile TUI_TUTOR_DATA_DIR=/nonexistent/hostile LC_ALL=de_DE.UTF-8"
    proc = await asyncio.create_subprocess_exec(
        "ssh", "-F", "/dev/null", "-p", str(lab.port), "-i", str(key_file), "-tt", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", "-o", f"SetEnv={setenv}", "alice@127.0.0.1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TERM": "xterm-256color"})
    out = b""
    try:
        async with asyncio.timeout(15):
            while not (match := re.search(rb"READY [^\r]*pid=(\d+)", out)):
                chunk = await proc.stdout.read(4096)
                assert chunk, out + await proc.stderr.read()
                out += chunk
            real = environ_of(int(match.group(1)))
            proc.stdin.write(b"q")
            await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert set(real) <= ALLOWED | {"LC_ALL"} and real["LC_ALL"] == "de_DE.UTF-8", real
    assert not any("hostile" in v for v in real.values()), real
