"""The instructor's feed: the class's live state, a student's screen, messages.

Reached two ways, and by instructors only: the Unix socket ``lab.sock`` in the
data folder (mode 0600, and a peer of another uid is refused: ``lab status``
and ``lab board`` on the server's own terminal), and a socket pair the server
makes for each board it starts for an instructor logged in over SSH. A
student's session is never given either; their tutor holds only its own
live-state channel (``live_state``).

JSON lines both ways. Client → server:

  {"op": "rows"}                       one {"op": "rows", "rows": [...]} (see ``LiveLink.row``)
  {"op": "watch"}                      {"op": "rows", ...} every ``WATCH_EVERY`` seconds from now on
  {"op": "view", "user": U}            {"op": "view", "user": U, "size": [COLS, ROWS]}, then that
                                       student's output as {"op": "screen", "data": BASE64, "size": [C, R]}
                                       (their terminal's size as it is now: it may change while looked
                                       at); their tutor is asked to repaint and shows "your instructor
                                       is viewing"
  {"op": "unview"}                     the viewing ends (also when the client goes)
  {"op": "message", "to": U|"", "text": T}   to one student or all; {"op": "sent", "count": N}

Errors come back as {"op": "error", "error": "..."}; a line over ``MAX_LINE`` ends the connection.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
import struct
import time
from pathlib import Path

from .escape import shown

SOCKET_FILE = "lab.sock"
MAX_LINE = 8192
WATCH_EVERY = 0.4  # with the tutors' looks (0.3 s), the board is less than a second behind
MAX_BUFFERED = 4 << 20  # a viewer this far behind is stopped, not waited for
MAX_MESSAGE = 500


class Feed:
    def __init__(self, lab) -> None:  # a server.Lab (not imported: the server imports this)
        self.lab = lab
        self.path = Path(lab.config.data_dir) / SOCKET_FILE
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a lab that stopped without cleaning up (or one running now: it loses it)
        old = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._serve_socket, path=str(self.path),
                                                           limit=MAX_LINE)
            os.chmod(self.path, 0o600)
        except OSError as e:  # e.g. a data folder whose path is too long for a socket: the lab still serves
            self.lab.log(f"warning: no {SOCKET_FILE} ({e.strerror or e}): `lab status` and `lab board` "
                         f"cannot reach this lab; instructors logging in over SSH still get the board")
        finally:
            os.umask(old)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    # What is shown and sent

    def rows(self) -> list[dict]:
        """Each connected student's live state, by name."""
        now = time.monotonic()
        rows = [s.live.row(s.owner.name, s.last_input, now) for s in self.lab.sessions
                if s.live is not None and s.tutor is not None and s.tutor.running]
        return sorted(rows, key=lambda r: r["user"])

    def class_rows(self) -> list[dict]:
        """What the board and ``lab status`` show: this lab's students, and with a shared database the
        students every other server published there (``live_db``), by name. Viewing and messages reach
        this lab's students only."""
        rows = self.rows()
        if self.lab.live_db is None:
            return rows
        here = {r["user"] for r in rows}
        return sorted(rows + [r for r in self.lab.live_db.others if r["user"] not in here], key=lambda r: r["user"])

    def student_session(self, user: str):
        """The student's most recent session with a running tutor."""
        found = [s for s in self.lab.sessions if s.live is not None and s.owner.name == user
                 and s.tutor is not None and s.tutor.running]
        return max(found, key=lambda s: s.started, default=None)

    def message(self, to: str, text: str, sender: str) -> int:
        """Sends ``text`` to the student ``to`` (every student if empty); how many tutors it reached."""
        count = sum(s.live.send(op="message", text=text) for s in self.lab.sessions
                    if s.live is not None and (not to or s.owner.name == to))
        self.lab.log(f"message from={shown(sender, 40, spaces=False)} to={shown(to or '*', 40, spaces=False)} "
                     f"reached={count} text={shown(text, 500)}")
        return count

    def attach(self, sock: socket.socket, who: str) -> None:
        """Serves the feed on ``sock``, the server's end of a board's socket pair."""
        async def run() -> None:
            reader, writer = await asyncio.open_unix_connection(sock=sock, limit=MAX_LINE)
            await self.serve(reader, writer, who)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve_socket(self, reader, writer) -> None:
        sock = writer.get_extra_info("socket")
        uid = -1
        with contextlib.suppress(OSError, AttributeError):
            _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid != os.getuid():  # the file is 0600 already; this is for a root that is not us
            self.lab.log(f"refused feed from uid {uid}")
            writer.close()
            return
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await self.serve(reader, writer, "local")
        finally:
            self._tasks.discard(task)

    async def serve(self, reader, writer, who: str) -> None:
        client = _Client(self.lab, writer, who)
        try:
            while True:
                try:
                    line = await reader.readline()
                except (ValueError, asyncio.LimitOverrunError):
                    client.send(op="error", error=f"a request longer than {MAX_LINE} bytes")
                    break
                if not line:
                    break
                try:
                    request = json.loads(line)
                    op = request["op"]
                except (ValueError, KeyError, TypeError):
                    client.send(op="error", error="not a request")
                    continue
                client.handle(op, request)
                with contextlib.suppress(ConnectionError):
                    await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            client.end()
            writer.close()


class _Client:
    def __init__(self, lab, writer, who: str) -> None:
        self.lab, self.writer, self.who = lab, writer, who
        self.watch: asyncio.Task | None = None
        self.viewing = None  # the channel.LabSession looked at

    def send(self, **message) -> None:
        if not self.writer.is_closing():
            self.writer.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")

    def handle(self, op: str, request: dict) -> None:
        if op == "rows":
            self.send(op="rows", rows=self.lab.feed.class_rows())
        elif op == "watch" and self.watch is None:
            self.watch = asyncio.get_running_loop().create_task(self._watch())
        elif op == "view":
            self.view(str(request.get("user", "")))
        elif op == "unview":
            self.unview()
        elif op == "message":
            text = str(request.get("text", "")).strip()[:MAX_MESSAGE]
            to = str(request.get("to", "") or "")
            if not text:
                return self.send(op="error", error="an empty message")
            count = self.lab.feed.message(to, text, self.who)
            self.send(op="sent", count=count, to=to)
        else:
            self.send(op="error", error=f"unknown request {shown(op, 20)!r}")

    async def _watch(self) -> None:
        while not self.writer.is_closing():
            self.send(op="rows", rows=self.lab.feed.class_rows())
            await asyncio.sleep(WATCH_EVERY)

    def view(self, user: str) -> None:
        self.unview()
        session = self.lab.feed.student_session(user)
        if session is None:
            return self.send(op="error", error=f"{shown(user, 40)} is not connected")
        self.viewing = session
        self.send(op="view", user=user, size=list(session.size[:2]))
        session.add_viewer(self._screen)
        self.lab.log(f"view by={self.who} of={user}")

    def _screen(self, data: bytes) -> None:
        if self.writer.is_closing() or self.writer.transport.get_write_buffer_size() > MAX_BUFFERED:
            self.send(op="unview", why="the board could not keep up")
            return self.unview()
        size = list(self.viewing.size[:2]) if self.viewing is not None else None
        self.send(op="screen", data=base64.b64encode(data).decode(), size=size)

    def unview(self) -> None:
        if self.viewing is not None:
            self.viewing.remove_viewer(self._screen)
            self.viewing = None

    def end(self) -> None:
        self.unview()
        if self.watch is not None:
            self.watch.cancel()
