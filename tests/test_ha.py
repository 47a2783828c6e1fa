"""The HA promise on the rig (``tests/harig.py``): real dhcpd failover peers, a relaying CMTS and a modem, each in its
own network namespace; the slave's files from provha-daemon, the master's from its master role."""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.harig import INSERT_MODEM, MASTER, SLAVE, Rig, galera_rig, modem_row
from tests.service import wait_until

pytestmark = pytest.mark.ha

# modems of the seeded plant with a MAC and a host entry; the failover split decides which peer answers each
MODEMS = {
    "00:11:22:33:44:01": "cm-100001",
    "aa:bb:cc:dd:ee:02": "cm-100002",
    "00:11:22:33:44:04": "cm-100004",
    "00:11:22:33:44:10": "cm-100010",
    "00:11:22:33:44:11": "cm-100011",
}


@pytest.fixture(scope="module")
def the_rig() -> Iterator[Rig]:
    """The seeded plant on a 2-node Galera cluster and the rig up to both peers normal."""
    with galera_rig() as up:
        yield up


def _vivso_servers(vivso: str) -> list[str]:
    """The TFTP servers of option 125 (CableLabs 4491, sub-option 2) as dhclient prints the option's bytes."""
    data = bytes(int(x, 16) for x in vivso.split(":"))
    assert data[:4] == (4491).to_bytes(4, "big")
    servers = data[7 : 7 + data[6]]
    assert data[5] == 2
    return [".".join(str(b) for b in servers[i : i + 4]) for i in range(0, len(servers), 4)]


def _cm_mic_valid(config: bytes) -> bool:
    """The CM MIC (TLV 6) is the MD5 of every TLV before it (DOCSIS: CM MIC calculation)."""
    offset = 0
    while offset < len(config):
        kind = config[offset]
        if kind in (0, 255):  # pad, end of data
            offset += 1
            continue
        length = config[offset + 1]
        if kind == 6:
            return config[offset + 2 : offset + 2 + length] == hashlib.md5(config[:offset]).digest()  # noqa: S324
        offset += 2 + length
    return False


@pytest.mark.scenario("1")
def test_both_named_know_every_modem_the_pair_registered_by_ddns(the_rig: Rig) -> None:
    """Each dhcpd registers the modems it answers in its own node's named (DDNS, signed with that node's key); the
    daemon's zone sync copies the master's registrations into the slave's named, so from the modem's network the
    slave's named resolves every modem by name, forward and reverse, whichever server gave the lease."""
    offset = _daemon(the_rig)

    def dig(server: str, *query: str) -> str:
        done = the_rig.in_modem("dig", "+short", "+time=1", "+tries=1", f"@{server}", *query)
        return done.stdout.decode().strip()

    servers = set()
    for mac, hostname in MODEMS.items():
        lease = the_rig.lease(mac)
        leased = time.monotonic()
        name, address = f"{hostname}.nmsprime.test", lease["new_ip_address"]
        server = lease["new_dhcp_server_identifier"]
        servers.add(server)
        wait_until(lambda: dig(server, name, "A") == address, 30.0, f"{name} at the named of {server}")  # noqa: B023
        at_slave = wait_until(lambda: dig(SLAVE, name, "A") == address, 30.0, f"{name} at the slave")  # noqa: B023
        # dhcpd adds the PTR after the A record: a sync pass may fall between the two
        wait_until(lambda: dig(SLAVE, "-x", address) == name + ".", 30.0, f"{address} -> {name} at the slave")  # noqa: B023
        if server == MASTER:
            the_rig.record(
                "master's lease -> its DDNS name resolves at the slave's named (zone sync)",
                time.monotonic() - leased,
            )
        else:
            assert at_slave < 1.0  # the slave's own dhcpd registered it there
    assert servers == {MASTER, SLAVE}, servers
    assert the_rig.events("dns.synced", offset), "the daemon's zone sync copied the master's names"  # ran first


