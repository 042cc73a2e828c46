"""What a login costs the server: the algorithms it offers, and what asyncssh's client and OpenSSH's
negotiate with it (a real server on 127.0.0.1; see ``hostkey.ALGORITHMS`` for why each is left out).
"""

from __future__ import annotations

import asyncio
import re
import shutil

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.register_assert_rewrite("lab_support")

from lab_support import connect, logged

pytest_plugins = ["lab_support"]  # the fixtures: keys, make_lab, lab

needs_openssh = pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")


async def test_asyncssh_client_gets_aes_gcm_ed25519_and_no_compression(lab, keys):
    async with connect(lab, "alice", keys["alice"], compression_algs=["zlib@openssh.com", "none"]) as conn:
        assert conn.get_server_host_key().algorithm == b"ssh-ed25519"
        assert conn.get_extra_info("send_cipher") in ("aes256-gcm@openssh.com", "aes128-gcm@openssh.com")
        assert conn.get_extra_info("recv_compression") == "none"
    log = await logged(lab, r"login user=alice .* cipher=aes\d+-gcm@openssh\.com")
    assert "cipher=chacha" not in log


@pytest.mark.parametrize("option, value", [
    ("encryption_algs", ["chacha20-poly1305@openssh.com"]),  # 7x the CPU a packet of AES-GCM in asyncssh
    ("kex_algs", ["rsa2048-sha256"]),  # a new RSA key for every connection
    ("kex_algs", ["diffie-hellman-group18-sha512"]),  # an 8192-bit exponentiation, before any login
    ("kex_algs", ["diffie-hellman-group-exchange-sha256"]),  # the client names the group's size
    ("compression_algs", ["zlib@openssh.com"]),
])
async def test_what_would_cost_the_server_dearly_is_not_offered(lab, keys, option, value):
    with pytest.raises(asyncssh.KeyExchangeFailed):
        async with connect(lab, "alice", keys["alice"], **{option: value}):
            pass


@pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")  # cryptography's, for group14
async def test_old_but_sound_choices_still_work(lab, keys):
    for options in ({"kex_algs": ["diffie-hellman-group14-sha256"]}, {"kex_algs": ["ecdh-sha2-nistp256"]},
                    {"encryption_algs": ["aes128-ctr"], "mac_algs": ["hmac-sha2-256"]}):
        async with connect(lab, "alice", keys["alice"], **options) as conn:
            assert conn.get_extra_info("username") == "alice"


async def _openssh(port: int, key_file, *extra: str) -> str:
    """OpenSSH's ``ssh -v`` as a student would run it without a terminal: it logs in, the lab says it needs
    one; returns what ssh told on standard error."""
    proc = await asyncio.create_subprocess_exec(
        "ssh", "-v", "-F", "/dev/null", "-p", str(port), "-i", str(key_file), "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none", *extra, "alice@127.0.0.1",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(20):
        _, err = await proc.communicate()
    return err.decode(errors="replace")


def _negotiated(err: str) -> dict[str, str]:
    return dict(re.findall(r"kex: (algorithm|host key algorithm|server->client cipher): (\S+)", err))


@pytest.fixture
def alice_key_file(keys, tmp_path):
    path = tmp_path / "id_alice"
    path.write_bytes(keys["alice"].export_private_key())
    path.chmod(0o600)
    return path


@needs_openssh
async def test_openssh_gets_curve25519_ed25519_and_aes(lab, alice_key_file):
    err = await _openssh(lab.port, alice_key_file, "-C")  # asks for compression: gets none
    assert "Authenticated to 127.0.0.1" in err, err
    assert _negotiated(err) == {"algorithm": "curve25519-sha256", "host key algorithm": "ssh-ed25519",
                                "server->client cipher": "aes128-ctr"}, err
    assert re.search(r"server->client cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com compression: none",
                     err), err
    await logged(lab, r"login user=alice .* cipher=aes128-ctr")


@needs_openssh
async def test_openssh_insisting_on_chacha20_is_refused(lab, alice_key_file):
    err = await _openssh(lab.port, alice_key_file, "-c", "chacha20-poly1305@openssh.com")
    assert "no matching cipher found" in err, err


@needs_openssh
async def test_an_rsa_host_key_given_still_serves_both_clients(make_lab, keys, alice_key_file, tmp_path):
    host_key = tmp_path / "rsa-host-key"
    host_key.write_bytes(asyncssh.generate_private_key("ssh-rsa", key_size=2048).export_private_key())
    host_key.chmod(0o600)
    lab = await make_lab(host_key_file=host_key)
    async with connect(lab, "alice", keys["alice"]) as conn:
        assert conn.get_server_host_key().algorithm == b"ssh-rsa"
    err = await _openssh(lab.port, alice_key_file)
    assert "Authenticated to 127.0.0.1" in err, err
    assert _negotiated(err)["host key algorithm"] == "rsa-sha2-512", err
