"""A tutor's output gathered into whole frames before it goes to the SSH channel.

A pty gives the server at most 4095 bytes a read (its line discipline's buffer),
so a frame of 48 kB written at once comes out in a dozen reads. A read that full
means the tutor had more, most often the rest of the same frame: such reads are
held and sent with the frame's last, shorter read (or after ``HOLD_FOR``, or at
``HOLD_MAX`` bytes), as one channel write. For that frame the server then
encrypts and sends two SSH packets instead of twelve (and asyncssh adds an
SSH_MSG_IGNORE before every packet), and the client repaints once. A short read
is sent at once: a key's echo is never held.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

FULL_READ = 4095
HOLD_MAX = 64 << 10
HOLD_FOR = 0.005  # seconds: the longest a full read waits for the rest


class Gather:
    """``add`` what was read; ``send`` gets it gathered. ``flush`` before anything else goes to the channel."""

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self.send = send
        self._held: list[bytes] = []
        self._size = 0
        self._timer: asyncio.TimerHandle | None = None

    def add(self, data: bytes) -> None:
        if len(data) >= FULL_READ and self._size + len(data) < HOLD_MAX:
            self._held.append(data)
            self._size += len(data)
            if self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(HOLD_FOR, self.flush)
            return
        if self._held:
            self._held.append(data)
            data = self._take()
        self.send(data)

    def flush(self) -> None:
        if self._held:
            self.send(self._take())

    def drop(self) -> None:
        """Forgets what is held (the channel is gone)."""
        self._take()

    def _take(self) -> bytes:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        data = b"".join(self._held)
        self._held.clear()
        self._size = 0
        return data