@pytest.mark.scenario("1")
def test_both_up_every_modem_boots_from_the_server_that_answers(the_rig: Rig) -> None:
    """Failover is normal; each modem gets a lease from its CM pool with its own config file name, next-server the
    answering server, and time, log and domain name servers and vivso 125.2 naming that server first and its peer
    second; it fetches its config by TFTP from that server, byte for byte the slave's file, with a valid
    CM MIC. Both peers answer some modems (the split)."""
    answered = set()
    for mac, hostname in MODEMS.items():
        lease = the_rig.lease(mac)
        server = lease["new_dhcp_server_identifier"]
        peer = SLAVE if server == MASTER else MASTER
        answered.add(server)
        assert lease["new_ip_address"].startswith("10.10.0."), lease
        assert lease["new_filename"] == f"cm/{hostname}.cfg"
        assert lease["new_next_server"] == server
        assert lease["new_time_servers"].split() == [server, peer]
        assert lease["new_log_servers"].split() == [server, peer]
        assert lease["new_domain_name_servers"].split() == [server, peer]
        assert _vivso_servers(lease["new_vivso"]) == [server, peer]
        fetched = the_rig.root / f"fetched-{hostname}.cfg"
        got = the_rig.in_modem("tftp", server, "-m", "binary", "-c", "get", f"cm/{hostname}.cfg", str(fetched))
        assert got.returncode == 0 and fetched.exists(), got.stderr
        assert fetched.read_bytes() == (the_rig.setup.tftp_dir / "cm" / f"{hostname}.cfg").read_bytes()
        assert _cm_mic_valid(fetched.read_bytes()), hostname
    assert answered == {MASTER, SLAVE}


@pytest.mark.scenario("1")
def test_the_modem_gets_rfc_868_time_from_the_slave(the_rig: Rig) -> None:
    """From the modem's network, the slave's time service answers an RFC 868 request over UDP with the time."""
    the_rig.lease(next(iter(MODEMS)))
    assert abs(_rfc868_offset(the_rig)) < 2


def _rfc868_offset(the_rig: Rig) -> float:
    """Seconds between the slave's RFC 868 answer, asked over UDP from the modem's network, and this host's clock."""
    ask = (
        "import socket, struct, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)\n"
        f"s.sendto(b'', ('{SLAVE}', 37))\n"
        "print(struct.unpack('!I', s.recv(4))[0] - 2208988800 - time.time())\n"
    )
    done = the_rig.in_modem(sys.executable, "-c", ask)
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


@pytest.mark.scenario("2, 8")
def test_a_new_modem_reaches_the_slave_and_boots_and_a_hard_delete_removes_it(the_rig: Rig) -> None:
    """With provha-daemon running as the service: a modem inserted on the database (as the GUI does) is in the
    slave's host file and has its config file within the measured time, and boots; deleted hard, its host entry and
    its config file are gone from the slave."""
    _daemon(the_rig)
    daemon = the_rig.processes["provha-daemon"]
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    config_file = the_rig.setup.tftp_dir / "cm" / "cm-100020.cfg"
    inserted = time.monotonic()
    the_rig.insert_modem(100020, "00:11:22:33:44:20")  # as root, on the "master" connection
    the_rig.record(
        "insert on node 1 -> the slave's files have the new modem",
        wait_until(
            lambda: "cm-100020" in host_file.read_text() and config_file.exists(), 60.0, "the new modem on the slave"
        ),
    )
    the_rig.render_master()  # NMS Prime's master rebuilds its own files for the new modem
    lease = the_rig.lease("00:11:22:33:44:20")
    the_rig.record("insert on node 1 -> the new modem has its lease", time.monotonic() - inserted)
    assert lease["new_filename"] == "cm/cm-100020.cfg"
    got = the_rig.in_modem(
        "tftp", lease["new_next_server"], "-m", "binary", "-c", "get", "cm/cm-100020.cfg", str(the_rig.root / "n.cfg")
    )
    assert got.returncode == 0 and _cm_mic_valid((the_rig.root / "n.cfg").read_bytes()), got.stderr
    the_rig.write("DELETE FROM modem WHERE id = 100020")
    the_rig.record(
        "hard delete on node 1 -> host entry and config file gone from the slave",
        wait_until(
            lambda: "cm-100020" not in host_file.read_text() and not config_file.exists(),
            60.0,
            "the hard delete on the slave",
        ),
    )
    assert daemon.popen.poll() is None
    assert "restart_failed" not in daemon.text()  # every restart of the slave's dhcpd worked


