"""One client's connection: logging in, and refusing everything but a session.

Public-key login against the class list; password login for students given a
password; with ``--guest``, anyone may log in by keyboard-interactive under a
name they type (kept as guest-NAME). Failed logins are counted per address
(``Lab.note_failure``); a blocked address is told so and disconnected. A
password is counted before it is checked, so concurrent guesses cannot outrun
the count, and a connection gets ``password_tries`` of them. Connections not
logged in yet are bounded per address and in all (``Lab.admit``); a logged-in
connection may open ``sessions_per_connection`` session channels, a user
``sessions_per_user``. TCP and Unix forwarding, both ways, are refused here;
exec and subsystems in ``channel``. Every string the client chose goes to the
log through ``shown``.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import asyncssh

from .accounts import fingerprint, verify_password
from .channel import LabSession
from .escape import shown
from .names import GUEST_PREFIX, is_valid_name
from .terminal import duration

if TYPE_CHECKING:
    from .server import Lab


class LabConnection(asyncssh.SSHServer):
    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.conn = None
        self.addr = "?"
        self.user: str | None = None  # the SSH user name
        self.name: str | None = None  # whose progress: the account, or guest-NAME
        self.method = ""
        self.role = "student"  # or "instructor" (from the class list): the board instead of a tutor
        self.key_fp = ""
        self.offered: list[str] = []  # fingerprints of keys that did not match
        self.problem = ""  # why the last attempt failed
        self.authed = self.tried = False
        self.since = time.monotonic()
        self._guest_tries = 0
        self.password_tries = 0
        self.channels: set[LabSession] = set()  # session channels open on this connection
        self.dropped = False  # for a newer connection, before it began to log in
        self.failures = 0  # failed attempts counted while connected

    def connection_made(self, conn) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.addr = str(peer[0])
        if len(self.lab.connections) >= 2 * self.lab.config.max_sessions + 32 or not self.lab.admit(self):
            if len(self.lab.connections) >= 2 * self.lab.config.max_sessions + 32:  # a flood, not a class
                self.lab.log_seldom("too many", f"refused from={self.addr} why=too many connections")
            self.dropped = True
            asyncio.get_running_loop().call_soon(conn.abort)
            return
        self.lab.connections.add(self)

    def drop(self) -> None:
        """Closed by the lab to make room (see ``Lab.admit``)."""
        self.dropped = True
        self.lab.connections.discard(self)
        if self.conn is not None:
            self.conn.abort()

    def connection_lost(self, exc) -> None:
        self.lab.connections.discard(self)
        if self.dropped:
            return  # logged (seldom) when it was dropped or refused
        if not self.tried and not self.authed:  # never sent a user name: a port scan, or a flood
            self.lab.log_seldom("silent", f"refused user=- from={self.addr} why="
                                          f"{shown(str(exc) if exc else 'left before logging in')}")
            return
        if self.authed:
            self.lab.log(f"logout user={self.name} from={self.addr} key={self.key_fp or '-'} "
                         f"duration={duration(time.monotonic() - self.since)}")
        elif self.tried or exc is not None:
            why = self.problem or (f"no matching key (offered {', '.join(self.offered[:3])})" if self.offered
                                   else shown(str(exc), 120) if exc else "left before logging in")
            self.lab.refused(self, why)
            if self.tried and not self.failures and not self.lab.blocked_for(self.addr):
                self.lab.note_failure(self.addr)  # once a connection; wrong passwords were counted each

    # Authentication

    def begin_auth(self, username: str) -> bool:
        self.tried, self.user = True, username
        self.lab.reload_accounts()
        wait = self.lab.blocked_for(self.addr)
        if wait:
            self.problem = "address blocked after too many failed logins"
            raise asyncssh.PermissionDenied(
                f"too many failed logins from {self.addr}; try again in {wait:.0f} seconds")
        if username not in self.lab.accounts.users and not self.lab.config.guest:
            self.problem = "unknown user"
        return True

    def auth_completed(self) -> None:
        self.authed, self.since = True, time.monotonic()
        if self.name is None:  # cannot happen: every way in sets it
            self.name = self.user
        account = self.lab.accounts.users.get(self.name) if self.method != "guest" else None
        self.role = account.role if account is not None else "student"
        cipher = self.conn.get_extra_info("send_cipher") if self.conn is not None else None
        self.lab.log(f"login user={self.name} from={self.addr} key={self.key_fp or '-'} method={self.method}"
                     f"{' role=instructor' if self.role == 'instructor' else ''} cipher={cipher or '-'}")

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.lab.blocked_for(self.addr):
            return False
        if self.lab.accounts.has_key(username, key):
            self.name, self.method, self.key_fp = username, "publickey", fingerprint(key)
            return True
        if fingerprint(key) not in self.offered:
            self.offered.append(fingerprint(key))
        return False

    def password_auth_supported(self) -> bool:
        return self.lab.accounts.any_password()

    async def validate_password(self, username: str, password: str) -> bool:
        if self.password_tries >= self.lab.config.password_tries:
            self.problem = f"more than {self.lab.config.password_tries} passwords on one connection"
            return False
        if not self.lab.begin_password_check(self.addr):  # blocked, or as many being checked as may fail
            self.problem = "too many failed logins from this address"
            return False
        self.password_tries += 1
        ok, stored = False, None
        try:
            stored = self.lab.accounts.password_hash(username)
            ok = await asyncio.get_running_loop().run_in_executor(None, verify_password, password, stored)
        finally:
            self.lab.end_password_check(self.addr, ok)
        if ok:
            self.name, self.method, self.problem = username, "password", ""
        else:
            self.problem = "wrong password" if stored else "unknown user or no password set"
            self.failures += 1
            self.lab.log(f"failed password user={shown(username, 40, spaces=False)} from={self.addr} "
                         f"(try {self.password_tries} on this connection)")
        return ok

    def kbdint_auth_supported(self) -> bool:
        return self.lab.config.guest  # only guests are asked anything; passwords go by "password"

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str):
        if self._guest_tries >= 3:
            raise asyncssh.PermissionDenied("three names that won't do")
        if username in self.lab.accounts.users or self.lab.blocked_for(self.addr):
            return False  # a registered name logs in with its key or password
        return self._guest_prompt(username, "")

    def _guest_prompt(self, username: str, error: str):
        default = username if _valid_guest(username) else ""
        prompt = f"Your name [{default}]: " if default else "Your name: "
        text = "Welcome to the tutor! Your progress is kept under the name you type (letters, digits, . _ -)."
        return "tui-tutor lab", (error + "\n" if error else "") + text, "", [(prompt, True)]

    def validate_kbdint_response(self, username: str, responses):
        typed = (responses[0] if responses else "").strip() or (username if _valid_guest(username) else "")
        if _valid_guest(typed):
            self.name, self.method, self.problem = GUEST_PREFIX + typed, "guest", ""
            return True
        self._guest_tries += 1
        self.problem = f"bad guest name '{shown(typed, 40)}'"
        if self._guest_tries >= 3:
            return False
        return self._guest_prompt(username, f"{shown(typed, 40)!r} won't do: use letters, digits, . _ - (up to 26).")

    # Sessions and everything else

    def session_requested(self):
        config, why = self.lab.config, ""
        if len(self.channels) >= config.sessions_per_connection:
            why = f"at most {config.sessions_per_connection} sessions on one connection"
        elif self.lab.channels_of(self.name) >= config.sessions_per_user:
            why = f"at most {config.sessions_per_user} sessions for one user"
        if why:
            self.lab.refused(self, f"session ({why})")
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, f"tui-tutor lab: {why}")
        session = LabSession(self)
        self.channels.add(session)
        return session

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.lab.refused(self, f"port forwarding to {shown(dest_host, 60)}:{dest_port}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.lab.refused(self, f"remote port forwarding from {shown(listen_host, 60)}:{listen_port}")
        return False

    def unix_connection_requested(self, dest_path):
        self.lab.refused(self, f"Unix socket forwarding to {shown(dest_path, 60)}")
        return False

    def unix_server_requested(self, listen_path):
        self.lab.refused(self, f"remote Unix socket forwarding from {shown(listen_path, 60)}")
        return False


def _valid_guest(name: str) -> bool:
    return bool(name) and is_valid_name(GUEST_PREFIX + name)
