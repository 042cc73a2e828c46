"""The lab's SSH server and the limits that keep it usable.

``Lab`` holds what all connections share (configuration, the class list, the
sessions, failed-login counts, the log) and runs the asyncssh server;
``connection.LabConnection`` is one client's connection (logging in, refusals);
``channel.LabSession`` runs the tutor. Agent and X11 forwarding are off at the
server level; everything but an interactive session is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from .accounts import Accounts
from .channel import LabSession, tutor_env
from .connection import LabConnection
from .hostkey import host_fingerprint, load_or_create_host_key
from .names import AccountError
from .prefork import Zygote, zygote_target
from .session import home

LOG_FILE = "lab.log"


@dataclass
class LabConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    guest: bool = False
    max_sessions: int = 64
    idle_timeout: float = 1800.0  # seconds without input from the client; 0: never
    login_timeout: float = 60.0
    tutor_command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "tui_tutor"])
    """The tutor, before its arguments (``--data-dir DIR --user NAME --lab`` are added)."""
    max_failures: int = 5  # failed logins from one address within failure_window ...
    failure_window: float = 60.0
    block_time: float = 60.0  # ... refuse it this long
    stop_grace: float = 2.0  # between SIGHUP, SIGTERM and SIGKILL when a session ends
    shutdown_grace: float = 5.0  # for the tutors to save after SIGTERM when the lab stops
    log_to_stderr: bool = True
    zygote: bool = True  # fork tutors from a preloaded zygote where the tutor command allows; else spawn each


class Lab:
    """The server and what its connections share. ``await start()``, ``await close()``."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config
        config.data_dir = Path(config.data_dir).expanduser().resolve()  # the tutors run in another folder
        config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.logger = logging.Logger("tui_tutor.lab")  # noqa: LOG001 -- not registered: each Lab has its own handlers
        os.close(os.open(config.data_dir / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # not 644
        handlers: list[logging.Handler] = [logging.FileHandler(config.data_dir / LOG_FILE, encoding="utf-8")]
        if config.log_to_stderr:
            handlers.append(logging.StreamHandler(sys.stderr))
        for h in handlers:
            h.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
            self.logger.addHandler(h)
        self.accounts = Accounts(config.data_dir)
        self.host_key, created, warning = load_or_create_host_key(config.data_dir)
        self.fingerprint = host_fingerprint(self.host_key)
        if created:
            self.log(f"made a new host key {self.fingerprint}")
        if warning:
            self.log(f"warning: {warning}")
        self.connections: set[LabConnection] = set()
        self.sessions: set[LabSession] = set()
        self._failures: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}
        self._server = None
        self._idle_task: asyncio.Task | None = None
        self.zygote: Zygote | None = None
        self.closing = False
        self.port = config.port

    def log(self, line: str) -> None:
        self.logger.info(line)

    async def start(self) -> None:
        logging.getLogger("asyncssh").setLevel(logging.WARNING)
        c = self.config
        self._server = await asyncssh.create_server(
            lambda: LabConnection(self), c.host, c.port, server_host_keys=[self.host_key], encoding=None,
            line_editor=False, agent_forwarding=False, x11_forwarding=False, allow_scp=False,
            login_timeout=c.login_timeout, keepalive_interval=60, keepalive_count_max=3, gss_host=None,
            reuse_address=True, config=None)
        self.port = self._server.get_port()
        target = zygote_target(c.tutor_command) if c.zygote else None
        if target is not None:
            env = tutor_env(None, {})  # what the tutors get, less the client's terminal and language
            self.zygote = Zygote(env, home(env), preload=target[:2] == ("module", "tui_tutor"), log=self.log)
            try:
                self.zygote.start()
            except OSError as e:
                self.log(f"warning: the zygote could not be started ({e}); tutors start the slow way")
                self.zygote = None
        self.log(f"listening on {c.host}:{self.port} host key {self.fingerprint} "
                 f"max sessions {c.max_sessions} guests {'allowed' if c.guest else 'not allowed'}")
        if c.idle_timeout:
            self._idle_task = asyncio.get_running_loop().create_task(self._watch_idle())

    async def close(self) -> None:
        """Stop accepting; SIGTERM every tutor so it saves, give them a few seconds; close every connection."""
        if self.closing:
            return
        self.closing = True
        if self._server is not None:
            self._server.close()
        if self._idle_task is not None:
            self._idle_task.cancel()
        sessions = list(self.sessions)
        self.log(f"stopping: {len(sessions)} session(s) to end")
        for s in sessions:
            s.end("shutdown", first=signal.SIGTERM, grace=self.config.shutdown_grace)
        tasks = [s.task for s in sessions if s.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=self.config.shutdown_grace + 7)
        for conn in list(self.connections):
            if conn.conn is not None:
                conn.conn.close()
        if self.zygote is not None:
            await self.zygote.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
        self.log("stopped")
        for h in self.logger.handlers:
            h.close()

    async def _watch_idle(self) -> None:
        limit = self.config.idle_timeout
        while True:
            await asyncio.sleep(min(30.0, max(0.2, limit / 4)))
            now = time.monotonic()
            for s in list(self.sessions):
                if now - s.last_input > limit:
                    s.end("idle")

    # Accounts, slots, failures

    def reload_accounts(self) -> None:
        try:
            if self.accounts.reload():
                self.log(f"class list read: {len(self.accounts.users)} user(s)")
        except AccountError as e:
            self.log(f"error: {e}; keeping the class list as it was")

    def take_slot(self, session: LabSession) -> bool:
        if self.closing or len(self.sessions) >= self.config.max_sessions:
            return False
        self.sessions.add(session)
        return True

    def release_slot(self, session: LabSession) -> None:
        self.sessions.discard(session)

    def refused(self, conn: LabConnection, why: str) -> None:
        self.log(f"refused user={conn.name or conn.user or '-'} from={conn.addr} why={why}")

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


async def serve(config: LabConfig, ready=None) -> int:
    """Runs the lab until SIGINT, SIGTERM or SIGHUP; then ends the sessions gracefully. Returns 0."""
    lab = Lab(config)
    await lab.start()
    if ready is not None:
        ready(lab)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await lab.close()
    return 0
