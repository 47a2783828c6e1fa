"""The service running for real: a real MariaDB, the real dhcpd -t, a recording restart command and a real AF_UNIX
notify socket. Tests wait for effects with generous timeouts and never assert durations."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbserver import MariaDBServer, PlantDB, PlantFactory
from tests.helpers import Setup, write_config
from tests.service import Daemon, NotifySocket, wait_until

SERVICE = (
    "poll_interval = 0.2\nmin_restart_interval = 0.0\nmax_wait = 5.0\nretry_initial = 0.2\nretry_max = 1.0\n"
    "stale_warning = 1.0\n"
)


@pytest.fixture
def notify(tmp_path: Path) -> Iterator[NotifySocket]:
    """A bound notify socket."""
    sock = NotifySocket(tmp_path / "notify.sock")
    yield sock
    sock.close()


@pytest.fixture
def plant(tmp_path: Path, plant_db: PlantFactory) -> tuple[PlantDB, Setup]:
    """The seeded plant without its malformed rows, and a service config rendering under tmp_path."""
    db = plant_db("netgw")
    db.execute("DELETE FROM modem WHERE id IN (100008, 100009); DELETE FROM endpoint WHERE id = 200006")
    return db, write_config(tmp_path, db, service=SERVICE)


def _start(setup: Setup, *args: str, notify: NotifySocket | None = None, watchdog_usec: int | None = None) -> Daemon:
    daemon = Daemon(setup.config, *args, notify=notify, watchdog_usec=watchdog_usec)
    daemon.wait_event("service.started")
    return daemon


@pytest.fixture
def running(plant: tuple[PlantDB, Setup], notify: NotifySocket) -> Iterator[tuple[PlantDB, Setup, Daemon]]:
    """The service running against the plant, its first rebuild done."""
    db, setup = plant
    daemon = _start(setup, notify=notify)
    daemon.wait_event("rebuild.done")
    try:
        yield db, setup, daemon
    finally:
        assert daemon.stop() == 0, daemon.tail()


def _hosts(setup: Setup) -> str:
    return (setup.dhcp_dir / "modems-host.conf").read_text()


def _wait_hosts(setup: Setup, predicate: object, what: str) -> None:
    wait_until(lambda: predicate(_hosts(setup)), what=what)  # type: ignore[operator]


def _health(setup: Setup) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-m", "provha_daemon", "--health", "--config", str(setup.config)],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.returncode, out.stdout.strip()


def test_insert_update_soft_and_hard_delete_reach_the_files(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """Each kind of change on the database reaches modems-host.conf."""
    db, setup, _ = running
    # A copy of a real row, so every NOT NULL column of the wide modem table is filled.
    db.execute(
        "CREATE TEMPORARY TABLE new_modem AS SELECT * FROM modem WHERE id = 100001;"
        "UPDATE new_modem SET id = 100020, hostname = 'cm-100020', mac = '00:11:22:33:44:20',"
        " created_at = NOW(), updated_at = NOW();"
        "INSERT INTO modem SELECT * FROM new_modem"
    )
    _wait_hosts(setup, lambda t: "host cm-100020 " in t, "insert")
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:21', updated_at = NOW() WHERE id = 100020")
    _wait_hosts(setup, lambda t: "00:11:22:33:44:21" in t, "update")
    db.execute("UPDATE modem SET deleted_at = NOW(), updated_at = NOW() WHERE id = 100001")
    _wait_hosts(setup, lambda t: "cm-100001 " not in t, "soft delete")
    db.execute("DELETE FROM modem WHERE id = 100002")
    _wait_hosts(setup, lambda t: "cm-100002 " not in t, "hard delete")


def test_two_updates_of_one_row_in_one_second_both_arrive(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """updated_at has one-second resolution; a second change in the same second still reaches the files."""
    db, setup, _ = running
    for round_ in range(3):
        # Start just after a second boundary of the database clock so both updates share one second.
        wait_until(lambda: db.execute("SELECT MICROSECOND(NOW(6))")[0][0] < 200_000, what="a fresh second")
        db.execute(f"UPDATE modem SET mac = '00:11:22:33:4{round_}:a1', updated_at = NOW() WHERE id = 100001")
        time.sleep(0.45)  # the daemon polls (0.2 s) and may rebuild in between
        second = db.execute(
            f"UPDATE modem SET mac = '00:11:22:33:4{round_}:b2', updated_at = NOW() WHERE id = 100001; SELECT NOW()"
        )
        assert second[0][0].microsecond == 0  # NOW() has no fraction: the column cannot tell the two apart
        _wait_hosts(setup, lambda t, r=round_: f"00:11:22:33:4{r}:b2" in t, f"second update of round {round_}")


def test_non_dhcp_change_and_identical_output_restart_nothing(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """A qos change rewrites TFTP configs but no DHCP file; a provbase change rendering the same bytes neither."""
    db, setup, daemon = running
    restarts = setup.restart.count()
    rebuilds = len(daemon.events("rebuild.done"))
    db.execute("UPDATE qos SET ds_rate_max_help = 200000000, updated_at = NOW() WHERE id = 1")
    done = daemon.wait_event("rebuild.done", count=rebuilds + 1)[-1]
    assert done["files_changed"] == 0 and done["tftp_written"] > 0
    db.execute("UPDATE provbase SET rw_community = 'changed', updated_at = NOW() WHERE id = 1")
    done = daemon.wait_event("rebuild.done", count=rebuilds + 2)[-1]  # logged after any restart it made
    assert setup.restart.count() == restarts
    assert done["files_changed"] == 0 and done["tftp_written"] == 0


def test_notify_protocol(plant: tuple[PlantDB, Setup], notify: NotifySocket) -> None:
    """READY with STATUS once started, WATCHDOG pings, RELOADING/READY around SIGHUP, STOPPING on SIGTERM."""
    _, setup = plant
    daemon = _start(setup, notify=notify, watchdog_usec=1_000_000)
    notify.wait_for(lambda lines: sum(line == "WATCHDOG=1" for _, line in lines) >= 3)
    assert notify.values("READY")[0] == "1"
    assert any(s.startswith("slave | db ok") for s in notify.values("STATUS"))
    daemon.signal(signal.SIGHUP)
    notify.wait_for(
        lambda lines: (
            [line for _, line in lines if line in ("RELOADING=1", "READY=1")][-2:] == ["RELOADING=1", "READY=1"]
        )
    )
    assert daemon.stop() == 0
    assert notify.values("STOPPING") == ["1"]
    assert not Path(f"{setup.restart.calls}.env").exists()  # commands never saw NOTIFY_SOCKET


def test_blocked_iteration_stops_the_watchdog(
    plant: tuple[PlantDB, Setup], notify: NotifySocket, tmp_path: Path
) -> None:
    """A loop iteration stuck longer than the watchdog interval (a hanging dhcpd -t) sends no WATCHDOG meanwhile."""
    db, setup = plant
    slow = tmp_path / "bin" / "slow-dhcpd"
    marker = tmp_path / "validating"
    slow.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 4\nexec /usr/sbin/dhcpd "$@"\n')
    slow.chmod(0o755)
    setup.config.write_text(setup.config.read_text().replace("[dhcp]\n", f'[dhcp]\ndhcpd = "{slow}"\n'))
    daemon = _start(setup, notify=notify, watchdog_usec=1_000_000)
    try:
        daemon.wait_event("rebuild.done")
        marker.unlink()
        notify.wait_for(lambda lines: sum(line == "WATCHDOG=1" for _, line in lines) >= 2)
        db.execute("UPDATE modem SET mac = '00:11:22:33:44:78', updated_at = NOW() WHERE id = 100001")
        wait_until(marker.exists, what="the slow validation to start")
        blocked_from = time.monotonic()
        daemon.wait_event("rebuild.done", count=2)
        blocked_to = time.monotonic()
        pings = [t for t, line in notify.lines() if line == "WATCHDOG=1"]
        assert not [t for t in pings if blocked_from + 0.6 < t < blocked_to - 0.6]
        notify.wait_for(lambda lines: any(t > blocked_to and line == "WATCHDOG=1" for t, line in lines))
    finally:
        assert daemon.stop() == 0


def test_database_outage_keeps_files_and_watchdog(
    tmp_path: Path, plant_db: PlantFactory, private_mariadb: MariaDBServer, notify: NotifySocket
) -> None:
    """DB stopped past the backoff cap: alive, STATUS stale, watchdog on, files untouched, catches up after."""
    db = plant_db("netgw", server=private_mariadb)
    setup = write_config(tmp_path, db, service=SERVICE)
    daemon = _start(setup, notify=notify, watchdog_usec=1_000_000)
    try:
        daemon.wait_event("rebuild.done")
        files = {p: p.read_bytes() for p in setup.dhcp_dir.rglob("*.conf")}
        private_mariadb.stop()
        daemon.wait_event("db.lost")
        time.sleep(3.0)  # longer than retry_max
        outage_start = time.monotonic()
        notify.wait_for(lambda lines: any("db stale for" in line for _, line in lines))
        notify.wait_for(lambda lines: sum(t > outage_start and line == "WATCHDOG=1" for t, line in lines) >= 2)
        assert _health(setup)[0] == 1
        assert "database stale" in _health(setup)[1]
        assert {p: p.read_bytes() for p in setup.dhcp_dir.rglob("*.conf")} == files
        assert daemon.proc.poll() is None
        private_mariadb.start()
        daemon.wait_event("db.back")
        db.execute("UPDATE modem SET mac = '00:11:22:33:44:79', updated_at = NOW() WHERE id = 100001")
        _wait_hosts(setup, lambda t: "00:11:22:33:44:79" in t, "catching up after the outage")
        assert len(daemon.events("db.lost")) == 1  # logged once, not per retry
    finally:
        assert daemon.stop() == 0


def test_health_ok_and_critical(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """--health says OK while all is well and CRITICAL once dhcpd -t rejected the staged set."""
    db, setup, daemon = running
    code, line = _health(setup)
    assert (code, line.split(" - ")[0]) == (0, "PROVHA OK")
    db.execute("UPDATE ippool SET optional = 'not dhcpd syntax', updated_at = NOW() WHERE id = 3")
    daemon.wait_event("rebuild.done", lambda e: e.get("result") == "rejected")
    code, line = _health(setup)
    assert code == 2 and "last apply failed" in line
    assert "ippool 3 of gateway 1 (cmts_gws/1.conf line" in line  # the row that produced the rejected line


def test_health_unknown_without_daemon(plant: tuple[PlantDB, Setup]) -> None:
    """With no running service (no state file) --health is UNKNOWN."""
    _, setup = plant
    assert _health(setup)[0] == 3


def test_sighup_keeps_what_it_knows_of_the_tftp_tree(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """The full rebuild after a SIGHUP trusts this process's own TFTP writes (stat check): nothing re-encoded."""
    _, _, daemon = running
    first = daemon.events("rebuild.done")[0]
    assert first["tftp_encoded"] > 0 and first["tftp_devices"] == first["tftp_encoded"]
    daemon.signal(signal.SIGHUP)
    daemon.wait_event("config.reloaded")
    done = daemon.wait_event("rebuild.done", count=2)[1]
    assert done["tftp_devices"] == first["tftp_devices"] and done["tftp_encoded"] == 0


