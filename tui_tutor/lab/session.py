"""One tutor on its own pseudo-terminal, for one SSH session.

The tutor is forked by the zygote (see ``zygote``: already loaded, so it starts
fast and shares most of its memory) or, without one, spawned as the server's
child. Either way it leads a new session whose controlling terminal is the
pty's slave side (TIOCSCTTY; on the spawn path a small launcher does it, then
runs the tutor in the same interpreter, or execs it if it is another program,
so the pid stays): a TIOCSWINSZ on the master then sends it SIGWINCH, as a
resize of a real terminal does. Either way, too, it runs under resource limits
(``TutorLimits``), in Python's isolated mode (no PYTHON* variables, nothing of
the working folder on sys.path) and in the lab's empty read-only folder, so no
file a student saves can be imported by a later tutor. Output is read from the master
without blocking and handed to ``on_output``; input goes to the master through
a small buffer, so a tutor that stops reading never blocks the server.

Ending it: SIGHUP to its process group, then SIGTERM, then SIGKILL, each after
a grace period; when the leader has exited, what is left of its group is
killed before the leader is reaped (so the group id cannot have been reused).
A spawned tutor's exit is seen through a pidfd (else by polling); a forked
one's is reported by the zygote, which also passes the signals on (it alone
knows whether the pid is still that tutor's).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Mapping, Sequence

from ..tutor.live import ENV as LIVE_ENV
from .confine import LAUNCHER, PACKAGE_ROOT, TutorLimits, home
from .prefork import Zygote, ZygoteError, zygote_target

_READ_SIZE = 65536
_POLL = 0.1  # seconds between exit checks where there is no pidfd


def set_window_size(fd: int, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    cols, rows = max(1, min(int(cols), 0xFFFF)), max(1, min(int(rows), 0xFFFF))
    size = struct.pack("HHHH", rows, cols, min(int(xpixels), 0xFFFF), min(int(ypixels), 0xFFFF))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)


class TutorProcess:
    """A child process on a fresh pty. ``await start()``, then ``write``/``resize``; ``await stop()`` to end it."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], size: tuple[int, int, int, int],
                 on_output: Callable[[bytes], None], zygote: Zygote | None = None,
                 limits: TutorLimits | None = None, live_fd: int | None = None) -> None:
        self.argv, self.env, self.size = list(argv), dict(env), size
        self.live_fd = live_fd  # the tutor's end of its live-state channel (see live_state), passed to it
        self.zygote = zygote
        self.limits = limits or TutorLimits()
        self.forked = False  # by the zygote (else spawned)
        self.pooled = False  # a tutor of the zygote's pool, made ready before this login (see zygote_pool)
        self.fallback: str | None = None  # why the zygote did not start it, when it did not
        self.on_output = on_output
        self.pid: int | None = None
        self.returncode: int | None = None
        self.stopping = False  # set once we asked it to end (so its exit is not a crash)
        self.tail = bytearray()  # the last few KiB of output, for the log when it crashes
        self._loop = asyncio.get_running_loop()
        self._popen: subprocess.Popen | None = None
        self._master: int | None = None
        self._pidfd: int | None = None
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self._exited = self._loop.create_future()
        self._poller: asyncio.Task | None = None
        self._reported: int | None = None  # an exit the zygote reported before start() had finished

    async def start(self) -> None:
        target = zygote_target(self.argv) if self.zygote is not None and self.zygote.alive else None
        if target is not None:
            try:
                return await self._fork(target)
            except ZygoteError as e:
                if self.zygote.closing:  # the lab is stopping: start nothing more
                    raise OSError(f"not started: {e}") from None
                self.fallback = str(e)  # spawned below, on a fresh pty (a late fork is killed by the zygote)
        self._spawn()

    async def _fork(self, target) -> None:
        master, slave = os.openpty()
        try:
            set_window_size(slave, *self.size)
            self.pid = await self.zygote.spawn(target, self.env, home(self.env), slave, self, self.limits,
                                               self.live_fd)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.forked = True
        with contextlib.suppress(OSError):  # not watched unless the zygote dies (then it is the only way)
            self._pidfd = os.pidfd_open(self.pid)
        self._master = master
        os.set_blocking(master, False)
        self._resume_reading()
        if self._reported is not None:
            self.zygote_exit(self._reported)
        elif not self.zygote.alive:  # it died while we waited for it to answer
            self.zygote_lost()

    def _spawn(self) -> None:
        master, slave = os.openpty()
        try:
            set_window_size(slave, *self.size)
            target = zygote_target(self.argv) or ("exec", self.argv[0], self.argv[1:])
            launcher = [sys.executable, "-I", "-X", "utf8", "-c", LAUNCHER, str(self.limits.memory),
                        str(self.limits.file_size), PACKAGE_ROOT, target[0], target[1], *target[2]]
            env = dict(self.env)
            if self.live_fd is not None:
                env[LIVE_ENV] = str(self.live_fd)
            self._popen = subprocess.Popen(
                launcher, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                pass_fds=() if self.live_fd is None else (self.live_fd,), start_new_session=True,
                cwd=home(self.env))
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.pid = self._popen.pid
        self._master = master
        os.set_blocking(master, False)
        self._resume_reading()
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self._poller = self._loop.create_task(self._poll_exit())
        else:
            self._loop.add_reader(self._pidfd, self._leader_exited)

    @property
    def via(self) -> str:
        return "pool" if self.pooled else "zygote" if self.forked else "spawn"

    @property
    def running(self) -> bool:
        return self.pid is not None and not self._exited.done()

    # Output: master → on_output

    def _resume_reading(self) -> None:
        if self._master is not None and not self._reading and not self._paused:
            self._loop.add_reader(self._master, self._read_all)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._master is not None and self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def pause_output(self) -> None:
        """The client is not keeping up: stop reading, so the tutor's own writes wait."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._resume_reading()

    def _read_all(self) -> None:
        """What the tutor has written so far, in one go (bounded): a frame then reaches the SSH channel
        whole, rather than a pty buffer's worth each time round the loop."""
        for _ in range(16):
            if not self._read() or not self._reading:  # ended, or the client asked us to wait
                return

    def _read(self) -> bool:
        """Reads what the master has; False when the slave side is closed (EIO) or nothing came."""
        try:
            data = os.read(self._master, _READ_SIZE)
        except BlockingIOError:
            return False
        except OSError as e:  # EIO: every slave fd is closed, the tutor is gone or going
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self._stop_reading()
            return False
        self.tail += data
        del self.tail[:-4096]
        self.on_output(data)
        return True

    # Input and size: client → master

    def write(self, data: bytes) -> None:
        if self._master is None or not data:
            return
        if not self._pending:
            try:
                written = os.write(self._master, data)
            except BlockingIOError:
                written = 0
            except OSError:
                return  # the tutor is gone; its exit is on its way
            data = data[written:]
            if not data:
                return
            self._loop.add_writer(self._master, self._flush)
        self._pending += data
        if len(self._pending) > 1 << 20:  # a tutor that stopped reading for a megabyte of keys: drop the rest
            del self._pending[1 << 20:]

    def _flush(self) -> None:
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self._master)

    def resize(self, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
        self.size = (cols, rows, xpixels, ypixels)
        if self._master is not None and cols and rows:
            with contextlib.suppress(OSError):
                set_window_size(self._master, cols, rows, xpixels, ypixels)

    # Exit

    def _leader_exited(self) -> None:
        """The leader has exited (not yet reaped): end its group, drain the pty, reap it."""
        if self._exited.done():
            return
        self.signal_group(signal.SIGKILL)  # stragglers; the unreaped leader keeps the group id ours
        if self._master is not None:
            for _ in range(64):  # the last frames and a traceback, if any; bounded
                if not self._read():
                    break
        self.returncode = self._popen.wait()
        self._close()
        self._exited.set_result(self.returncode)

    async def _poll_exit(self) -> None:
        while self._popen.poll() is None:  # poll() reaps it: kill stragglers through the pgid first
            await asyncio.sleep(_POLL)
        self._leader_exited()

    # Exit of a forked tutor: the zygote has killed what was left of its group and reaped it

    def zygote_exit(self, status: int) -> None:
        if self._master is None and not self._exited.done():  # start() has not resumed yet: it will call again
            self._reported = status
            return
        self._ended(status)

    def zygote_lost(self) -> None:
        """The zygote died: this tutor runs on, reparented; watch it ourselves (its status will be unknown)."""
        if self._exited.done() or self._master is None:  # not started yet: _fork() calls again
            return
        if self._pidfd is not None:
            self._loop.add_reader(self._pidfd, self._ended, None)
        else:
            self._poller = self._loop.create_task(self._poll_orphan())

    async def _poll_orphan(self) -> None:
        while True:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return self._ended(None)
            except PermissionError:
                pass
            await asyncio.sleep(_POLL)

    def _ended(self, status: int | None) -> None:
        if self._exited.done():
            return
        if self._master is not None:
            for _ in range(64):  # the last frames and a traceback, if any; bounded
                if not self._read():
                    break
        self.returncode = status
        self._close()
        self._exited.set_result(status)

    def _close(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        if self._master is not None:
            self._stop_reading()
            if self._pending:
                self._loop.remove_writer(self._master)
                self._pending.clear()
            os.close(self._master)
            self._master = None

    def signal_group(self, sig: int) -> None:
        if self.pid is None or self._exited.done():
            return
        if self.forked and self.zygote.signal(self.pid, sig):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):  # spawned, or the zygote is gone
            os.killpg(self.pid, sig)

    async def wait(self) -> int | None:
        """The exit status (-N: killed by signal N); None if unknown (a forked tutor outlived the zygote)."""
        return await asyncio.shield(self._exited)

    async def stop(self, grace: float = 2.0, first: int = signal.SIGHUP) -> int | None:
        """Ends the tutor: ``first`` (SIGHUP, or SIGTERM at shutdown), then SIGTERM, then SIGKILL."""
        self.stopping = True
        if self.pid is None:
            return 0
        order = [signal.SIGHUP, signal.SIGTERM, signal.SIGKILL]
        for sig in order[order.index(first):]:
            if self._exited.done():
                break
            self.signal_group(sig)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._exited), grace if sig != signal.SIGKILL else 5.0)
        return await self.wait()