def _event_time(event: dict[str, object]) -> float:
    """The wall-clock time a daemon event was logged at (its ISO 8601 UTC timestamp)."""
    return datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00")).timestamp()


def _next_rebuild(the_rig: Rig, after: int, table: str, timeout: float = 60.0) -> dict[str, object]:
    """The first rebuild past offset ``after`` that a change of ``table`` triggered."""

    def found() -> list[dict[str, object]]:
        return [e for e in the_rig.events("rebuild.done", after) if table in list(e["trigger"])]  # type: ignore[call-overload]

    wait_until(lambda: bool(found()), timeout, f"a rebuild for {table}")
    return found()[0]


@pytest.mark.scenario("5")
def test_bad_data_on_the_master_keeps_the_plant_booting(the_rig: Rig) -> None:
    """Bad rows written on the database, as the README promises for each, on the live rig: a broken
    ippool.optional is rejected by dhcpd -t and not applied (named); a configfile with an unknown keyword keeps the
    devices' previous config files (named); a pool whose range leaves its subnet and a modem with a malformed MAC are
    skipped and named; through all of it a modem keeps booting and fetching its config, and the daemon keeps
    running."""
    if "provha-daemon" not in the_rig.processes or the_rig.processes["provha-daemon"].popen.poll() is not None:
        the_rig.daemon()
        the_rig.wait_log("provha-daemon", r'"service.started"')
    daemon_log = lambda: len(the_rig.processes["provha-daemon"].text())  # noqa: E731
    live = the_rig.setup.dhcp_dir / "cmts_gws" / "1.conf"
    config = the_rig.setup.tftp_dir / "cm" / "cm-100001.cfg"
    bad_mac = INSERT_MODEM + modem_row(100040, "00:11:22:33:44:4g")
    cases = [  # (the table written, the bad write, what the rebuild says, the fix)
        (
            "ippool",
            "UPDATE ippool SET optional = 'this is not dhcpd syntax', updated_at = NOW() WHERE id = 1",
            "rejected",
            "UPDATE ippool SET optional = NULL, updated_at = NOW() WHERE id = 1",
        ),
        (
            "configfile",
            r"UPDATE configfile SET text = CONCAT(text, '\nNoSuchKeyword 1;'), updated_at = NOW() WHERE id = 3",
            None,
            r"UPDATE configfile SET text = REPLACE(text, '\nNoSuchKeyword 1;', ''), updated_at = NOW() WHERE id = 3",
        ),
        (
            "ippool",
            "UPDATE ippool SET ip_pool_end = '10.21.0.5', updated_at = NOW() WHERE id = 4",
            ("ippool", 4),
            "UPDATE ippool SET ip_pool_end = '10.20.0.200', updated_at = NOW() WHERE id = 4",
        ),
        ("modem", bad_mac, ("modem", 100040), "DELETE FROM modem WHERE id = 100040"),
    ]
    for table, sql, result, fix in cases:
        before_files, before_config = live.read_bytes(), config.read_bytes()
        offset = daemon_log()
        the_rig.write(sql)
        done = _next_rebuild(the_rig, offset, table)
        if result == "rejected":
            assert done["result"] == "rejected" and "ippool 1" in str(done["error"]), done
            assert live.read_bytes() == before_files  # not applied
        elif result is None:
            assert done.get("tftp_errors"), done
            assert config.read_bytes() == before_config  # the device keeps its previous file
            assert the_rig.events("tftp.device_failed", offset), "the failing device is named"
        else:
            assert done["result"] == "skipped_rows", done
            skipped = [e for e in the_rig.events("row.skipped", offset) if e["table"] == result[0]]
            assert result[1] in [e["id"] for e in skipped], skipped  # the bad row, named by table and id
            if table == "modem":
                assert "00:11:22:33:44:4g" not in (the_rig.setup.dhcp_dir / "modems-host.conf").read_text()
        lease = the_rig.lease("00:11:22:33:44:01")
        fetched = the_rig.root / "bad-data.cfg"
        got = the_rig.in_modem(
            "tftp", lease["new_next_server"], "-m", "binary", "-c", "get", "cm/cm-100001.cfg", str(fetched)
        )
        assert got.returncode == 0 and _cm_mic_valid(fetched.read_bytes()), got.stderr
        offset = daemon_log()
        the_rig.write(fix)
        assert _next_rebuild(the_rig, offset, table)["result"] in (
            "ok",
            "skipped_rows",
        )  # the seeded plant's own bad rows
    assert the_rig.processes["provha-daemon"].popen.poll() is None


