"""Every setting of a lab server, with its default: what `tui-tutor lab serve`'s options fill in."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LabConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    guest: bool = False
    max_sessions: int = 64
    idle_timeout: float = 1800.0  # seconds without input from the client; 0: never
    login_timeout: float = 20.0  # from the TCP connection to logged in
    max_waiting: int = 128  # connections not yet logged in, in all ...
    max_waiting_per_address: int = 32  # ... and from one address (a class behind NAT shares one)
    sessions_per_connection: int = 2
    sessions_per_user: int = 3
    password_tries: int = 3  # password attempts on one connection
    tutor_memory: int = 1 << 30  # each tutor's address space (RLIMIT_AS), bytes; 0: no limit
    tutor_file_size: int = 64 << 20  # the largest file a tutor may write (RLIMIT_FSIZE), bytes; 0: no limit
    tutor_command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "tui_tutor"])
    """The tutor, before its arguments (``--data-dir DIR --user NAME --lab`` are added)."""
    max_failures: int = 5  # failed logins from one address within failure_window ...
    failure_window: float = 60.0
    block_time: float = 60.0  # ... refuse it this long
    stop_grace: float = 2.0  # between SIGHUP, SIGTERM and SIGKILL when a session ends
    shutdown_grace: float = 5.0  # for the tutors to save after SIGTERM when the lab stops
    log_to_stderr: bool = True
    zygote: bool = True  # fork tutors from a preloaded zygote where the tutor command allows; else spawn each
    database_url: str | None = None  # progress and the class list in PostgreSQL, shared with other servers
    host_key_file: Path | None = None  # the same key on every server behind a balancer; else made in data_dir
    log_to_stdout: bool = False  # the log on standard output (the journal) instead of standard error
    proxy_protocol: bool = False  # a PROXY header (v1 or v2) from a balancer comes first on every connection
    pool: int | None = None  # tutors kept ready before anyone logs in (None: see prefork.default_pool)
