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
  zygote → server  {"op": "ready", "pid": P, "seconds": T}   once loaded
                   {"op": "started", "id": N, "pid": P}  or  {"op": "failed", "id": N, "error": "..."}
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

from .confine import TutorLimits
from .zygote_child import process_name, run_child

_PR_SET_CHILD_SUBREAPER = 36
_MAX_MESSAGE = 1 << 16
_SHUTDOWN_GRACE = 5.0


def preload() -> None:
    """Import the tutor and what it imports at start, read the lessons and quiz questions, rehearse."""
    import numpy  # noqa: F401
    import textual.app  # noqa: F401
    from textual.drivers.linux_driver import LinuxDriver  # noqa: F401 -- imported by the app only at run time

    from .. import app, app_entry, cli, progress  # noqa: F401
    from ..curriculum.lessons import load_lessons
    from ..curriculum.quiz import load_bank
    from ..engine import presets

    for lang in ("en", "zh"):
        with contextlib.suppress(Exception):  # a problem here shows in the tutor itself, where it can be read
            load_lessons(lang)
            load_bank(lang)
    with contextlib.suppress(Exception):
        presets.book_data()
    share_parsed_css()
    rehearse()


def share_parsed_css() -> None:
    """Every tutor parses the same CSS again (Textual keeps parsed rules per stylesheet, and
    each app makes its own): kept here, by text and theme, the rehearsal parses it once for
    all the sessions forked after it. Parsed rules are only read once made."""
    from textual.css.stylesheet import Stylesheet

    parse_alone = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def parse_shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_alone(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = parse_shared


def rehearse() -> None:
    """Runs the tutor once, headless, through its screens, and leaves: Textual imports widgets and fills
    caches on first use, and what is done here once is done for every session."""
    from ..app import TutorApp
    from ..progress import MemoryStore
    from ..tutor.capabilities import Capabilities

    async def visit(pilot) -> None:
        for key in ("w", "t", "z", "l"):
            await pilot.press(key)
            await pilot.pause()
        pilot.app.exit()

    app = TutorApp(lang="en", store=MemoryStore(), capabilities=Capabilities.lab())
    try:
        app.run(headless=True, size=(100, 32), auto_pilot=visit)
    except Exception as e:  # noqa: BLE001 -- a rehearsal that fails only makes sessions start slower
        print(f"tui-tutor zygote: the rehearsal failed ({e!r}); sessions will start a little slower",
              file=sys.stderr, flush=True)


class Zygote:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.children: set[int] = set()  # session leaders forked and not yet reaped
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)

    def send(self, **message) -> None:
        self.sock.send(json.dumps(message).encode())

    def serve(self) -> None:
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake poll() through the wakeup fd
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        while True:
            ready = dict(poller.poll(1000))  # the timeout: a lost wakeup cannot leave a zombie for long
            with contextlib.suppress(BlockingIOError):
                while os.read(self.wake_r, 512):
                    pass
            self.reap()
            if ready.get(self.sock.fileno()) and not self.handle():
                return

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
        except (ValueError, KeyError, TypeError) as e:
            print(f"tui-tutor zygote: bad message ({e})", file=sys.stderr, flush=True)
            if isinstance(message := _safe_json(data), dict) and "id" in message:
                self.send(op="failed", id=message["id"], error=f"bad message ({e})")
        finally:
            for fd in fds:  # the pty's slave side (and live channel): the child has its own copies now
                os.close(fd)
        return True

    def spawn(self, message: dict, fds: list[int]) -> None:
        ident, (kind, name) = int(message["id"]), message["run"]  # checked before the fork, not after
        argv, env, cwd = list(message["argv"]), dict(message["env"]), str(message["cwd"])
        limits = TutorLimits(*map(int, message.get("limits", (0, 0))))
        if kind not in ("module", "path") or not all(isinstance(a, str) for a in [name, *argv, *env.values()]):
            raise ValueError(f"cannot run {kind!r} {name!r}")
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
        self.send(op="started", id=ident, pid=pid)

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
            _, status = os.waitpid(pid, 0)
            if pid in self.children:
                self.children.discard(pid)
                with contextlib.suppress(OSError):
                    self.send(op="exit", pid=pid, status=os.waitstatus_to_exitcode(status))

    def shutdown(self) -> None:
        """The server has gone: end the sessions still here (SIGTERM, then SIGKILL), reap them."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in list(self.children):
                self.signal(pid, sig)
            deadline = time.monotonic() + _SHUTDOWN_GRACE
            while self.children and time.monotonic() < deadline:
                self.reap()
                time.sleep(0.05)
        self.reap()


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