def _daemon(the_rig: Rig) -> int:
    """Make sure the daemon runs (started by an earlier scenario or now); the length of its log so far."""
    if "provha-daemon" not in the_rig.processes or the_rig.processes["provha-daemon"].popen.poll() is not None:
        offset = len(the_rig.processes["provha-daemon"].text()) if "provha-daemon" in the_rig.processes else 0
        the_rig.daemon()
        the_rig.wait_log("provha-daemon", r'"service.started"', after=offset)
    return len(the_rig.processes["provha-daemon"].text())


def _files(the_rig: Rig) -> dict[str, bytes]:
    """Every live file of the slave's DHCP and TFTP sets, with its bytes."""
    found = {}
    for top in (the_rig.setup.dhcp_dir, the_rig.setup.tftp_dir):
        for path in sorted(top.rglob("*")):
            if path.is_file() and ".provha-" not in path.as_posix():
                found[path.as_posix()] = path.read_bytes()
    return found


def _status_after(the_rig: Rig, seen: int, text: str, timeout: float = 60.0) -> str:
    """The first STATUS= the daemon sent after the first ``seen`` notify lines that contains ``text``."""
    assert the_rig.notify is not None
    notify = the_rig.notify

    def found() -> list[str]:
        return [line for _, line in notify.lines()[seen:] if line.startswith("STATUS=") and text in line]

    wait_until(lambda: bool(found()), timeout, f"a STATUS with {text!r}")
    return found()[0]


