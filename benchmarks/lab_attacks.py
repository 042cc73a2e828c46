"""The SSH lab against a hostile student: each attack replayed, and whether the lab held.

Method
------
``tui-tutor lab serve`` runs as a subprocess on 127.0.0.1 (a free port, a temporary data
folder, alice and bob with a key, carol with a password) with the real tutor, forked by the
zygote; a second one with ``--no-zygote`` for what only a spawned tutor shows in /proc. Both
run with HOME and their working folder in a trap folder holding a ``numpy.py`` that exits.
The attacks come from asyncssh clients in this process and raw sockets, each bounded in count
and time; password guesses come from 127.0.0.2 and 127.0.0.3 (loopback too), so the block
they earn does not shut out the other attacks. Every line: the attack, held or BROKEN, and the
figure that decides it. A report, not a test: the exit status is 1 if any attack broke through.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_tutor.lab.accounts import Accounts, hash_password

HOSTILE_ENV = {"LD_PRELOAD": "libhostile.so", "PYTHONPATH": "/nonexistent/hostile", "PYTHONSTARTUP": "/nonexistent/hostile/x.py",
               "TUI_TUTOR_DATA_DIR": "/nonexistent/hostile", "HOME": "/nonexistent/hostile", "PATH": "/nonexistent/hostile", "LANG": "fr_FR.UTF-8"}
EVIL = "x\x1b[2J\n2026-01-01T00:00:00 login user=root from=10.0.0.1\u202eevil"
MARKER = b"Quit"  # the footer: the tutor's first frame is complete
results: list[tuple[str, bool, str]] = []


def report(attack: str, held: bool, figure: str) -> None:
    results.append((attack, held, figure))
    print(f"{attack:<44} {'held' if held else 'BROKEN':<7} {figure}", flush=True)


class Lab:
    """``lab serve`` in a subprocess."""

    def __init__(self, data: Path, trap: Path, *options: str) -> None:
        self.data = data
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui_tutor", "lab", "serve", "--port", "0", "--data-dir", str(data), *options],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=trap,
            env={"PATH": os.environ.get("PATH", os.defpath), "HOME": str(trap), "PYTHONPATH": str(ROOT)})
        self.port = int(re.search(r"port (\d+)", self.proc.stdout.readline()).group(1))

    def log(self) -> str:
        return (self.data / "lab.log").read_text(encoding="utf-8", errors="replace")

    def pids(self, user: str) -> list[int]:
        return [int(p) for p in re.findall(rf"start user={user} .*?pid=(\d+)", self.log())]

    def connect(self, user: str, key=None, **kw):
        options = {"known_hosts": None, "config": None, "agent_path": None, "client_keys": [key] if key else [],
                   "password_auth": False, "kbdint_auth": False, "gss_auth": False}
        options.update(kw)
        return asyncssh.connect("127.0.0.1", self.port, username=user, **options)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def first_frame(conn, size=(100, 30), timeout: float = 30.0, **kw):
    """A session on ``conn``, read to its first complete frame; (process, bytes read)."""
    process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None, **kw)
    seen = b""
    async with asyncio.timeout(timeout):
        while MARKER not in seen:
            chunk = await process.stdout.read(65536)
            if not chunk:
                raise EOFError(seen[-300:])
            seen += chunk
    return process, seen


def proc_kib(pid: int, field: str = "VmRSS") -> int:
    return int(re.search(rf"{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


def environ_names(pid: int) -> set[str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return {item.split(b"=", 1)[0].decode() for item in raw if b"=" in item}


async def attack_environment(lab: Lab, keys) -> None:
    async with lab.connect("alice", keys["alice"]) as conn:
        await first_frame(conn, env=HOSTILE_ENV)
        names = environ_names(lab.pids("alice")[-1])
    leaked = sorted(names - {"PATH", "TZ", "HOME", "TERM", "LANG", "PYTHONUTF8", "COLORTERM"})
    report("client env (LD_PRELOAD, PYTHON*, HOME...)", not leaked,
           f"leaked into the spawned tutor's /proc environ: {', '.join(leaked) or 'none'}")


async def attack_numpy_trap(lab: Lab, keys, how: str) -> None:
    started = time.monotonic()
    try:
        async with lab.connect("bob", keys["bob"]) as conn:
            await first_frame(conn)
        report(f"numpy.py in HOME and cwd ({how})", True, f"tutor's first frame in {time.monotonic() - started:.2f} s")
    except (OSError, asyncssh.Error, EOFError, TimeoutError) as e:
        report(f"numpy.py in HOME and cwd ({how})", False, f"the tutor did not start: {e!r}"[:120])


async def attack_log_injection(lab: Lab, keys) -> None:
    async with lab.connect("alice", keys["alice"]) as conn:
        for attempt in (lambda: conn.create_session(asyncssh.SSHClientSession, subsystem="s" + EVIL[:-5]),
                        lambda: conn.create_session(asyncssh.SSHClientSession, "exec" + EVIL),
                        lambda: conn.create_connection(asyncssh.SSHTCPSession, "h" + EVIL, 9),
                        lambda: conn.forward_remote_port("l" + EVIL, 0, "127.0.0.1", 9)):
            try:
                await attempt()
            except (asyncssh.ChannelOpenError, asyncssh.ChannelListenError):
                pass
    await asyncio.sleep(0.3)
    log = lab.log()
    raw = sum(log.count(c) for c in ("\x1b", "\u202e")) + len(re.findall(r"^2026-01-01T", log, re.MULTILINE))
    report("escapes, forged lines, bidi marks in the log", raw == 0, f"raw control characters or forged lines: {raw}")


async def attack_preauth_flood(lab: Lab, keys, count: int) -> None:
    socks = []
    for _ in range(count):
        try:
            socks.append(socket.create_connection(("127.0.0.1", lab.port), timeout=2))
        except OSError:
            break
    await asyncio.sleep(0.5)
    started = time.monotonic()
    try:
        async with lab.connect("alice", keys["alice"]) as conn:
            login = time.monotonic() - started
            await first_frame(conn)
            frame = time.monotonic() - started
        report(f"pre-auth flood ({len(socks)} idle sockets)", login < 2,
               f"a student logged in in {login:.2f} s, first frame in {frame:.2f} s")
    except (OSError, asyncssh.Error, EOFError, TimeoutError) as e:
        report(f"pre-auth flood ({len(socks)} idle sockets)", False, f"the student could not log in: {e!r}"[:120])
    finally:
        for s in socks:
            s.close()


async def attack_window_sizes(lab: Lab, keys) -> None:
    async with lab.connect("alice", keys["alice"]) as conn:
        process, _ = await first_frame(conn, size=(65535, 65535), timeout=60)
        pid = lab.pids("alice")[-1]
        peak = 0
        for size in ((10000, 10000), (0, 0), (10000, 10000)):
            process.change_terminal_size(*size)
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                try:
                    peak = max(peak, proc_kib(pid))
                    await asyncio.wait_for(process.stdout.read(1 << 20), 0.05)
                except TimeoutError:
                    pass
                except FileNotFoundError:
                    break
        alive = Path(f"/proc/{pid}").exists()
    report("window 65535x65535, 10000x10000, 0x0", alive and peak < 400_000,
           f"tutor {'alive' if alive else 'DEAD'}, peak RSS {peak / 1024:.0f} MiB")


async def attack_paste_and_deaf_client(lab: Lab, keys) -> None:
    async with lab.connect("alice", keys["alice"]) as a:
        paster, _ = await first_frame(a)
        deaf, _ = await first_frame(a)  # never read from here on
        server_before = proc_kib(lab.proc.pid)
        paster.stdin.write(b"x" * 1_000_000)
        for i in range(40):  # the deaf session's tutor repaints at every size and is never read
            deaf.change_terminal_size(100 + i % 20, 30)
        started = time.monotonic()
        async with lab.connect("bob", keys["bob"]) as b2:
            await first_frame(b2)
        other = time.monotonic() - started
        grown = proc_kib(lab.proc.pid) - server_before
    report("1 MB paste + a client that stops reading", other < 5 and grown < 64_000,
           f"another student's first frame in {other:.2f} s; server RSS grew {grown / 1024:.1f} MiB")


async def attack_channels(lab: Lab, keys, tries: int = 10) -> None:
    opened = 0
    async with lab.connect("alice", keys["alice"]) as conn:
        for _ in range(tries):
            try:
                await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
                opened += 1
            except asyncssh.ChannelOpenError:
                pass
    report(f"{tries} session channels on one connection", opened <= 2, f"opened {opened}")


async def attack_brute_force(lab: Lab, count: int) -> None:
    async def guess(n: int) -> bool:
        try:
            async with lab.connect("carol", password=f"guess {n}", password_auth=True, local_addr=("127.0.0.2", 0)):
                return True
        except (OSError, asyncssh.Error):
            return False

    await asyncio.gather(*(guess(n) for n in range(count)))
    await asyncio.sleep(0.3)
    log = lab.log()  # a line per password checked; older labs: one per connection whose last one was
    evaluated = max(len(re.findall(r"failed password user=carol from=127\.0\.0\.2", log)),
                    len(re.findall(r"user=carol from=127\.0\.0\.2 why=wrong password", log)))
    report(f"{count} concurrent password guesses", evaluated <= 5, f"guesses evaluated: {evaluated} (max 5)")

    class Guesser(asyncssh.SSHClient):
        tries = 0

        def password_auth_requested(self):
            Guesser.tries += 1
            return f"again {Guesser.tries}" if Guesser.tries <= 20 else None

    try:
        async with lab.connect("carol", client_factory=Guesser, password_auth=True, local_addr=("127.0.0.3", 0)):
            pass
    except (OSError, asyncssh.Error):
        pass
    await asyncio.sleep(0.3)
    log = lab.log()
    evaluated = len(re.findall(r"failed password user=carol from=127\.0\.0\.3", log))
    if "failed password" not in log:
        report("20 passwords on one connection", False, "not known: this lab does not log each password checked")
    else:
        report("20 passwords on one connection", evaluated <= 3, f"guesses evaluated: {evaluated} (max 3)")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood", type=int, default=200, help="idle sockets in the pre-auth flood (default 200)")
    parser.add_argument("--guesses", type=int, default=30, help="concurrent password guesses (default 30)")
    args = parser.parse_args()
    keys = {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("alice", "bob")}
    with tempfile.TemporaryDirectory() as tmp:
        trap = Path(tmp, "trap")
        trap.mkdir()
        (trap / "numpy.py").write_text("raise SystemExit('a student planted numpy.py')\n")
        labs = []
        for name in ("forked", "spawned"):
            data = Path(tmp, name)
            with (accounts := Accounts(data)).editing():
                for user in ("alice", "bob"):
                    accounts.account(user, create=True).add_keys([keys[user].convert_to_public()])
                accounts.account("carol", create=True).password = hash_password("correct horse")
            labs.append(Lab(data, trap, *(["--no-zygote"] if name == "spawned" else [])))
        forked, spawned = labs
        try:
            for name, attack in (("numpy.py trap (zygote)", attack_numpy_trap(forked, keys, "zygote")),
                                 ("numpy.py trap (spawned)", attack_numpy_trap(spawned, keys, "spawned")),
                                 ("client env", attack_environment(spawned, keys)),
                                 ("log injection", attack_log_injection(forked, keys)),
                                 ("pre-auth flood", attack_preauth_flood(forked, keys, args.flood)),
                                 ("window sizes", attack_window_sizes(forked, keys)),
                                 ("paste and deaf client", attack_paste_and_deaf_client(forked, keys)),
                                 ("session channels", attack_channels(forked, keys)),
                                 ("password guesses", attack_brute_force(forked, args.guesses))):
                try:
                    async with asyncio.timeout(90):
                        await attack
                except (OSError, asyncssh.Error, EOFError, TimeoutError) as e:  # the attack itself went wrong
                    report(name, False, f"the lab failed under it: {e!r}"[:140])
        finally:
            for lab in labs:
                lab.stop()
    broken = [a for a, held, _ in results if not held]
    print(f"\n{len(results) - len(broken)} of {len(results)} attacks held" + (f"; broken: {', '.join(broken)}"
                                                                              if broken else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
