"""End-to-end tests of ``provha-daemon --once`` / ``--dry-run`` on a real MariaDB, the real ``dhcpd -t`` and a
recording restart command: exit codes, what reaches the live files, and what never does."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from provha_daemon.cli import main
from tests.dbserver import MariaDBServer, PlantDB, PlantFactory
from tests.helpers import Setup, write_config

pytestmark = pytest.mark.skipif(
    shutil.which("dhcpd") is None and not Path("/usr/sbin/dhcpd").exists(),
    reason="ISC dhcpd is not installed (scripts/install-system-packages)",
)


def _run(setup: Setup, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(["--config", str(setup.config), *args])
    captured = capsys.readouterr()
    stream = captured.err if "--dry-run" in args else captured.out
    events = [json.loads(line) for line in stream.splitlines() if line.startswith("{")]
    return code, events, captured.out


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    }


@pytest.fixture
def netgw(tmp_path: Path, plant_db: PlantFactory) -> tuple[PlantDB, Setup]:
    """The seeded netgw plant and a config rendering under tmp_path."""
    db = plant_db("netgw")
    return db, write_config(tmp_path, db)


def test_once_writes_the_set_and_names_skipped_rows(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A first --once writes every file, restarts dhcpd once, and exits 4 naming each malformed row."""
    _, setup = netgw
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4
    skipped = {(e["table"], e["id"]) for e in events if e["event"] == "row.skipped"}
    assert skipped == {("modem", 100008), ("modem", 100009), ("endpoint", 200006)}
    summary = next(e for e in events if e["event"] == "rebuild.done")
    assert summary["modems"] == 9 and summary["skipped"] == 3 and summary["restarted"] is True
    assert {"db_ms", "render_ms", "validate_ms", "swap_ms", "restart_ms"} <= set(summary)
    files = _tree(setup.dhcp_dir)
    assert {"dhcpd.conf", "failover.conf", "log.conf", "cmts_gws/1.conf", "cmts_gws/2.conf"} <= set(files)
    assert setup.restart.count() == 1 and setup.check.count() == 1
    assert (setup.dhcp_dir / "failover.conf").stat().st_mode & 0o777 == 0o640
    assert (setup.dhcp_dir / "dhcpd.conf").stat().st_mode & 0o777 == 0o640


