"""The class list: who may log in to the lab, with which public keys or password.

Kept as ``lab-accounts.json`` in the data folder (mode 600), rewritten whole and
atomically (a temporary file, fsync, rename) under an exclusive lock, so a
``lab user add`` while the server runs is safe; the server rereads the file when
it changes. Passwords are stored only as scrypt hashes with a random salt::

    {"format": 1, "users": {"alice": {"keys": ["ssh-ed25519 AAAA… alice@laptop"],
                                       "password": "scrypt$16384$8$1$<salt>$<hash>",
                                       "added": "2025-09-01T09:00:00+00:00"}}}

Every problem with what the teacher gave is an ``AccountError`` with a one-line
message (the CLI prints it and exits 2).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from ..progress.files import make_private_folder
from .names import AccountError, is_valid_name, validate_name

ACCOUNTS_FILE = "lab-accounts.json"
MAX_KEY_FILE = 1 << 20  # a class's keys in one authorized_keys file take some tens of KiB
_KEY_START = re.compile(r"(?:^|\s)((?:ssh|ecdsa|sk|rsa)-\S+\s+[A-Za-z0-9+/]+=*(?:\s.*)?)$")
_UNREAD = object()
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1  # 16 MiB and about 50 ms a check


# Passwords

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


_DUMMY_HASH = None


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``, compared in constant time.

    With no stored hash, a dummy one is checked anyway, so the answer takes as
    long for a user without a password (or no user at all) as for one with.
    """
    global _DUMMY_HASH
    if not stored:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        verify_password(password, _DUMMY_HASH)
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        salt_bytes, want = base64.b64decode(salt), base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=salt_bytes, n=int(n), r=int(r), p=int(p), dklen=len(want),
                             maxmem=256 * int(n) * int(r) * int(p) + 2**20)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


# Public keys

def parse_keys(text: str, source: str) -> list[asyncssh.SSHKey]:
    """The public keys in ``text`` (one a line, authorized_keys style: options before a key are ignored)."""
    if "PRIVATE KEY" in text:
        raise AccountError(f"{source} is a private key: give the public one (the .pub file); "
                           f"a private key never leaves its owner's machine")
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _KEY_START.search(line)
        try:
            if match is None:
                raise ValueError(line)
            keys.append(asyncssh.import_public_key(match.group(1)))
        except (ValueError, asyncssh.KeyImportError):
            raise AccountError(f"{source}, line {number}: not an SSH public key") from None
    if not keys:
        raise AccountError(f"{source}: no public key in it")
    return keys


