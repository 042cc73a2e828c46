"""The real tutor as the lab runs it: ``--lab`` signals and suspend on a bare pty, then through SSH
(forked by the zygote, and spawned without one), and ``lab web``."""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, _free_port, connect, pool_warm

from tui_tutor.lab.confine import LAUNCHER, PACKAGE_ROOT
from tui_tutor.lab.tutor_pty import set_window_size
from tui_tutor.progress import open_store

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab


class PtyTutor:
    """``tui-tutor --lab`` on a pty that is its controlling terminal, as the lab starts it."""

    def __init__(self, data_dir: Path, user: str = "alice") -> None:
        self.master, slave = os.openpty()
        set_window_size(slave, 100, 30)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(data_dir), "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "PYTHONUTF8": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", LAUNCHER, "0", "0", PACKAGE_ROOT, "module", "tui_tutor", "--lab",
             "--user", user, "--data-dir", str(data_dir)], stdin=slave, stdout=slave, stderr=slave, env=env,
            start_new_session=True)
        os.close(slave)
        self.output = b""

    def expect(self, pattern: bytes, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while pattern not in self.output:
            assert time.monotonic() < deadline, f"no {pattern!r} in {self.output[-800:]!r}"
            self._read(0.1)

    def _read(self, wait: float) -> bool:
        if select.select([self.master], [], [], wait)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the tutor has gone
                return False
            self.output += chunk
            return bool(chunk)
        return False

    def state(self) -> str:
        return Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]

    def finish(self, timeout: float = 5.0) -> int:
        status = self.proc.wait(timeout)
        while self._read(0.1):
            pass
        os.close(self.master)
        return status

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hangup_or_terminate_saves_the_step_reached_and_exits_0_and_ctrl_z_does_not_suspend(tmp_path, sig):
    tutor = PtyTutor(tmp_path)
    try:
        tutor.expect(b"Quit")
        os.write(tutor.master, b"\x1a")  # Ctrl+Z: a key like any other, bound to nothing
        os.killpg(tutor.proc.pid, signal.SIGTSTP)  # and a stray SIGTSTP is ignored
        time.sleep(0.3)
        assert tutor.state() != "T", "the tutor was suspended"
        os.write(tutor.master, b"w")  # it still answers
        tutor.expect(b"Step 1 of")
        os.write(tutor.master, b"nnn")
        tutor.expect(b"Step 4 of")
        started = time.monotonic()
        tutor.proc.send_signal(sig)  # before the app's own 1 s save timer: only the signal saves this
        status = tutor.finish(timeout=10)
        took = time.monotonic() - started
    finally:
        tutor.kill()
    assert status == 0 and took < 3
    assert b"\x1b[?1049l" in tutor.output  # the alternate screen left: the terminal restored
    store, _ = open_store(tmp_path, "alice")
    with store:
        assert store.get_state("last_screen") == "workbench"
        assert json.loads(store.get_state("workbench"))["step"] == 3


async def test_the_lab_app_offers_no_suspend_and_no_screenshot():
    from tui_tutor.app import TutorApp
    from tui_tutor.progress import MemoryStore
    from tui_tutor.tutor.capabilities import Capabilities

    app = TutorApp(lang="en", store=MemoryStore(), capabilities=Capabilities.lab())
    async with app.run_test(size=(100, 30)) as pilot:
        for mode in ("lessons", "workbench", "training", "quiz"):
            app.switch_mode(mode)
            await pilot.pause()
            actions = [b.binding.action for b in app.active_bindings.values()]
            assert not any("suspend" in action for action in actions), (mode, actions)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" in titles and "Screenshot" not in titles
        app.action_suspend_process()  # does nothing (under a real driver it would stop the process)
        await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("via", ["pool", "zygote", "spawn"])
async def test_the_real_tutor_keeps_each_students_progress_apart(make_lab, keys, via):
    from tui_tutor.lab.report import summaries

    lab = await make_lab(tutor_command=[sys.executable, "-m", "tui_tutor"], zygote=via != "spawn",
                         pool=2 if via == "pool" else 0)
    if via == "pool":
        await pool_warm(lab, 2)
    async with connect(lab, "alice", keys["alice"]) as a, connect(lab, "bob", keys["bob"]) as b:
        ta, tb = await Term.open(a, size=(100, 30)), await Term.open(b, size=(100, 30))
        await ta.expect(b"Quit", timeout=30)  # the footer: the first frame is complete
        await tb.expect(b"Quit", timeout=30)
        ta.process.change_terminal_size(80, 20)  # the app repaints at the new size: its last row is 20
        await ta.expect(rb"\x1b\[20;1H", timeout=10)
        ta.send(b"w")  # alice opens the workbench; bob stays on the lessons
        await ta.expect(b"Step 1 of", timeout=10)
        ta.send(b"q")
        tb.send(b"q")
        await ta.rest(timeout=15)
        await tb.rest(timeout=15)
        assert (ta.process.exit_status, tb.process.exit_status) == (0, 0)
    screens = {s["user"]: s["last_screen"] for s in summaries(lab.config.data_dir)}
    assert screens == {"alice": "workbench", "bob": "lessons"}
    started = re.findall(r"start user=\w+ .* via=(\w+)", (lab.config.data_dir / "lab.log").read_text())
    assert started == [via] * 2


async def test_a_dropped_connection_saves_the_real_tutors_progress(make_lab, keys):
    from tui_tutor.lab.report import summaries

    lab = await make_lab(tutor_command=[sys.executable, "-m", "tui_tutor"])
    conn = await connect(lab, "alice", keys["alice"])
    term = await Term.open(conn, size=(100, 30))
    await term.expect(b"Quit", timeout=30)
    term.send(b"w")
    await term.expect(b"Step 1 of", timeout=10)
    conn.abort()  # the lab sends SIGHUP: the tutor saves and leaves
    deadline = time.monotonic() + 10
    while "why=dropped" not in (log := (lab.config.data_dir / "lab.log").read_text()):
        assert time.monotonic() < deadline, log
        await asyncio.sleep(0.1)
    assert {s["user"]: s["last_screen"] for s in summaries(lab.config.data_dir)} == {"alice": "workbench"}
    assert "crash" not in log


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
