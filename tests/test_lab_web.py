"""`lab web` against a hostile page: a real server on 127.0.0.1 and a real WebSocket client (aiohttp's).

Other sites' pages and other Host names are refused, the terminal size is clamped, the number of
tutors is capped, and each tutor runs isolated (-I, from /) with resource limits."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
import aiohttp

from tui_tutor.lab.web_guard import clamp_size, for_log

MAX_SESSIONS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """`tui-tutor lab web` as a subprocess, started from a folder holding a broken numpy.py that is
    also on PYTHONPATH: a tutor that is not isolated would import it and fail."""

    def __init__(self, tmp_path: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tmp_path / "data"
        planted = tmp_path / "planted"
        planted.mkdir()
        (planted / "numpy.py").write_text("raise SystemExit('a planted numpy.py was imported')\n")
        self.log_path = tmp_path / "web.log"
        env = {**os.environ, "PYTHONPATH": str(planted), "COLUMNS": "200"}
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tui_tutor", "lab", "web", "--port", str(self.port),
                 "--data-dir", str(self.data_dir), *extra], cwd=planted, env=env, stdout=log, stderr=log)

    def wait_listening(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert time.monotonic() < deadline and self.proc.poll() is None, self.log()
                time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tutor_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, ValueError):
                continue
            if b"tui_tutor.lab.web_tutor" in cmdline and str(self.data_dir).encode() in cmdline:
                pids.append(int(entry.name))
        return pids

    def wait_idle(self, timeout: float = 10) -> None:
        """Until every tutor started has ended (the server's own count, from its log)."""
        deadline = time.monotonic() + timeout
        while (log := self.log()).count("tutor started") != log.count("tutor ended"):
            assert time.monotonic() < deadline, log
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    web = WebServer(tmp_path_factory.mktemp("web"), "--max-sessions", str(MAX_SESSIONS))
    web.wait_listening()
    yield web
    web.stop()


async def read_until(ws: aiohttp.ClientWebSocketResponse, *needles: bytes, timeout: float = 15) -> bytes:
    """Bytes from the tutor until one of ``needles`` has arrived (fails after ``timeout``)."""
    got = b""
    async with asyncio.timeout(timeout):
        while not any(needle in got for needle in needles):
            message = await ws.receive()
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), (message, got[-500:])
            if message.type == aiohttp.WSMsgType.BINARY:
                got += message.data
    return got


