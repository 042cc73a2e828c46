"""`tui-tutor lab serve` runs the SSH server; `lab status` and `lab board` look at the running one."""

from __future__ import annotations

import shlex
import sys

from .cli_common import lab_data_dir, lab_database_url, usage_error


def run_serve(args) -> int:
    import asyncio

    from .config import LabConfig
    from .server import serve

    config = LabConfig(data_dir=lab_data_dir(args, make=True), host=args.host, port=args.port, guest=args.guest,
                       max_sessions=args.max_sessions, idle_timeout=args.idle_timeout,
                       login_timeout=args.login_timeout, zygote=args.zygote, max_waiting=args.max_waiting,
                       max_waiting_per_address=args.max_waiting_per_address,
                       sessions_per_connection=args.sessions_per_connection,
                       sessions_per_user=args.sessions_per_user, password_tries=args.password_tries,
                       tutor_memory=args.tutor_memory << 20, tutor_file_size=args.tutor_file_size << 20,
                       database_url=lab_database_url(args), host_key_file=args.host_key,
                       proxy_protocol=args.proxy_protocol, log_to_stdout=args.log_stdout, pool=args.pool)
    if args.tutor_command:
        config.tutor_command = shlex.split(args.tutor_command)

    def ready(lab) -> None:
        if args.host in ("127.0.0.1", "localhost", "::1"):
            where = "this machine only (--host 0.0.0.0 to serve the class network)"
        elif args.host in ("0.0.0.0", "::", ""):
            where = "every network this machine is on"
        else:
            where = f"the network of {args.host}"
        print(f"tui-tutor lab: serving on {args.host} port {lab.port}: {where}", flush=True)
        print(f"host key fingerprint: {lab.fingerprint} (ED25519); students can check it when ssh first asks",
              flush=True)
        print(f"students log in with: ssh -p {lab.port} NAME@<this machine>   "
              f"({len(lab.accounts.users)} in the class list; Ctrl+C stops)", flush=True)
        if not lab.accounts.users and not args.guest:
            print("nobody can log in yet: add students with `tui-tutor lab user add NAME --key FILE` "
                  "or `tui-tutor lab user import PATH`, or serve with --guest", flush=True)

    if args.host_key:
        from .hostkey import load_host_key_file

        try:
            load_host_key_file(args.host_key)  # checked here, so that a bad file gets one line, not a traceback
        except (OSError, ValueError) as e:
            return usage_error(str(e))
    try:
        return asyncio.run(serve(config, ready))
    except OSError as e:
        print(f"tui-tutor: error: cannot serve on {args.host} port {args.port}: {e.strerror or e}", file=sys.stderr)
        return 1


def run_live(args) -> int:
    from .status import FeedError, connect_feed, run_status

    try:
        if args.lab_command == "status":
            return run_status(lab_data_dir(args), args.format, lab_database_url(args))
        sock = connect_feed(lab_data_dir(args))
    except FeedError as e:
        print(f"tui-tutor: error: {e}", file=sys.stderr)
        return 1
    import os
    import subprocess

    # The board is a Textual app: run in its own process (the lab's commands never load Textual),
    # given the connection to the lab as the SSH instructor's board is given it.
    sock.settimeout(None)
    env = {**os.environ, "TUI_TUTOR_LIVE_FD": str(sock.fileno())}
    with sock:
        return subprocess.run([sys.executable, "-m", "tui_tutor.screens.board"], env=env, check=False,
                              pass_fds=(sock.fileno(),)).returncode

