"""`lab serve --proxy-protocol`: HAProxy's PROXY header (v1 and v2) before SSH, from a raw socket, then a real
asyncssh client over that same socket; the lab must see the address the header names."""

from __future__ import annotations

import ipaddress
import socket
import struct

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import Term, connect, log_of, logged  # noqa: E402

from tui_tutor.lab.proxy_protocol import V2_SIGNATURE, ProxyHeaderError, parse  # noqa: E402

pytest_plugins = ["lab_support"]


def v1(source: str, port: int = 50123) -> bytes:
    family = "TCP6" if ":" in source else "TCP4"
    target = "::1" if family == "TCP6" else "127.0.0.1"
    return f"PROXY {family} {source} {target} {port} 2222\r\n".encode()


def v2(source: str | None, port: int = 50123, tlv: bytes = b"") -> bytes:
    if source is None:  # LOCAL: the balancer's own health check
        return V2_SIGNATURE + bytes([0x20, 0x00]) + struct.pack("!H", len(tlv)) + tlv
    address = ipaddress.ip_address(source)
    target = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    body = address.packed + target.packed + struct.pack("!HH", port, 2222) + tlv
    family = 0x21 if address.version == 6 else 0x11
    return V2_SIGNATURE + bytes([0x21, family]) + struct.pack("!H", len(body)) + body


def test_headers_are_parsed_and_partial_ones_wait_for_the_rest():
    assert parse(v1("203.0.113.7") + b"SSH-2.0-x\r\n") == (len(v1("203.0.113.7")), ("203.0.113.7", 50123))
    assert parse(v1("2001:db8::5"))[1] == ("2001:db8::5", 50123)
    assert parse(b"PROXY UNKNOWN\r\n") == (15, None)
    tlv = b"\x04\x00\x03abc"  # a TLV after the addresses is skipped with them
    assert parse(v2("198.51.100.9", 40000, tlv) + b"SSH-2.0-x") == (len(v2("198.51.100.9", 40000, tlv)),
                                                                    ("198.51.100.9", 40000))
    assert parse(v2("2001:db8::7"))[1] == ("2001:db8::7", 50123) and parse(v2(None)) == (16, None)
    for part in (b"PRO", v1("203.0.113.7")[:20], v2("198.51.100.9")[:10], v2("198.51.100.9")[:20]):
        assert parse(part) is None
    for bad in (b"SSH-2.0-OpenSSH_9.6\r\n", b"PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n",
                b"PROXY TCP4 2001:db8::1 127.0.0.1 1 2\r\n", b"PROXY TCP4 1.2.3.4 127.0.0.1 70000 2\r\n",
                b"PROXY " + b"x" * 120, V2_SIGNATURE + b"\x31\x11\x00\x0c", V2_SIGNATURE + b"\x21\x12\x00\x00"):
        with pytest.raises(ProxyHeaderError):
            parse(bad)


def _through(lab, header: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", lab.port), timeout=5)
    sock.sendall(header)
    return sock


@pytest.mark.parametrize("header, shown", [(v1("203.0.113.7"), "203.0.113.7"), (v2("2001:db8::5"), "2001:db8::5"),
                                           (v2(None), "127.0.0.1")], ids=["v1", "v2-ipv6", "v2-local"])
async def test_a_login_behind_the_balancer_is_logged_with_the_students_own_address(make_lab, keys, header, shown):
    lab = await make_lab(proxy_protocol=True)
    async with connect(lab, "alice", keys["alice"], sock=_through(lab, header)) as conn:
        term = await Term.open(conn)
        await term.expect(b"READY user=alice")  # a whole session over the socket the header came on
    await logged(lab, rf"login user=alice from={shown} ")
    assert "behind a balancer" in log_of(lab)


async def test_blocks_and_limits_count_the_students_address_not_the_balancers(make_lab, keys):
    lab = await make_lab(proxy_protocol=True, max_failures=2)
    for _ in range(2):
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(lab, "alice", keys["stranger"], sock=_through(lab, v1("203.0.113.66"))):
                pass
    await logged(lab, "blocked from=203.0.113.66")
    with pytest.raises(asyncssh.PermissionDenied, match="too many failed logins from 203.0.113.66"):
        async with connect(lab, "alice", keys["alice"], sock=_through(lab, v2("203.0.113.66"))):
            pass
    async with connect(lab, "bob", keys["bob"], sock=_through(lab, v2("198.51.100.1"))):
        pass  # another student behind the same balancer is not blocked with them
    assert "from=127.0.0.1" not in log_of(lab).split("limits:")[1]


async def test_without_a_header_behind_the_balancer_and_with_one_without_the_option_ssh_is_refused(make_lab, keys):
    proxied = await make_lab(proxy_protocol=True)
    with pytest.raises((asyncssh.Error, OSError)):
        async with connect(proxied, "alice", keys["alice"], login_timeout=5):
            pass
    await logged(proxied, "refused from=127.0.0.1 why=the connection did not start with a PROXY header")
    plain = await make_lab()
    with pytest.raises((asyncssh.Error, OSError)):
        async with connect(plain, "alice", keys["alice"], sock=_through(plain, v1("203.0.113.7"))):
            pass
    assert "login user=alice" not in log_of(plain)
