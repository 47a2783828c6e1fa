"""dhcpd's failover state over OMAPI, asked of a real dhcpd (a failover secondary alone in a network namespace)."""

from __future__ import annotations

import hashlib
import hmac
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from provha_daemon.omapi import OPEN, Message, decode, encode
from tests.helpers import OMAPI_SECRET
from tests.netns import namespace

OWN, PEER = "10.99.0.2", "10.99.0.3"  # inside the namespace only; the peer never exists
CONF = f"""failover peer "dhcpd-failover" {{
  secondary;
  address {OWN}; port 647; peer address {PEER}; peer port 647;
  max-response-delay 60; max-unacked-updates 10; load balance max seconds 5;
}}
key slave_omapi_key {{ algorithm hmac-md5; secret "{OMAPI_SECRET}"; }}
omapi-key slave_omapi_key;
omapi-port 7911;
subnet 10.99.0.0 netmask 255.255.252.0 {{ pool {{ failover peer "dhcpd-failover"; range 10.99.1.10 10.99.1.20; }} }}
"""
ASK = (
    "import sys\n"
    "from provha_daemon.omapi import OmapiError, read_failover_state\n"
    "try:\n"
    "    print(read_failover_state('127.0.0.1', 7911, 'slave_omapi_key', sys.argv[1]))\n"
    "except OmapiError as exc:\n"
    "    print('error:', exc)\n"
)


def test_a_message_round_trips_and_its_signature_covers_all_but_the_authenticator() -> None:
    """encode then decode gives the message back; the HMAC-MD5 covers the length field on, not the handle."""
    message = Message(OPEN, 0, 7, 0, {b"type": b"failover-state"}, {b"name": b"dhcpd-failover"}, authid=3)
    wire = encode(message, b"secret")
    back, used = decode(wire)
    assert used == len(wire) and back == message
    assert wire[-16:] == hmac.new(b"secret", wire[4:-16], hashlib.md5).digest()
    with pytest.raises(ValueError):
        decode(wire[:30])


@pytest.fixture
def dhcpd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A dhcpd failover secondary whose partner never answers, in its own namespace; (namespace, its log)."""
    (tmp_path / "dhcpd.conf").write_text(CONF)
    (tmp_path / "dhcpd.leases").write_text("")
    log = tmp_path / "dhcpd.log"
    with namespace(OWN) as netns, log.open("wb") as out:
        argv = ["dhcpd", "-f", "-d", "-4", "-cf", str(tmp_path / "dhcpd.conf"), "-lf", str(tmp_path / "dhcpd.leases")]
        server = subprocess.Popen(
            ["ip", "netns", "exec", netns, *argv, "-pf", str(tmp_path / "dhcpd.pid"), "veth0"], stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 20
            while "I move from" not in log.read_text():
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            yield netns, log
        finally:
            server.terminate()
            server.wait(10)


def _ask(netns: str, secret: str) -> str:
    run = [sys.executable, "-c", ASK, secret]
    done = subprocess.run(["ip", "netns", "exec", netns, *run], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_failover_state_is_dhcpds_own(dhcpd: tuple[str, Path]) -> None:
    """Asked with the OMAPI key, dhcpd tells the state it logged it moved to, and that it knows nothing of its
    partner; with another key it refuses (named as such); with no dhcpd there is an error, not a hang."""
    netns, log = dhcpd
    moves = re.findall(r"I move from \S+ to (\S+)", log.read_text())
    assert _ask(netns, OMAPI_SECRET) == f"{moves[-1]}, partner unknown"
    assert _ask(netns, "d3JvbmctZm9yLXRoZS1rZXk=").startswith("error: dhcpd answered no failover state")
    assert "wrong OMAPI key" in _ask(netns, "d3JvbmctZm9yLXRoZS1rZXk=")


def test_no_dhcpd_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """Nothing listening on the OMAPI port: an OmapiError at once."""
    with namespace(OWN) as netns:
        assert _ask(netns, OMAPI_SECRET).startswith("error: OMAPI 127.0.0.1:7911:")


STAGE = (
    "import asyncio, sys\n"
    "from pathlib import Path\n"
    "from provha_daemon.config import load_config\n"
    "from provha_daemon.stages import DhcpStage\n"
    "stage = DhcpStage(load_config(Path(sys.argv[1])))\n"
    "asyncio.run(stage.tend())\n"
    "print(stage.facts()['dhcpd failover'])\n"
)


def test_the_dhcp_stage_reports_dhcpds_state_with_the_live_key(dhcpd: tuple[str, Path], tmp_path: Path) -> None:
    """The DHCP stage's upkeep reads the state with the OMAPI key of the live failover.conf (none in the config)
    and reports it as the fact STATUS and --health show."""
    netns, log = dhcpd
    live = tmp_path / "dhcp"
    live.mkdir()
    (live / "failover.conf").write_text(CONF)  # the key statement as the generated failover.conf has it
    config = tmp_path / "c.toml"
    config.write_text(f'role = "slave"\n[nmsprime]\nenv_dir = "{tmp_path}"\n[dhcp]\ndir = "{live}"\n')
    moves = re.findall(r"I move from \S+ to (\S+)", log.read_text())
    run = [sys.executable, "-c", STAGE, str(config)]
    done = subprocess.run(["ip", "netns", "exec", netns, *run], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"{moves[-1]}, partner unknown"
