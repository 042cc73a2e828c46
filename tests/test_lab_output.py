"""The output path: a tutor's frame reaches the client in as few SSH packets as it can.

A pty gives the server at most 4095 bytes a read, so a 48 kB frame written at
once comes out of it in a dozen reads; the server sends them as one write (two
packets of at most 32 KiB) instead of a dozen. A real server on 127.0.0.1, a real
asyncssh client counting the data packets it receives, and a small tutor that
paints such a frame on a key.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import connect

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab

FRAME = 48000  # not a multiple of 4095: the frame's last read is a short one
PAINTER = f"""
import os, sys, tty
tty.setraw(0)
os.write(1, b"READY\\r\\n")
while True:
    key = os.read(0, 16)
    if not key or b"q" in key:
        sys.exit(0)
    if b"z" in key:  # a last frame of exactly two full reads, and gone
        os.write(1, b"Z" * 8190)
        sys.exit(0)
    if b"b" in key:
        os.write(1, b"\\x1b[H" + b"#" * ({FRAME} - 8) + b"END\\r\\n")
    else:
        os.write(1, b"k")
"""


class Counting(asyncssh.SSHClientSession):
    """Counts the data packets of the channel (asyncssh calls ``data_received`` once a packet)."""

    def __init__(self) -> None:
        self.packets, self.data = 0, b""
        self.changed = asyncio.Event()

    def data_received(self, data: bytes, datatype) -> None:
        self.packets += 1
        self.data += data
        self.changed.set()

    async def until(self, text: bytes, start: int = 0, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while text not in self.data[start:]:
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
async def painter_lab(make_lab):
    return await make_lab(tutor_command=[sys.executable, "-c", PAINTER], zygote=False)


async def open_painter(lab, keys):
    conn = await connect(lab, "alice", keys["alice"])
    chan, session = await conn.create_session(Counting, term_type="xterm-256color", term_size=(100, 32),
                                              encoding=None)
    await session.until(b"READY\r\n")
    return conn, chan, session


async def test_a_large_frame_goes_out_in_a_few_packets(painter_lab, keys):
    conn, chan, session = await open_painter(painter_lab, keys)
    async with conn:
        counts = []
        for _ in range(3):
            before, mark = session.packets, len(session.data)
            chan.write(b"b")
            await session.until(b"END\r\n", start=mark)
            got = session.data[mark:]
            assert len(got) == FRAME and got.endswith(b"END\r\n")  # all of it, in order
            counts.append(session.packets - before)
        # The best of three: a tutor held up mid-frame on a busy machine has what it wrote so far sent after
        # a few milliseconds (one frame in pieces); unheld, every frame takes twelve.
        assert min(counts) <= 3, f"packets for each {FRAME}-byte frame: {counts}"
        chan.write(b"q")


async def test_a_small_reply_is_not_held_back(painter_lab, keys):
    conn, chan, session = await open_painter(painter_lab, keys)
    async with conn:
        loop = asyncio.get_running_loop()
        for n in range(1, 6):
            start = loop.time()
            chan.write(b"x")
            async with asyncio.timeout(5):
                while session.data.count(b"k") < n:
                    session.changed.clear()
                    await session.changed.wait()
            assert loop.time() - start < 1.0
        chan.write(b"q")


async def test_what_is_held_reaches_the_client_before_the_session_ends(painter_lab, keys):
    conn, chan, session = await open_painter(painter_lab, keys)
    async with conn:
        mark = len(session.data)
        chan.write(b"z")
        async with asyncio.timeout(10):
            await chan.wait_closed()
        assert session.data[mark:] == b"Z" * 8190
        assert chan.get_exit_status() == 0
