"""Looking over a student's shoulder: their tutor's output, as it comes, on the instructor's terminal.

Runs while the board is suspended (its own screen put away). When the
student's terminal fits in the instructor's, their bytes go to the terminal
unchanged, so it shows what their terminal shows; when it does not, they go
into a terminal emulator the student's size and the top-left part that fits is
drawn, with a note (``cropped``). Read-only: the keys typed here are read only
to see Esc (or q); nothing is sent to the student's tutor, and nothing could be
(the feed has no request for it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import select
import termios
import time
import tty

from .cropped import CroppedScreen, Note
from .feed_client import FeedClient

ENTER = b"\x1b[?1049h\x1b[H\x1b[2J"  # the alternate screen, cleared: their repaint fills it
CLEAR = b"\x1b[0m\x1b[H\x1b[2J"
# Mouse, paste and focus reporting off, keyboard protocol reset, main screen, cursor shown, styles reset.
LEAVE = (b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[<u"
         b"\x1b[0m\x1b[2J\x1b[?1049l\x1b[?25h")
TICK = 0.5  # how soon a change of the instructor's terminal size is seen


def is_leave_key(data: bytes) -> bool:
    """Esc alone, or q (mouse reports and other sequences also begin with Esc: they are not it)."""
    return data == b"\x1b" or (b"q" in data and not data.startswith(b"\x1b"))


class Mirror:
    """Shows the student's output on ``fd``: raw while their screen fits, else cropped."""

    def __init__(self, fd: int, theirs: tuple[int, int], note: Note, fallback: tuple[int, int]) -> None:
        self.fd, self.theirs, self.note, self.fallback = fd, theirs, note, fallback
        self.mine = self.terminal_size()
        self.cropped = None if self.fits() else CroppedScreen(*theirs, note)
        self.stale = False  # True: what is on the terminal needs the student's tutor to repaint

    def terminal_size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.fd)
            return (size.columns, size.lines) if size.columns and size.lines else self.fallback
        except OSError:
            return self.fallback

    def fits(self) -> bool:
        return self.mine[0] >= self.theirs[0] and self.mine[1] >= self.theirs[1]

    def show(self, data: bytes, theirs: object) -> None:
        if isinstance(theirs, list) and len(theirs) == 2 and all(isinstance(n, int) and n > 0 for n in theirs):
            self._sizes(self.mine, (theirs[0], theirs[1]))
        if self.cropped is None:
            _write(self.fd, data)
        else:
            self.cropped.feed(data)

    def check_terminal(self) -> None:
        if (mine := self.terminal_size()) != self.mine:
            self._sizes(mine, self.theirs)
            self.stale = True  # the instructor's terminal changed: everything is drawn again

    def _sizes(self, mine: tuple[int, int], theirs: tuple[int, int]) -> None:
        changed = (mine, theirs) != (self.mine, self.theirs)
        self.mine, self.theirs = mine, theirs
        if self.fits():
            if self.cropped is not None or changed:
                _write(self.fd, CLEAR)  # their tutor repaints on a resize; what it leaves out is blank
            self.cropped = None
        elif self.cropped is None:
            _write(self.fd, CLEAR)
            self.cropped = CroppedScreen(*theirs, self.note)  # filled by the repaint that follows a resize
        else:
            self.cropped.resize(*theirs)

    def flush(self) -> None:
        if self.cropped is not None:
            _write(self.fd, self.cropped.render(*self.mine))


def look(feed: FeedClient, user: str, theirs: tuple[int, int], note: Note, tty_in: int = 0, tty_out: int = 1,
         fallback: tuple[int, int] = (80, 24), timeout: float | None = None) -> str:
    """Mirrors ``user``'s screen until Esc, the end of the viewing, or the lab's; returns why it ended."""
    why = ""
    mirror = Mirror(tty_out, theirs, note, fallback)

    def handle(message: dict) -> None:
        nonlocal why
        if message.get("op") == "screen":
            with contextlib.suppress(binascii.Error, ValueError, TypeError, OSError):
                mirror.show(base64.b64decode(message.get("data", ""), validate=True), message.get("size"))
        elif message.get("op") in ("unview", "error"):
            why = str(message.get("why") or message.get("error") or "ended")

    saved_handler, feed.handler = feed.handler, handle
    saved_mode = None
    with contextlib.suppress(termios.error):
        saved_mode = termios.tcgetattr(tty_in)
        tty.setraw(tty_in)
    _write(tty_out, ENTER)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        feed.read()  # what came before the board was suspended
        while not why:
            mirror.flush()
            wait = TICK if deadline is None else min(TICK, deadline - time.monotonic())
            ready = select.select([feed.sock, tty_in], [], [], max(wait, 0))[0]
            if deadline is not None and not ready and time.monotonic() >= deadline:
                why = "timeout"
            if tty_in in ready:
                try:
                    data = os.read(tty_in, 1024)
                except OSError:
                    data = b""
                if not data or is_leave_key(data):
                    why = why or "esc"
            if feed.sock in ready and not feed.read():
                why = why or "the lab has closed"
            mirror.check_terminal()
            if mirror.stale and not why:
                mirror.stale = False
                feed.send(op="view", user=user)  # looking again has their tutor repaint it all
    finally:
        feed.send(op="unview")
        feed.handler = saved_handler
        _write(tty_out, LEAVE)
        if saved_mode is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(tty_in, termios.TCSADRAIN, saved_mode)
    return why


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            select.select([], [fd], [], 1.0)
