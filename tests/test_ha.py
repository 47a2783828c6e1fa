"""The HA promise on the rig (``tests/harig.py``): real dhcpd failover peers, a relaying CMTS and a modem, each in its
own network namespace; the slave's files from provha-daemon, the master's from its master role."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator

import pytest

from tests.harig import MASTER, SLAVE, Rig, galera_rig
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
def test_both_up_every_modem_boots_from_the_server_that_answers(the_rig: Rig) -> None:
    """Failover is normal; each modem gets a lease from its CM pool with its own config file name, next-server the
    answering server, and time servers, DNS-independent server lists and vivso 125.2 naming that server first and
    its peer second; it fetches its config by TFTP from that server, byte for byte the slave's file, with a valid
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


NEW_MODEM = (  # as NMS Prime's GUI stores a new modem: every NOT NULL column set, timestamps now
    "INSERT INTO modem (id, created_at, updated_at, deleted_at, name, hostname, contract_id, mac, public, "
    "internet_access, configfile_id, qos_id, next_passive_id, address_to_invoice) VALUES (100020, NOW(), NOW(), "
    "NULL, 'Neukunde', 'cm-100020', 500001, '00:11:22:33:44:20', 0, 1, 3, 1, 0, 0)"
)


@pytest.mark.scenario("2, 8")
def test_a_new_modem_reaches_the_slave_and_boots_and_a_hard_delete_removes_it(the_rig: Rig) -> None:
    """With provha-daemon running as the service: a modem inserted on the database (as the GUI does) is in the
    slave's host file and has its config file within the measured time, and boots; deleted hard, its host entry and
    its config file are gone from the slave."""
    daemon = the_rig.daemon()
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    config_file = the_rig.setup.tftp_dir / "cm" / "cm-100020.cfg"
    the_rig.wait_log("provha-daemon", r'"service.started"')
    inserted = time.monotonic()
    the_rig.write(NEW_MODEM)  # as root, on the "master" connection
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


def _events(the_rig: Rig, name: str, after: int) -> list[dict[str, object]]:
    """The daemon's events called ``name`` logged past offset ``after`` of its log."""
    lines = the_rig.processes["provha-daemon"].text()[after:].splitlines()
    return [e for e in (json.loads(line) for line in lines if line.startswith("{")) if e["event"] == name]


def _next_rebuild(the_rig: Rig, after: int, table: str, timeout: float = 60.0) -> dict[str, object]:
    """The first rebuild past offset ``after`` that a change of ``table`` triggered."""

    def found() -> list[dict[str, object]]:
        return [e for e in _events(the_rig, "rebuild.done", after) if table in list(e["trigger"])]  # type: ignore[call-overload]

    wait_until(lambda: bool(found()), timeout, f"a rebuild for {table}")
    return found()[0]


