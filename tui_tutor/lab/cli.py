"""`tui-tutor lab …`: serve the tutor over SSH, keep the class list, report, serve it on the web.

``add_lab_parser(subparsers)`` registers the commands; ``run_lab(args)`` runs
one and returns the exit status: 0, 1 when something went wrong while running,
2 for bad input (one line on stderr, like the rest of the CLI). This module is the
commands' arguments and which command runs; each command's body is in ``cli_serve``
(serve, status, board) and ``cli_users`` (the class list), loaded only when run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli.errors import database_url_option, number, whole_number

_SUPPRESS = argparse.SUPPRESS


_port = whole_number(0, 65535, "port must be a number, not {text!r}",
                     "port must be from 1 to 65535 (0: any free port), not {value}")
_count = whole_number(1, None, "expected a whole number, not {text!r}", "expected 1 or more, not {value}")
_pool = whole_number(0, 512, "expected a whole number, not {text!r}", "expected 0 to 512, not {value}")
_memory = whole_number(256, 1 << 20, "expected a whole number of MiB, not {text!r}",
                       "expected 256 to 1048576 MiB (a tutor needs about 200), not {value}")
_file_size = whole_number(1, 1 << 20, "expected a whole number of MiB, not {text!r}",
                          "expected 1 to 1048576 MiB, not {value}")


def _mib(least: int):
    """An argparse type: a size in MiB, 0 (no limit) or at least ``least``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number of MiB, not {text!r}") from None
        if value != 0 and not least <= value <= 1 << 30:
            raise argparse.ArgumentTypeError(f"expected 0 (no limit) or {least} MiB or more, not {value}")
        return value
    return parse


def _seconds(text: str) -> float:
    return number(lambda value: 0 <= value < 10**7, "expected a number of seconds, not {text!r}",
                  "expected 0 (never) or a positive number of seconds, not {text!r}")(text)


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR", default=_SUPPRESS,
                   help="the lab's folder: progress, class list, host key, log "
                        "(default: $TUI_TUTOR_DATA_DIR or the user data folder)")


