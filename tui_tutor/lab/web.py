"""`lab web`: the same tutor in a browser, through textual-serve.

textual-serve has no login of its own: anyone who reaches the port gets a
tutor. So it listens on the loopback address unless told otherwise, and says
so loudly when it is not.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tutor_command(data_dir: Path, user: str) -> str:
    """The shell command textual-serve runs for each browser tab."""
    return shlex.join([sys.executable, "-m", "tui_tutor", "--data-dir", str(data_dir), "--user", user, "--lab"])


def run_web(host: str, port: int, data_dir: Path, user: str, public_url: str | None = None) -> int:
    from .names import validate_name

    validate_name(user)
    try:
        from textual_serve.server import Server
    except ImportError:
        print("tui-tutor: error: lab web needs textual-serve (pip install 'tui-tutor[lab]')", file=sys.stderr)
        return 1
    if not is_loopback(host):
        print(f"tui-tutor: warning: serving on {host}, not the loopback address: textual-serve has no login, "
              f"so anyone who can reach port {port} gets a tutor (as user {user!r}).", file=sys.stderr)
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = Server(tutor_command(data_dir, user), host=host, port=port, title="tui-tutor",
                    public_url=public_url)
    print(f"tui-tutor web: open {server.public_url} in a browser (Ctrl+C stops)", flush=True)
    server.serve()
    return 0