def test_second_run_changes_nothing_and_does_not_restart(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """With the database unchanged a second --once rewrites no file and does not restart dhcpd."""
    _, setup = netgw
    _run(setup, capsys, "--once")
    inodes = {p: (setup.dhcp_dir / p).stat().st_ino for p in _tree(setup.dhcp_dir)}
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4
    assert next(e for e in events if e["event"] == "rebuild.done")["files_changed"] == 0
    assert {p: (setup.dhcp_dir / p).stat().st_ino for p in _tree(setup.dhcp_dir)} == inodes
    assert setup.restart.count() == 1


def test_clean_plant_exits_zero(tmp_path: Path, plant_db: PlantFactory, capsys: pytest.CaptureFixture[str]) -> None:
    """Without malformed rows --once exits 0."""
    db = plant_db("netgw")
    db.execute("DELETE FROM modem WHERE id IN (100008, 100009); DELETE FROM endpoint WHERE id = 200006")
    setup = write_config(tmp_path, db)
    code, _, _ = _run(setup, capsys, "--once")
    assert code == 0


def test_soft_deleted_modem_disappears(netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]) -> None:
    """A modem soft-deleted on the master leaves modems-host.conf at the next rebuild, and dhcpd restarts."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    assert b"host cm-100001 " in (setup.dhcp_dir / "modems-host.conf").read_bytes()
    db.execute("UPDATE modem SET deleted_at = NOW(), updated_at = NOW() WHERE id = 100001")
    _, events, _ = _run(setup, capsys, "--once")
    assert b"cm-100001" not in (setup.dhcp_dir / "modems-host.conf").read_bytes()
    assert next(e for e in events if e["event"] == "rebuild.done")["changed"] == ["modems-host.conf"]
    assert setup.restart.count() == 2


def test_broken_optional_is_rejected_and_live_files_stay(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken ippool.optional fails dhcpd -t: exit 5, dhcpd's message logged with the live file's name and the
    pool it came from, live files byte-identical."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute("UPDATE ippool SET optional = 'this is not dhcpd syntax' WHERE id = 3")
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 5
    rejected = next(e for e in events if e["event"] == "rebuild.rejected")
    assert "1.conf line" in str(rejected["dhcpd"])
    assert f"{setup.dhcp_dir}/cmts_gws/1.conf line" in str(rejected["dhcpd"])  # the live file's name
    assert ".provha-staging" not in str(rejected["dhcpd"])
    assert "ippool 3 of gateway 1 (cmts_gws/1.conf line" in str(rejected["error"])  # the row that produced it
    assert _tree(setup.dhcp_dir) == before
    assert setup.restart.count() == 1


def test_unwritable_tftp_file_exits_8_and_keeps_dhcp(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A TFTP config that cannot be written (a directory in its place) exits 8 naming the path; the DHCP set
    with the modem's new MAC is not swapped in and dhcpd is not restarted."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    blocker = setup.tftp_dir / "cm" / "cm-100001.cfg"
    blocker.unlink()
    (blocker / "inside").mkdir(parents=True)
    db.execute("UPDATE modem SET street = 'Marktplatz', mac = '00:11:22:33:44:99' WHERE id = 100001")
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 8
    failed = next(e for e in events if e["event"] == "rebuild.failed")
    assert "cm/cm-100001.cfg" in str(failed["error"]) and failed["error_type"] == "ApplyError"
    assert _tree(setup.dhcp_dir) == before
    assert setup.restart.count() == 1


def test_failed_restart_rolls_back(netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]) -> None:
    """When the restart fails the previous generation is restored, dhcpd restarted again, and the exit is 6."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:99' WHERE id = 100001")
    setup.restart.set_exit(1)
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 6
    assert _tree(setup.dhcp_dir) == before
    assert setup.restart.count() == 3  # first run, failed restart, restart after rollback
    assert any(e["event"] == "dhcp.rolled_back" for e in events)


def test_failed_check_rolls_back(netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]) -> None:
    """A restart that succeeds but whose health check fails is rolled back just the same."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute("UPDATE modem SET public = 1 WHERE id = 100001")
    setup.check.set_exit(3)
    code, _, _ = _run(setup, capsys, "--once")
    assert code == 6
    assert _tree(setup.dhcp_dir) == before


def test_database_down_exits_3_in_bounded_time(
    tmp_path: Path, plant_db: PlantFactory, private_mariadb: MariaDBServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the only database node stopped, --once gives up with exit 3 and leaves the files alone."""
    db = plant_db("netgw", server=private_mariadb)
    setup = write_config(tmp_path, db)
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    private_mariadb.stop()
    started = time.monotonic()
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 3
    assert time.monotonic() - started < 30
    assert any(e["event"] == "db.node_failed" for e in events)
    assert _tree(setup.dhcp_dir) == before


def test_falls_over_to_the_next_node(
    tmp_path: Path, plant_db: PlantFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dead first node is skipped and the next configured node is read."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db, hosts=["127.0.0.3", db.host])
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4
    assert next(e for e in events if e["event"] == "rebuild.done")["node"] == db.host


def test_master_role_is_refused(tmp_path: Path, plant_db: PlantFactory, capsys: pytest.CaptureFixture[str]) -> None:
    """Configured as master, --once refuses with exit 2 and writes nothing."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db)
    setup.config.write_text(setup.config.read_text().replace('role = "slave"', 'role = "master"'))
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 2
    assert "master" in str(next(e for e in events if e["event"] == "rebuild.failed")["error"])
    assert not setup.dhcp_dir.exists() or _tree(setup.dhcp_dir) == {}


def test_config_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad configuration value gives exit 2 and names the key."""
    path = tmp_path / "bad.toml"
    path.write_text("[database]\nport = 0\n")
    assert main(["--config", str(path), "--once"]) == 2
    assert "database.port" in capsys.readouterr().out


def test_dry_run_prints_diff_and_changes_nothing(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run validates with dhcpd -t, prints a unified diff on stdout and leaves live files and dhcpd alone."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:98' WHERE id = 100001")
    code, events, out = _run(setup, capsys, "--dry-run")
    assert code == 4
    assert "-host cm-100001 { hardware ethernet 00:11:22:33:44:01;" in out
    assert "+host cm-100001 { hardware ethernet 00:11:22:33:44:98;" in out
    assert "c2xhdmUtc2VjcmV0LWtleQ==" not in out
    assert _tree(setup.dhcp_dir) == before
    assert setup.restart.count() == 1
    assert any(e["event"] == "rebuild.done" and e["dry_run"] for e in events)


def test_password_never_logged(netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]) -> None:
    """The DB password appears in no log line, not even when the login fails."""
    db, setup = netgw
    setup.config.write_text(setup.config.read_text().replace(f'password = "{db.password}"', 'password = "wr0ng-pw"'))
    code, _, _ = _run(setup, capsys, "--once")
    out = capsys.readouterr()
    assert code == 3
    main(["--config", str(setup.config), "--once"])
    text = capsys.readouterr().out
    assert "wr0ng-pw" not in text and "wr0ng-pw" not in out.out
    assert "Access denied" in text