def read_key_file(path: str | os.PathLike) -> list[asyncssh.SSHKey]:
    """The keys in a regular file of at most MAX_KEY_FILE bytes: never a device (``/dev/zero`` would fill
    the memory) or a FIFO (which would block)."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would wait forever; for a regular file it changes nothing.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
                raise AccountError(f"key file {path} is {kind}, not a file of public keys")
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as e:
        raise AccountError(f"cannot read key file {path}: {e.strerror or e}") from None
    if len(data) > MAX_KEY_FILE:
        raise AccountError(f"key file {path} is larger than {MAX_KEY_FILE >> 20} MiB: not a file of public keys")
    return parse_keys(data.decode("utf-8", errors="replace"), str(path))


def key_line(key: asyncssh.SSHKey) -> str:
    return key.export_public_key("openssh").decode().strip()


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


@dataclass
class Account:
    name: str
    keys: list[str] = field(default_factory=list)  # OpenSSH public key lines
    password: str | None = None  # scrypt hash
    added: str = ""
    role: str = "student"  # or "instructor": logs in to the class board (anything else read is a student)

    def public_keys(self) -> list[asyncssh.SSHKey]:
        out = []
        for line in self.keys:
            try:
                out.append(asyncssh.import_public_key(line))
            except (ValueError, asyncssh.KeyImportError):
                pass  # a line edited by hand into nonsense admits nobody
        return out

    def add_keys(self, keys: list[asyncssh.SSHKey]) -> int:
        """Adds the keys not already there; returns how many were new."""
        have = {k.public_data for k in self.public_keys()}
        new = 0
        for key in keys:
            if key.public_data not in have:
                have.add(key.public_data)
                self.keys.append(key_line(key))
                new += 1
        return new


class Accounts:
    """The class list in ``data_dir``. Change it inside ``with accounts.editing():`` so it is saved."""

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.path = Path(data_dir) / ACCOUNTS_FILE
        self.users: dict[str, Account] = {}
        self._stamp: object = _UNREAD
        self._keys: dict[str, set[bytes]] = {}
        self.reload()

    def reload(self) -> bool:
        """Reads the file again if it changed since last read; returns whether it did."""
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            stamp = None
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.users = self._read() if stamp is not None else {}
        self._keys = {name: {k.public_data for k in a.public_keys()} for name, a in self.users.items()}
        return True

    def _read(self) -> dict[str, Account]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            users = data["users"]
            return {name: Account(name, list(u.get("keys", [])), u.get("password"), u.get("added", ""),
                                  "instructor" if u.get("role") == "instructor" else "student")
                    for name, u in users.items() if is_valid_name(name)}
        except OSError as e:
            raise AccountError(f"cannot read {self.path}: {e.strerror or e}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise AccountError(f"{self.path} is not a lab accounts file (fix or move it)") from None

    # Questions the server asks

    def has_key(self, name: str, key: asyncssh.SSHKey) -> bool:
        return key.public_data in self._keys.get(name, ())

    def password_hash(self, name: str) -> str | None:
        account = self.users.get(name)
        return account.password if account else None

    def any_password(self) -> bool:
        return any(a.password for a in self.users.values())

    # Changes

    @contextlib.contextmanager
    def editing(self):
        """Locks the file, rereads it, lets the caller change ``users``, then writes it atomically."""
        make_private_folder(self.path.parent)  # 0700: the class list and the progress are the lab's
        lock = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._stamp = _UNREAD
            self.reload()
            yield self
            self._write()
        finally:
            os.close(lock)

    def _write(self) -> None:
        data = {"format": 1, "users": {name: {"keys": a.keys, "password": a.password, "added": a.added,
                                              **({"role": a.role} if a.role != "student" else {})}
                                       for name, a in sorted(self.users.items())}}
        fd, tmp = tempfile.mkstemp(prefix=".lab-accounts-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), 0o600)
                json.dump(data, f, indent=1, ensure_ascii=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # make the rename itself durable
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self._stamp = _UNREAD
        self.reload()

    def account(self, name: str, create: bool = False) -> Account:
        validate_name(name)
        if name not in self.users:
            if not create:
                raise AccountError(f"no such user: {name}")
            self.users[name] = Account(name, added=datetime.now(UTC).isoformat(timespec="seconds"))
        return self.users[name]

    def remove(self, name: str) -> None:
        validate_name(name)
        if self.users.pop(name, None) is None:
            raise AccountError(f"no such user: {name}")


def keys_to_import(path: str | os.PathLike) -> dict[str, list[asyncssh.SSHKey]]:
    """Name → keys from a folder of NAME.pub files, or from one authorized_keys-style file.

    In a single file each key's comment is its owner's name ("alice" or "alice@laptop"
    both give alice). Everything is checked before anything is added.
    """
    path = Path(path)
    found: dict[str, list[asyncssh.SSHKey]] = {}
    if path.is_dir():
        files = sorted(path.glob("*.pub"))
        if not files:
            raise AccountError(f"{path}: no NAME.pub files in this folder")
        for file in files:
            found.setdefault(validate_name(file.stem), []).extend(read_key_file(file))
        return found
    for key in read_key_file(path):
        comment = (key.get_comment() or "").strip()
        if not comment:
            raise AccountError(f"{path}: a key ({fingerprint(key)}) has no comment to name its owner")
        name = comment.split("@", 1)[0] if "@" in comment else comment
        found.setdefault(validate_name(name), []).append(key)
    return found