async def ws_status(url: str, headers: dict[str, str], path: str = "/ws") -> int:
    """The HTTP status a WebSocket handshake gets (101: accepted)."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url + path, headers=headers) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as e:
            return e.status


async def raw_handshake_status(port: int, headers: dict[str, str]) -> int:
    """A WebSocket handshake written by hand: aiohttp's client will not send control characters."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = ["GET /ws HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
             *(f"{name}: {value}" for name, value in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    return int(status_line.split()[1])


def test_clamp_size_takes_anything_a_browser_can_send():
    assert clamp_size(10**12, 10**12) == (500, 200)
    assert clamp_size(-3, 0) == (20, 5)
    assert clamp_size("120", "40") == (120, 40)
    assert clamp_size(None, float("inf")) == (80, 24)
    assert clamp_size([1], {"a": 1}) == (80, 24)


def test_client_strings_are_escaped_and_capped_for_the_log():
    assert for_log("evil\u202e\x1b[31mred\x00\\") == "evil\\u202e\\x1b[31mred\\x00\\\\"
    assert for_log("a" * 500, 10) == "aaaaaaaaaa…(+490)"
    assert for_log(None) == "(none)"


async def test_another_origin_or_host_is_refused_with_403_and_logged_escaped(server):
    mine = server.url
    assert await ws_status(mine, {"Origin": "http://evil.example"}) == 403
    assert await ws_status(mine, {"Origin": f"http://127.0.0.1:{server.port + 1}"}) == 403
    assert await ws_status(mine, {}) == 403  # a browser always sends Origin
    # DNS rebinding: the attacker's name resolves to 127.0.0.1, so the page's origin and Host are its own.
    rebound = {"Origin": f"http://evil.example:{server.port}", "Host": f"evil.example:{server.port}"}
    assert await ws_status(mine, rebound) == 403
    assert await ws_status(mine, {"Host": f"evil.example:{server.port}"}, path="/") == 403
    # Control characters never get past aiohttp's parser (400); bidi marks do, in UTF-8.
    hostile = "http://evil.example/\u202eexe.txt\u200f" + "x" * 400
    assert await raw_handshake_status(server.port, {"Origin": hostile, "User-Agent": "ua\u2066!"}) == 403

    deadline = time.monotonic() + 5
    while "\\u202e" not in server.log():
        assert time.monotonic() < deadline, server.log()
        await asyncio.sleep(0.05)
    log = server.log()
    assert "refused GET /ws" in log and "\\u202eexe.txt\\u200f" in log and "ua\\u2066!" in log
    assert not {"\u202e", "\u200f", "\u2066"} & set(log) and "x" * 400 not in log
    assert not server.tutor_pids()


async def test_behind_a_proxy_the_public_url_is_the_origin_and_host_allowed(tmp_path):
    web = WebServer(tmp_path, "--public-url", "https://tutor.example.org")
    try:
        web.wait_listening()
        proxied = {"Host": "tutor.example.org", "Origin": "https://tutor.example.org"}
        assert await ws_status(web.url, proxied) == 101
        assert await ws_status(web.url, {**proxied, "Origin": "http://tutor.example.org"}) == 403
        assert await ws_status(web.url, {**proxied, "Host": "evil.example"}) == 403
        assert await ws_status(web.url, {"Origin": web.url}) == 101  # the address it listens on, directly
    finally:
        web.stop()


async def test_the_page_cannot_be_framed_by_another_site(server):
    async with aiohttp.ClientSession() as session, session.get(server.url + "/") as response:
        assert response.status == 200 and "tui-tutor" in await response.text()
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_its_own_page_gets_an_isolated_limited_tutor_at_a_clamped_size(server):
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{server.url}/ws?width=1000000000&height=-7",
                                      headers={"Origin": server.url}) as ws:
            await read_until(ws, b"Workbench")  # the lessons screen's footer: it drew
            [pid] = server.tutor_pids()
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"COLUMNS=500" in environ and b"ROWS=5" in environ
            limits = Path(f"/proc/{pid}/limits").read_text()
            assert _limit(limits, "Max address space") == 1024 << 20
            assert _limit(limits, "Max file size") == 64 << 20
            assert os.readlink(f"/proc/{pid}/cwd") == "/"
            assert b"-I" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")

            # A resize asks for a screen a billion cells wide: the tutor gets 500×200 and keeps working.
            await ws.send_json(["resize", {"width": 10**9, "height": 10**9}])
            await ws.send_json(["stdin", "w"])
            await read_until(ws, b"Step 1 of")
            rss_kib = int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                               if line.startswith("VmRSS:")))
            assert rss_kib < 400 * 1024
        assert "a planted numpy.py" not in server.log()


def _limit(limits: str, name: str) -> int:
    line = next(line for line in limits.splitlines() if line.startswith(name))
    return int(line[len(name):].split()[0])


async def test_past_the_session_cap_the_next_browser_is_politely_refused(server):
    headers = {"Origin": server.url}
    server.wait_idle()
    async with aiohttp.ClientSession() as session:
        tabs = [await session.ws_connect(server.url + "/ws", headers=headers) for _ in range(MAX_SESSIONS)]
        for ws in tabs:
            await read_until(ws, b"palette")  # any screen's footer: it drew
        async with session.ws_connect(server.url + "/ws", headers=headers) as extra:
            message = await read_until(extra, b"try again")
            assert f"all tutors are in use ({MAX_SESSIONS} at most".encode() in message
        assert len(server.tutor_pids()) == MAX_SESSIONS

        await tabs.pop().close()  # one leaves: the next one gets a tutor
        deadline = time.monotonic() + 10
        while True:
            async with session.ws_connect(server.url + "/ws", headers=headers) as ws:
                if b"all tutors are in use" not in await read_until(ws, b"all tutors are in use", b"palette"):
                    break
            assert time.monotonic() < deadline, "the cap was not freed when a tutor left"
            await asyncio.sleep(0.2)
        for ws in tabs:
            await ws.close()
    assert "refused a tutor" in server.log()


@pytest.mark.parametrize("args, message", [
    (["--host", "0.0.0.0"], "give --public-url"),
    (["--public-url", "ftp://tutor.example.org"], "--public-url must be an http:// or https:// address"),
    (["--port", "0"], "needs a fixed --port"),
    (["--max-sessions", "0"], "expected 1 or more"),
    (["--tutor-memory", "100"], "expected 256 to 1048576 MiB"),
    (["--tutor-file-size", "lots"], "expected a whole number of MiB, not 'lots'"),
])
def test_bad_options_get_one_clear_line_and_no_server(tmp_path, capsys, args, message):
    from tui_tutor.cli import main

    try:
        status = main(["lab", "web", "--data-dir", str(tmp_path), *args])
    except SystemExit as e:  # argparse's own refusals
        status = e.code
    err = capsys.readouterr().err
    assert status == 2 and message in err and "Traceback" not in err