def test_restart_command_does_not_inherit_notify_socket(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands the daemon runs never see NOTIFY_SOCKET."""
    _, setup = netgw
    monkeypatch.setenv("NOTIFY_SOCKET", str(setup.config.parent / "notify.sock"))
    _run(setup, capsys, "--once")
    assert setup.restart.count() == 1
    assert not Path(f"{setup.restart.calls}.env").exists()


def test_foreign_files_in_the_dhcp_directory_survive(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """Files the daemon does not render (OMAPI K* keys, an operator's extra .conf) are never removed."""
    _, setup = netgw
    setup.dhcp_dir.mkdir(parents=True)
    (setup.dhcp_dir / "Kslave_omapi_key.+157+1.key").write_text("key")
    (setup.dhcp_dir / "local-extra.conf").write_text("# mine\n")
    (setup.dhcp_dir / "cmts_gws").mkdir()
    (setup.dhcp_dir / "cmts_gws" / "4.conf").write_text("# a deleted CMTS's file\n")
    _run(setup, capsys, "--once")
    assert (setup.dhcp_dir / "Kslave_omapi_key.+157+1.key").exists()
    assert (setup.dhcp_dir / "local-extra.conf").exists()
    assert not (setup.dhcp_dir / "cmts_gws" / "4.conf").exists()


def test_omapi_key_is_kept_from_the_live_failover_conf(
    tmp_path: Path, plant_db: PlantFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without an OMAPI secret in the config, the key of the live failover.conf is carried over."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db, with_omapi=False)
    setup.dhcp_dir.mkdir(parents=True)
    (setup.dhcp_dir / "failover.conf").write_text(
        'failover peer "dhcpd-failover" { secondary; }\n'
        "key slave_omapi_key { algorithm hmac-md5; secret ZXhpc3Rpbmcta2V5LWZyb20tbm1z; }\n"
        "omapi-key slave_omapi_key;\nomapi-port 7911;\n"
    )
    _run(setup, capsys, "--once")
    text = (setup.dhcp_dir / "failover.conf").read_text()
    assert 'secret "ZXhpc3Rpbmcta2V5LWZyb20tbm1z";' in text
    assert "omapi-key slave_omapi_key;" in text


def test_malformed_addresses_are_skipped_and_named(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad endpoint IP, a pool router that is no IPv4 and a pool range outside its subnet skip only those rows."""
    db, setup = netgw
    db.execute(
        "UPDATE endpoint SET ip = '192.0.2.300' WHERE id = 200004;"
        "UPDATE ippool SET router_ip = '10.20.0.1; deny all' WHERE id = 4;"
        "UPDATE ippool SET ip_pool_end = '10.99.0.9' WHERE id = 5"
    )
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4
    skipped = {(e["table"], e["id"]): e["reason"] for e in events if e["event"] == "row.skipped"}
    assert "not an IPv4 address" in skipped[("endpoint", 200004)]
    assert "not an IPv4 address" in skipped[("ippool", 4)]
    assert "not inside" in skipped[("ippool", 5)]
    pools = (setup.dhcp_dir / "cmts_gws/1.conf").read_text()
    assert "10.20.0.0" not in pools and "100.65.0.0" not in pools and "10.10.0.0" in pools
    assert "ep-outside" not in (setup.dhcp_dir / "endpoints-host.conf").read_text()


def test_drop_guard_refuses_once_unless_forced(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """--once refuses (exit 7, files kept) a set losing over half the modem hosts; --force applies it."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute("UPDATE modem SET deleted_at = NOW() WHERE id <> 100001")
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 7
    assert "refused" in str(next(e for e in events if e["event"] == "rebuild.failed")["error"])
    assert _tree(setup.dhcp_dir) == before
    code, _, out = _run(setup, capsys, "--dry-run")
    assert code == 4 and "-host cm-100004" in out  # a dry run shows what would go; it refuses nothing
    code, _, _ = _run(setup, capsys, "--once", "--force")
    assert code == 4
    assert "cm-100004" not in (setup.dhcp_dir / "modems-host.conf").read_text()


def _failing_change(
    db: PlantDB, setup: Setup, capsys: pytest.CaptureFixture[str], sql: str
) -> tuple[int, dict[str, object], dict[str, bytes]]:
    """A first --once, ``sql``, a second --once: its exit code, its one rebuild.failed event, the files before."""
    _run(setup, capsys, "--once")
    before = _tree(setup.dhcp_dir)
    db.execute(sql)
    code, events, _ = _run(setup, capsys, "--once")
    (failed,) = [e for e in events if e["event"] == "rebuild.failed"]
    return code, failed, before


@pytest.mark.parametrize(
    ("sql", "column"),
    [
        ("domain_name = 'bad domain!'", "domain_name"),
        ("domain_name = NULL", "domain_name"),
        ("dhcp_def_lease_time = 0", "dhcp_def_lease_time"),
        ("dhcp_max_lease_time = 0", "dhcp_max_lease_time"),
        ("max_cpe = -1", "max_cpe"),
        ("max_cpe = 300", "max_cpe"),
        ("deleted_at = NOW()", ""),  # no live provbase row at all
    ],
)
def test_bad_provbase_value_refuses_dhcp_with_exit_9(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], sql: str, column: str
) -> None:
    """A provbase value the DHCP set is rendered from refuses that set (exit 9, table, id and column named): the
    live DHCP files stay, dhcpd is not restarted, no traceback; a second run after the fix applies."""
    db, setup = netgw
    code, failed, before = _failing_change(db, setup, capsys, f"UPDATE provbase SET {sql}")
    assert code == 9
    assert failed["error_type"] == "RowError" and failed["exit_code"] == 9
    assert str(failed["error"]).startswith(f"provbase 1 {column}:" if column else "provbase: ")
    assert _tree(setup.dhcp_dir) == before and setup.restart.count() == 1
    db.execute(
        "UPDATE provbase SET domain_name = 'nmsprime.test', dhcp_def_lease_time = 86400, "
        "dhcp_max_lease_time = 172800, max_cpe = 3, deleted_at = NULL"
    )
    assert _run(setup, capsys, "--once")[0] == 4  # the plant's malformed rows, as before


@pytest.mark.parametrize("secret", ["'not base64!'", "'c2xhdmU=;evil'"])
def test_a_malformed_dns_secret_refuses_dhcp_and_keeps_it_live(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    """provha.slave_dns_password present but not base64 refuses the DHCP and DNS sets (exit 9 naming provha, id and
    column, the secret itself never shown): the live dhcpd.conf and named-nmsprime.conf keep their key, dhcpd is not
    restarted, the other stages run.
    NULL and '' are no secret at all: DDNS left out, no refusal."""
    db, setup = netgw
    named = setup.dns_dir / "conf" / "named-nmsprime.conf"
    _run(setup, capsys, "--once")
    named_before = named.read_bytes()
    code, failed, before = _failing_change(db, setup, capsys, f"UPDATE provha SET slave_dns_password = {secret}")
    assert code == 9
    assert named.read_bytes() == named_before and b'secret "c2xhdmUtc2VjcmV0LWtleQ=="' in named_before
    assert str(failed["error"]).startswith("provha 1 slave_dns_password:")
    assert "evil" not in str(failed["error"]) and "base64!" not in str(failed["error"])
    assert _tree(setup.dhcp_dir) == before and setup.restart.count() == 1
    assert b"key dhcpupdate {" in (setup.dhcp_dir / "dhcpd.conf").read_bytes()
    db.execute("UPDATE provha SET slave_dns_password = ''")
    assert _run(setup, capsys, "--once")[0] == 4
    assert b"key dhcpupdate {" not in (setup.dhcp_dir / "dhcpd.conf").read_bytes()


def test_provbase_value_the_slave_does_not_use_refuses_nothing(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad provisioning_server (the master's address, which the slave's files never use) changes nothing."""
    db, setup = netgw
    db.execute("UPDATE provbase SET provisioning_server = 'not an address'")
    assert _run(setup, capsys, "--once")[0] == 4
    assert (setup.dhcp_dir / "dhcpd.conf").exists()


def test_a_refused_dhcp_set_does_not_stop_tftp(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """With a bad domain_name the DHCP set is refused but a changed template still reaches the TFTP files."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    db.execute(
        "UPDATE provbase SET domain_name = 'bad domain!'; "
        "UPDATE configfile SET text = CONCAT(text, '\\nMaxClassifiers 7;') WHERE id = 3"
    )
    assert _run(setup, capsys, "--once")[0] == 9
    assert "MaxClassifiers 7;" in (setup.tftp_dir / "cm/cm-100001.conf").read_text()


def _tmpfs(path: Path, options: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root (CI runs as root)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_filesystem_faults_exit_8_and_keep_the_live_set(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    """dhcp.dir on a filesystem that turns read-only or full: exit 8 naming the path, live files unchanged."""
    db, setup = netgw
    setup.dhcp_dir.mkdir(parents=True, exist_ok=True)
    _tmpfs(setup.dhcp_dir, "size=512k,mode=0755")
    try:
        assert _run(setup, capsys, "--once")[0] == 4
        before = _tree(setup.dhcp_dir)
        db.execute("UPDATE modem SET mac = '00:11:22:33:44:98' WHERE id = 100001")
        if fault == "read-only":
            subprocess.run(["mount", "-o", "remount,ro", str(setup.dhcp_dir)], check=True)
        else:
            filler = setup.dhcp_dir / "filler"
            with contextlib.suppress(OSError), filler.open("wb") as out:
                while True:
                    out.write(b"\0" * 65536)
        code, events, _ = _run(setup, capsys, "--once")
        assert code == 8
        (failed,) = [e for e in events if e["event"] == "rebuild.failed"]
        assert str(setup.dhcp_dir) in str(failed["error"])
        after = {k: v for k, v in _tree(setup.dhcp_dir).items() if k != "filler"}
        assert after == before
        assert not (setup.dhcp_dir / ".provha-staging").exists() or fault == "read-only"
    finally:
        subprocess.run(["umount", "-l", str(setup.dhcp_dir)], check=False)


def test_duplicate_macs_keep_the_live_host_and_name_both(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """A MAC given to a second modem (in another case and separator form) keeps the host the live files already
    give it; the other row is skipped naming both; an MTA given an endpoint's MAC is skipped the same way."""
    db, setup = netgw
    _run(setup, capsys, "--once")
    db.execute("UPDATE modem SET mac = 'aa-bb-cc-dd-ee-02' WHERE id = 100001")  # cm-100002 has AA:BB:CC:DD:EE:02
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4
    skipped = {e["id"]: e["reason"] for e in events if e["event"] == "row.skipped" and e["table"] == "modem"}
    assert "modem 100002 (cm-100002)" in str(skipped[100001])
    hosts = (setup.dhcp_dir / "modems-host.conf").read_text()
    assert hosts.count("aa:bb:cc:dd:ee:02") == 1 and "host cm-100002 " in hosts and "host cm-100001 " not in hosts
    db.execute("UPDATE mta SET mac = '00:11:22:33:66:03' WHERE id = 300001")  # the MAC of endpoint ep-dyn
    code, events, _ = _run(setup, capsys, "--once")
    endpoints = {e["id"]: e["reason"] for e in events if e["event"] == "row.skipped" and e["table"] == "mta"}
    assert "endpoint 200003 (ep-dyn)" in str(endpoints[300001])  # the live host keeps it
    assert "00:11:22:33:66:03" not in (setup.dhcp_dir / "mta.conf").read_text()


def test_a_restart_lost_to_a_crash_after_the_swap_is_done_by_the_next_run(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """The pending-restart marker written before a swap survives a crash before the restart: the next run finds
    the live files equal to the rendered ones, checks them with dhcpd -t and restarts dhcpd; then the marker goes."""
    _, setup = netgw
    _run(setup, capsys, "--once")
    assert setup.restart.count() == 1 and not (setup.dhcp_dir / ".provha-restart-pending").exists()
    (setup.dhcp_dir / ".provha-restart-pending").write_bytes(b"")  # as left by a run killed between swap and restart
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 4 and setup.restart.count() == 2
    assert [e["event"] for e in events if e["event"].startswith("dhcp.pending")] == ["dhcp.pending_restart_done"]
    assert not (setup.dhcp_dir / ".provha-restart-pending").exists()
    _run(setup, capsys, "--once")
    assert setup.restart.count() == 2  # nothing pending, nothing changed: no restart


@pytest.mark.parametrize("table", ["endpoint", "mta"])
def test_a_vanished_table_is_refused_like_a_drop(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], table: str
) -> None:
    """A table whose hosts are in the live files and that is gone from the database (a restore without a module)
    is refused (exit 7), whatever its size; the live files stay; --force applies it."""
    db, setup = netgw
    code, failed, before = _failing_change(db, setup, capsys, f"DROP TABLE {table}")
    assert code == 7
    assert f"table {table} is gone" in str(failed["error"])
    assert _tree(setup.dhcp_dir) == before
    assert _run(setup, capsys, "--once", "--force")[0] in (0, 4)


def test_pools_shrinking_by_more_than_max_drop_are_refused(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str]
) -> None:
    """Losing more than max_drop of at least 10 live pool ranges (a truncated ippool table) is refused (exit 7)."""
    db, setup = netgw
    db.execute(
        "INSERT INTO ippool (id, created_at, updated_at, deleted_at, netgw_id, type, net, netmask, "
        "ip_pool_start, ip_pool_end, router_ip, broadcast_ip, dns1_ip, version, active) VALUES "
        + ", ".join(
            f"({20 + n}, NOW(), NOW(), NULL, 1, 'CM', '10.50.{n}.0', '255.255.255.0', '10.50.{n}.10', "
            f"'10.50.{n}.200', '10.50.{n}.1', '10.50.{n}.255', '10.0.0.1', '4', 1)"
            for n in range(6)
        )
    )
    _run(setup, capsys, "--once")
    live = sum((p.read_bytes()).count(b"\trange ") for p in (setup.dhcp_dir / "cmts_gws").glob("*.conf"))
    assert live >= 10
    db.execute("UPDATE ippool SET deleted_at = NOW() WHERE id >= 20 OR type <> 'CM'")
    code, events, _ = _run(setup, capsys, "--once")
    assert code == 7
    assert "pool ranges" in str(next(e for e in events if e["event"] == "rebuild.failed")["error"])


def test_render_master_writes_a_set_dhcpd_accepts_and_never_into_dhcp_dir(
    netgw: tuple[PlantDB, Setup], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--render-master DIR writes the master's set (primary; load_ratio_master 0.25 is split 64) that the real
    dhcpd -t accepts as it stands, touches neither the slave's files nor dhcpd, and refuses dhcp.dir (exit 2)."""
    db, setup = netgw
    db.execute("UPDATE provha SET load_ratio_master = 0.25")
    master = tmp_path / "master-dhcp"
    code, events, _ = _run(setup, capsys, "--render-master", str(master))
    assert code == 0 and [e["event"] for e in events if e["event"] == "master.rendered"] == ["master.rendered"]
    failover = (master / "failover.conf").read_text()
    assert "\tprimary;" in failover and "\tsplit 64;" in failover and "\tmclt 1800;" in failover
    checked = subprocess.run(
        ["dhcpd", "-t", "-4", "-cf", str(master / "dhcpd.conf")], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert not setup.dhcp_dir.exists() and setup.restart.count() == 0
    assert _run(setup, capsys, "--render-master", str(setup.dhcp_dir))[0] == 2
