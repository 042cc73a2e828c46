"""What `lab web` adds to textual-serve so that a hostile page cannot use it.

textual-serve accepts any WebSocket: a script on any web page open on the
machine could drive a tutor. ``GuardedServer`` (a subclass of its ``Server``)
refuses, with HTTP 403, every request whose Host is not this server's (which
stops DNS rebinding) and every WebSocket whose Origin is not this server's page;
it forbids framing the page by another site; it clamps the terminal size a
browser asks for (at the start and on every resize) to what a screen can show;
and it runs at most ``max_sessions`` tutors at once, telling the next browser
politely that the class is full.
"""

from __future__ import annotations

import ipaddress

import asyncio
import logging
import unicodedata
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.server import Server


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


log = logging.getLogger("tui-tutor.web")

COLUMNS = (20, 500)
ROWS = (5, 200)
DEFAULT_SIZE = (80, 24)
FULL_LINGER_SECONDS = 10.0  # long enough to read the refusal before the page says "Session ended"
MAX_LINGERING = 64
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def for_log(text: str | None, limit: int = 120) -> str:
    """A client-supplied string, safe to print: control and format characters
    (bidi overrides among them) escaped, backslashes doubled, and at most
    ``limit`` characters kept."""
    if text is None:
        return "(none)"
    out = []
    for ch in text[:limit]:
        if ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out) + (f"…(+{len(text) - limit})" if len(text) > limit else "")


def _whole(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size a browser asked for, as whole cells within COLUMNS × ROWS."""
    columns = min(max(_whole(width, DEFAULT_SIZE[0]), COLUMNS[0]), COLUMNS[1])
    rows = min(max(_whole(height, DEFAULT_SIZE[1]), ROWS[0]), ROWS[1])
    return columns, rows


def _host_name(host_header: str) -> str:
    """The name in a Host header ("name", "name:port", "[v6]:port"), lower case."""
    name = host_header.strip().lower()
    name = name[1:name.find("]")] if name.startswith("[") else name.rsplit(":", 1)[0]
    return name.rstrip(".")


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL or Origin header, lower case; None if it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


class Allowed:
    """The origins and Host headers that are this server: its public URL and the
    address it listens on (and, on a loopback address, the other loopback names)."""

    def __init__(self, host: str, port: int, public_url: str) -> None:
        origins = {origin_of(public_url)}
        listen = host.strip("[]").lower()
        # A wildcard address listens on the loopback one too, and is no name a browser uses.
        names = _LOOPBACK_NAMES if listen in ("", "0.0.0.0", "::") or is_loopback(listen) else (listen,)
        origins.update(("http", name, port) for name in names)
        self.origins = {o for o in origins if o is not None}
        # Host is checked by name only (a proxy may drop or change the port): it is the name that
        # a DNS-rebinding page cannot fake. The port matters in Origin, where another local
        # service's page differs from this one by its port alone.
        self.host_names = {name for _, name, _ in self.origins}

    def problem(self, request: web.Request) -> str | None:
        """Why this request is refused, or None."""
        host = request.headers.get("Host")
        if host is None or _host_name(host) not in self.host_names:
            return f"Host {for_log(host)} is not this server"
        origin = request.headers.get("Origin")
        is_websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if (origin is not None or is_websocket) and (origin is None or origin_of(origin) not in self.origins):
            return f"Origin {for_log(origin)} is not this server's page"
        return None


def _escape_access_line(record: logging.LogRecord) -> bool:
    # aiohttp's access log prints the client's User-Agent and Referer as they came.
    record.msg, record.args = for_log(record.getMessage(), 400), None
    return True


async def _forbid_framing(request: web.Request, response: web.StreamResponse) -> None:
    # Another site could show the tutor in a frame and trick keys into it.
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")


class GuardedServer(Server):
    """textual-serve's server, refusing strangers, clamping sizes and capping tutors (see above)."""

    def __init__(self, command: str, *, host: str, port: int, public_url: str | None,
                 max_sessions: int, title: str = "tui-tutor") -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.allowed = Allowed(host, port, self.public_url)
        self.max_sessions = max_sessions
        self.sessions = 0
        self._lingering = 0

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").addFilter(_escape_access_line)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._refuse_strangers)
        app.on_response_prepare.append(_forbid_framing)
        return app

    @web.middleware
    async def _refuse_strangers(self, request: web.Request, handler):
        problem = self.allowed.problem(request)
        if problem is not None:
            log.warning("refused %s %s from %s: %s (User-Agent %s)", request.method, for_log(request.path_qs, 80),
                        for_log(request.remote), problem, for_log(request.headers.get("User-Agent"), 80))
            raise web.HTTPForbidden(text="tui-tutor: this page is served only to its own address.\n")
        return await handler(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if self.sessions >= self.max_sessions:
            return await self._refuse_full(request)
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        clamped = request.clone(rel_url=request.rel_url.update_query(width=str(width), height=str(height)))
        self.sessions += 1
        log.info("tutor started for %s at %d×%d (%d of %d running)", for_log(request.remote), width, height,
                 self.sessions, self.max_sessions)
        try:
            return await super().handle_websocket(clamped)
        finally:
            self.sessions -= 1
            log.info("tutor ended for %s (%d of %d running)", for_log(request.remote), self.sessions,
                     self.max_sessions)

    async def _process_messages(self, websocket, app_service) -> None:
        resize = app_service.set_terminal_size

        async def clamped_resize(width: object, height: object) -> None:
            await resize(*clamp_size(width, height))

        app_service.set_terminal_size = clamped_resize
        await super()._process_messages(websocket, app_service)

    async def _refuse_full(self, request: web.Request) -> web.WebSocketResponse:
        """Say on the page's terminal that the class is full, then close."""
        log.warning("refused a tutor to %s: %d of %d running", for_log(request.remote), self.sessions,
                    self.max_sessions)
        websocket = web.WebSocketResponse()
        await websocket.prepare(request)
        await websocket.send_bytes(
            f"\r\n  Sorry: all tutors are in use ({self.max_sessions} at most at once).\r\n"
            "  Please try again in a minute, with the Restart button that appears here.\r\n".encode())
        linger = FULL_LINGER_SECONDS if self._lingering < MAX_LINGERING else 0
        self._lingering += 1
        try:
            # Keep the message on screen a while: the page hides it once the socket closes.
            async with asyncio.timeout(linger):
                async for message in websocket:
                    if message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                        break
        except TimeoutError:
            pass
        finally:
            self._lingering -= 1
        await websocket.close(code=1013, message=b"all tutors in use")  # 1013: try again later
        return websocket