def test_sighup_with_broken_config_keeps_the_old_one(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """A broken config on SIGHUP is rejected; the daemon keeps working with the old one."""
    db, setup, daemon = running
    good = setup.config.read_text()
    setup.config.write_text(good + "\n[database]\nport = 0\n")
    daemon.signal(signal.SIGHUP)
    daemon.wait_event("config.reload_rejected")
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:80', updated_at = NOW() WHERE id = 100001")
    _wait_hosts(setup, lambda t: "00:11:22:33:44:80" in t, "a change after the rejected reload")
    setup.config.write_text(good)


def test_sigterm_during_rebuild_exits_0_without_partial_files(plant: tuple[PlantDB, Setup], tmp_path: Path) -> None:
    """SIGTERM while a rebuild validates: the rebuild finishes, the exit is 0, no temp or half file is left."""
    db, setup = plant
    slow = tmp_path / "bin" / "slow-dhcpd"
    marker = tmp_path / "validating"
    slow.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 1.5\nexec /usr/sbin/dhcpd "$@"\n')
    slow.chmod(0o755)
    setup.config.write_text(setup.config.read_text().replace("[dhcp]\n", f'[dhcp]\ndhcpd = "{slow}"\n'))
    daemon = _start(setup)
    daemon.wait_event("rebuild.done")
    marker.unlink()
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:81', updated_at = NOW() WHERE id = 100001")
    wait_until(marker.exists, what="the rebuild to start validating")
    daemon.signal(signal.SIGTERM)
    assert daemon.wait() == 0
    assert "00:11:22:33:44:81" in _hosts(setup)
    assert not list(setup.dhcp_dir.rglob(".provha-tmp.*"))
    check = subprocess.run(
        ["/usr/sbin/dhcpd", "-t", "-cf", str(setup.dhcp_dir / "dhcpd.conf")], capture_output=True, check=False
    )
    assert check.returncode == 0


def test_master_role_is_refused_with_exit_2(plant: tuple[PlantDB, Setup]) -> None:
    """Configured as the master, the service refuses to start: exit 2 (RestartPreventExitStatus=2)."""
    _, setup = plant
    setup.config.write_text(setup.config.read_text().replace('role = "slave"', 'role = "master"'))
    daemon = Daemon(setup.config)
    assert daemon.wait() == 2
    assert daemon.events("service.refused")


def test_role_from_database_when_this_host_is_master(plant: tuple[PlantDB, Setup]) -> None:
    """With no configured role, provha.master being one of this host's addresses means master: exit 2."""
    db, setup = plant
    setup.config.write_text(setup.config.read_text().replace('role = "slave"', ""))
    db.execute("UPDATE provha SET master = '127.0.0.1', slaves = '10.0.0.2'")
    daemon = Daemon(setup.config)
    assert daemon.wait() == 2


def test_role_unknown_waits_for_the_database(
    tmp_path: Path, plant_db: PlantFactory, private_mariadb: MariaDBServer, notify: NotifySocket
) -> None:
    """Role only knowable from the DB and the DB away: keep running, say so, decide once it can read."""
    db = plant_db("netgw", server=private_mariadb)
    db.execute("UPDATE provha SET master = '10.0.0.1', slaves = '127.0.0.1'")
    setup = write_config(tmp_path, db, service=SERVICE)
    setup.config.write_text(setup.config.read_text().replace('role = "slave"', ""))
    private_mariadb.stop()
    daemon = Daemon(setup.config, notify=notify)
    try:
        notify.wait_for(lambda lines: any("role unknown, waiting for database" in line for _, line in lines))
        assert notify.values("READY") == ["1"] or notify.values("READY")[0].startswith("1")
        assert not setup.dhcp_dir.exists()
        private_mariadb.start()
        daemon.wait_event("role.decided", lambda e: e["role"] == "slave")
        wait_until(lambda: (setup.dhcp_dir / "modems-host.conf").exists(), what="files after the role is known")
    finally:
        assert daemon.stop() == 0


def test_drop_guard_refuses_and_force_applies(plant: tuple[PlantDB, Setup]) -> None:
    """Losing more than half the modem hosts is refused (CRITICAL, files kept) unless started with --force."""
    db, setup = plant
    daemon = _start(setup)
    try:
        daemon.wait_event("rebuild.done")
        db.execute("DELETE FROM modem WHERE id <> 100001")
        daemon.wait_event("rebuild.done", lambda e: e.get("result") == "refused")
        assert "cm-100004" in _hosts(setup)
        assert _health(setup)[0] == 2
    finally:
        assert daemon.stop() == 0
    forced = _start(setup, "--force")
    try:
        _wait_hosts(setup, lambda t: "cm-100004" not in t and "cm-100001" in t, "the forced rebuild")
    finally:
        assert forced.stop() == 0


def test_settle_waits_for_the_hot_second() -> None:
    """A table changed in the database's current second keeps the detector unsettled until that second is over."""
    from provha_daemon.changes import ChangeDetector, Fingerprint
    from provha_daemon.schema import detect

    schema = detect(
        [
            ("netgw", "id"),
            ("netgw", "hostname"),
            ("ippool", "netgw_id"),
            *[("ippool", c) for c in ("id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end")],
            *[("modem", c) for c in ("id", "hostname", "mac", "public")],
            *[
                ("provbase", c)
                for c in ("provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time")
            ],
        ]
    )
    detector = ChangeDetector({"modem": "modem"}, schema, 60)
    now = dt.datetime(2026, 1, 1, 12, 0, 5, 300_000)
    detector.fingerprints["modem"] = Fingerprint(1, 1, now.replace(microsecond=0))
    detector._update_settle(now)
    assert not detector.settled(now)
    assert detector.settled(now.replace(second=6, microsecond=0))


def test_keyfile_synced_over_rewrites_the_cfgs(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """A new keyfile from the master (no database change) is noticed and every modem .cfg gets the new MIC."""
    from provha_daemon.docsis import decode

    _, setup, daemon = running
    cfg = setup.tftp_dir / "cm/cm-100001.cfg"
    (setup.tftp_dir / "keyfile").write_bytes(b"rotated-secret\n")
    wait_until(lambda: decode(cfg.read_bytes(), key=b"rotated-secret").cmts_mic_ok, what="the new CMTS MIC")
    daemon.wait_event("rebuild.done", lambda e: e["trigger"] == ["files"])


def test_change_just_before_a_dropped_connection_is_applied(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """A change committed right before the polling connection is killed still reaches the files after reconnect."""
    db, setup, _ = running
    ids = [row[0] for row in db.execute(f"SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '{db.user}'")]
    db.execute(
        "UPDATE modem SET mac = '00:11:22:33:44:82', updated_at = NOW() WHERE id = 100001;"
        + "".join(f"KILL CONNECTION {connection};" for connection in ids)
    )
    _wait_hosts(setup, lambda t: "00:11:22:33:44:82" in t, "the change after the reconnect")


def test_bad_provbase_row_refuses_until_fixed_and_the_service_goes_on(running: tuple[PlantDB, Setup, Daemon]) -> None:
    """A bad provbase value makes a rebuild fail with the row named (CRITICAL in --health), the live files stay, the
    service keeps running and applies the next change once the row is fixed."""
    db, setup, daemon = running
    before = _hosts(setup)
    db.execute("UPDATE provbase SET domain_name = 'bad domain!', updated_at = NOW()")
    (done,) = daemon.wait_event("rebuild.done", lambda e: e.get("result") == "error")
    assert str(done["error"]).startswith("provbase 1 domain_name:")
    code, line = _health(setup)
    assert code == 2 and "provbase 1 domain_name" in line
    assert _hosts(setup) == before
    db.execute(
        "UPDATE provbase SET domain_name = 'nmsprime.test', updated_at = NOW(); "
        "UPDATE modem SET mac = '00:11:22:33:44:99', updated_at = NOW() WHERE id = 100001"
    )
    _wait_hosts(setup, lambda text: "00:11:22:33:44:99" in text, "the change after the fix")
    assert daemon.proc.poll() is None
    wait_until(lambda: _health(setup)[0] == 0, what="health OK after the fix")


@pytest.mark.parametrize("configured", [True, False])
def test_a_missing_provha_row_does_not_stop_the_slave(
    tmp_path: Path, plant_db: PlantFactory, notify: NotifySocket, configured: bool
) -> None:
    """Without its provha row for a while (a re-seed, a restore) the slave, whether its role is configured or
    learned from the database, keeps the last addresses read and goes on applying changes; the row comes back."""
    db = plant_db("netgw")
    db.execute(
        "DELETE FROM modem WHERE id IN (100008, 100009); DELETE FROM endpoint WHERE id = 200006; "
        "UPDATE provha SET master = '10.0.0.1', slaves = '127.0.0.1'"
    )
    setup = write_config(tmp_path, db, service=SERVICE)
    if not configured:
        setup.config.write_text(setup.config.read_text().replace('role = "slave"', ""))
    daemon = _start(setup, notify=notify)
    try:
        daemon.wait_event("rebuild.done", lambda e: e.get("result") in ("ok", "skipped_rows"))
        failover = (setup.dhcp_dir / "failover.conf").read_bytes()
        db.execute(
            "CREATE TABLE provha_kept AS SELECT * FROM provha; DELETE FROM provha; "
            "UPDATE modem SET mac = '00:11:22:33:44:97', updated_at = NOW() WHERE id = 100001"
        )
        _wait_hosts(setup, lambda text: "00:11:22:33:44:97" in text, "a change while the provha row is gone")
        assert (setup.dhcp_dir / "failover.conf").read_bytes() == failover
        db.execute(
            "INSERT INTO provha SELECT * FROM provha_kept; "
            "UPDATE modem SET mac = '00:11:22:33:44:96', updated_at = NOW() WHERE id = 100001"
        )
        _wait_hosts(setup, lambda text: "00:11:22:33:44:96" in text, "a change after the row is back")
    finally:
        assert daemon.stop() == 0, daemon.tail()
