"""One student of `benchmarks/lab_cluster.py`: logs in through the balancer, steps the workbench,
answers quiz questions, and comes back when their server dies (kept apart for the script's size)."""

from __future__ import annotations

import asyncio
import re
import time

import asyncssh
import pyte

SIZE, SETTLE = (100, 32), 0.15
STEP = re.compile(rb"Step (\d+) of")
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def last_step(output: bytes) -> int:
    """The step the workbench shows last in ``output`` (its number may be painted apart from its words)."""
    return int(STEP.findall(ESCAPES.sub(b"", output))[-1])


class Screen:
    """What the student's terminal shows: their output played into a terminal emulator (fed as it is read)."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(*SIZE)
        self.stream, self.fed = pyte.ByteStream(self.screen), 0

    def catch_up(self, output: bytearray) -> None:
        self.stream.feed(bytes(output[self.fed:]))
        self.fed = len(output)

    def step(self, output: bytearray) -> int | None:
        """The "Step N of" on the screen now; None if none is (a repaint half-way, another screen)."""
        self.catch_up(output)
        found = STEP.findall("\n".join(self.screen.display).encode())
        return int(found[-1]) if found else None


class Student:
    def __init__(self, n: int, key) -> None:
        self.name, self.key, self.addr = f"s{n:02d}", key, f"127.0.1.{n + 1}"
        self.output, self.times, self.changed = bytearray(), [], asyncio.Event()
        self.first_frame, self.latencies, self.acked, self.step_seen = float("nan"), [], 0, None
        self.reconnected, self.step_after, self.failed = False, None, None
        self.stepping, self.interrupted, self.killed_at = False, False, None  # killed_at: the run's kill time
        self.doing = "logging in"  # what the student was doing, for a failure's message

    async def _pump(self, process) -> None:
        try:
            while chunk := await process.stdout.read(65536):
                self.output += chunk
                self.times.append(time.perf_counter())
                self.changed.set()
        except (OSError, asyncssh.Error):
            pass  # the server went away: come_back() sees the session closed

    async def settled(self, since: int, quiet: float = SETTLE, timeout: float = 30) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.pump.done():  # the session ended: no repaint will come
                raise ConnectionResetError("the session ended")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), quiet)
            except TimeoutError:
                if len(self.times) > since:
                    return self.times[-1]
        return None

    async def wait_for(self, patterns: tuple[bytes, ...], since: int, timeout: float = 120) -> None:
        async with asyncio.timeout(timeout):
            while not any(p in self.output[since:] for p in patterns):
                if getattr(self, "pump", None) is not None and self.pump.done():
                    raise ConnectionResetError("the session ended")
                self.changed.clear()
                await _wait(self.changed, 1)

    async def login(self, port: int) -> None:
        """The same command as the first time: ssh through the balancer, a pty, the first frame."""
        t0 = time.perf_counter()
        self.conn = await asyncssh.connect("127.0.0.1", port, username=self.name, client_keys=[self.key],
                                           local_addr=(self.addr, 0), known_hosts=None, config=None,
                                           agent_path=None, password_auth=False, kbdint_auth=False, gss_auth=False)
        self.output.clear()
        self.times.clear()
        self.shown = Screen()
        self.process = await self.conn.create_process(term_type="xterm-256color", term_size=SIZE, encoding=None)
        self.pump = asyncio.get_running_loop().create_task(self._pump(self.process))
        await self.wait_for((b"Quit", b"Score"), 0)  # the footer, or the quiz's score (its footer is full)
        return time.perf_counter() - t0

    def send(self, keys: bytes) -> int:
        mark = len(self.times)
        self.process.stdin.write(keys)
        return mark

    async def shown_step(self, rows: int) -> int:
        """The step the workbench shows. A step repaints only the cells that changed ("Step 10" to
        "Step 11" is one digit): a resize repaints the whole screen, where the step can be read."""
        for attempt in range(3):  # a repaint cut short by the next one may show no whole "Step N of"
            before = len(self.output)
            self.shown.catch_up(self.output)  # what came before was painted at the old size
            self.shown.screen.resize(rows + attempt % 2, SIZE[0])
            self.process.change_terminal_size(SIZE[0], rows + attempt % 2)
            await self.wait_for((b"Step",), before, timeout=30)
            await self.settled(len(self.times) - 1, 0.4)
            try:
                return last_step(bytes(self.output[before:]))
            except IndexError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def work(self, port: int, steps: int, answers: int) -> None:
        try:
            self.first_frame = await self.login(port)
            await self.settled(0, 0.4)
            await self.settled(self.send(b"w"), 0.4)
            self.doing = "opening the workbench"
            self.step_seen = await self.shown_step(SIZE[1] + 1)
            self.stepping, self.doing = True, "stepping"
            for _ in range(steps):
                t, mark = time.perf_counter(), self.send(b"n")
                end = await self.settled(mark)
                if end is not None:  # its repaint was seen: the step now on the student's screen
                    self.latencies.append(1000 * (end - t))
                    self.step_seen = self.shown.step(self.output) or self.step_seen
            self.doing = "reading the step after stepping"
            self.step_seen = await self.shown_step(SIZE[1])
            self.doing = "answering"
            await self.settled(self.send(b"z"), 0.4)
            for _ in range(answers):
                before = len(self.output)
                self.send(b"1\r")
                try:  # the verdict; none in 6 s: "1" was no valid answer to this question
                    await self.wait_for((b"The answer",), before, timeout=6)
                except TimeoutError:
                    pass
                await self.settled(len(self.times) - 1, 0.3)
                if b"The answer" in self.output[before:]:
                    self.acked += 1
                    await self.settled(self.send(b"\r"), 0.3)  # on to the next question
                else:  # "1" is no answer to this one: leave the field, next question, back in the field
                    await self.settled(self.send(b"\x1bna"), 0.3)
        except (OSError, asyncssh.Error, TimeoutError, IndexError) as e:
            conn = getattr(self, "conn", None)
            if self.killed_at is not None and (conn is None or conn.is_closed()):
                self.interrupted = True  # its server was killed under it
            else:
                self.failed = f"{type(e).__name__} while {self.doing}: {e}"
        if self.killed_at is not None and not self.interrupted and getattr(self, "conn", None) is not None \
                and self.conn.is_closed():
            self.interrupted = True  # cut off between two keys (settled() saw silence, not the end)

    async def come_back(self, port: int) -> None:
        """After the kill: if the session died, the same command again, to its first frame."""
        try:
            process = getattr(self, "process", None)
            if process is None or process.is_closing() or self.conn.is_closed() or process.exit_status is not None:
                self.reconnected = True
                await self.login(port)
                await self.settled(0, 0.4)
        except (OSError, asyncssh.Error, TimeoutError) as e:
            self.failed = f"could not log in again: {type(e).__name__}: {e}"


async def _wait(event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        pass
