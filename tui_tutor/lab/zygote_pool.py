"""The zygote's pool of ready tutors (see ``pool_child``): forked while the machine is idle,
handed to logins as they come.

A login served from the pool costs its SSH handshake and the learner's state, not a whole
first frame, so a class logging in at the same second is served in a fraction of the time.
The pool is refilled one tutor at a time, and only when nobody has asked for a tutor for a
moment and the sessions leave the CPUs mostly idle: warming a tutor costs what a login would, and during a
burst of logins, or while a class steps, that CPU belongs to the students.

The pool gets ready for learners like the last: at the size of the last login's terminal (a
class's terminals are mostly alike), in its language, new or not (a new learner's first screen
has a word on the help keys). A tutor claimed by another kind of learner adapts as it paints,
at some cost; ready tutors are brought in line with the last logins while the machine is idle.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import detect_language

QUIET = 1.0  # seconds without a login before refilling
CLAIMS_AT_ONCE = os.cpu_count() or 1  # tutors taking their learner at the same time
PAINTING = 3.0  # seconds after which a claimed tutor that has not said it painted counts as done
BUSY = 0.5  # refill only while the sessions use less than this share of the CPUs
TUTOR = ("module", "tui_tutor")  # what a pooled tutor can become


@dataclass
class Member:
    pid: int
    sock: socket.socket
    look: tuple[int, int, bool]  # (columns, rows, for a new learner)
    warm: bool = False
    since: float = field(default_factory=time.monotonic)


class SessionLoad:
    """The share of the machine's CPUs the lab's sessions used since the last call (from /proc/PID/stat).
    Other work on the machine is not counted: the pool yields to the students, not to everyone."""

    def __init__(self) -> None:
        self.ticks: dict[int, int] = {}
        self.when = time.monotonic()
        self.per_second = os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)

    def share(self, pids) -> float:
        now, used, ticks = time.monotonic(), 0, {}
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, ValueError, IndexError):
                continue
            used += ticks[pid] - self.ticks.get(pid, ticks[pid])
        elapsed, self.ticks, self.when = now - self.when, ticks, now
        return used / (elapsed * self.per_second) if elapsed > 0 else 0.0


class Pool:
    """Pooled tutors by pid. ``fork(look, lang)`` makes one (the zygote's); ``take()`` one warm."""

    def __init__(self, fork: Callable[[tuple[int, int, bool], str], Member | None]) -> None:
        self.fork = fork
        self.target = 0
        self.members: dict[int, Member] = {}
        self.claimed: dict[int, Member] = {}  # taken, painting their learner's first frame
        self.look: tuple[int, int, bool] = (80, 24, True)  # a lab's first logins are new learners
        self.lang = "en"
        self.last_demand = 0.0
        self.load = SessionLoad()
        self.changed = False  # the number of warm tutors changed since the zygote last said so

    @property
    def warm(self) -> int:
        return sum(m.warm for m in self.members.values())

    def serves(self, run) -> bool:
        return tuple(run) == TUTOR

    def demand(self, slave: int, env: dict) -> None:
        """A login: remember when, and the terminal's size and language, for the tutors made next."""
        self.last_demand = time.monotonic()
        with contextlib.suppress(OSError, struct.error):
            rows, cols = struct.unpack("HHHH", fcntl.ioctl(slave, termios.TIOCGWINSZ, b"\0" * 8))[:2]
            if cols and rows:
                self.look = (cols, rows, self.look[2])
        self.lang = detect_language(env)

    def take(self) -> Member | None:
        """The longest-warm tutor, out of the pool; None if none is warm."""
        warm = [m for m in self.members.values() if m.warm]
        if not warm:
            return None
        member = min(warm, key=lambda m: m.since)
        del self.members[member.pid]
        self.changed = True
        return member

    def can_claim(self) -> bool:
        now = time.monotonic()
        for pid in [pid for pid, m in self.claimed.items() if now - m.since > PAINTING]:
            self.claimed.pop(pid).sock.close()
        return len(self.claimed) < CLAIMS_AT_ONCE

    def heard(self, member: Member) -> None:
        """A pooled tutor wrote: it is warm, or has painted its learner's first frame, or has gone (its
        exit is reaped elsewhere)."""
        if self.claimed.get(member.pid) is member:  # painted (or gone): the next login may take one
            with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
                said = json.loads(member.sock.recv(4096))
                if said.get("op") == "painted":
                    self.look = (*self.look[:2], not said["told"])
            del self.claimed[member.pid]
            member.sock.close()
            return
        try:
            data = member.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            member.sock.close()
            self.members.pop(member.pid, None)
            self.changed = True
            return
        with contextlib.suppress(ValueError, AttributeError):
            if json.loads(data).get("op") == "warm" and not member.warm:
                member.warm, member.since = True, time.monotonic()
                self.changed = True

    def forget(self, pid: int) -> bool:
        member = self.members.pop(pid, None) or self.claimed.pop(pid, None)
        if member is None:
            return False
        member.sock.close()
        self.changed = True
        return True

    def tend(self, sessions) -> None:
        """Called about once a second with the sessions' pids: refill by one if they leave the CPUs mostly
        idle and nobody logged in just now; warm tutors follow the last logins."""
        busy = self.load.share(sessions)
        if time.monotonic() - self.last_demand < QUIET or busy >= BUSY:
            return
        for member in self.members.values():
            if member.warm and member.look != self.look:
                with contextlib.suppress(OSError):
                    cols, rows, first_help = self.look
                    member.sock.send(json.dumps({"op": "prepare", "size": [cols, rows], "help": first_help}).encode())
                    member.look = self.look
                return  # one at a time: it costs a repaint
        warming = any(not m.warm for m in self.members.values())
        if len(self.members) < self.target and not warming:
            member = self.fork(self.look, self.lang)
            if member is not None:
                self.members[member.pid] = member
        elif len(self.members) > self.target:  # fewer wanted now: the newest goes
            newest = max(self.members.values(), key=lambda m: m.since)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(newest.pid, signal.SIGTERM)
