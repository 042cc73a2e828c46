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
  tutor plus the zygote's and the pool's idle tutors', / sessions: what they cost
  together, shared fairly.
  VmHWM (a tutor's peak resident set) is beside it, but counts every page a tutor
  shares with the zygote and the others in full, in each: it stays near one whole
  tutor however much is shared, so it is no measure of memory per session.

The class list is the round's 30 students. A warm-up session (not counted), the
one-session baseline (median of ``--alone`` runs, one after another), both by the
first students of the list, whose progress is then forgotten; then 30 at once
(``--sessions``), by default all logging in at once and stepping as fast as the tutor
answers: the worst case. ``--stagger S`` spreads the logins S seconds apart, ``--pace
S`` has each student read about S s (±50 %) before each step, as a class would.
Before each round the script waits until the lab's pool of ready tutors is full
(``--pool N``: the lab's option; 0, no pool, as before the lab had one).
``--no-zygote``: every tutor spawned from nothing, as before the lab had a zygote.

In the round of 30, an instructor logs in too (a 120x40 pty), filters the class
board to the first student and looks over their shoulder (Enter) before the steps
begin, until the round ends: that student's key-to-frame p95 is printed beside the
others' (target: within 10 %). ``--no-watch`` leaves the instructor out.
A report, not a test: the exit status is 0 unless the lab itself misbehaved.
The table, its targets and their verdicts are ``lab_report.py``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab_client import SIZE, STEPS, Client, cpu_seconds, last_line, memory, zygote
from lab_report import median_of, p95, table

from tui_tutor.lab.accounts import Accounts
from tui_tutor.progress import open_store


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
    # A pooled tutor's CPU time before its login was spent getting ready, when the lab was idle.
    before = {pid: cpu_seconds(pid) for pid in pooled(zygote(data / "lab.log")[0])}
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
    for c in clients:
        c.cpu_started -= before.get(c.pid, 0.0)
    mems = [memory(c.pid) for c in clients]
    zygote_pid = zygote(data / "lab.log")[0]
    zygote_pss = memory(zygote_pid)[1]
    pool_pss = sum(memory(pid)[1] for pid in pooled(zygote_pid))
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
        "memory": (sum(p for _, p in mems) + zygote_pss + pool_pss) / len(mems),
        "pool_pss": pool_pss,
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


def pooled(zygote_pid: int | None) -> list[int]:
    """The zygote's children still waiting in its pool (ps shows them as tutor-pool)."""
    found = []
    for entry in Path("/proc").iterdir() if zygote_pid else ():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if "(tutor-pool)" in stat and int(stat.rsplit(")", 1)[1].split()[1]) == zygote_pid:
            found.append(int(entry.name))
    return found


async def pool_ready(log: Path, timeout: float = 180.0) -> float:
    """Waits until the lab says its pool is full (it warms one tutor at a time when idle); the seconds it took."""
    started = asyncio.get_running_loop().time()
    while True:
        text = log.read_text()
        size = re.search(r"pool: (\d+) tutors? kept ready", text)
        said = re.findall(r"pool: (\d+) tutors? ready", text)
        if size is None or int(size.group(1)) == 0 or (said and said[-1] == size.group(1)):
            return asyncio.get_running_loop().time() - started
        if asyncio.get_running_loop().time() - started > timeout:
            raise SystemExit(f"lab_sessions: the pool was not full after {timeout:g} s")
        await asyncio.sleep(0.2)


async def main(sessions: int, stagger: float, pace: float, alone: int, use_zygote: bool, watch: bool,
               pool: int | None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        # The class list is the round's students; the warm-up and the sessions alone are the first of them,
        # whose progress is forgotten before the round, so that the round is a class of new learners.
        keys = {f"s{i:02d}": asyncssh.generate_private_key("ssh-ed25519") for i in range(sessions)}
        with Accounts(data).editing() as accounts:
            for name, key in keys.items():
                accounts.account(name, create=True).add_keys([key.convert_to_public()])
            instructor_key = asyncssh.generate_private_key("ssh-ed25519")
            teach = accounts.account("teach", create=True)
            teach.add_keys([instructor_key.convert_to_public()])
            teach.role = "instructor"
        argv = [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", "0", "--data-dir", str(data),
                "--max-sessions", str(sessions + 3)] + ["--no-zygote"] * (not use_zygote) \
            + ["--pool", str(pool)] * (pool is not None)
        server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,  # noqa: ASYNC220
                                  cwd=ROOT)  # once, before anything is timed
        try:
            port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
            names = list(keys)
            log = data / "lab.log"
            print(f"lab on port {port}; {SIZE[0]}x{SIZE[1]}; {'zygote' if use_zygote else 'no zygote'}; "
                  f"warming up …", flush=True)
            await round_of(port, server.pid, data, [Client(names[0], keys[names[0]])], 0)
            size = re.search(r"pool: (\d+) tutors? kept ready", log.read_text())
            print(f"the pool: {size.group(1) if size else 0} tutors; filled in {await pool_ready(log):.1f} s "
                  f"after the warm-up", flush=True)
            print(f"one session, {alone} time{'s' if alone != 1 else ''} …", flush=True)
            one = []
            for n in names[1:alone + 1]:
                await pool_ready(log)  # each login alone, as the first of a class would find the lab
                one.append(await round_of(port, server.pid, data, [Client(n, keys[n])], 0, pace))
            one = median_of(one)
            for name in names[:alone + 1]:
                store, _ = open_store(data, name)
                store.reset()
                store.close()
            await pool_ready(log)
            how = [f"a login every {stagger:g} s"] * bool(stagger) + [f"a step every ~{pace:g} s"] * bool(pace)
            print(f"{sessions} sessions at once{' (' + ', '.join(how) + ')' if how else ''} …", flush=True)
            many = await round_of(port, server.pid, data, [Client(n, keys[n]) for n in names],
                                  stagger, pace, instructor_key if watch else None)
            print()
            print(table(one, many, "arriving" if stagger else "at once"))
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
    parser.add_argument("--pool", type=int, default=None,
                        help="the lab's --pool (default: its own default; 0: no pool, as before it had one)")
    parser.add_argument("--no-watch", dest="watch", action="store_false",
                        help="no instructor looking over a student's shoulder in the round of many")
    args = parser.parse_args()
    if args.alone < 1 or args.sessions <= args.alone:
        parser.error("--alone needs 1 or more, and --sessions more than --alone")
    sys.exit(asyncio.run(main(args.sessions, args.stagger, args.pace, args.alone, args.zygote, args.watch, args.pool)))
