"""A lab session's capabilities, seen from a real SSH client: a student saves and loads networks
by name in their own progress, and cannot make the server create or read a file."""

from __future__ import annotations

import asyncio
import os
import tempfile
import re
import shutil
import sys
from pathlib import Path

import pytest

from tui_tutor.app import TutorApp
from tui_tutor.progress import MemoryStore, open_store
from tui_tutor.tutor.capabilities import Capabilities

pytest.importorskip("asyncssh")
pytest_plugins = ["lab_support"]  # the make_lab and keys fixtures


def shown(screen: bytes) -> str:
    """The text a terminal would show, without its escape sequences (for a failure's message)."""
    return re.sub(rb"\x1b\[[0-9;?<>]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]", b" ", screen).decode(errors="replace")


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


async def test_in_a_lab_session_ctrl_s_and_ctrl_o_use_named_slots_and_no_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = MemoryStore()
    app = TutorApp(lang="en", start="workbench", store=store, capabilities=Capabilities.lab())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "backspace", *"5", "enter", "ctrl+s")
        await pilot.pause()
        prompt = str(app.screen.query_one("Label").render())
        assert "name" in prompt and "file" not in prompt.lower()
        await pilot.press("ctrl+a", "ctrl+k", *"../../../tmp/evil.json", "enter")
        await pilot.pause()
        assert store.network_names() == ["../../../tmp/evil.json"]
        saved = app.workbench.setup.network
        await pilot.press("r", "ctrl+o")  # reset, then load it back by name
        await pilot.pause()
        await pilot.press("enter")  # the prompt offers the name saved last
        await pilot.pause()
        assert app.workbench.setup.network.same_as(saved)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "suspend_process" not in actions
        assert "Screenshot" not in [c.title for c in app.get_system_commands(app.screen)]
        assert not app.check_action("screenshot", ()) and not app.check_action("suspend_process", ())
    assert files_under(tmp_path) == set() and not Path("/tmp/evil.json").exists()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
async def test_over_openssh_a_student_cannot_make_the_server_write_or_read_a_file(make_lab, keys, tmp_path):
    lab = await make_lab(tutor_command=[sys.executable, "-m", "tui_tutor"])
    before = files_under(tmp_path)
    key_file = tmp_path.parent / f"{tmp_path.name}-id_alice"
    key_file.write_bytes(keys["alice"].export_private_key())
    key_file.chmod(0o600)
    target = Path(tempfile.gettempdir()) / f"tt-{os.getpid()}.json"  # short: a slot's name has 60 characters
    proc = await asyncio.create_subprocess_exec(
        "ssh", "-F", "/dev/null", "-p", str(lab.port), "-i", str(key_file), "-tt", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", "alice@127.0.0.1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TERM": "xterm-256color", "LANG": "en_GB.UTF-8"})
    screen = b""

    async def until(text: bytes, timeout: float = 30) -> None:
        nonlocal screen
        try:
            async with asyncio.timeout(timeout):
                while text not in screen:
                    chunk = await proc.stdout.read(65536)
                    assert chunk, screen[-2000:]
                    screen += chunk
        except TimeoutError:
            saved = open_store(tmp_path, "alice")[0].network_names()
            raise AssertionError(f"no {text!r} on the screen ({saved}): {shown(screen[-3000:])}") from None

    async def keys_in(data: bytes) -> None:
        proc.stdin.write(data)
        await proc.stdin.drain()
        await asyncio.sleep(0.4)

    await until(b"Quit")
    await keys_in(b"w")
    await until(b"Step 1 of")
    await keys_in(b"\x13")  # ctrl+s
    await until(b"under a name")
    await asyncio.sleep(1)  # the prompt's field takes the focus once it is mounted
    await keys_in(b"\x15")  # ctrl+u clears the field (alone: Textual runs its action after keys that follow it)
    await keys_in(str(target).encode() + b"\r")  # a path, as the name
    await until(b"Saved in")
    await keys_in(b"\x0f")  # ctrl+o
    await until(b"Load the network saved under the name")
    await asyncio.sleep(1)
    await keys_in(b"\x15")
    await keys_in(b"/etc/passwd\r")
    await until(b"No network")
    await keys_in(b"q")
    async with asyncio.timeout(20):
        await proc.stdout.read()
        assert await proc.wait() == 0
    assert not target.exists()
    store, _ = open_store(tmp_path, "alice")
    assert store.network_names() == [str(target)]
    created = files_under(tmp_path) - before
    assert created <= {"progress.sqlite3", "progress.sqlite3-wal", "progress.sqlite3-shm"}, created
    assert b"root:" not in screen
