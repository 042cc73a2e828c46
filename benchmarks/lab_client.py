"""One student of ``lab_sessions.py``: an asyncssh session whose output is time-stamped as it comes,
and what /proc says of a tutor (memory, CPU time) and the lab's log of them."""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from pathlib import Path

import asyncssh

SIZE = (100, 32)
STEPS = 20
SETTLE = 0.15  # seconds of silence that end a repaint
MARKER = b"Quit"


class Client:
    """One student's session: output read in the background, every chunk time-stamped."""

    def __init__(self, name: str, key) -> None:
        self.name, self.key = name, key
        self.output = bytearray()
        self.times: list[float] = []
        self.first_frame = float("nan")
        self.latencies: list[float] = []
        self.changed = asyncio.Event()
        self.marker_at: float | None = None  # when the chunk that completes MARKER came
        self.failed: str | None = None

    async def _pump(self) -> None:
        while chunk := await self.process.stdout.read(65536):
            now = time.perf_counter()
            self.output += chunk
            self.times.append(now)
            if self.marker_at is None and MARKER in self.output[-(len(chunk) + len(MARKER)):]:
                self.marker_at = now
            self.changed.set()

    async def _settled(self, since: int, quiet: float = SETTLE, timeout: float = 60) -> float | None:
        """The time of the last chunk after index ``since``, once output has been quiet for ``quiet``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), quiet)
            except TimeoutError:
                if len(self.times) > since:
                    return self.times[-1]
        return None

    async def run(self, *args) -> None:
        try:
            await self._run(*args)
        except (OSError, asyncssh.Error, TimeoutError) as e:  # the session ended early: reported, not counted
            self.failed = f"{type(e).__name__}: {e}; last output {last_line(self.output)!r}"
            if self.first_frame != self.first_frame:  # nan: it never had one
                self.first_frame = float("inf")  # so the round stops waiting for it

    async def _run(self, port: int, start_gate: asyncio.Event, steps_gate: asyncio.Event | None = None,
                   pace: float = 0.0, log: Path | None = None) -> None:
        await start_gate.wait()
        t0 = time.perf_counter()
        self.conn = await asyncssh.connect("127.0.0.1", port, username=self.name, client_keys=[self.key],
                                           known_hosts=None, config=None, agent_path=None, password_auth=False,
                                           kbdint_auth=False, gss_auth=False)
        self.process = await self.conn.create_process(term_type="xterm-256color", term_size=SIZE, encoding=None)
        self.pump = asyncio.get_running_loop().create_task(self._pump())
        while self.marker_at is None:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 120)
        self.first_frame = self.marker_at - t0
        await self._settled(0, 0.4)
        self.pid = pids(log)[self.name]
        self.cpu_started = cpu_seconds(self.pid)  # its start, and the first frame
        if steps_gate is not None:  # all sessions step together, once all have started
            await steps_gate.wait()
        mark = len(self.times)
        self.process.stdin.write(b"w")
        await self._settled(mark, 0.4)
        before_steps = cpu_seconds(self.pid)
        for _ in range(STEPS):
            if pace:  # a student reads before the next step: about ``pace`` s, jittered so they don't align
                await asyncio.sleep(pace * random.uniform(0.5, 1.5))
            mark, t = len(self.times), time.perf_counter()
            self.process.stdin.write(b"n")
            end = await self._settled(mark, timeout=10)
            if end is not None:
                self.latencies.append(1000 * (end - t))
        self.cpu_step = (cpu_seconds(self.pid) - before_steps) / STEPS

    async def quit(self) -> None:
        self.process.stdin.write(b"q")
        try:
            await asyncio.wait_for(self.process.wait_closed(), 15)
        finally:
            self.conn.close()


def last_line(output: bytes) -> str:
    text = re.sub(rb"\x1b\[[0-?]*[ -/]*[@-~]", b"", bytes(output[-2000:])).decode("utf-8", "replace")
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    return lines[-1][:160] if lines else ""


def memory(pid: int | None) -> tuple[float, float]:
    """(VmHWM, PSS) in MiB; (0, 0) for no process."""
    if pid is None:
        return 0.0, 0.0
    lines = [line.partition(":") for name in ("status", "smaps_rollup")
             for line in Path(f"/proc/{pid}/{name}").read_text().splitlines()]
    fields = {key: value.split()[0] for key, _, value in lines if value.strip()}
    return int(fields["VmHWM"]) / 1024, int(fields["Pss"]) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids(log: Path) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"start user=(\S+) .*? pid=(\d+)", log.read_text())}


def zygote(log: Path) -> tuple[int | None, float]:
    """The zygote's pid and how long it took to load, from the lab's log; (None, 0) without one."""
    match = re.search(r"zygote pid=(\d+) ready in ([\d.]+) s", log.read_text())
    return (int(match.group(1)), float(match.group(2))) if match else (None, 0.0)
