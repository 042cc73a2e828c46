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
file a student saves can be imported by a later tutor. Its output and input pass
through the pty's master (``tutor_pty.TutorPty``, which this class extends).

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
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

from ..tutor.live import ENV as LIVE_ENV
from .confine import LAUNCHER, PACKAGE_ROOT, TutorLimits, home
from .prefork import Zygote, ZygoteError, zygote_target
from .tutor_pty import TutorPty, set_window_size

_POLL = 0.1  # seconds between exit checks where there is no pidfd


class TutorProcess(TutorPty):
    """A child process on a fresh pty. ``await start()``, then ``write``/``resize``; ``await stop()`` to end it."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], size: tuple[int, int, int, int],
                 on_output: Callable[[bytes], None], zygote: Zygote | None = None,
                 limits: TutorLimits | None = None, live_fd: int | None = None) -> None:
        super().__init__(size, on_output)
        self.argv, self.env = list(argv), dict(env)
        self.live_fd = live_fd  # the tutor's end of its live-state channel (see live_state), passed to it
        self.zygote = zygote
        self.limits = limits or TutorLimits()
        self.forked = False  # by the zygote (else spawned)
        self.pooled = False  # a tutor of the zygote's pool, made ready before this login (see zygote_pool)
        self.fallback: str | None = None  # why the zygote did not start it, when it did not
        self.pid: int | None = None
        self.returncode: int | None = None
        self.stopping = False  # set once we asked it to end (so its exit is not a crash)
        self._popen: subprocess.Popen | None = None
        self._pidfd: int | None = None
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
