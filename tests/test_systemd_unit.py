"""Tests of the shipped systemd unit: systemd-analyze accepts it without a word, and it says what the README says."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from provha_daemon.config import ServiceConfig

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "provha-daemon.service"


def _values(unit: Path, key: str) -> list[str]:
    """Every value of a key that may repeat (configparser keeps only the last)."""
    return [line.split("=", 1)[1] for line in unit.read_text().splitlines() if line.startswith(f"{key}=")]


def _unit() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_is_silent(tmp_path: Path) -> None:
    """systemd-analyze verify accepts the unit (ExecStart pointed at an existing file) with an empty stderr."""
    unit = tmp_path / "provha-daemon.service"
    script = Path(sys.executable).with_name("provha-daemon")
    executable = script if script.exists() else Path(sys.executable)
    unit.write_text(UNIT.read_text().replace("/usr/local/bin/provha-daemon", str(executable)))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_unit_has_notify_watchdog_and_no_restart_loop_on_exit_2() -> None:
    """Type=notify with a watchdog, HUP on reload, restart on failure but never on exit 2, hardened."""
    service = _unit()["Service"]
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) >= 60
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"].split() == ["2"]
    assert service["ProtectSystem"] == "strict"
    assert set(" ".join(_values(UNIT, "ReadWritePaths")).split()) == {
        "/etc/dhcp-nmsprime",
        "/tftpboot",
        "/etc/chrony/conf.d",  # the defaults of time.chrony_conf and time.chrony_sources
        "/etc/chrony/sources.d",
        "/run/chrony",  # chronyc's reply socket
        "/etc/named-nmsprime.d",  # dns.dir, dns.ddns_dir, dns.zone_dir
        "/etc/named-ddns.d",
        "/var/named/dynamic",
    }
    assert service["PrivateTmp"] == "yes" and service["ProtectHome"] == "yes"
    unit = _unit()["Unit"]
    assert "mariadb.service" in unit["After"] and "mariadb.service" in unit["Wants"]


def test_stop_signals_the_daemon_alone_and_its_bound_exceeds_the_shutdown_timeout() -> None:
    """KillMode=mixed: systemctl stop sends SIGTERM to the daemon only, so a dhcpd restart in flight finishes
    instead of being killed and rolled back; TimeoutStopSec leaves room for service.shutdown_timeout."""
    service = _unit()["Service"]
    assert service["KillMode"] == "mixed"
    assert int(service["TimeoutStopSec"]) > ServiceConfig().shutdown_timeout


def test_watchdog_exceeds_the_longest_legitimate_iteration() -> None:
    """With the default timeouts and two Galera nodes, WatchdogSec is above the longest iteration the loop allows."""
    from dataclasses import replace

    from provha_daemon.config import Config, DatabaseConfig
    from provha_daemon.daemon import longest_iteration

    config = replace(Config(), database=DatabaseConfig(hosts=("10.0.0.2", "10.0.0.1")))
    assert int(_unit()["Service"]["WatchdogSec"]) > longest_iteration(config)