def add_lab_parser(subparsers) -> argparse.ArgumentParser:
    lab = subparsers.add_parser("lab", help="serve the tutor to a class over SSH",
                                description="A lab machine for a class: each student logs in with ssh and gets "
                                            "their own tutor with their own progress, and nothing else.")
    sub = lab.add_subparsers(dest="lab_command", metavar="LAB_COMMAND", required=True)

    p = sub.add_parser("serve", help="run the SSH server",
                       description="Runs the SSH server until Ctrl+C or SIGTERM. Students log in with "
                                   "`ssh -p PORT NAME@HOST`. The host key is made on first start; its "
                                   "fingerprint is printed so students can check it.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; "
                                                       "0.0.0.0 for the class network)")
    p.add_argument("--port", type=_port, default=2222, help="port (default 2222)")
    _data_dir_option(p)
    p.add_argument("--guest", action="store_true",
                   help="let anyone in, under a name they type (kept as guest-NAME)")
    p.add_argument("--max-sessions", type=_count, default=64, metavar="N", help="sessions at once (default 64)")
    p.add_argument("--idle-timeout", type=_seconds, default=1800, metavar="SECONDS",
                   help="end a session after this long without a key pressed (default 1800; 0: never)")
    p.add_argument("--login-timeout", type=_seconds, default=20, metavar="SECONDS",
                   help="time allowed to log in, from the connection on (default 20)")
    g = p.add_argument_group("limits", "what one client, address or student may take of the lab")
    g.add_argument("--max-waiting", type=_count, default=128, metavar="N",
                   help="connections not logged in yet, in all (default 128); when full, the oldest that "
                        "has not begun to log in is dropped for a new one")
    g.add_argument("--max-waiting-per-address", type=_count, default=32, metavar="N",
                   help="the same from one address (default 32; a class behind NAT shares one)")
    g.add_argument("--sessions-per-connection", type=_count, default=2, metavar="N", help="default 2")
    g.add_argument("--sessions-per-user", type=_count, default=3, metavar="N", help="default 3")
    g.add_argument("--password-tries", type=_count, default=3, metavar="N",
                   help="passwords one connection may try (default 3)")
    g.add_argument("--tutor-memory", type=_mib(256), default=1024, metavar="MIB",
                   help="each tutor's address space (default 1024; 0: no limit)")
    g.add_argument("--tutor-file-size", type=_mib(1), default=64, metavar="MIB",
                   help="the largest file a tutor may write (default 64; 0: no limit)")
    p.add_argument("--no-zygote", dest="zygote", action="store_false",
                   help="start each tutor from nothing (slower, more memory) instead of forking it from "
                        "one loaded copy")
    p.add_argument("--pool", type=_pool, default=None, metavar="N",
                   help="tutors kept ready before anyone logs in, so a class logging in at once is served "
                        "at once (default: one for each student of the class list, as memory allows; 0: none)")
    p.add_argument("--tutor-command", default=None, help=_SUPPRESS)  # tests: a stand-in for the tutor
    g = p.add_argument_group("several servers", "identical servers behind a load balancer, sharing one database")
    database_url_option(g, "progress and the class list")
    g.add_argument("--host-key", metavar="FILE", default=None, type=Path,
                   help="the server's private host key (the same file on every server, so students' ssh "
                        "never warns when they land on another); default: made in the data folder")
    g.add_argument("--proxy-protocol", action="store_true",
                   help="every connection starts with HAProxy's PROXY header (v1 or v2), which gives the "
                        "student's own address; without this option such a header is refused")
    g.add_argument("--log-stdout", action="store_true",
                   help="log to standard output (the journal under systemd) instead of standard error")

    p = sub.add_parser("user", help="the class list: add, list, remove, import",
                       description="Who may log in: public keys (several per student) and optional passwords.")
    users = p.add_subparsers(dest="user_command", metavar="USER_COMMAND", required=True)
    q = users.add_parser("add", help="add a student, or keys or a password to one",
                         description="Adds a student, or more keys or a new password to one already there.")
    q.add_argument("name", metavar="NAME", help="letters, digits, . _ - (up to 32)")
    q.add_argument("--key", action="append", default=[], metavar="FILE", help="a public key file (repeatable)")
    q.add_argument("--password", action="store_true",
                   help="set a password (asked twice; read from standard input when it is not a terminal)")
    q.add_argument("--instructor", action="store_true",
                   help="an instructor: logs in to the class board (`lab board`) instead of a tutor")
    _data_dir_option(q)
    database_url_option(q, "the class list")
    q = users.add_parser("list", help="list the students")
    _data_dir_option(q)
    database_url_option(q, "the class list")
    q = users.add_parser("remove", help="remove a student (their progress stays)")
    q.add_argument("name", metavar="NAME")
    _data_dir_option(q)
    database_url_option(q, "the class list")
    q = users.add_parser("import", help="add a class at once",
                         description="Adds students from a folder of NAME.pub files, or from one "
                                     "authorized_keys-style file whose key comments are the names.")
    q.add_argument("path", metavar="PATH")
    _data_dir_option(q)
    database_url_option(q, "the class list")

    p = sub.add_parser("report", help="each student's lessons read, quiz scores and last visit")
    _data_dir_option(p)
    database_url_option(p)
    p.add_argument("--format", choices=("text", "csv", "json"), default="text")

    p = sub.add_parser("status", help="what each connected student is doing now (from the running lab)")
    _data_dir_option(p)
    database_url_option(p, "the class's live state (every server's)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("board", help="the class board, live, on this terminal (from the running lab)")
    _data_dir_option(p)

    p = sub.add_parser("web", help="serve the tutor in a browser (textual-serve; no login of its own)",
                       description="Serves the tutor in a browser through textual-serve. It has no login: "
                                   "keep it on the loopback address unless the network is trusted.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    p.add_argument("--public-url", default=None, help="the address browsers use, if not http://HOST:PORT")
    p.add_argument("--user", dest="web_user", default="web", metavar="NAME",
                   help="whose progress the browser sessions keep (default: web)")
    p.add_argument("--max-sessions", type=_count, default=16, metavar="N",
                   help="tutors at once (default 16); the next browser is asked to try again later")
    p.add_argument("--tutor-memory", type=_memory, default=1024, metavar="MIB",
                   help="address space of each tutor, in MiB (default 1024)")
    p.add_argument("--tutor-file-size", type=_file_size, default=64, metavar="MIB",
                   help="largest file a tutor may write, in MiB (default 64)")
    _data_dir_option(p)
    return lab


def run_lab(args) -> int:
    from .cli_common import lab_data_dir, lab_database_url, usage_error
    from .names import AccountError

    if args.lab_command in ("serve", "user"):
        try:
            import asyncssh  # noqa: F401
        except ImportError:
            print("tui-tutor: error: the SSH lab needs asyncssh: pip install 'tui-tutor[lab]'", file=sys.stderr)
            return 1
    try:
        if args.lab_command == "serve":
            from .cli_serve import run_serve

            return run_serve(args)
        if args.lab_command == "user":
            from .cli_users import run_user

            return run_user(args)
        if args.lab_command == "report":
            from .report import run_report

            return run_report(lab_data_dir(args), args.format, lab_database_url(args))
        if args.lab_command in ("status", "board"):
            from .cli_serve import run_live

            return run_live(args)
        if args.lab_command == "web":
            from .web import run_web

            return run_web(args.host, args.port, lab_data_dir(args), args.web_user, args.public_url,
                           max_sessions=args.max_sessions, memory_mib=args.tutor_memory,
                           file_size_mib=args.tutor_file_size)
    except AccountError as e:  # and HostKeyError: what the teacher gave or keeps in the folder, in one line
        return usage_error(str(e))
    return usage_error(f"unknown lab command {args.lab_command!r}")

