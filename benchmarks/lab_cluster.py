"""Two lab servers behind HAProxy, one PostgreSQL: a class logs in, one server is killed, nothing is lost.

Method
------
A throwaway PostgreSQL (``tests/postgres_cluster.py``: initdb in a temporary folder, a Unix
socket), the class list in it (``--students`` accounts with a key each), one shared host key
file, two ``tui-tutor lab serve --proxy-protocol --database-url … --host-key …`` processes
with the real tutor, and HAProxy in front on 127.0.0.1 (TCP mode, ``balance leastconn``,
``send-proxy-v2``, health checks every second; the servers see HAProxy come from 127.0.0.2).
Each student is an asyncssh client from an address of their own (127.0.1.N) with a 100x32 pty:

1. logs in through HAProxy: first frame = from the connection to the footer's "Quit";
2. opens the workbench (``w``) and steps it ``--steps`` times (``n``): key-to-frame = from a
   key's write to the last byte of its repaint (ended by 0.15 s of silence);
3. opens the quiz (``z``) and answers ``--answers`` questions with "1"; an answer is
   acknowledged when the tutor shows its verdict ("The answer: …"), and counted then.

While the class works (once ``--kill-at`` of the students have begun stepping: some still
logging in, some stepping, some answering), the server with the most sessions is killed:
``--kill machine`` (the default) stops it and every process under it, the tutors too, at once
(SIGSTOP, then SIGKILL), as when its machine dies; ``--kill server`` SIGKILLs the server's
process group only, so its tutors see the hangup and save on their way out. Its students run
the same command again once their own work is cut off: HAProxy sends them to the other server,
and they must get their first frame there. The database must then hold, for every student,
every answer they saw acknowledged (its verdict shown) and the workbench at least at the step they last
saw: the "Step N of" on their screen (their output played into a terminal emulator) after each key's repaint. Finally
the servers' logs must show each student's own address (127.0.1.N), never HAProxy's. Needs PostgreSQL's server programs
and HAProxy (``apt-get install postgresql haproxy``). A report; the exit status is 0 only if
nothing was lost, every address was right and no student's run failed (a client timing out under
load is reported apart from a loss).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from postgres_cluster import Cluster, find_binaries  # noqa: E402

from tui_tutor.lab.accounts_db import DatabaseAccounts  # noqa: E402
from tui_tutor.progress.postgres import PostgresStore, connect  # noqa: E402

from cluster_student import Student  # noqa: E402  (beside this script)

HAPROXY = """global
    maxconn 1000
defaults
    mode tcp
    timeout connect 2s
    timeout client 10m
    timeout server 10m
    retries 3
    option redispatch
frontend ssh_in
    bind 127.0.0.1:{front}
    default_backend lab
backend lab
    balance leastconn
    option tcp-check
    tcp-check expect rstring ^SSH-2\\.0-
    default-server check check-send-proxy inter 1s fall 1 rise 1 send-proxy-v2 source 127.0.0.2
    server lab1 127.0.0.1:{port1}
    server lab2 127.0.0.1:{port2}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values or [float("nan")])[0]


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (from /proc), parents first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        found.append(p := todo.pop(0))
        todo += children.get(p, [])
    return found


def kill(proc: subprocess.Popen, how: str) -> int:
    """Kills a server as ``how`` says; how many processes died with it."""
    if how == "server":
        os.killpg(proc.pid, signal.SIGKILL)
        return 1
    pids = descendants(proc.pid)
    for sig in (signal.SIGSTOP, signal.SIGKILL):  # stopped first: none of them gets to react to the others
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
    return len(pids)


