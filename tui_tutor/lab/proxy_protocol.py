"""HAProxy's PROXY protocol (v1 text, v2 binary) in front of the SSH server (``lab serve --proxy-protocol``).

Behind a TCP load balancer every connection comes from the balancer's address. The
balancer puts a PROXY header first, naming the client's own address; this module reads
that header (peeking, so not one byte of SSH is taken with it) and hands the socket to
asyncssh with the client's address as its peer, so the log, the failed-login blocks and
the per-address limits all see the student, not the balancer. A connection without a
valid header is closed. Without ``--proxy-protocol`` the ordinary server runs, and a
PROXY header is no SSH version line: asyncssh refuses it.

Spec: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from collections.abc import Callable

import asyncssh

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
V1_MAX = 107  # the longest v1 line, CRLF included
_V2_HEADER = 16
_V2_MAX = _V2_HEADER + 1024  # addresses and TLVs: HAProxy sends far less; more is refused
HEADER_TIMEOUT = 5.0


class ProxyHeaderError(ValueError):
    """The bytes at the start of a connection are not a PROXY header we accept."""


def parse(data: bytes) -> tuple[int, tuple[str, int] | None] | None:
    """(header length, the client's (address, port), or None for a LOCAL/UNKNOWN header: the balancer's own
    health check), or None if more bytes are needed. ``ProxyHeaderError`` if it is no header."""
    if data.startswith(V2_SIGNATURE[:min(len(data), 12)]) and data[:1] == b"\r":
        return _parse_v2(data)
    if data.startswith(b"PROXY "[:min(len(data), 6)]):
        return _parse_v1(data)
    raise ProxyHeaderError("the connection did not start with a PROXY header")


def _parse_v1(data: bytes) -> tuple[int, tuple[str, int] | None] | None:
    end = data.find(b"\r\n", 0, V1_MAX)
    if end < 0:
        if len(data) >= V1_MAX:
            raise ProxyHeaderError("a PROXY v1 line longer than 107 bytes")
        return None
    fields = data[:end].decode("ascii", "replace").split(" ")
    if fields[1:2] == ["UNKNOWN"]:
        return end + 2, None
    if len(fields) != 6 or fields[1] not in ("TCP4", "TCP6"):
        raise ProxyHeaderError("a malformed PROXY v1 line")
    try:
        source = ipaddress.ip_address(fields[2])
        port = int(fields[4])
    except ValueError:
        raise ProxyHeaderError("a PROXY v1 line with a bad address or port") from None
    if source.version != (4 if fields[1] == "TCP4" else 6) or not 0 <= port <= 65535 or not fields[4].isdigit():
        raise ProxyHeaderError("a PROXY v1 line with a bad address or port")
    return end + 2, (str(source), port)


def _parse_v2(data: bytes) -> tuple[int, tuple[str, int] | None] | None:
    if len(data) < _V2_HEADER:
        return None
    if data[:12] != V2_SIGNATURE:
        raise ProxyHeaderError("a damaged PROXY v2 signature")
    version_command, family, length = data[12], data[13], struct.unpack("!H", data[14:16])[0]
    if version_command >> 4 != 2 or version_command & 0xF not in (0, 1):
        raise ProxyHeaderError("a PROXY v2 header of an unknown version or command")
    if _V2_HEADER + length > _V2_MAX:
        raise ProxyHeaderError("a PROXY v2 header too long")
    if len(data) < _V2_HEADER + length:
        return None
    total, body = _V2_HEADER + length, data[_V2_HEADER:_V2_HEADER + length]
    if version_command & 0xF == 0:  # LOCAL: the balancer itself (a health check)
        return total, None
    if family == 0x11 and length >= 12:  # TCP over IPv4
        return total, (str(ipaddress.IPv4Address(body[:4])), struct.unpack("!H", body[8:10])[0])
    if family == 0x21 and length >= 36:  # TCP over IPv6
        return total, (str(ipaddress.IPv6Address(body[:16])), struct.unpack("!H", body[32:34])[0])
    if family == 0x00:  # UNSPEC: addresses unknown
        return total, None
    raise ProxyHeaderError("a PROXY v2 header for a protocol other than TCP")


class _ProxiedSocket(socket.socket):
    """The accepted socket, whose peer is the client the header named (asyncio and asyncssh ask it)."""

    peer: tuple[str, int]

    def getpeername(self):
        return self.peer


async def read_header(sock: socket.socket, timeout: float = HEADER_TIMEOUT) -> tuple[str, int] | None:
    """Consume the PROXY header at the start of ``sock`` (non-blocking) and return the client's address.

    Only the header's bytes are taken from the socket: what follows is SSH."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(timeout):
        while True:
            ready = loop.create_future()
            loop.add_reader(sock.fileno(), lambda ready=ready: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(sock.fileno())
            try:
                data = sock.recv(_V2_MAX, socket.MSG_PEEK)
            except (BlockingIOError, InterruptedError):
                continue
            if not data:
                raise ConnectionResetError("closed before a PROXY header")
            parsed = parse(data)
            if parsed is not None:
                length, client = parsed
                sock.recv(length)  # the header only; the peek showed it is all there
                return client
            await asyncio.sleep(0.01)  # part of a header: wait for the rest


class ProxyProtocolServer:
    """Listens on ``host:port``; each connection's PROXY header is read, then asyncssh runs on the socket.

    Has the methods the lab uses of an asyncssh server: ``get_port``, ``close``, ``wait_closed``."""

    def __init__(self, ssh_options: dict, log: Callable[[str, str], None], max_pending: int = 256) -> None:
        self.ssh_options, self.log, self.max_pending = ssh_options, log, max_pending
        self._listener: socket.socket | None = None
        self._accepting: asyncio.Task | None = None
        self._pending: set[asyncio.Task] = set()

    async def start(self, host: str, port: int) -> ProxyProtocolServer:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(512)
        listener.setblocking(False)
        self._listener = listener
        self._accepting = asyncio.get_running_loop().create_task(self._accept())
        return self

    def get_port(self) -> int:
        return self._listener.getsockname()[1]

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, _ = await loop.sock_accept(self._listener)
            except OSError:
                await asyncio.sleep(0.05)  # out of descriptors for a moment: try again, do not spin
                continue
            if len(self._pending) >= self.max_pending:
                self.log("proxy full", f"refused from={_peer(sock)} why={self.max_pending} connections "
                                       f"waiting for a PROXY header")
                sock.close()
                continue
            task = loop.create_task(self._serve(sock))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _serve(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        try:
            client = await read_header(sock)
        except (ProxyHeaderError, TimeoutError, OSError) as e:
            if not isinstance(e, ConnectionResetError):  # a balancer's plain TCP health check: not news
                why = "no PROXY header in time" if isinstance(e, TimeoutError) else str(e)
                self.log("proxy header", f"refused from={_peer(sock)} why={why}")
            sock.close()
            return
        proxied = _ProxiedSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
        try:  # a LOCAL header (the balancer's own check) keeps the balancer's address
            proxied.peer = client if client is not None else socket.socket.getpeername(proxied)[:2]
        except OSError:
            proxied.close()
            return
        with contextlib.suppress(Exception):  # refused logins end here; the lab has logged them
            await asyncssh.run_server(proxied, **self.ssh_options)

    def close(self) -> None:
        if self._accepting is not None:
            self._accepting.cancel()
        if self._listener is not None:
            self._listener.close()
        for task in list(self._pending):
            task.cancel()

    async def wait_closed(self) -> None:
        tasks = [t for t in self._pending if not t.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=5)


def _peer(sock: socket.socket) -> str:
    try:
        return str(sock.getpeername()[0])
    except OSError:
        return "?"
