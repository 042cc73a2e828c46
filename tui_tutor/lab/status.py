"""``lab status``: the running lab's live rows, for people (text) and scripts (JSON).

Read through the lab's feed socket in the data folder (see ``feed``), which only
the account running the lab may open; or, with ``--database-url``, from the rows
every server sharing that database publishes there (see ``live_db``).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from .escape import shown
from .feed import SOCKET_FILE

FIELDS = ("user", "screen", "lesson", "phase", "step", "question", "score", "last_mistake", "since", "idle_s")


class FeedError(Exception):
    """The running lab could not be reached (one sentence saying why)."""


def connect_feed(data_dir: Path, timeout: float = 5.0) -> socket.socket:
    path = Path(data_dir) / SOCKET_FILE
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except FileNotFoundError:
        sock.close()
        raise FeedError(f"no lab is running with the data folder {data_dir} (no {SOCKET_FILE} in it)") from None
    except PermissionError:
        sock.close()
        raise FeedError(f"{path}: permission denied: only the account running the lab may read it") from None
    except OSError as e:
        sock.close()
        raise FeedError(f"cannot reach the lab through {path}: {e.strerror or e}") from None
    return sock


def fetch_rows(data_dir: Path) -> list[dict]:
    with connect_feed(data_dir) as sock:
        sock.sendall(b'{"op": "rows"}\n')
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if len(data) > 16 << 20:
                    raise FeedError("the lab's answer is too long")
        except TimeoutError:
            raise FeedError("the lab did not answer within 5 seconds") from None
    try:
        return list(json.loads(data)["rows"])
    except (ValueError, KeyError, TypeError):
        raise FeedError("the lab's answer could not be read") from None


def run_status(data_dir: Path, fmt: str, database_url: str | None = None) -> int:
    """The rows of the lab in ``data_dir``; with ``database_url``, of every server sharing that database."""
    if database_url:
        from .live_db import LiveError, class_rows

        try:
            found = class_rows(database_url)
        except LiveError as e:
            raise FeedError(str(e)) from None
    else:
        found = fetch_rows(data_dir)
    rows = [{k: row.get(k) for k in FIELDS} for row in found]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no students connected")
    for row in rows:
        step = f"{row['phase']} {row['step']}".strip() or "-"
        print(f"{row['user']}\t{row['screen'] or '-'}\tlesson {row['lesson'] or '-'}\t{step}\t"
              f"question {row['question'] or '-'}\tscore {row['score'] or '-'}\t"
              f"mistake {shown(row['last_mistake'] or '-', 40)}\t{row['since']} s here\tidle {row['idle_s']} s")
    return 0
