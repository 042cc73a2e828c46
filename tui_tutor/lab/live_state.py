"""The server's side of one tutor's live-state channel (the tutor's side is ``tutor.live``).

The server makes a SOCK_SEQPACKET socket pair per tutor and gives the tutor one
end (the zygote passes it with the pty, SCM_RIGHTS; a spawned tutor inherits
it): so the state comes from that tutor and no other, and no file a student
could write is read. Nothing in it is trusted: each field is checked for type,
clipped, and escaped with ``shown`` before anyone sees it; it is only ever
displayed. Packets beyond ``MAX_RATE`` a second are read and dropped.

Down the same channel go the instructor's messages and "viewing" on and off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time

from .escape import shown

MAX_PACKET = 4096
MAX_RATE = 10  # packets a second taken from one tutor; the rest are dropped
STRING_FIELDS = {"screen": 20, "phase": 20, "question": 40, "score": 12, "mistake": 80, "lang": 5}
NUMBER_FIELDS = {"lesson": 999, "step": 100000, "steps": 100000, "wrong": 1000}
STUCK_WRONG = 3  # the same question answered wrong this many times in a row ...
STUCK_SECONDS = 300.0  # ... or this long on one step or question: the row is flagged


def clean(raw: object) -> dict:
    """The fields the board shows, from whatever the tutor sent: strings escaped and clipped,
    numbers whole and bounded; anything else dropped."""
    out: dict = {}
    if not isinstance(raw, dict):
        return out
    for key, limit in STRING_FIELDS.items():
        value = raw.get(key)
        if isinstance(value, str):
            out[key] = shown(value, limit)
    for key, top in NUMBER_FIELDS.items():
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top:
            out[key] = value
    return out


class LiveLink:
    """One tutor's channel: ``tutor_end`` goes to the tutor; ``state`` is what it last said."""

    def __init__(self) -> None:
        self.ours, self.tutor_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.ours.setblocking(False)
        self.state: dict = {}
        self.since = time.monotonic()  # when the place (screen, lesson, phase, step, question) last changed
        self.updated = 0.0
        self._window = (0.0, 0)  # rate limit: start of this second, packets in it
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.ours.fileno(), self._readable)
        self.closed = False

    def handed_over(self) -> None:
        """The tutor has its copy of its end now: ours is closed, so its end closing is the tutor gone."""
        self.tutor_end.close()

    def _readable(self) -> None:
        for _ in range(64):  # bounded: a flood waits for the next turn of the loop
            try:
                data = self.ours.recv(MAX_PACKET)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                return self.close()
            now = time.monotonic()
            start, count = self._window
            if now - start >= 1.0:
                start, count = now, 0
            self._window = (start, count + 1)
            if count >= MAX_RATE:
                continue
            try:
                state = clean(json.loads(data))
            except (ValueError, RecursionError):
                continue
            if _place(state) != _place(self.state):
                self.since = now
            self.state, self.updated = state, now

    def send(self, **message) -> bool:
        if self.closed:
            return False
        try:
            self.ours.send(json.dumps(message, ensure_ascii=False).encode()[:MAX_PACKET])
        except OSError:  # full (a tutor not reading) or gone: a message is not worth blocking for
            return False
        return True

    def row(self, user: str, last_input: float, now: float | None = None) -> dict:
        """One row of ``lab status`` and the board."""
        now = time.monotonic() if now is None else now
        s = self.state
        step = f"{s['step']}/{s['steps']}" if "step" in s and "steps" in s else ""
        since = now - self.since
        stuck = s.get("wrong", 0) >= STUCK_WRONG or (since >= STUCK_SECONDS and bool(s))
        return {"user": user, "screen": s.get("screen", ""), "lesson": s.get("lesson"),
                "phase": s.get("phase", ""), "step": step, "question": s.get("question", ""),
                "score": s.get("score", ""), "last_mistake": s.get("mistake", ""), "since": round(since),
                "idle_s": round(now - last_input), "wrong": s.get("wrong", 0), "stuck": stuck,
                "lang": s.get("lang", "")}

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            self._loop.remove_reader(self.ours.fileno())
        self.ours.close()
        with contextlib.suppress(OSError):
            self.tutor_end.close()


def _place(state: dict) -> tuple:
    return tuple(state.get(k) for k in ("screen", "lesson", "phase", "step", "question"))
