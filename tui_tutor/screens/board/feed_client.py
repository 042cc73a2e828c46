"""The board's connection to the lab's feed (see ``lab.feed``): JSON lines both ways."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable

ENV = "TUI_TUTOR_LIVE_FD"
MAX_BUFFER = 32 << 20


class FeedClient:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.setblocking(False)
        self.buffer = bytearray()
        self.handler: Callable[[dict], None] = lambda message: None
        self.closed = False

    @classmethod
    def from_environment(cls) -> FeedClient:
        value = os.environ.get(ENV, "")
        if not value.isdigit():
            raise OSError(f"no connection to the lab ({ENV} is not set): start the board with `tui-tutor lab board`")
        return cls(socket.socket(fileno=int(value)))

    def send(self, **request) -> None:
        data = json.dumps(request, ensure_ascii=False).encode() + b"\n"
        self.sock.setblocking(True)  # requests are small: let them go out whole
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True
        finally:
            self.sock.setblocking(False)

    def read(self) -> bool:
        """Reads what has come and hands each whole line to ``handler``; False once the lab has gone."""
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                break
            self.buffer += chunk
            if len(self.buffer) > MAX_BUFFER:
                del self.buffer[:]
        while (end := self.buffer.find(b"\n")) >= 0:
            line = bytes(self.buffer[:end])
            del self.buffer[:end + 1]
            with contextlib.suppress(ValueError):
                message = json.loads(line)
                if isinstance(message, dict):
                    self.handler(message)
        return not self.closed
