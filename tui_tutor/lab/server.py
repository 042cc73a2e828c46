"""The lab's SSH server and the limits that keep it usable.

``Lab`` holds what all connections share (configuration in ``config.LabConfig``, the
class list, the sessions, the log, and with ``login_limits.LoginLimits`` the counts of
logins and failures by address) and runs the asyncssh server;
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
from pathlib import Path

import asyncssh

from ..progress import DATABASE_URL_ENV
from .accounts import Accounts
from .accounts_db import DatabaseAccounts
from .channel import LabSession
from .config import LabConfig
from .confine import TutorLimits, make_run_dir
from .connection import LabConnection
from .feed import Feed
from .live_db import LivePublisher
from .hostkey import ALGORITHMS, host_fingerprint, load_host_key_file, load_or_create_host_key
from .login_limits import LoginLimits
from .names import AccountError
from .prefork import Zygote, default_pool, pool_target, zygote_target
from .proxy_protocol import ProxyProtocolServer
from .terminal import tutor_env

LOG_FILE = "lab.log"


class Lab(LoginLimits):
    """The server and what its connections share. ``await start()``, ``await close()``."""

    def __init__(self, config: LabConfig) -> None:
        super().__init__()
        self.config = config
        config.data_dir = Path(config.data_dir).expanduser().resolve()  # the tutors run in another folder
        config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.logger = logging.Logger("tui_tutor.lab")  # noqa: LOG001 -- not registered: each Lab has its own handlers
        os.close(os.open(config.data_dir / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # not 644
        handlers: list[logging.Handler] = [logging.FileHandler(config.data_dir / LOG_FILE, encoding="utf-8")]
        if config.log_to_stderr or config.log_to_stdout:
            handlers.append(logging.StreamHandler(sys.stdout if config.log_to_stdout else sys.stderr))
        for h in handlers:
            h.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
            self.logger.addHandler(h)
        self.accounts = Accounts(config.data_dir) if not config.database_url else DatabaseAccounts(
            config.database_url)
        if config.host_key_file:
            (self.host_key, warning), created = load_host_key_file(config.host_key_file), False
        else:
            self.host_key, created, warning = load_or_create_host_key(config.data_dir)
        self.fingerprint = host_fingerprint(self.host_key)
        if created:
            self.log(f"made a new host key {self.fingerprint}")
        if warning:
            self.log(f"warning: {warning}")
        self.run_dir = make_run_dir(config.data_dir)  # the tutors' folder and HOME: empty, read-only
        self.limits = TutorLimits(config.tutor_memory, config.tutor_file_size)
        self.connections: set[LabConnection] = set()
        self._quiet: dict[str, tuple[float, int]] = {}  # log lines held back in a flood: when last, how many
        self.sessions: set[LabSession] = set()
        self._server = None
        self._idle_task: asyncio.Task | None = None
        self.zygote: Zygote | None = None
        self.pool_size = 0
        self.feed = Feed(self)
        self.live_db = LivePublisher(self, config.database_url) if config.database_url else None
        self.closing = False
        self.port = config.port

    def log(self, line: str) -> None:
        self.logger.info(line)

    def log_seldom(self, kind: str, line: str, every: float = 10.0) -> None:
        """Logs ``line`` unless a line of this ``kind`` was logged in the last ``every`` seconds
        (then it is counted, and the count is told with the next one): a flood cannot flood the log."""
        now = time.monotonic()
        last, held = self._quiet.get(kind, (-every, 0))
        if now - last < every:
            self._quiet[kind] = (last, held + 1)
            return
        self._quiet[kind] = (now, 0)
        self.log(line + (f" (and {held} more like it in the last {now - last:.0f} s)" if held else ""))

    def tutor_env(self, term: str | None, client_env) -> dict[str, str]:
        env = tutor_env(term, client_env, home=str(self.run_dir))
        if self.config.database_url:  # the tutor opens its store from the URL (progress.open_store)
            env[DATABASE_URL_ENV] = self.config.database_url
        return env

    async def start(self) -> None:
        logging.getLogger("asyncssh").setLevel(logging.WARNING)
        c = self.config
        ssh_options = dict(server_host_keys=[self.host_key], encoding=None,
                           line_editor=False, agent_forwarding=False, x11_forwarding=False, allow_scp=False,
                           login_timeout=c.login_timeout, keepalive_interval=60, keepalive_count_max=3, gss_host=None,
                           **ALGORITHMS)
        if c.proxy_protocol:  # behind a balancer: each connection's PROXY header names the student's address
            self._server = await ProxyProtocolServer(
                {**ssh_options, "server_factory": lambda: LabConnection(self)}, self.log_seldom,
                max_pending=2 * c.max_waiting).start(c.host, c.port)
        else:
            self._server = await asyncssh.create_server(lambda: LabConnection(self), c.host, c.port,
                                                        reuse_address=True, config=None, **ssh_options)
        self.port = self._server.get_port()
        await self.feed.start()
        if self.live_db is not None:
            self.live_db.start()
        target = zygote_target(c.tutor_command) if c.zygote else None
        if target is not None:
            env = self.tutor_env(None, {})  # what the tutors get, less the client's terminal and language
            self.zygote = Zygote(env, str(self.run_dir), preload=target[:2] == ("module", "tui_tutor"),
                                 log=self.log)
            try:
                self.zygote.start()
            except OSError as e:
                self.log(f"warning: the zygote could not be started ({e}); tutors start the slow way")
                self.zygote = None
            else:
                if target[:2] != ("module", "tui_tutor"):  # a pooled tutor can only become the tutor
                    self.pool_size = 0
                else:
                    self.pool_size = c.pool if c.pool is not None else default_pool(self.class_size(),
                                                                                    c.max_sessions)
                self.log(f"pool: {self.pool_size} tutor{'s' if self.pool_size != 1 else ''} kept ready")
                self.tend_pool()
        self.log(f"listening on {c.host}:{self.port} host key {self.fingerprint} "
                 f"max sessions {c.max_sessions} guests {'allowed' if c.guest else 'not allowed'}"
                 + (" behind a balancer (PROXY protocol)" if c.proxy_protocol else ""))
        mib = lambda n: f"{n >> 20} MiB" if n else "no limit"
        self.log(f"limits: {c.login_timeout:g} s to log in, {c.max_waiting} waiting to log in "
                 f"({c.max_waiting_per_address} per address), {c.sessions_per_connection} sessions a connection, "
                 f"{c.sessions_per_user} a user, {c.password_tries} passwords a connection, "
                 f"{c.max_failures} failures per {c.failure_window:g} s block an address {c.block_time:g} s; "
                 f"each tutor: memory {mib(c.tutor_memory)}, files {mib(c.tutor_file_size)}")
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
        await self.feed.close()
        if self.live_db is not None:
            await self.live_db.close()
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
        if isinstance(self.accounts, DatabaseAccounts):
            self.accounts.close()
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

    # Accounts and slots

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
        self.tend_pool()
        return True

    def release_slot(self, session: LabSession) -> None:
        self.sessions.discard(session)
        self.tend_pool()

    def class_size(self) -> int:
        return sum(a.role != "instructor" for a in getattr(self.accounts, "users", {}).values())

    def tend_pool(self) -> None:
        """Ready tutors for the students still to come (see prefork.pool_target)."""
        if self.zygote is not None and not self.closing:
            logged_in = len({s.owner.name for s in self.sessions if s.owner.role != "instructor"})
            self.zygote.set_pool(pool_target(self.pool_size, self.class_size(), logged_in))


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
