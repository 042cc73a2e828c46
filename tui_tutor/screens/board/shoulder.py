"""Looking over a student's shoulder: their tutor's output, as it comes, on the instructor's terminal.

Runs while the board is suspended (its own screen put away): the student's bytes
go to the terminal unchanged, so it shows what their terminal shows. Read-only:
the keys typed here are read only to see Esc (or q); nothing is sent to the
student's tutor, and nothing could be (the feed has no request for it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import select
import termios
import tty

from .feed_client import FeedClient

ENTER = b"\x1b[?1049h\x1b[H\x1b[2J"  # the alternate screen, cleared: their repaint fills it
# Mouse, paste and focus reporting off, keyboard protocol reset, main screen, cursor shown, styles reset.
LEAVE = (b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[<u"
         b"\x1b[0m\x1b[2J\x1b[?1049l\x1b[?25h")


def is_leave_key(data: bytes) -> bool:
    """Esc alone, or q (mouse reports and other sequences also begin with Esc: they are not it)."""
    return data == b"\x1b" or (b"q" in data and not data.startswith(b"\x1b"))


def look(feed: FeedClient, user: str, tty_in: int = 0, tty_out: int = 1, timeout: float | None = None) -> str:
    """Mirrors ``user``'s screen until Esc, the end of the viewing, or the lab's; returns why it ended."""
    why = ""

    def handle(message: dict) -> None:
        nonlocal why
        if message.get("op") == "screen":
            with contextlib.suppress(binascii.Error, ValueError, TypeError, OSError):
                _write(tty_out, base64.b64decode(message.get("data", ""), validate=True))
        elif message.get("op") in ("unview", "error"):
            why = str(message.get("why") or message.get("error") or "ended")

    saved_handler, feed.handler = feed.handler, handle
    saved_mode = None
    with contextlib.suppress(termios.error):
        saved_mode = termios.tcgetattr(tty_in)
        tty.setraw(tty_in)
    _write(tty_out, ENTER)
    try:
        feed.read()  # what came before the board was suspended
        while not why:
            ready = select.select([feed.sock, tty_in], [], [], timeout)[0]
            if not ready:
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
