"""A pooled tutor: forked by the zygote before anyone logs in, ready when someone does.

The zygote keeps a few of these (see ``zygote_pool``). Each has run the tutor up to its
first screen for nobody (``app_pool``) and waits on its own socket to the zygote:

  zygote → pooled   {"op": "prepare", "size": [COLS, ROWS], "help": B}   get ready instead at this size,
                     for a learner new (B) or not (the word on where the keys are shown or not)
                    {"op": "claim", "run": [...], "argv": [...], "env": {...}, "cwd": DIR,
                     "limits": [AS, FSIZE]}  with the pty (and live channel) as SCM_RIGHTS fds,
                     as in a spawn (see ``zygote``)
  pooled → zygote   {"op": "warm"}   its first screen is painted: it can be claimed
                    {"op": "painted", "told": B}   claimed, it has painted its learner's first frame
                     (B: the learner had been told where the keys are before)

A claim makes this process what a tutor forked for the login would be (``zygote_child``:
session leader on the pty, the learner's environment, folder and limits), then hands the
learner's command line to the app, which takes their progress and paints for them. A command
line the pooled app cannot take (a command, the reader mode) is run the ordinary way, in this
process, after the pooled app has left without writing anything. The process always ends here.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import socket
import sys
import traceback
from typing import NoReturn

from ..tutor.live import ENV as LIVE_ENV
from .confine import TutorLimits, lower_priority
from .zygote_child import exit_code, leave_zygote, process_name, run_tutor, set_environment, take_terminal

_MAX_MESSAGE = 1 << 16



def run_pooled(sock: socket.socket, look: tuple[int, int, bool], lang: str,
               close: tuple[socket.socket | int, ...]) -> NoReturn:
    code = 1
    claim: dict | None = None
    try:
        leave_zygote(close)
        os.setsid()  # its own session and process group now: the zygote signals the group
        lower_priority()  # as every tutor (see confine); it gets ready only when the CPUs are idle anyway
        process_name(b"tutor-pool")
        sock.setblocking(False)
        from .. import app_entry, app_pool
        from ..cli.parsing import build_parser

        parser = build_parser()  # now rather than at the claim: making it costs more than using it

        def warm() -> None:
            with contextlib.suppress(OSError):
                sock.send(b'{"op": "warm"}')

        def painted(told: bool) -> None:  # the zygote may hand the next login to another pooled tutor now
            with contextlib.suppress(OSError):
                sock.send(json.dumps({"op": "painted", "told": told}).encode())
            sock.close()

        def claims(app, take) -> None:
            loop = asyncio.get_running_loop()

            def readable() -> None:
                nonlocal claim
                try:
                    data, fds, _flags, _addr = socket.recv_fds(sock, _MAX_MESSAGE, 2)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    data, fds = b"", []
                if not data:  # the zygote has gone: nobody will claim this tutor
                    loop.remove_reader(sock)
                    app.exit()
                    return
                message = _message(data)
                if message.get("op") == "prepare":
                    app_pool.prepare(app, *map(int, message["size"]), bool(message.get("help")))
                elif message.get("op") == "claim" and fds:
                    loop.remove_reader(sock)
                    claim = message
                    take(lambda: _become_learner(message, fds, parser), painted)
                else:
                    for fd in fds:
                        os.close(fd)

            loop.add_reader(sock, readable)

        app, adopted = app_pool.run(look[:2], lang, look[2], warm, claims)
        sock.close()
        if claim is None:
            code = 0  # ended before anyone claimed it: the lab is stopping
        elif adopted:
            code = app_entry.finish(app)
        else:  # a command line the pooled app cannot take: started as a forked tutor would be
            kind, name = claim["run"]
            code = run_tutor(kind, name, list(claim["argv"]))
    except SystemExit as e:
        code = exit_code(e.code)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 -- this process ends here, never in the zygote's loop
        with contextlib.suppress(Exception):
            traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _message(data: bytes) -> dict:
    try:
        message = json.loads(data)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


def _become_learner(message: dict, fds: list[int], parser):
    """This process becomes the learner's tutor process; their command line as ``parser`` reads it,
    or None when the pooled app cannot take it (the caller then runs the tutor the ordinary way)."""
    TutorLimits(*map(int, message.get("limits", (0, 0)))).apply()
    argv = [str(a) for a in message["argv"]]
    user = argv[argv.index("--user") + 1] if "--user" in argv[:-1] else ""
    process_name(f"tutor {user}".strip().encode())
    take_terminal(fds[0])
    set_environment({str(k): str(v) for k, v in message["env"].items()}, str(message["cwd"]))
    if len(fds) > 1:
        os.environ[LIVE_ENV] = str(fds[1])
    if list(message["run"]) != ["module", "tui_tutor"]:
        return None
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # the ordinary way says what was wrong, on the learner's terminal
        return None
    if args.command is not None or getattr(args, "reader", False):
        return None
    return args