@pytest.mark.scenario("4")
def test_galera_node_1_lost_the_slave_keeps_its_files_and_serving_and_recovers_without_a_restart(the_rig: Rig) -> None:
    """Galera node 1 is killed: node 2 loses quorum (non-Primary), the daemon keeps the last good files, says
    "db not synced" in STATUS, keeps running, and the slave's dhcpd keeps serving (not restarted); with
    ``dirty_reads`` allowed it rebuilds from node 2's last replicated state and STATUS says so; after
    pc.bootstrap on node 2 and node 1's rejoin the same daemon process reads again and a write on node 1 reaches the
    slave's files."""
    offset = _daemon(the_rig)
    cluster = the_rig.cluster
    assert cluster is not None and the_rig.notify is not None
    daemon = the_rig.processes["provha-daemon"]
    before, dhcpd_pid, seen = _files(the_rig), the_rig.slave_dhcpd_pid(), len(the_rig.notify.lines())
    killed = time.monotonic()
    cluster.kill_node1()
    cluster.wait_non_primary()
    the_rig.record("node 1 killed -> node 2 non-Primary", time.monotonic() - killed)
    wait_until(lambda: bool(the_rig.events("db.not_synced", offset)), 60.0, "db.not_synced")
    the_rig.record("node 1 killed -> the daemon logs db.not_synced", time.monotonic() - killed)
    status = _status_after(the_rig, seen, "db not synced for")
    assert "slave" in status, status
    for mac in MODEMS:  # both dhcpd serve on, the slave's without a restart
        the_rig.lease(mac)
    assert _files(the_rig) == before
    assert the_rig.slave_dhcpd_pid() == dhcpd_pid
    assert daemon.popen.poll() is None
    # the operator allows dirty reads (database.dirty_reads, a reload): the daemon rebuilds from node 2's last
    # replicated state and says so; the same data gives the same files and no restart
    config = the_rig.setup.config
    clean = config.read_text()
    config.write_text(clean.replace("[database]\n", "[database]\ndirty_reads = true\n", 1))
    seen, reloaded = len(the_rig.notify.lines()), time.monotonic()
    daemon.popen.send_signal(signal.SIGHUP)
    wait_until(
        lambda: any(e.get("dirty_reads") for e in the_rig.events("rebuild.done", offset)), 60.0, "a dirty rebuild"
    )
    the_rig.record("dirty_reads allowed (SIGHUP) -> rebuilt from node 2's last state", time.monotonic() - reloaded)
    _status_after(the_rig, seen, "db not synced, dirty reads")
    assert _files(the_rig) == before and the_rig.slave_dhcpd_pid() == dhcpd_pid
    config.write_text(clean)
    daemon.popen.send_signal(signal.SIGHUP)
    _status_after(the_rig, len(the_rig.notify.lines()), "db not synced for")
    offset = len(daemon.text())
    recovering, wall = time.monotonic(), time.time()
    cluster.recover()  # pc.bootstrap=YES on node 2, node 1 restarted as a joiner
    the_rig.record("pc.bootstrap on node 2 -> node 1 rejoined, both Synced", time.monotonic() - recovering)
    wait_until(lambda: bool(the_rig.events("db.back", offset)), 60.0, "db.back")
    back = _event_time(the_rig.events("db.back", offset)[0]) - wall
    the_rig.record("pc.bootstrap on node 2 -> the daemon reads again (db.back)", back)
    seen = len(the_rig.notify.lines())
    the_rig.insert_modem(100021, "00:11:22:33:44:21")
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    the_rig.record(
        "after recovery: insert on node 1 -> the slave's files have it",
        wait_until(lambda: "cm-100021" in host_file.read_text(), 60.0, "a write after recovery"),
    )
    # node 2 may pass through Donor/Desynced while node 1 catches up (STATUS "db not synced" for a moment)
    _status_after(the_rig, seen, "db ok")
    assert daemon.popen.poll() is None  # the same process throughout


@pytest.mark.scenario("4")
def test_a_slave_rebooted_while_node_1_is_dead_reaches_ready_and_recovers_after_a_bootstrap(the_rig: Rig) -> None:
    """The slave host reboots while node 1 is dead: its mariadbd cannot form a Primary component alone and gives
    up, the daemon started anew cannot read, yet sends READY with the files on disk while the slave's dhcpd (started
    by the boot) serves; node 2 bootstrapped as a new cluster and node 1 rejoining bring the same daemon back."""
    _daemon(the_rig)
    cluster = the_rig.cluster
    assert cluster is not None and the_rig.notify is not None
    cluster.kill_node1()
    cluster.wait_non_primary()
    the_rig.processes["provha-daemon"].stop()  # the reboot: the daemon stops cleanly, the files stay on disk
    before = _files(the_rig)
    refused = cluster.reboot_node2_alone()
    assert "failed to reach primary view" in refused or "wait_prim" in refused, refused[-2000:]
    slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
    the_rig.restart_slave_dhcpd()  # the boot starts dhcpd from the files on disk
    the_rig.wait_log("dhcpd-slave", r"Both servers normal", after=slave_log)
    seen = len(the_rig.notify.lines())
    booted = time.monotonic()
    offset = _daemon(the_rig)
    assert "READY=1" in [line for _, line in the_rig.notify.lines()[seen:]], the_rig.notify.lines()[seen:]
    the_rig.record("daemon started on the rebooted slave, no database -> READY", time.monotonic() - booted)
    _status_after(the_rig, seen, "db stale for")
    assert _files(the_rig) == before
    lease = the_rig.lease(next(iter(MODEMS)))
    assert lease["new_filename"].startswith("cm/")
    offset = len(the_rig.processes["provha-daemon"].text())
    bootstrapped, wall = time.monotonic(), time.time()
    cluster.bootstrap_node2()
    the_rig.record(
        "node 2 bootstrapped as a new cluster, node 1 rejoined, both Synced", time.monotonic() - bootstrapped
    )
    wait_until(lambda: bool(the_rig.events("db.back", offset)), 60.0, "db.back")
    back = _event_time(the_rig.events("db.back", offset)[0]) - wall
    the_rig.record("node 2's bootstrap begun -> the daemon reads again (db.back)", back)
    _status_after(the_rig, seen, "db ok")
    the_rig.insert_modem(100022, "00:11:22:33:44:22")
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    wait_until(lambda: "cm-100022" in host_file.read_text(), 60.0, "a write after the bootstrap")
    assert the_rig.processes["provha-daemon"].popen.poll() is None


