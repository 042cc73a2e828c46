"""The server's end of a tutor's pseudo-terminal (the master side).

Output is read from the master without blocking, a whole frame at a time where it can be, and handed to
``on_output``; input goes to the master through a small buffer, so a tutor that stops reading never blocks
the server; a resize is a TIOCSWINSZ on the master, which sends the tutor SIGWINCH as a real terminal's
does. ``session.TutorProcess`` is the tutor on the other side.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import struct
import termios
from collections.abc import Callable

_READ_SIZE = 65536


def set_window_size(fd: int, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    cols, rows = max(1, min(int(cols), 0xFFFF)), max(1, min(int(rows), 0xFFFF))
    size = struct.pack("HHHH", rows, cols, min(int(xpixels), 0xFFFF), min(int(ypixels), 0xFFFF))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)


class TutorPty:
    """Reading and writing a pty's master once ``_master`` is set (by the process that opened it)."""

    def __init__(self, size: tuple[int, int, int, int], on_output: Callable[[bytes], None]) -> None:
        self.size = size
        self.on_output = on_output
        self.tail = bytearray()  # the last few KiB of output, for the log when it crashes
        self._loop = asyncio.get_running_loop()
        self._master: int | None = None
        self._pending = bytearray()
        self._reading = False
        self._paused = False

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

