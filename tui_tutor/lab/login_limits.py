"""What the lab allows a client before and while it logs in: connections waiting to log in, per
address and in all; password checks and failed logins per address, and how long an address that failed
too often is blocked. ``LoginLimits`` is part of ``server.Lab``; ``connection.LabConnection`` asks it.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from .escape import shown

if TYPE_CHECKING:
    from .config import LabConfig
    from .connection import LabConnection


class LoginLimits:
    """The lab's counts of logins by address; the lab gives it ``config``, ``connections`` and its log."""

    config: LabConfig
    connections: set[LabConnection]

    def __init__(self) -> None:
        self.passwords_checked = 0  # password attempts evaluated (each costs an scrypt)
        self._password_checks: dict[str, int] = {}  # per address, being evaluated now
        self._failures: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}

    def log(self, line: str) -> None:
        raise NotImplementedError

    def log_seldom(self, kind: str, line: str, every: float = 10.0) -> None:
        raise NotImplementedError

    def refused(self, conn: LabConnection, why: str) -> None:
        """``why`` must have every client string in it through ``shown`` already."""
        self.log(f"refused user={shown(conn.name or conn.user or '-', 40, spaces=False)} from={conn.addr} "
                 f"why={why}")

    def admit(self, conn: LabConnection) -> bool:
        """Room for ``conn`` among the connections not logged in yet, per address and in all. When full, the
        oldest that has not even begun to log in (a flood's idle socket, not a student typing) is dropped for
        it; if every one has begun, ``conn`` is refused. Logged-in connections are not counted."""
        waiting = [c for c in self.connections if not c.authed and c is not conn]
        same = [c for c in waiting if c.addr == conn.addr]
        for crowd, cap, where in ((same, self.config.max_waiting_per_address, f"from {conn.addr}"),
                                  (waiting, self.config.max_waiting, "in all")):
            if len(crowd) < cap:
                continue
            idle = [c for c in crowd if not c.tried]
            if not idle:
                self.log_seldom(f"full {where}", f"refused from={conn.addr} why={cap} connections {where} "
                                                 f"logging in already")
                return False
            oldest = min(idle, key=lambda c: c.since)
            self.log_seldom(f"drop {where}", f"dropped from={oldest.addr} why=a connection that had not begun "
                                             f"to log in, for a new one ({cap} waiting {where})")
            oldest.drop()
            crowd.remove(oldest)
            if oldest in waiting:
                waiting.remove(oldest)
        return True

    def channels_of(self, name: str) -> int:
        return sum(len(c.channels) for c in self.connections if c.authed and c.name == name)

    def begin_password_check(self, addr: str) -> bool:
        """May a password from ``addr`` be checked now? Those being checked count as failures already, so
        a burst of concurrent guesses gets no more evaluated than ``max_failures``. ``end_password_check``
        after."""
        now = time.monotonic()
        recent = sum(1 for t in self._failures.get(addr, ()) if t >= now - self.config.failure_window)
        checking = self._password_checks.get(addr, 0)
        if self.blocked_for(addr) or recent + checking >= self.config.max_failures:
            return False
        self._password_checks[addr] = checking + 1
        self.passwords_checked += 1
        return True

    def end_password_check(self, addr: str, ok: bool) -> None:
        left = self._password_checks.get(addr, 1) - 1
        if left > 0:
            self._password_checks[addr] = left
        else:
            self._password_checks.pop(addr, None)
        if not ok:
            self.note_failure(addr)

    def note_failure(self, addr: str) -> None:
        now = time.monotonic()
        times = self._failures.setdefault(addr, deque())
        times.append(now)
        while times and times[0] < now - self.config.failure_window:
            times.popleft()
        if len(times) >= self.config.max_failures and not self.blocked_for(addr):
            self._blocked[addr] = now + self.config.block_time
            times.clear()
            self.log(f"blocked from={addr} for {self.config.block_time:g} s after "
                     f"{self.config.max_failures} failed logins")

    def blocked_for(self, addr: str) -> float:
        """Seconds left before ``addr`` may try again (0 if it may now)."""
        until = self._blocked.get(addr)
        if until is None:
            return 0.0
        left = until - time.monotonic()
        if left <= 0:
            del self._blocked[addr]
            return 0.0
        return left

