"""The lab server's side of the zygote (see ``zygote``): start it, ask it for tutors, hear of their exits.

A tutor forked by the zygote is the zygote's child, not the server's, so the
server cannot wait for it: the zygote reports each exit (with its status), and
the server's signals go through the zygote, which alone knows whether the pid
is still that tutor's. If the zygote dies, its tutors run on: each
``TutorProcess`` then watches its tutor through a pidfd (Linux: works for any
process) and signals it directly; new sessions are started without it (from nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from .confine import PACKAGE_ROOT, ZYGOTE_BOOT

if TYPE_CHECKING:
    from .confine import TutorLimits

_MAX_MESSAGE = 1 << 16


def default_pool(students: int, max_sessions: int) -> int:
    """How many ready tutors to keep when ``--pool`` is not given: one for every student of the class
    list who may log in at the same second (guests: two a CPU), no more than the lab's sessions, and
    no more than a quarter of the memory available now allows (a ready tutor holds ~30 MiB of its own)."""
    wanted = students if students else 2 * (os.cpu_count() or 1)
    return max(0, min(wanted, max_sessions, _available_mib() // 4 // 30))


def _available_mib() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 1 << 20  # unknown: memory sets no bound


def pool_target(size: int, students: int, logged_in: int) -> int:
    """Ready tutors wanted now: ``size``, but no more than the students of the class list not yet
    logged in (a full class needs none; guests: ``size``)."""
    return max(0, min(size, students - logged_in) if students else size)


class ZygoteError(Exception):
    """The zygote could not start a tutor (the caller then starts one from nothing)."""


class Watcher(Protocol):
    def zygote_exit(self, status: int) -> None: ...
    def zygote_lost(self) -> None: ...


def zygote_target(command: Sequence[str]) -> tuple[str, str, list[str]] | None:
    """What the zygote can run in place of ``command``: ("module", NAME, args) for
    ``[this python] -m NAME args``, ("path", SCRIPT, args) for ``[this python] SCRIPT.py args``;
    None for anything else (another interpreter, options to it), which is spawned as it is."""
    if len(command) < 2 or os.path.realpath(command[0]) != os.path.realpath(sys.executable):
        return None
    if command[1] == "-m" and len(command) >= 3:
        return "module", command[2], list(command[3:])
    if command[1].endswith(".py") and not command[1].startswith("-"):
        return "path", os.path.abspath(command[1]), list(command[2:])
    return None


class Zygote:
    """The zygote process and the socket to it. ``start()``, ``await spawn(...)``, ``await close()``."""

    def __init__(self, env: Mapping[str, str], cwd: str, preload: bool, log: Callable[[str], None],
                 start_timeout: float = 30.0) -> None:
        self.env, self.cwd, self.preload, self.log = dict(env), cwd, preload, log
        self.start_timeout = start_timeout  # the first tutors wait while it loads
        self.pid: int | None = None
        self.alive = False
        self.closing = False
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[asyncio.Future, Watcher]] = {}
        self._watchers: dict[int, Watcher] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.pool_size: int | None = None  # ready tutors last asked for
        self.pool_warm = 0  # ready tutors, as the zygote last said

    def start(self) -> None:
        """Starts the zygote (not waiting for it to load: spawns queue until it has)."""
        self._loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            argv = [sys.executable, "-I", "-X", "utf8", "-c", ZYGOTE_BOOT, PACKAGE_ROOT, str(theirs.fileno())]
            self._proc = subprocess.Popen(argv + ["--preload"] * self.preload, pass_fds=(theirs.fileno(),),
                                          stdin=subprocess.DEVNULL, env=self.env, cwd=self.cwd)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours
        ours.setblocking(False)
        self.pid, self.alive = self._proc.pid, True
        self._loop.add_reader(ours, self._readable)

    async def spawn(self, target: tuple[str, str, list[str]], env: Mapping[str, str], cwd: str, slave: int,
                    watcher: Watcher, limits: TutorLimits | None = None, live_fd: int | None = None) -> int:
        """Asks for a tutor on the pty ``slave`` (and ``live_fd``, its live-state channel, if given);
        its pid. Raises ZygoteError if the zygote cannot."""
        if not self.alive:
            raise ZygoteError("the zygote is not running")
        kind, name, args = target
        request = {"op": "spawn", "id": next(self._ids), "run": [kind, name], "argv": list(args),
                   "env": dict(env), "cwd": cwd,
                   "limits": [limits.memory, limits.file_size] if limits is not None else [0, 0]}
        future = self._loop.create_future()
        self._pending[request["id"]] = (future, watcher)
        try:
            fds = [slave] if live_fd is None else [slave, live_fd]
            socket.send_fds(self._sock, [json.dumps(request).encode()], fds)
            return await asyncio.wait_for(asyncio.shield(future), self.start_timeout)
        except (TimeoutError, OSError) as e:
            if not future.done():
                future.cancel()  # a late answer is told to end what it started (see _dispatch)
            raise ZygoteError(str(e) or type(e).__name__) from None
        finally:
            self._pending.pop(request["id"], None)

    def signal(self, pid: int, sig: int) -> bool:
        """Signals ``pid``'s process group through the zygote; False if the zygote cannot (do it yourself)."""
        if not self.alive or pid not in self._watchers:
            return False
        try:
            self._sock.send(json.dumps({"op": "signal", "pid": pid, "sig": int(sig)}).encode())
        except OSError:
            self._lost("could not be written to")
            return False
        return True

    def set_pool(self, size: int) -> None:
        """Asks the zygote to keep ``size`` tutors ready (see zygote_pool); said only when it changes."""
        if not self.alive or size == self.pool_size:
            return
        try:
            self._sock.send(json.dumps({"op": "pool", "size": int(size)}).encode())
        except OSError:
            return self._lost("could not be written to")
        self.pool_size = size

    def forget(self, pid: int) -> None:
        self._watchers.pop(pid, None)

    def _readable(self) -> None:
        while True:
            try:
                data = self._sock.recv(_MAX_MESSAGE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                return self._lost(f"socket error: {e}")
            if not data:
                return self._lost("exited")
            try:
                message = json.loads(data)
                self._dispatch(message)
            except (ValueError, KeyError, TypeError) as e:
                self.log(f"warning: zygote: unreadable message ({e}): {data[:100]!r}")

    def _dispatch(self, message: dict) -> None:
        op = message["op"]
        if op == "ready":
            self.log(f"zygote pid={message['pid']} ready in {message['seconds']:.2f} s"
                     f"{' (tutor preloaded)' if self.preload else ''}")
            if message.get("threads", 1) > 1:  # forking copies only the thread that forks, not the others' locks
                self.log(f"warning: the zygote has {message['threads']} threads after loading; tutors may hang")
        elif op in ("started", "failed"):
            future, watcher = self._pending.get(message["id"], (None, None))
            if op == "started" and (future is None or future.done()):  # nobody waits for it any more
                self._watchers[message["pid"]] = _Unwanted()
                self.signal(message["pid"], signal.SIGKILL)
                self.log(f"zygote: a tutor started too late (pid {message['pid']}); killed")
            elif op == "started":
                # Watched from now on: its exit may be in the very next message, before the spawner resumes.
                self._watchers[message["pid"]] = watcher
                watcher.pooled = bool(message.get("pooled"))
                future.set_result(int(message["pid"]))
            elif future is not None and not future.done():
                future.set_exception(ZygoteError(message.get("error", "failed")))
        elif op == "pool":
            warm = int(message["warm"])
            if warm != self.pool_warm and warm in (0, self.pool_size):
                self.log(f"pool: {warm} tutor{'s' if warm != 1 else ''} ready"
                         + (" (logins fork tutors until it refills)" if warm == 0 else ""))
            self.pool_warm = warm
        elif op == "exit":
            watcher = self._watchers.pop(message["pid"], None)
            if watcher is not None:
                watcher.zygote_exit(int(message["status"]))

    def _lost(self, why: str) -> None:
        if not self.alive:
            return
        self.alive = False
        self._loop.remove_reader(self._sock)
        watchers, self._watchers = list(self._watchers.values()), {}
        if not self.closing:
            self.log(f"warning: the zygote {why}; {len(watchers)} session(s) go on without it, new ones "
                     f"start the slow way")
        for future, _watcher in self._pending.values():
            if not future.done():
                future.set_exception(ZygoteError(f"the zygote {why}"))
        for watcher in watchers:
            watcher.zygote_lost()

    async def close(self, timeout: float = 8.0) -> None:
        """Tells the zygote to end what is left (its exits still reported) and exit; waits, kills it if need be."""
        if self._sock is None:
            return
        self.closing = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_WR)  # the zygote reads the end; we go on reading its last exits
        for _ in range(int(timeout / 0.05)):
            if self._proc.poll() is not None:
                break
            await asyncio.sleep(0.05)
        else:
            with contextlib.suppress(OSError):
                self._proc.kill()
            self._proc.wait()
        self._readable()  # what it said last
        self._lost("was closed")
        self._sock.close()


class _Unwanted:
    """A tutor the zygote started after its session gave up waiting: killed, nothing to tell."""

    def zygote_exit(self, status: int) -> None:
        pass

    def zygote_lost(self) -> None:
        pass
