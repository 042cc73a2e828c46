"""The server's host key: made on first start, kept in the data folder (mode 600), never replaced.

Students' ssh clients remember it; its SHA256 fingerprint is printed at every
start so they can check the one their client shows the first time.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

from .names import AccountError

HOST_KEY_FILE = "lab-host-key"
MAX_KEY_BYTES = 64 << 10  # an ed25519 key is about 400 bytes, the largest RSA key a few KiB


class HostKeyError(AccountError):
    """The host key file is there but unusable: one line that names it and what to do (the CLI
    reports it as it reports a problem with the class list)."""


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
    info = path.stat()
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_KEY_BYTES:
        raise HostKeyError(f"the host key {path} is not a key file ({_kind(info)}): move it aside, and a new "
                           "key is made at the next start")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
        warning = f"{path} could be read by others (mode {mode:o}); it is now 600"
    try:
        key = asyncssh.read_private_key(path)
    except (asyncssh.KeyImportError, ValueError, OSError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise HostKeyError(f"the host key {path} cannot be read ({detail}): restore it from a backup, or move "
                           "it aside and a new key is made at the next start (students' ssh then warns that "
                           "the key changed)") from None
    return key, created, warning


def _kind(info: os.stat_result) -> str:
    if stat.S_ISDIR(info.st_mode):
        return "a folder"
    if not stat.S_ISREG(info.st_mode):
        return "a device, pipe or socket"
    return f"{info.st_size} bytes, more than any key"


def host_fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


def load_host_key_file(path: str | os.PathLike) -> tuple[asyncssh.SSHKey, str | None]:
    """The key in ``path`` (``--host-key FILE``: every server behind a balancer presents the same one), and a
    warning or None. ``OSError``/``ValueError`` with one line saying what is wrong with the file."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        key = asyncssh.read_private_key(path)
    except OSError as e:
        raise OSError(f"cannot read the host key {path}: {e.strerror or e}") from None
    except (ValueError, asyncssh.KeyImportError) as e:
        raise ValueError(f"{path} is not an SSH private key ({e})") from None
    warning = f"{path} can be read by others (mode {mode:o}): chmod 600 it" if mode & 0o077 else None
    return key, warning
