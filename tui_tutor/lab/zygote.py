"""The zygote: one process that has loaded the tutor once, and forks a copy of itself per session.

Starting the tutor from nothing costs most of a second and some 50 MiB, mostly
importing Textual, Rich and NumPy. The zygote pays that once; each session is a
``fork`` of it, which shares those pages with every other session until one of
them writes to a page (copy on write), and starts in a fraction of the time.

Run by the lab server in isolated mode (``python -I -c ZYGOTE_BOOT ROOT FD
[--preload]``, see ``confine``), FD being its end of a SOCK_SEQPACKET socket pair. Messages are JSON, one a packet:

  server → zygote  {"op": "spawn", "id": N, "run": ["module"|"path", NAME], "argv": [...],
                    "env": {...}, "cwd": DIR, "limits": [AS, FSIZE]}   with the pty's slave side as
                   an SCM_RIGHTS fd, and the tutor's end of its live-state channel as a second
                   one (the child finds it in TUI_TUTOR_LIVE_FD; see lab.live_state)
                   {"op": "signal", "pid": P, "sig": S}   signal P's process group
                   {"op": "pool", "size": K}   keep K ready tutors (see zygote_pool)
  zygote → server  {"op": "ready", "pid": P, "seconds": T}   once loaded
                   {"op": "started", "id": N, "pid": P, "pooled": B}  or  {"op": "failed", "id": N, "error": "..."}
                   {"op": "pool", "warm": W, "members": M}   when the number of ready tutors changes
                   {"op": "exit", "pid": P, "status": S}   as subprocess's returncode (-N: signal N)

Signals go through the zygote because only the parent knows whether the pid is
still its unreaped child, i.e. whether the process group id is still that
session's and not reused. For the same reason, when a session's leader exits,
what is left of its group is killed before the leader is reaped. The zygote is
a child subreaper, so processes a tutor leaves behind come back to it to be
reaped, not to init.

The zygote has no threads (forking a process with threads copies only the one
that forks, with whatever locks the others held); it ignores SIGINT, SIGTERM
and SIGHUP (the server decides when sessions end) and exits when the server's
end of the socket closes, ending whatever sessions are left.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from collections import deque

from .confine import TutorLimits
from .pool_child import run_pooled
from .zygote_child import process_name, run_child
from .zygote_pool import Member, Pool
from .zygote_preload import preload

_PR_SET_CHILD_SUBREAPER = 36
_MAX_MESSAGE = 1 << 16
_SHUTDOWN_GRACE = 5.0


class Zygote:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.children: set[int] = set()  # session leaders forked and not yet reaped
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        self.pool = Pool(self.fork_pooled)
        self.polled: dict[int, Member] = {}  # the pooled tutors' sockets the poller watches, by fd
        # Logins waiting for a pooled tutor while others take theirs: served in order, a few at a time, so
        # that in a burst the first are painted soon, not all of them late together.
        self.waiting: deque[tuple[dict, list[int]]] = deque()

    def send(self, **message) -> None:
        self.sock.send(json.dumps(message).encode())

    def serve(self) -> None:
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake poll() through the wakeup fd
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        tended = time.monotonic()
        while True:
            self.watch_pool(poller)
            ready = dict(poller.poll(500))  # the timeout: a lost wakeup cannot leave a zombie for long
            with contextlib.suppress(BlockingIOError):
                while os.read(self.wake_r, 512):
                    pass
            self.reap()
            for fd, member in list(self.polled.items()):
                if ready.get(fd):
                    self.pool.heard(member)
            if ready.get(self.sock.fileno()) and not self.handle():
                return
            if time.monotonic() - tended >= 1.0:
                tended = time.monotonic()
                self.pool.tend(self.children)
            self.serve_waiting()
            if self.pool.changed:
                self.pool.changed = False
                self.send(op="pool", warm=self.pool.warm, members=len(self.pool.members))

    def watch_pool(self, poller) -> None:
        """The poller watches the sockets of the pooled tutors there are now, and no others."""
        members = [*self.pool.members.values(), *self.pool.claimed.values()]
        now = {m.sock.fileno(): m for m in members if m.sock.fileno() >= 0}
        for fd in self.polled.keys() - now.keys():
            with contextlib.suppress(KeyError, ValueError):
                poller.unregister(fd)
        for fd in now.keys() - self.polled.keys():
            poller.register(fd, select.POLLIN)
        self.polled = now

    def fork_pooled(self, look: tuple[int, int, bool], lang: str) -> Member | None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        try:
            pid = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            return None
        if pid == 0:  # the pooled tutor: never returns
            others = tuple(m.sock for m in self.pool.members.values())
            run_pooled(theirs, look, lang, close=(self.sock, self.wake_r, self.wake_w, ours, *others))
        theirs.close()
        ours.setblocking(False)
        return Member(pid, ours, look)

    def handle(self) -> bool:
        """One message from the server; False when the server has gone."""
        try:
            data, fds, _flags, _addr = socket.recv_fds(self.sock, _MAX_MESSAGE, 2)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not data:
            return False
        try:
            message = json.loads(data)
            if message["op"] == "spawn":
                if len(fds) not in (1, 2):
                    raise ValueError("a spawn needs the pty as one fd (and at most a live channel)")
                self.spawn(message, fds)
            elif message["op"] == "signal":
                self.signal(int(message["pid"]), int(message["sig"]))
            elif message["op"] == "pool":
                self.pool.target = max(0, int(message["size"]))
        except (ValueError, KeyError, TypeError) as e:
            print(f"tui-tutor zygote: bad message ({e})", file=sys.stderr, flush=True)
            if isinstance(message := _safe_json(data), dict) and "id" in message:
                self.send(op="failed", id=message["id"], error=f"bad message ({e})")
        finally:
            for fd in fds:  # the pty's slave side (and live channel): the child has its own copies now
                os.close(fd)
        return True

    @staticmethod
    def _parts(message: dict) -> tuple:
        """A spawn's id, kind, name, argv, env, cwd and limits; ValueError (or KeyError, TypeError)
        if it is malformed, which is found before anything is forked or claimed."""
        ident, (kind, name) = int(message["id"]), message["run"]
        argv, env, cwd = list(message["argv"]), dict(message["env"]), str(message["cwd"])
        limits = TutorLimits(*map(int, message.get("limits", (0, 0))))
        if kind not in ("module", "path") or not all(isinstance(a, str) for a in [name, *argv, *env.values()]):
            raise ValueError(f"cannot run {kind!r} {name!r}")
        return ident, kind, name, argv, env, cwd, limits

    def spawn(self, message: dict, fds: list[int]) -> None:
        env = self._parts(message)[4]
        if self.pool.serves(message["run"]):
            self.pool.demand(fds[0], env)
            if self.pool.warm and (self.waiting or not self.pool.can_claim()):
                self.waiting.append((message, [os.dup(fd) for fd in fds]))
                return
            if self.claim(message, fds):
                return
        self.fork_tutor(message, fds)

    def fork_tutor(self, message: dict, fds: list[int]) -> None:
        ident, kind, name, argv, env, cwd, limits = self._parts(message)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # else the child would write out the zygote's buffered text a second time
        try:
            pid = os.fork()
        except OSError as e:
            self.send(op="failed", id=ident, error=str(e))
            return
        if pid == 0:  # the session: never returns
            run_child(kind, name, argv, env, cwd, fds[0], close=(self.sock, self.wake_r, self.wake_w), limits=limits,
                      live=fds[1] if len(fds) > 1 else None)
        self.children.add(pid)
        self.send(op="started", id=ident, pid=pid, pooled=False)

    def claim(self, message: dict, fds: list[int]) -> bool:
        """Hands the login to a ready tutor of the pool, if there is one that takes it."""
        while (member := self.pool.take()) is not None:
            claim = dict(message, op="claim")
            try:
                socket.send_fds(member.sock, [json.dumps(claim).encode()], fds)
            except OSError:  # it has just gone (its exit is reaped as any child's)
                member.sock.close()
                continue
            self.pool.claimed[member.pid] = member  # until it has painted (see serve_waiting)
            member.since = time.monotonic()
            self.children.add(member.pid)
            self.send(op="started", id=int(message["id"]), pid=member.pid, pooled=True)
            return True
        return False

    def serve_waiting(self) -> None:
        """Logins that waited for a pooled tutor, in order, as the ones before them have painted."""
        while self.waiting and self.pool.can_claim():
            message, fds = self.waiting.popleft()
            try:
                if not self.claim(message, fds):
                    self.fork_tutor(message, fds)
            finally:
                for fd in fds:
                    os.close(fd)

    def signal(self, pid: int, sig: int) -> None:
        if pid in self.children:  # not reaped: the group id is still that session's
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)

    def reap(self) -> None:
        while True:
            try:  # WNOWAIT: look first, so a leader's group can be ended while its id is still reserved
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None:
                return
            pid = info.si_pid
            if pid in self.children:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
            self.pool.forget(pid)  # a pooled tutor that ended before anyone claimed it
            _, status = os.waitpid(pid, 0)
            if pid in self.children:
                self.children.discard(pid)
                with contextlib.suppress(OSError):
                    self.send(op="exit", pid=pid, status=os.waitstatus_to_exitcode(status))

    def shutdown(self) -> None:
        """The server has gone: end the sessions and the pooled tutors still here (SIGTERM, then
        SIGKILL), reap them."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in list(self.children):
                self.signal(pid, sig)
            for pid in list(self.pool.members):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + _SHUTDOWN_GRACE
            while (self.children or self.pool.members) and time.monotonic() < deadline:
                self.reap()
                time.sleep(0.05)
        self.reap()
        for _message, fds in self.waiting:
            for fd in fds:
                os.close(fd)


def _safe_json(data: bytes):
    try:
        return json.loads(data)
    except ValueError:
        return None


def main(argv: list[str]) -> int:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: left-behind processes go to init instead
    process_name(b"tutor-zygote")
    sock = socket.socket(fileno=int(argv[0]))
    started = time.monotonic()
    gc.disable()  # no collections while loading: nothing of it is garbage
    if "--preload" in argv[1:]:
        preload()
    gc.collect()
    gc.freeze()  # what is loaded stays out of later collections, whose bookkeeping writes would un-share its pages
    gc.enable()
    zygote = Zygote(sock)
    try:
        zygote.send(op="ready", pid=os.getpid(), seconds=round(time.monotonic() - started, 3),
                    threads=threading.active_count())
        zygote.serve()
    except OSError:
        pass  # the server has gone
    zygote.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
