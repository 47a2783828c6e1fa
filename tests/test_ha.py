"""The HA promise on the rig (``tests/harig.py``): real dhcpd failover peers, a relaying CMTS and a modem, each in its
own network namespace; the slave's files from provha-daemon, the master's from its master role."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator

import pytest

from tests.dbserver import MariaDBServer, PlantFactory
from tests.harig import MASTER, SLAVE, Rig, rig
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
def the_rig(mariadb: MariaDBServer) -> Iterator[Rig]:
    """The seeded plant and the rig up to both peers normal."""
    factory = PlantFactory(mariadb)
    try:
        with rig(factory("netgw")) as up:
            yield up
            print("\nHA rig timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in up.timings.items()))
    finally:
        factory.cleanup()


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


def test_the_modem_gets_rfc_868_time_from_the_slave(the_rig: Rig) -> None:
    """From the modem's network, the slave's time service answers an RFC 868 request over UDP with the time."""
    the_rig.lease(next(iter(MODEMS)))
    ask = (
        "import socket, struct, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)\n"
        f"s.sendto(b'', ('{SLAVE}', 37))\n"
        "print(struct.unpack('!I', s.recv(4))[0] - 2208988800 - time.time())\n"
    )
    done = the_rig.in_modem(sys.executable, "-c", ask)
    assert done.returncode == 0, done.stderr
    assert abs(float(done.stdout)) < 2


def test_the_slave_alone_serves_modems_the_master_answered_when_the_master_dies(the_rig: Rig) -> None:
    """The master's dhcpd is killed: the slave moves to communications-interrupted, and modems the master answered
    while both were up get their lease, config file and time from the slave alone; the master back, both are normal
    again. The times are recorded in the rig's report."""
    for mac in MODEMS:
        the_rig.lease(mac)
    masters = [mac for mac, servers in the_rig.answered.items() if MASTER in servers]  # while both were up
    assert masters
    slave_log = len(the_rig.processes["dhcpd-slave"].text())
    killed = time.monotonic()
    the_rig.processes["dhcpd-master"].stop()
    the_rig.timings["master killed -> slave communications-interrupted"] = the_rig.wait_log(
        "dhcpd-slave", r"I move from normal to communications-interrupted", after=slave_log
    )
    for mac in masters:
        lease = the_rig.lease(mac)
        the_rig.timings.setdefault(
            "master killed -> a modem of the master's has its lease from the slave", time.monotonic() - killed
        )
        assert lease["new_dhcp_server_identifier"] == SLAVE and lease["new_next_server"] == SLAVE
        assert lease["new_time_servers"].split() == [SLAVE, MASTER]
        hostname = MODEMS[mac]
        fetched = the_rig.root / f"alone-{hostname}.cfg"
        got = the_rig.in_modem("tftp", SLAVE, "-m", "binary", "-c", "get", f"cm/{hostname}.cfg", str(fetched))
        assert got.returncode == 0 and _cm_mic_valid(fetched.read_bytes()), got.stderr
    master_log = len(the_rig.processes["dhcpd-master"].text())
    the_rig.dhcpd("master")
    the_rig.timings["master back -> both normal"] = the_rig.wait_log(
        "dhcpd-master", r"Both servers normal", after=master_log
    )


NEW_MODEM = (  # as NMS Prime's GUI stores a new modem: every NOT NULL column set, timestamps now
    "INSERT INTO modem (id, created_at, updated_at, deleted_at, name, hostname, contract_id, mac, public, "
    "internet_access, configfile_id, qos_id, next_passive_id, address_to_invoice) VALUES (100020, NOW(), NOW(), "
    "NULL, 'Neukunde', 'cm-100020', 500001, '00:11:22:33:44:20', 0, 1, 3, 1, 0, 0)"
)


def test_a_new_modem_reaches_the_slave_and_boots_and_a_hard_delete_removes_it(the_rig: Rig) -> None:
    """With provha-daemon running as the service: a modem inserted on the database (as the GUI does) is in the
    slave's host file and has its config file within the measured time, and boots; deleted hard, its host entry and
    its config file are gone from the slave."""
    daemon = the_rig.daemon()
    host_file = the_rig.setup.dhcp_dir / "modems-host.conf"
    config_file = the_rig.setup.tftp_dir / "cm" / "cm-100020.cfg"
    the_rig.wait_log("provha-daemon", r'"service.started"')
    inserted = time.monotonic()
    the_rig.db.execute(NEW_MODEM)  # as root, on the "master" connection
    the_rig.timings["insert -> slave files have the new modem"] = wait_until(
        lambda: "cm-100020" in host_file.read_text() and config_file.exists(), 60.0, "the new modem on the slave"
    )
    the_rig.render_master()  # NMS Prime's master rebuilds its own files for the new modem
    the_rig.wait_log("dhcpd-master", r"Both servers normal")
    lease = the_rig.lease("00:11:22:33:44:20")
    the_rig.timings["insert -> the new modem has its lease"] = time.monotonic() - inserted
    assert lease["new_filename"] == "cm/cm-100020.cfg"
    got = the_rig.in_modem(
        "tftp", lease["new_next_server"], "-m", "binary", "-c", "get", "cm/cm-100020.cfg", str(the_rig.root / "n.cfg")
    )
    assert got.returncode == 0 and _cm_mic_valid((the_rig.root / "n.cfg").read_bytes()), got.stderr
    the_rig.db.execute("DELETE FROM modem WHERE id = 100020")
    the_rig.timings["hard delete -> gone from the slave"] = wait_until(
        lambda: "cm-100020" not in host_file.read_text() and not config_file.exists(),
        60.0,
        "the hard delete on the slave",
    )
    assert daemon.popen.poll() is None
    assert "restart_failed" not in daemon.text()  # every restart of the slave's dhcpd worked


def _events(the_rig: Rig, name: str, after: int) -> list[dict[str, object]]:
    """The daemon's events called ``name`` logged past offset ``after`` of its log."""
    lines = the_rig.processes["provha-daemon"].text()[after:].splitlines()
    return [e for e in (json.loads(line) for line in lines if line.startswith("{")) if e["event"] == name]


def _next_rebuild(the_rig: Rig, after: int, timeout: float = 60.0) -> dict[str, object]:
    wait_until(lambda: bool(_events(the_rig, "rebuild.done", after)), timeout, "a rebuild")
    return _events(the_rig, "rebuild.done", after)[0]


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
        the_rig.db.execute(sql)
        done = _next_rebuild(the_rig, offset)
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
        the_rig.db.execute(fix)
        assert _next_rebuild(the_rig, offset)["result"] in ("ok", "skipped_rows")  # the seeded plant's own bad rows
    assert the_rig.processes["provha-daemon"].popen.poll() is None
