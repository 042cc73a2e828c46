"""What a freshly forked zygote child does to become one student's tutor, then exit.

It must end up where ``python -m tui_tutor ...`` started by the spawn path
would be: a new session whose controlling terminal is the pty, the pty on
fds 0, 1 and 2 (and Python's std streams on them, UTF-8, line-buffered), the
session's environment and folder, default signal handling, the tutor's argv,
its resource limits (and, the zygote being isolated, no working folder on sys.path).
Then it runs the tutor's ``__main__`` in this interpreter and leaves with
``os._exit``: the zygote's copies of everything else (its socket, its
``finally`` blocks, its ``atexit`` work) are not this process's to run.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import locale
import os
import runpy
import signal
import socket
import sys
import termios
import time
import traceback
from typing import TYPE_CHECKING, NoReturn

from ..tutor import heap
from .confine import lower_priority

if TYPE_CHECKING:
    from .confine import TutorLimits

_PR_SET_NAME = 15


def run_child(kind: str, name: str, argv: list[str], env: dict[str, str], cwd: str, slave: int,
              close: tuple[socket.socket | int, ...], limits: TutorLimits | None = None,
              live: int | None = None) -> NoReturn:
    code = 1
    try:
        if limits is not None:
            limits.apply()
        lower_priority()
        user = argv[argv.index("--user") + 1] if "--user" in argv[:-1] else ""
        process_name(f"tutor {user}".strip().encode())
        _become_session(slave, close)
        set_environment(env, cwd)
        if live is not None:  # the live-state channel, as the spawn path passes it: its number in the environment
            os.environ["TUI_TUTOR_LIVE_FD"] = str(live)
        code = run_tutor(kind, name, argv)
    except SystemExit as e:
        code = exit_code(e.code)
    except KeyboardInterrupt:  # Ctrl+C before the tutor took the keyboard: as a shell reports it
        code = 130
    except BaseException:  # noqa: BLE001 -- whatever happens, this process must end here, not in the zygote's loop
        with contextlib.suppress(Exception):
            traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()  # what a normal interpreter exit would run (e.g. logging's flush)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def process_name(name: bytes) -> None:
    """What ps -o comm, top and pgrep show (a fork keeps the zygote's command line, which cannot change)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_NAME, ctypes.c_char_p(name[:15]), 0, 0, 0)


def _become_session(slave: int, close: tuple[socket.socket | int, ...]) -> None:
    leave_zygote(close)
    os.setsid()  # a new session, and its leader: no controlling terminal yet
    take_terminal(slave)


def leave_zygote(close: tuple[socket.socket | int, ...]) -> None:
    """Signals as a new process has them; the zygote's sockets and pipes closed (this copy's)."""
    heap.forked_from_zygote = True
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGTSTP, signal.SIGWINCH):
        signal.signal(sig, signal.SIG_DFL)  # the zygote ignores or catches these; a new process would not
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for thing in close:
        if isinstance(thing, socket.socket):
            thing.close()  # this process's copy only: the zygote's end stays open
        else:
            os.close(thing)


def take_terminal(slave: int) -> None:
    """The pty becomes this session's controlling terminal, and fds 0-2 and Python's std streams."""
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)  # the pty becomes it, with this process group in the foreground
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    # The zygote's streams were made for its own fds 0-2 (not a terminal, so block-buffered); the tutor
    # (and Textual, which writes to sys.__stderr__) needs streams on the pty. Python's std streams never
    # close their fd, so dropping the old ones leaves fds 0-2 alone.
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", 1, "utf-8", "surrogateescape", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(2, "w", 1, "utf-8", "backslashreplace", closefd=False)  # noqa: SIM115


def set_environment(env: dict[str, str], cwd: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    time.tzset()  # TZ may differ from the zygote's
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")  # as a new interpreter would from LANG / LC_*
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")


def run_tutor(kind: str, name: str, argv: list[str]) -> int:
    if kind == "module":
        sys.argv = [name, *argv]  # run_module puts the module's file in argv[0]
        runpy.run_module(name, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [name, *argv]
        sys.path.insert(0, os.path.dirname(os.path.abspath(name)))  # as `python SCRIPT` does
        runpy.run_path(name, run_name="__main__")
    return 0


def exit_code(code) -> int:
    """As the interpreter turns ``sys.exit(code)`` into an exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1
