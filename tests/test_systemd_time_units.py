"""Tests of the shipped provha-time units: systemd-analyze accepts them without a word, the socket is port 37 for
both transports, and the service is hardened as the README says."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "systemd"
SOCKET = UNITS / "provha-time.socket"
SERVICE = UNITS / "provha-time.service"


def _unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_is_silent(tmp_path: Path) -> None:
    """systemd-analyze verify accepts the socket and the service (ExecStart at the real script) with an empty stderr."""
    script = Path(sys.executable).with_name("provha-time")
    assert script.exists(), "pip install -e . makes the provha-time console script"
    shutil.copy(SOCKET, tmp_path / SOCKET.name)
    (tmp_path / SERVICE.name).write_text(SERVICE.read_text().replace("/usr/local/bin/provha-time", str(script)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / SOCKET.name), str(tmp_path / SERVICE.name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_socket_listens_on_37_for_stream_and_datagram() -> None:
    """ListenStream=37 and ListenDatagram=37 on all addresses, enabled with sockets.target."""
    unit = _unit(SOCKET)
    assert unit["Socket"]["ListenStream"] == "37"
    assert unit["Socket"]["ListenDatagram"] == "37"
    assert unit["Install"]["WantedBy"] == "sockets.target"
    assert "xinetd" in SOCKET.read_text()  # the comment that says to turn off xinetd's time service


def test_service_asks_chrony_and_is_hardened() -> None:
    """Requires the socket, starts after chrony, asks 127.0.0.1:123, restarts always, runs unprivileged and confined,
    but with the network (chronyd is on loopback)."""
    unit = _unit(SERVICE)
    assert "provha-time.socket" in unit["Unit"]["Requires"].split()
    assert "chrony.service" in unit["Unit"]["After"].split()
    service = unit["Service"]
    argv = service["ExecStart"].split()
    assert argv[0] == "/usr/local/bin/provha-time"
    assert argv[argv.index("--chrony") + 1] == "127.0.0.1:123"
    assert float(argv[argv.index("--max-error") + 1]) == 1.0
    assert service["Restart"] == "always"
    for key, value in {
        "DynamicUser": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectHome": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[key] == value, key
    assert set(service["RestrictAddressFamilies"].split()) == {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert "PrivateNetwork" not in service
