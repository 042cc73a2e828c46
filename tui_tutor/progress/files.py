"""The progress folder and files on disk: private when made, and a damaged file moved aside, never deleted.

Progress is a learner's own (in the lab, a whole class's): folders are made 0700 and
the database 0600 whatever the umask; SQLite gives its -wal and -shm files the
database's mode.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def make_private_folder(path: Path) -> None:
    """Make ``path`` and any missing parents, each 0700 (a folder already there is left as it is)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is cut by the umask


def create_private_file(path: Path) -> None:
    """Create an empty ``path`` 0600 if it is not there yet, so SQLite never makes it with the umask's mode."""
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # another process made it meanwhile
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL files) to ``<name>.corrupt-<timestamp>``; never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target, n = path.with_name(f"{path.name}.corrupt-{stamp}"), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.rename(target.with_name(target.name + suffix))
    return target