@pytest.mark.scenario("5")
def test_bad_data_on_the_master_keeps_the_plant_booting(the_rig: Rig) -> None:
    """Bad rows written on the database, as the README promises for each, on the live rig: a broken
    ippool.optional is rejected by dhcpd -t and not applied (named); a configfile with an unknown keyword keeps the
    devices' previous config files (named); a pool whose range leaves its subnet is skipped and named; through all of
    it a modem keeps booting and fetching its config, and the daemon keeps running."""
    if "provha-daemon" not in the_rig.processes or the_rig.processes["provha-daemon"].popen.poll() is not None:
        the_rig.daemon()
        the_rig.wait_log("provha-daemon", r'"service.started"')
    daemon_log = lambda: len(the_rig.processes["provha-daemon"].text())  # noqa: E731
    live = the_rig.setup.dhcp_dir / "cmts_gws" / "1.conf"
    config = the_rig.setup.tftp_dir / "cm" / "cm-100001.cfg"
    cases = [  # (the bad write, what the rebuild says, the fix)
        (
            "UPDATE ippool SET optional = 'this is not dhcpd syntax', updated_at = NOW() WHERE id = 1",
            "rejected",
            "UPDATE ippool SET optional = NULL, updated_at = NOW() WHERE id = 1",
        ),
        (
            r"UPDATE configfile SET text = CONCAT(text, '\nNoSuchKeyword 1;'), updated_at = NOW() WHERE id = 3",
            None,
            r"UPDATE configfile SET text = REPLACE(text, '\nNoSuchKeyword 1;', ''), updated_at = NOW() WHERE id = 3",
        ),
        (
            "UPDATE ippool SET ip_pool_end = '10.21.0.5', updated_at = NOW() WHERE id = 4",
            "skipped_rows",
            "UPDATE ippool SET ip_pool_end = '10.20.0.200', updated_at = NOW() WHERE id = 4",
        ),
    ]
    for sql, result, fix in cases:
        before_files, before_config = live.read_bytes(), config.read_bytes()
        offset = daemon_log()
        the_rig.write(sql)
        done = _next_rebuild(the_rig, offset, sql.split()[1])
        if result == "rejected":
            assert done["result"] == "rejected" and "ippool 1" in str(done["error"]), done
            assert live.read_bytes() == before_files  # not applied
        elif result is None:
            assert done.get("tftp_errors"), done
            assert config.read_bytes() == before_config  # the device keeps its previous file
            assert _events(the_rig, "tftp.device_failed", offset), "the failing device is named"
        else:
            assert done["result"] == "skipped_rows", done
            skipped = [e for e in _events(the_rig, "row.skipped", offset) if e["table"] == "ippool"]
            assert [e["id"] for e in skipped] == [4], skipped
        lease = the_rig.lease("00:11:22:33:44:01")
        fetched = the_rig.root / "bad-data.cfg"
        got = the_rig.in_modem(
            "tftp", lease["new_next_server"], "-m", "binary", "-c", "get", "cm/cm-100001.cfg", str(fetched)
        )
        assert got.returncode == 0 and _cm_mic_valid(fetched.read_bytes()), got.stderr
        offset = daemon_log()
        the_rig.write(fix)
        assert _next_rebuild(the_rig, offset, fix.split()[1])["result"] in (
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


def _insert_modem(the_rig: Rig, modem_id: int, mac: str) -> None:
    """A new modem as NMS Prime's GUI stores it, written on node 1."""
    the_rig.write(NEW_MODEM.replace("100020", str(modem_id)).replace("00:11:22:33:44:20", mac))


@pytest.mark.scenario("4")
def test_galera_node_1_lost_the_slave_keeps_its_files_and_serving_and_recovers_without_a_restart(the_rig: Rig) -> None:
    """Galera node 1 is killed: node 2 loses quorum (non-Primary), the daemon keeps the last good files, says
    "db not synced" in STATUS, keeps running, and the slave's dhcpd keeps serving (not restarted); after
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
    wait_until(lambda: bool(_events(the_rig, "db.not_synced", offset)), 60.0, "db.not_synced")
    the_rig.record("node 1 killed -> the daemon logs db.not_synced", time.monotonic() - killed)
    status = _status_after(the_rig, seen, "db not synced for")
    assert "slave" in status, status
    for mac in MODEMS:  # both dhcpd serve on, the slave's without a restart
        the_rig.lease(mac)
    assert _files(the_rig) == before
    assert the_rig.slave_dhcpd_pid() == dhcpd_pid
    assert daemon.popen.poll() is None
    recovering = time.monotonic()
    cluster.recover()  # pc.bootstrap=YES on node 2, node 1 restarted as a joiner
    the_rig.record("pc.bootstrap on node 2 -> node 1 rejoined, both Synced", time.monotonic() - recovering)
    wait_until(lambda: bool(_events(the_rig, "db.back", offset)), 60.0, "db.back")
    the_rig.record("pc.bootstrap on node 2 -> the daemon reads again (db.back)", time.monotonic() - recovering)
    written = time.monotonic()
    _insert_modem(the_rig, 100021, "00:11:22:33:44:21")
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    the_rig.record(
        "after recovery: insert on node 1 -> the slave's files have it",
        wait_until(lambda: "cm-100021" in host_file.read_text(), 60.0, "a write after recovery"),
    )
    assert time.monotonic() - written < 60
    assert "db ok" in the_rig.notify.values("STATUS")[-1]
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
    bootstrapped = time.monotonic()
    cluster.bootstrap_node2()
    the_rig.record(
        "node 2 bootstrapped as a new cluster, node 1 rejoined, both Synced", time.monotonic() - bootstrapped
    )
    wait_until(lambda: bool(_events(the_rig, "db.back", offset)), 60.0, "db.back")
    the_rig.record("bootstrap begun -> the daemon reads again (db.back)", time.monotonic() - bootstrapped)
    _status_after(the_rig, seen, "db ok")
    _insert_modem(the_rig, 100022, "00:11:22:33:44:22")
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    wait_until(lambda: "cm-100022" in host_file.read_text(), 60.0, "a write after the bootstrap")
    assert the_rig.processes["provha-daemon"].popen.poll() is None
