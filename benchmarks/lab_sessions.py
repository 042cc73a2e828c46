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
* CPU: user + system time of each tutor for its start (to the first frame, settled;
  a forked tutor's from the fork: the zygote's loading, once, is printed apart) and
  per step; the server's own (SSH, pumping bytes) per session over the round.
* Memory, from /proc after the 20 steps, every session of the round still open: per
  session = the PSS (each page divided among the processes that map it) of every
  tutor plus the zygote's, / sessions: what they cost together, shared fairly.
  VmHWM (a tutor's peak resident set) is beside it, but counts every page a tutor
  shares with the zygote and the others in full, in each: it stays near one whole
  tutor however much is shared, so it is no measure of memory per session.

A warm-up session (not counted), the one-session baseline (median of ``--alone``
runs, one after another), then 30 at once (``--sessions``), by default all logging
in at once and stepping as fast as the tutor answers: the worst case. ``--stagger S``
spreads the logins S seconds apart, ``--pace S`` has each student read about S s
(±50 %) before each step, as a class would. ``--no-zygote``: every tutor spawned
from nothing, as the lab did before it had a zygote.

In the round of 30, an instructor logs in too (a 120x40 pty), filters the class
board to the first student and looks over their shoulder (Enter) before the steps
begin, until the round ends: that student's key-to-frame p95 is printed beside the
others' (target: within 10 %). ``--no-watch`` leaves the instructor out.
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


async def look_over(port: int, key, student: str) -> Client:
    """The instructor: logs in to the board, filters it to ``student``, looks at their screen."""
    c = Client("teach", key)
    c.conn = await asyncssh.connect("127.0.0.1", port, username=c.name, client_keys=[key], known_hosts=None,
                                    config=None, agent_path=None, password_auth=False, kbdint_auth=False,
                                    gss_auth=False)
    c.process = await c.conn.create_process(term_type="xterm-256color", term_size=(120, 40), encoding=None)
    c.pump = asyncio.get_running_loop().create_task(c._pump())

    async def shown(text: bytes, since: int = 0) -> None:
        async with asyncio.timeout(60):
            while text not in c.output[since:]:
                c.changed.clear()
                await c.changed.wait()

    await shown(student.encode())  # on the board
    mark = len(c.output)
    for keys, wait in ((b"/", 1.0), (student.encode(), 0.5), (b"\r", 1.5), (b"\r", 0)):  # as a person types
        c.process.stdin.write(keys)
        await asyncio.sleep(wait)
    try:
        await shown(b"your instructor is viewing", mark)
    except TimeoutError:
        raise SystemExit(f"lab_sessions: the instructor could not look at {student}'s screen; the board "
                         f"shows {last_line(c.output)!r}") from None
    return c


async def round_of(port: int, server_pid: int, data: Path, clients: list[Client], stagger: float,
                   pace: float = 0.0, instructor_key=None) -> dict:
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
    watched_name = clients[0].name
    watcher = await look_over(port, instructor_key, watched_name) if instructor_key is not None else None
    steps_gate.set()
    await asyncio.gather(*tasks)
    server_cpu = cpu_seconds(server_pid) - server_cpu
    failed = [c for c in clients if c.failed]
    for c in failed:
        print(f"  {c.name}: ended early ({c.failed})", flush=True)
    clients = [c for c in clients if not c.failed]
    if not clients:
        raise SystemExit("lab_sessions: every session of the round ended early")
    mems = [memory(c.pid) for c in clients]
    zygote_pss = memory(zygote(data / "lab.log")[0])[1]
    await asyncio.gather(*(c.quit() for c in clients), return_exceptions=True)
    latencies = sorted(x for c in clients for x in c.latencies)
    watched = {}
    if watcher is not None:
        watcher.process.stdin.write(b"\x1bq")  # back to the board, and out
        watcher.conn.close()
        seen = sorted(x for c in clients if c.name == watched_name for x in c.latencies)
        others = sorted(x for c in clients if c.name != watched_name for x in c.latencies)
        watched = {"watched": p95(seen), "others": p95(others)}
    return {**watched,
        "sessions": len(clients),
        "failed": len(failed),
        "memory": (sum(p for _, p in mems) + zygote_pss) / len(mems),
        "pss": statistics.median(p for _, p in mems),
        "hwm": statistics.median(h for h, _ in mems),
        "zygote_pss": zygote_pss,
        "first": statistics.median(c.first_frame for c in clients),
        "first_p95": sorted(c.first_frame for c in clients)[round(0.95 * (len(clients) - 1))],
        "latency": latencies[round(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        "latency_median": statistics.median(latencies) if latencies else float("nan"),
        "silent": len(clients) * STEPS - len(latencies),
        "cpu_start": statistics.median(c.cpu_started for c in clients),
        "cpu_step": 1000 * statistics.median(c.cpu_step for c in clients),
        "cpu_server": 1000 * server_cpu / len(clients),
    }


def p95(values: list[float]) -> float:
    return values[round(0.95 * (len(values) - 1))] if values else float("nan")


def table(one: dict, many: dict) -> str:
    n = many["sessions"]
    rows = [
        ("memory per session: PSS, zygote's included", "memory", "MiB", "{:.1f}", TARGETS["memory"]),
        ("  PSS of a tutor, median", "pss", "MiB", "{:.1f}", None),
        ("  PSS of the zygote", "zygote_pss", "MiB", "{:.1f}", None),
        ("  VmHWM of a tutor, median (shared counted whole)", "hwm", "MiB", "{:.1f}", None),
        ("first frame, median", "first", "s", "{:.2f}", TARGETS["first"]),
        ("  first frame, p95", "first_p95", "s", "{:.2f}", None),
        ("key-to-frame (n), p95", "latency", "ms", "{:.0f}", TARGETS["latency"]),
        ("  key-to-frame (n), median", "latency_median", "ms", "{:.0f}", None),
        ("CPU: a tutor's start, median", "cpu_start", "s", "{:.2f}", None),
        ("CPU: a tutor's step (n), median", "cpu_step", "ms", "{:.0f}", None),
        ("CPU: the server, per session", "cpu_server", "ms", "{:.0f}", None),
    ]
    out = [f"{'metric':<50}{'1 session':>12}{f'{n} sessions':>14}{'ratio':>8}{'target':>12}  result"]
    for label, key, unit, fmt, target in rows:
        a, b = one[key], many[key]
        verdict = "" if target is None else ("PASS" if b <= target else "FAIL")
        target_s = "" if target is None else f"≤ {target:g} {unit}"
        out.append(f"{label:<50}{fmt.format(a) + ' ' + unit:>12}{fmt.format(b) + ' ' + unit:>14}"
                   f"{b / a if a else float('nan'):>7.2f}×{target_s:>12}  {verdict}")
    if "watched" in many:
        ratio = many["watched"] / many["others"] if many["others"] else float("nan")
        out.append(f"key-to-frame (n), p95 of the student the instructor watched: {many['watched']:.0f} ms, "
                   f"of the others: {many['others']:.0f} ms; ratio {ratio:.2f} (target ≤ 1.10: "
                   f"{'PASS' if ratio <= 1.10 else 'FAIL'})")
    if one["silent"] or many["silent"]:
        out.append(f"(steps with no repaint seen: {one['silent']} alone, {many['silent']} together)")
    if one["failed"] or many["failed"]:
        out.append(f"(sessions that ended early, not counted: {one['failed']} alone, {many['failed']} together)")
    return "\n".join(out)


def median_of(rounds: list[dict]) -> dict:
    """Each figure's median over rounds of one session (one alone is a small, noisy sample)."""
    return {key: statistics.median(r[key] for r in rounds) if key != "failed" else sum(r[key] for r in rounds)
            for key in rounds[0]}


async def main(sessions: int, stagger: float, pace: float, alone: int, use_zygote: bool, watch: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        keys = {f"s{i:02d}": asyncssh.generate_private_key("ssh-ed25519") for i in range(sessions + alone + 1)}
        with Accounts(data).editing() as accounts:
            for name, key in keys.items():
                accounts.account(name, create=True).add_keys([key.convert_to_public()])
            instructor_key = asyncssh.generate_private_key("ssh-ed25519")
            teach = accounts.account("teach", create=True)
            teach.add_keys([instructor_key.convert_to_public()])
            teach.role = "instructor"
        argv = [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", "0", "--data-dir", str(data),
                "--max-sessions", str(sessions + 3)] + ["--no-zygote"] * (not use_zygote)
        server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,  # noqa: ASYNC220
                                  cwd=ROOT)  # once, before anything is timed
        try:
            port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
            names = list(keys)
            print(f"lab on port {port}; {SIZE[0]}x{SIZE[1]}; {'zygote' if use_zygote else 'no zygote'}; "
                  f"warming up …", flush=True)
            await round_of(port, server.pid, data, [Client(names[0], keys[names[0]])], 0)
            print(f"one session, {alone} time{'s' if alone != 1 else ''} …", flush=True)
            one = median_of([await round_of(port, server.pid, data, [Client(n, keys[n])], 0, pace)
                             for n in names[1:alone + 1]])
            how = [f"a login every {stagger:g} s"] * bool(stagger) + [f"a step every ~{pace:g} s"] * bool(pace)
            print(f"{sessions} sessions at once{' (' + ', '.join(how) + ')' if how else ''} …", flush=True)
            many = await round_of(port, server.pid, data, [Client(n, keys[n]) for n in names[alone + 1:]],
                                  stagger, pace, instructor_key if watch else None)
            print()
            print(table(one, many))
            pid, seconds = zygote(data / "lab.log")
            if pid:
                print(f"(the zygote loaded the tutor once, in {seconds:.2f} s, when the server started)")
        finally:
            server.send_signal(signal.SIGTERM)
            status = server.wait(30)
        print(f"\nserver stopped with status {status}")
        return 0 if status == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--alone", type=int, default=3, help="runs of one session for the baseline (default 3)")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between two logins (default 0)")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds a student waits between steps, ±50%% (default 0: as fast as the tutor answers)")
    parser.add_argument("--no-zygote", dest="zygote", action="store_false",
                        help="serve without the zygote: every tutor spawned from nothing")
    parser.add_argument("--no-watch", dest="watch", action="store_false",
                        help="no instructor looking over a student's shoulder in the round of many")
    args = parser.parse_args()
    if args.sessions < 1 or args.alone < 1:
        parser.error("--sessions and --alone need 1 or more")
    sys.exit(asyncio.run(main(args.sessions, args.stagger, args.pace, args.alone, args.zygote, args.watch)))
