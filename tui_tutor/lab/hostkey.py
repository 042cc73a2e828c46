"""The server's host key: made on first start, kept in the data folder (mode 600), never replaced.

Students' ssh clients remember it; its SHA256 fingerprint is printed at every
start so they can check the one their client shows the first time.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

HOST_KEY_FILE = "lab-host-key"


def load_or_create_host_key(data_dir: str | os.PathLike) -> tuple[asyncssh.SSHKey, bool, str | None]:
    """(the key, whether it was just made, a warning or None)."""
    path = Path(data_dir) / HOST_KEY_FILE
    warning = None
    created = False
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="tui-tutor lab")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another start made it meanwhile: use that one
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(key.export_private_key())
                f.flush()
                os.fsync(f.fileno())
            path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
            created = True
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
        warning = f"{path} could be read by others (mode {mode:o}); it is now 600"
    key = asyncssh.read_private_key(path)
    return key, created, warning


def host_fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")