def _health(the_rig: Rig) -> tuple[int, str]:
    """``provha-daemon --health`` against the running service's state file: its exit code and line."""
    done = subprocess.run(
        [sys.executable, "-m", "provha_daemon", "--config", str(the_rig.setup.config), "--health"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout.strip()


def _kill_master(the_rig: Rig) -> float:
    """SIGKILL the master's dhcpd; the seconds until the slave's dhcpd says it is alone."""
    slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
    the_rig.processes["dhcpd-master"].popen.kill()
    the_rig.processes["dhcpd-master"].popen.wait()
    return the_rig.wait_log("dhcpd-slave", r"I move from normal to communications-interrupted", after=slave_log)


def _master_back(the_rig: Rig) -> float:
    """Start the master's dhcpd again on its leases file; the seconds until both peers are normal."""
    offset = len(the_rig.processes["dhcpd-master"].text())
    the_rig.dhcpd("master")
    return the_rig.wait_log("dhcpd-master", r"Both servers normal", timeout=180.0, after=offset)


def _fetch_config(the_rig: Rig, server: str, hostname: str) -> bytes:
    """The modem's TFTP download of its config file from ``server``."""
    fetched = the_rig.root / f"tftp-{hostname}.cfg"
    fetched.unlink(missing_ok=True)
    got = the_rig.in_modem("tftp", server, "-m", "binary", "-c", "get", f"cm/{hostname}.cfg", str(fetched))
    assert got.returncode == 0 and fetched.exists(), got.stderr
    return fetched.read_bytes()


@pytest.mark.scenario("3")
def test_the_master_dies_and_the_slave_alone_renews_its_modems_with_config_and_time(the_rig: Rig) -> None:
    """The master's dhcpd is killed: the slave moves to communications-interrupted at once, says so in STATUS and
    --health (dhcpd's failover state over OMAPI), and the modems the master answered while both were up renew their
    address from the slave alone (INIT-REBOOT, the same address), fetch their config from it with a valid CM MIC and
    get its RFC 868 time."""
    _daemon(the_rig)
    assert the_rig.notify is not None
    before = {mac: the_rig.lease(mac) for mac in MODEMS}
    masters = [mac for mac, lease in before.items() if lease["new_dhcp_server_identifier"] == MASTER]
    assert masters, "the split gives the master some of the modems"
    seen = len(the_rig.notify.lines())
    killed = time.monotonic()
    the_rig.record("master killed -> slave in communications-interrupted", _kill_master(the_rig))
    for mac in masters:
        slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
        lease = the_rig.lease(mac, renew=True)
        assert lease["reason"] == "REBOOT", lease
        acked = (the_rig.root / "dhcpd-slave.log").read_text()[slave_log:]
        assert f"DHCPACK on {before[mac]['new_ip_address']} to {mac}" in acked, acked[-2000:]
        if mac == masters[0]:
            the_rig.record("master killed -> a modem of the master's renewed at the slave", time.monotonic() - killed)
        assert lease["new_dhcp_server_identifier"] == SLAVE and lease["new_next_server"] == SLAVE
        assert lease["new_ip_address"] == before[mac]["new_ip_address"]  # the binding the master made, renewed
        assert lease["new_time_servers"].split() == [SLAVE, MASTER]
        assert _cm_mic_valid(_fetch_config(the_rig, SLAVE, MODEMS[mac]))
        named = the_rig.in_modem("dig", "+short", "+time=1", "+tries=1", f"@{SLAVE}", f"{MODEMS[mac]}.nmsprime.test")
        assert named.stdout.decode().split() == [before[mac]["new_ip_address"]]  # the master's DDNS, synced
    assert abs(_rfc868_offset(the_rig)) < 2
    status = _status_after(the_rig, seen, "dhcpd failover communications-interrupted")
    the_rig.record("master killed -> STATUS shows communications-interrupted", time.monotonic() - killed)
    code, line = _health(the_rig)
    assert code == 1 and "communications-interrupted" in line, (code, line, status)


@pytest.mark.scenario("3")
def test_while_the_master_is_dead_only_a_real_dhcpd_change_restarts_the_slave_and_a_new_modem_boots(
    the_rig: Rig,
) -> None:
    """With the master dead, a change that touches no dhcpd input (a configfile's text) rebuilds the config files
    without restarting the slave's dhcpd; a new modem does restart it (its host entry is new), and the restarted
    peer, without its partner, passes through startup before it serves again: the new modem then boots from the
    slave alone. Both costs are measured."""
    offset = _daemon(the_rig)
    pid = the_rig.slave_dhcpd_pid()
    config = the_rig.setup.tftp_dir / "cm" / "cm-100001.cfg"
    old_config = config.read_bytes()
    the_rig.write(
        "UPDATE configfile SET text = REPLACE(text, 'GlobalPrivacyEnable 1;', 'GlobalPrivacyEnable 0;'), "
        "updated_at = NOW() WHERE id = 3"
    )
    done = _next_rebuild(the_rig, offset, "configfile")
    assert done["restarted"] is False and done["changed"] == [], done
    assert config.read_bytes() != old_config
    assert the_rig.slave_dhcpd_pid() == pid  # not restarted
    offset = len(the_rig.processes["provha-daemon"].text())
    slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
    inserted = time.monotonic()
    the_rig.insert_modem(100023, "00:11:22:33:44:23")
    done = _next_rebuild(the_rig, offset, "modem")
    assert done["restarted"] is True, done
    restarted = time.monotonic()
    the_rig.record(
        "master dead: restarted slave dhcpd in startup -> communications-interrupted again",
        the_rig.wait_log(
            "dhcpd-slave", r"I move from startup to communications-interrupted", timeout=120.0, after=slave_log
        ),
    )
    lease = the_rig.lease("00:11:22:33:44:23", timeout=60.0)
    the_rig.record("master dead: slave dhcpd restarted -> the new modem has its lease", time.monotonic() - restarted)
    the_rig.record("master dead: insert on node 1 -> the new modem has its lease", time.monotonic() - inserted)
    assert lease["new_dhcp_server_identifier"] == SLAVE and lease["new_filename"] == "cm/cm-100023.cfg"
    assert _cm_mic_valid(_fetch_config(the_rig, SLAVE, "cm-100023"))
    the_rig.record("master back -> both normal", _master_back(the_rig))


SPARE = [f"00:11:22:33:55:{n:02x}" for n in range(16)]  # modems that use up the slave's share of a small pool


@pytest.mark.scenario("3")
def test_a_lone_slave_allocates_only_its_share_until_partner_down_is_declared(the_rig: Rig) -> None:
    """In communications-interrupted the slave gives new modems addresses only from its own share of a pool (what
    pool balancing gave it): with the CM pool made small, the new modems past that share get nothing; once the
    operator declares partner-down with the README's omshell commands the slave, after mclt, serves the next one
    from the master's share too. The master back, the pair recovers to normal."""
    _daemon(the_rig)
    rows = ", ".join(modem_row(100100 + n, mac) for n, mac in enumerate(SPARE))
    written = time.monotonic()
    the_rig.write(INSERT_MODEM + rows)
    the_rig.write("UPDATE ippool SET ip_pool_end = '10.10.0.29', updated_at = NOW() WHERE id = 1")  # 20 addresses
    wait_until(
        lambda: (
            "10.10.0.29;" in (the_rig.setup.dhcp_dir / "cmts_gws" / "1.conf").read_text()
            and "cm-100115" in (the_rig.setup.dhcp_dir / "modems-host.conf").read_text()
        ),
        60.0,
        "the small pool on the slave",
    )
    master_log = len(the_rig.processes["dhcpd-master"].text())
    the_rig.render_master()
    the_rig.wait_log("dhcpd-master", r"balanced pool \S+ cmts-north\s+total 20 ", timeout=60.0, after=master_log)
    line = re.findall(r"balanced pool \S+ cmts-north\s+total 20 .*", the_rig.processes["dhcpd-master"].text())[-1]
    share = int(re.search(r"backup (\d+)", line).group(1))  # type: ignore[union-attr]
    the_rig.record(
        "small pool and 16 modems written on node 1 -> both peers run it, balanced", time.monotonic() - written
    )
    assert 0 < share < len(SPARE), line
    _kill_master(the_rig)
    served = []
    for mac in SPARE:
        try:
            lease = the_rig.lease(mac, timeout=8.0)
        except AssertionError:
            break
        assert lease["new_dhcp_server_identifier"] == SLAVE
        served.append(lease["new_ip_address"])
    slave_text = (the_rig.root / "dhcpd-slave.log").read_text()
    assert "no free leases" in slave_text or "peer holds all free leases" in slave_text
    the_rig.record(
        "communications-interrupted: new modems the slave served (its share of 20 addresses)", len(served), "modems"
    )
    assert len(served) == share, (served, line)
    waiting = SPARE[len(served)]
    slave_log = len(slave_text)
    declared = time.monotonic()
    out = the_rig.omshell("new failover-state", 'set name = "dhcpd-failover"', "open", "set local-state = 4", "update")
    the_rig.wait_log("dhcpd-slave", r"I move from communications-interrupted to partner-down", after=slave_log)
    the_rig.record("omshell partner-down typed -> slave in partner-down", time.monotonic() - declared)
    assert "local-state" in out, out  # omshell reached dhcpd's failover-state object
    lease = _lease_within(the_rig, waiting, 120.0)
    the_rig.record(
        "omshell partner-down -> a modem past the share has its lease (mclt 20 s)", time.monotonic() - declared
    )
    assert lease["new_dhcp_server_identifier"] == SLAVE
    the_rig.record("master back after partner-down -> both normal", _master_back(the_rig))


def _lease_within(the_rig: Rig, mac: str, timeout: float) -> dict[str, str]:
    """The modem keeps asking (as a modem does) until it has a lease or ``timeout`` is over."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return the_rig.lease(mac, timeout=8.0)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@pytest.mark.scenario("3")
def test_auto_partner_down_makes_the_lone_slave_take_over_the_pools_by_itself(the_rig: Rig) -> None:
    """With ``dhcp.auto_partner_down`` set (here 5 s; off by default, as NMS Prime), a configuration reload renders
    it into the slave's failover peer; the master killed, the slave moves from communications-interrupted to
    partner-down by itself after that time; the master back, the pair recovers to normal."""
    offset = _daemon(the_rig)
    config = the_rig.setup.config
    config.write_text(config.read_text().replace("[dhcp]\n", "[dhcp]\nauto_partner_down = 5\n", 1))
    slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
    the_rig.processes["provha-daemon"].popen.send_signal(signal.SIGHUP)
    done = _next_rebuild(the_rig, offset, "periodic")
    assert "failover.conf" in list(done["changed"]) and done["restarted"] is True, done  # type: ignore[call-overload]
    assert "auto-partner-down 5;" in (the_rig.setup.dhcp_dir / "failover.conf").read_text()
    the_rig.wait_log("dhcpd-slave", r"Both servers normal", after=slave_log)
    slave_log = len((the_rig.root / "dhcpd-slave.log").read_text())
    killed = time.monotonic()
    _kill_master(the_rig)
    the_rig.record(
        "auto_partner_down 5: master killed -> slave in partner-down by itself",
        the_rig.wait_log("dhcpd-slave", r"I move from communications-interrupted to partner-down", after=slave_log),
    )
    assert time.monotonic() - killed >= 5
    the_rig.record("master back after auto partner-down -> both normal", _master_back(the_rig))