def start_server(n: int, port: int, url: str, host_key: Path, tmp: Path, students: int) -> subprocess.Popen:
    out = open(tmp / f"server{n}.out", "w")  # noqa: SIM115 -- the server's stdout for its whole life
    argv = [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", str(port), "--proxy-protocol",
            "--database-url", url, "--host-key", str(host_key), "--data-dir", str(tmp / f"server{n}"),
            "--max-sessions", str(students + 4), "--log-stdout", "--pool", str(-(-students // 2))]  # its share
    return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def wait_listening(tmp: Path, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while "serving on" not in (tmp / f"server{n}.out").read_text():
        if time.monotonic() > deadline:
            raise SystemExit(f"server {n} did not start:\n" + (tmp / f"server{n}.out").read_text())
        time.sleep(0.1)


def logins(tmp: Path, n: int) -> list[tuple[str, str]]:
    return re.findall(r"login user=(\S+) from=(\S+)", (tmp / f"server{n}.out").read_text())


async def run(students: int, steps: int, answers: int, stagger: float, tmp: Path, cluster: Cluster,
              kill_at: float = 0.5, how: str = "machine") -> int:
    url = cluster.fresh_url()
    keys = {n: asyncssh.generate_private_key("ssh-ed25519") for n in range(students)}
    accounts = DatabaseAccounts(url)
    with accounts.editing():
        for n, key in keys.items():
            accounts.account(f"s{n:02d}", create=True).add_keys([key.convert_to_public()])
    accounts.close()
    host_key = tmp / "host-key"
    host_key.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    host_key.chmod(0o600)
    ports, front = [free_port(), free_port()], free_port()
    servers = {n: start_server(n, ports[n - 1], url, host_key, tmp, students) for n in (1, 2)}
    (tmp / "haproxy.cfg").write_text(HAPROXY.format(front=front, port1=ports[0], port2=ports[1]))
    haproxy_out = open(tmp / "haproxy.out", "w")  # noqa: SIM115 -- its warnings, for when something fails
    haproxy = subprocess.Popen(["haproxy", "-db", "-f", str(tmp / "haproxy.cfg")], stdout=haproxy_out,
                               stderr=subprocess.STDOUT)
    try:
        for n in servers:
            wait_listening(tmp, n)
        await asyncio.sleep(2.5)  # HAProxy's first health checks
        class_ = [Student(n, keys[n]) for n in range(students)]
        print(f"{students} students through HAProxy on port {front} to two servers; each: first frame, "
              f"{steps} steps, {answers} answers …", flush=True)

        async def staggered(i: int, s: Student) -> None:
            await asyncio.sleep(i * stagger)
            await s.work(front, steps, answers)
            if s.interrupted:
                await asyncio.sleep(1)  # a person notices, and types the same command again
                await s.come_back(front)

        victim = 0

        async def killer() -> None:
            nonlocal victim
            deadline = time.monotonic() + 600
            while sum(s.stepping for s in class_) < max(1, round(kill_at * students)):
                if time.monotonic() > deadline or all(s.failed for s in class_):
                    return
                await asyncio.sleep(0.05)
            before = {n: len(logins(tmp, n)) for n in servers}
            victim = max(servers, key=lambda n: before[n])
            doing = {"logging in": sum(not s.stepping for s in class_),
                     "stepping": sum(s.stepping and s.acked == 0 and not s.latencies[steps - 1:] for s in class_),
                     "answering or done": sum(bool(s.latencies[steps - 1:]) for s in class_)}
            at = time.perf_counter()
            died = kill(servers[victim], how)
            for s in class_:
                s.killed_at = at
            print(f"sessions per server: {before}; killed server {victim} ({how}: {died} processes) while "
                  + ", ".join(f"{v} {k}" for k, v in doing.items()), flush=True)

        killing = asyncio.get_running_loop().create_task(killer())
        await asyncio.gather(*(staggered(i, s) for i, s in enumerate(class_)))
        await killing
        if not victim:
            for s in class_[:5]:
                print(f"  {s.name}: {s.failed}")
            for name in ("server1.out", "server2.out", "haproxy.out"):
                print(f"{name}:\n" + (tmp / name).read_text()[-3000:])
            return 1
        await asyncio.gather(*(s.come_back(front) for s in class_ if not s.reconnected))
        for s in class_:
            if s.failed:
                print(f"  {s.name}: {s.failed}")
        return report(class_, tmp, servers, victim, url)
    finally:
        haproxy.terminate()
        for proc in servers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)
        haproxy.wait(10)


def report(class_: list[Student], tmp: Path, servers: dict, victim: int, url: str) -> int:
    firsts = [s.first_frame for s in class_ if s.first_frame == s.first_frame]
    latencies = [ms for s in class_ for ms in s.latencies]
    print(f"first frame through the balancer: median {statistics.median(firsts):.2f} s, "
          f"p90 {pct(firsts, 90):.2f} s, max {max(firsts):.2f} s ({len(firsts)} sessions)")
    print(f"key to frame: median {statistics.median(latencies):.0f} ms, p90 {pct(latencies, 90):.0f} ms, "
          f"p99 {pct(latencies, 99):.0f} ms ({len(latencies)} keys)")
    survivor = 3 - victim
    print(f"cut off mid-run: {sum(s.interrupted for s in class_)}; "
          f"reconnected: {sum(s.reconnected for s in class_)} students (to server "
          f"{survivor}: {sum(1 for _ in logins(tmp, survivor))} logins there in all)")
    conn = connect(url)
    lost, extra, benches_lost = [], 0, 0
    failed = sum(bool(s.failed) for s in class_)
    for s in class_:
        store = PostgresStore(conn, s.name, url)
        # a bank question's answer is in ``answers``; a generated one's only among the skill attempts
        saved = len(store.answers()) + sum(a.question_id is None for a in store.skill_attempts())
        bench = store.get_state("workbench")
        # shown 1-based ("Step 4 of"); none saved: the tutor opens the book's workbench at its first step
        s.step_after = json.loads(bench)["step"] + 1 if bench else 1
        extra += max(0, saved - s.acked)
        # a step may be saved whose repaint the client missed (cut off, or read too early): more is no loss
        bench_lost = s.step_seen is not None and (s.step_after or 0) < s.step_seen
        benches_lost += bench_lost
        if saved < s.acked or bench_lost:
            lost.append(f"{s.name}: answers acknowledged {s.acked}, in the database {saved}; workbench step "
                        f"seen {s.step_seen}, after {s.step_after}")
    conn.close()
    acked = sum(s.acked for s in class_)
    print(f"answers acknowledged: {acked} (and {extra} more saved whose verdict the client did not see in time); "
          f"workbenches: {sum(s.step_seen is not None for s in class_)}, {benches_lost} behind the step "
          f"last seen; "
          f"{'all survived' if not lost else f'{len(lost)} students lost something'}"
          + (f"; {failed} students' runs failed (above), judged on what they saw" if failed else ""))
    for line in lost:
        print("  " + line)
    if lost and os.environ.get("LAB_CLUSTER_DEBUG"):
        print("\n".join(line for line in (tmp / f"server{survivor}.out").read_text().splitlines()
                        if "from=127.0.0.2" not in line)[-4000:])
    seen = [(user, addr, n) for n in servers for user, addr in logins(tmp, n)]
    wrong = [(u, a, n) for u, a, n in seen if a != f"127.0.1.{int(u[1:]) + 1}"]
    print(f"log lines: {len(seen)} logins, {len(seen) - len(wrong)} with the student's own address, "
          f"{len(wrong)} with another (e.g. {wrong[:2]})")
    return 0 if not lost and not wrong and not failed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--answers", type=int, default=3)
    parser.add_argument("--stagger", type=float, default=0.1, help="seconds between two logins (default 0.1)")
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="kill once this share of the students have begun stepping (default 0.5)")
    parser.add_argument("--kill", choices=("machine", "server"), default="machine",
                        help="the server and its tutors at once (default), or the server's process group only")
    args = parser.parse_args()
    if not 1 <= args.students <= 250:
        parser.error("--students: 1 to 250")
    bin_dir = find_binaries()
    if bin_dir is None or not any((Path(p) / "haproxy").exists() for p in os.environ["PATH"].split(os.pathsep)
                                  + ["/usr/sbin"]):
        parser.error("needs PostgreSQL's server programs and HAProxy: apt-get install postgresql haproxy")
    os.environ["PATH"] += os.pathsep + "/usr/sbin"
    cluster = Cluster(bin_dir, max_connections=2 * args.students + 50).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return asyncio.run(run(args.students, args.steps, args.answers, args.stagger, Path(tmp), cluster,
                                   args.kill_at, args.kill))
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
