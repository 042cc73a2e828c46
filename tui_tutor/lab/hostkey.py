"""The server's host key: made on first start, kept in the data folder (mode 600), never replaced; and the
algorithms the server offers.

Students' ssh clients remember it; its SHA256 fingerprint is printed at every
start so they can check the one their client shows the first time. A new key is
Ed25519, the cheapest to sign with (a login's host-key signature: 0.06 ms, against
about 3 ms for RSA-3072); an RSA key given with ``--host-key`` works as well.

In SSH the client chooses: the first algorithm of its own list that the server
also offers. So the server saves CPU not by its order but by what it leaves out
(``ALGORITHMS``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

from .names import AccountError

HOST_KEY_FILE = "lab-host-key"

MAX_KEY_BYTES = 64 << 10  # an ed25519 key is about 400 bytes, the largest RSA key a few KiB

# What the server offers (asyncssh's syntax: "-" takes these out of its defaults).
ALGORITHMS = {
    # Key exchange: none whose cost an unauthenticated client chooses. asyncssh's "rsa2048-sha256" makes a
    # new RSA key every time (about 100 ms of server CPU), the 3072- to 8192-bit groups (and group exchange,
    # where the client names the size) take up to 25 ms more than curve25519 (0.1 ms); SHA-1 ones are weak.
    # Left: ML-KEM hybrids, curve25519/448, ECDH and the 2048-bit group14-sha256 for old clients.
    "kex_algs": "-rsa*,diffie-hellman-group1?-sha512,diffie-hellman-group-exchange-*,diffie-hellman-group1*-sha1",
    # Ciphers: asyncssh's chacha20-poly1305 makes several cipher objects a packet (37-68 µs), where
    # AES-GCM takes 5-13 µs and AES-CTR with an HMAC-SHA2 ETM about 6-9 µs: with it gone, asyncssh clients
    # take AES-GCM and OpenSSH AES-CTR (it lists CTR before GCM), which every client since 2013 has.
    "encryption_algs": "-chacha20-poly1305@openssh.com",
    # MACs (for AES-CTR only): the HMAC-SHA2 ones; asyncssh's UMAC costs about twice as much a packet.
    "mac_algs": "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512",
    # No compression: zlib would cost the server CPU for every byte of every frame, and a class's network
    # carries terminal frames easily (a client's ``ssh -C`` then just goes without).
    "compression_algs": "none",
}


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
