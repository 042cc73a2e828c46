"""`lab web`: the same tutor in a browser, through textual-serve.

textual-serve has no login of its own: anyone who reaches the port gets a
tutor. So it listens on the loopback address unless told otherwise, and says
so loudly when it is not. ``web_guard`` makes it refuse other sites' pages and
bounds what one browser can ask for; ``web_tutor`` starts each tutor with
resource limits.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

MIB = 1024 * 1024


def tutor_command(data_dir: Path, user: str, memory_mib: int = 1024, file_size_mib: int = 64) -> str:
    """The shell command textual-serve runs for each browser tab (exec: the tutor is its process)."""
    return "exec " + shlex.join([sys.executable, "-I", "-m", "tui_tutor.lab.web_tutor", str(memory_mib * MIB),
                                 str(file_size_mib * MIB), "--data-dir", str(data_dir), "--user", user, "--lab"])


def _usage(message: str) -> int:
    print(f"tui-tutor: error: {message}", file=sys.stderr)
    return 2


def run_web(host: str, port: int, data_dir: Path, user: str, public_url: str | None = None, *,
            max_sessions: int = 16, memory_mib: int = 1024, file_size_mib: int = 64) -> int:
    from .names import validate_name

    validate_name(user)
    try:
        from .web_guard import GuardedServer, is_loopback, origin_of
    except ImportError:
        print("tui-tutor: error: lab web needs textual-serve (pip install 'tui-tutor[lab]')", file=sys.stderr)
        return 1
    if port == 0:
        return _usage("lab web needs a fixed --port: the page's address names it")
    if public_url is None and host in ("0.0.0.0", "::"):
        return _usage(f"with --host {host}, give --public-url: the address students type "
                      f"(e.g. http://lab.example.org:{port}); the page is served only to that address")
    if public_url is not None and origin_of(public_url) is None:
        return _usage(f"--public-url must be an http:// or https:// address, not {public_url!r}")
    if not is_loopback(host):
        print(f"tui-tutor: warning: serving on {host}, not the loopback address: textual-serve has no login, "
              f"so anyone who can reach port {port} gets a tutor (as user {user!r}).", file=sys.stderr)
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = GuardedServer(tutor_command(data_dir, user, memory_mib, file_size_mib), host=host, port=port,
                           public_url=public_url, max_sessions=max_sessions)
    print(f"tui-tutor web: open {server.public_url} in a browser (Ctrl+C stops; at most {max_sessions} tutors "
          f"at once)", flush=True)
    server.serve()
    return 0
