"""The SSH lab under a class: 30 students at once beside one alone.

Method
------
``tui-tutor lab serve`` runs as a subprocess on 127.0.0.1 (a free port, a temporary
data folder, 30 accounts with a key each) with the real tutor. The clients are
asyncssh sessions in this process, each with a 100x32 pty (TERM=xterm-256color).
Every chunk of output a client receives is time-stamped; a response ends at its
last byte (the silent wait that shows it has ended is never counted).

* First frame: from just before the SSH connection is opened to the chunk that
  completes the footer text "Quit" (the last region painted). Login included.
* Key-to-frame: after ``w`` opened the workbench and it settled, 20 presses of ``n``
  (next step), each timed from its write to the last byte of its repaint, the repaint
  ending at SETTLE of silence (the tutor paints a step in a few frames 35-40 ms apart).
* CPU: user + system time of each tutor for its start (to the first frame, settled)
  and per step; the server's own (SSH, pumping bytes) per session over the round.
* Memory: VmHWM (peak resident set) of each tutor process from /proc, read after its
  20 steps; per session = the sum / the number of sessions. Resident pages shared
  between processes count in each; PSS (proportional: shared pages split between
  their users) is shown beside it.

One warm-up session (not counted) runs first, then the one-session baseline, then
30 sessions at once (``--sessions``). By default every login comes at once and every
student steps as fast as the tutor answers: the worst case. ``--stagger S`` spreads
the logins S seconds apart and ``--pace S`` has each student read about S seconds
(±50 %) before each step, as a class would.
A report, not a test: the exit status is 0 unless the lab itself misbehaved.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_tutor.lab.accounts import Accounts

SIZE = (100, 32)
STEPS = 20
SETTLE = 0.15  # seconds of silence that end a repaint
MARKER = b"Quit"
TARGETS = {"memory": 45.0, "first": 0.5, "latency": 100.0}  # MiB, s, ms


def tutor_takes_lab_flags() -> bool:
    from tui_tutor.cli import UsageError, build_parser

    try:
        build_parser().parse_args(["--data-dir", "x", "--user", "y", "--lab"])
    except (UsageError, SystemExit):
        return False
    return True


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

    async def run(self, port: int, start_gate: asyncio.Event, steps_gate: asyncio.Event | None = None,
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


def memory(pid: int) -> tuple[float, float]:
    """(VmHWM, PSS) in MiB."""
    hwm = pss = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return hwm, pss


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids(log: Path) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"start user=(\S+) .*? pid=(\d+)", log.read_text())}


async def round_of(port: int, server_pid: int, data: Path, clients: list[Client], stagger: float,
                   pace: float = 0.0) -> dict:
    gates = [asyncio.Event() for _ in clients]
    steps_gate = asyncio.Event()
    # Flat out, everyone steps together once all have started; at a pace, each goes on alone, as in a class.
    server_cpu = cpu_seconds(server_pid)
    tasks = [asyncio.create_task(c.run(port, g, None if pace else steps_gate, pace, data / "lab.log"))
             for c, g in zip(clients, gates)]
    for g in gates:
        g.set()
        if stagger:
            await asyncio.sleep(stagger)
    while not all(c.first_frame == c.first_frame for c in clients):  # nan until the first frame
        await asyncio.sleep(0.05)
        for t in tasks:
            if t.done() and t.exception():
                raise t.exception()
    await asyncio.sleep(0.5)
    steps_gate.set()
    await asyncio.gather(*tasks)
    server_cpu = cpu_seconds(server_pid) - server_cpu
    mems = [memory(c.pid) for c in clients]
    await asyncio.gather(*(c.quit() for c in clients))
    latencies = sorted(x for c in clients for x in c.latencies)
    return {
        "sessions": len(clients),
        "memory": sum(h for h, _ in mems) / len(mems),
        "pss": sum(p for _, p in mems) / len(mems),
        "first": statistics.median(c.first_frame for c in clients),
        "first_p95": sorted(c.first_frame for c in clients)[round(0.95 * (len(clients) - 1))],
        "latency": latencies[round(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        "latency_median": statistics.median(latencies) if latencies else float("nan"),
        "silent": len(clients) * STEPS - len(latencies),
        "cpu_start": statistics.median(c.cpu_started for c in clients),
        "cpu_step": 1000 * statistics.median(c.cpu_step for c in clients),
        "cpu_server": 1000 * server_cpu / len(clients),
    }


def table(one: dict, many: dict) -> str:
    n = many["sessions"]
    rows = [
        ("memory per session (VmHWM)", "memory", "MiB", "{:.1f}", TARGETS["memory"]),
        ("  PSS per session (shared split)", "pss", "MiB", "{:.1f}", None),
        ("first frame, median", "first", "s", "{:.2f}", TARGETS["first"]),
        ("  first frame, p95", "first_p95", "s", "{:.2f}", None),
        ("key-to-frame (n), p95", "latency", "ms", "{:.0f}", TARGETS["latency"]),
        ("  key-to-frame (n), median", "latency_median", "ms", "{:.0f}", None),
        ("CPU: a tutor's start, median", "cpu_start", "s", "{:.2f}", None),
        ("CPU: a tutor's step (n), median", "cpu_step", "ms", "{:.0f}", None),
        ("CPU: the server, per session", "cpu_server", "ms", "{:.0f}", None),
    ]
    out = [f"{'metric':<34}{'1 session':>12}{f'{n} sessions':>14}{'ratio':>8}{'target':>12}  result"]
    for label, key, unit, fmt, target in rows:
        a, b = one[key], many[key]
        verdict = "" if target is None else ("PASS" if b <= target else "FAIL")
        target_s = "" if target is None else f"≤ {target:g} {unit}"
        out.append(f"{label:<34}{fmt.format(a) + ' ' + unit:>12}{fmt.format(b) + ' ' + unit:>14}"
                   f"{b / a if a else float('nan'):>7.2f}×{target_s:>12}  {verdict}")
    if one["silent"] or many["silent"]:
        out.append(f"(steps with no repaint seen: {one['silent']} alone, {many['silent']} together)")
    return "\n".join(out)


async def main(sessions: int, stagger: float, pace: float) -> int:
    if not tutor_takes_lab_flags():
        print("lab_sessions: skipped: the tutor does not take --data-dir/--user/--lab yet")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        keys = {f"s{i:02d}": asyncssh.generate_private_key("ssh-ed25519") for i in range(sessions + 2)}
        with Accounts(data).editing() as accounts:
            for name, key in keys.items():
                accounts.account(name, create=True).add_keys([key.convert_to_public()])
        argv = [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", "0", "--data-dir", str(data),
                "--max-sessions", str(sessions + 2)]
        server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,  # noqa: ASYNC220
                                  cwd=ROOT)  # once, before anything is timed
        try:
            port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
            names = list(keys)
            print(f"lab on port {port}; {SIZE[0]}x{SIZE[1]}; warming up …", flush=True)
            await round_of(port, server.pid, data, [Client(names[0], keys[names[0]])], 0)
            print("one session …", flush=True)
            one = await round_of(port, server.pid, data, [Client(names[1], keys[names[1]])], 0, pace)
            how = [f"a login every {stagger:g} s"] * bool(stagger) + [f"a step every ~{pace:g} s"] * bool(pace)
            print(f"{sessions} sessions at once{' (' + ', '.join(how) + ')' if how else ''} …", flush=True)
            many = await round_of(port, server.pid, data, [Client(n, keys[n]) for n in names[2:]], stagger, pace)
            print()
            print(table(one, many))
        finally:
            server.send_signal(signal.SIGTERM)
            status = server.wait(30)
        print(f"\nserver stopped with status {status}")
        return 0 if status == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between two logins (default 0)")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds a student waits between steps, ±50%% (default 0: as fast as the tutor answers)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.sessions, args.stagger, args.pace)))
