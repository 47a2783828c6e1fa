"""The time stage against a real, synchronised chronyd: its files checked with chronyd -p, swapped, and told at
runtime (allow/deny, reload sources) without a restart and without losing synchronisation; its fault paths."""

from __future__ import annotations

import datetime as dt
import re
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import structlog

from provha_daemon.artifact import Artifact
from provha_daemon.config import load_config
from provha_daemon.errors import RejectedError, RestartError
from provha_daemon.rebuild import Rebuilder
from provha_daemon.render.time import TimeRender
from provha_daemon.stages import RebuildResult, Run, TimeStage
from tests.chrony import Chronyd, chrony_directory, free_udp_port, reference_and_client
from tests.dbserver import PlantDB, PlantFactory
from tests.helpers import Setup, write_config

PEER = "127.0.0.31"  # provha.master: the peer the slave's chrony asks, on loopback (nobody answers there)
# RFC 868: seconds since 1900-01-01 00:00 UTC
RFC868_EPOCH_OFFSET = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC) - dt.datetime(1900, 1, 1, tzinfo=dt.UTC)).total_seconds()
MOVE_CM_POOL = (
    "UPDATE ippool SET net = '10.50.0.0', ip_pool_start = '10.50.0.10', ip_pool_end = '10.50.0.250', "
    "router_ip = '10.50.0.1', broadcast_ip = '10.50.0.255', updated_at = NOW() WHERE id = 1"
)


@dataclass
class Slave:
    """A plant, a config that writes chrony's files where a real chronyd reads them, and that chronyd."""

    db: PlantDB
    setup: Setup
    chronyd: Chronyd
    directory: Path

    def rebuilder(self) -> Rebuilder:
        return Rebuilder(load_config(self.setup.config), frozenset())

    @property
    def access(self) -> Path:
        return self.directory / "conf.d" / "provha-daemon.conf"

    @property
    def sources(self) -> Path:
        return self.directory / "sources.d" / "provha-daemon.sources"


@pytest.fixture
def slave(tmp_path: Path, plant_db: PlantFactory) -> Iterator[Slave]:
    """The seeded plant with the peer on loopback, and the slave's chronyd synchronised to a reference; its
    confdir and sourcedir are the directories the daemon writes."""
    db = plant_db("netgw")
    db.execute(f"UPDATE provha SET master = '{PEER}'")
    with chrony_directory() as directory:
        for sub in ("conf.d", "sources.d"):
            (directory / sub).mkdir(mode=0o755)
        lines = [f"confdir {directory / 'conf.d'}", f"sourcedir {directory / 'sources.d'}"]
        with reference_and_client(directory, lines) as (_, chronyd):
            setup = write_config(tmp_path, db, chrony_dir=directory, chronyc=chronyd.command())
            yield Slave(db, setup, chronyd, directory)


def _synchronised_to_reference(chronyd: Chronyd) -> bool:
    return chronyd.synchronised() and chronyd.sources().get("127.0.0.1") == "*"


async def test_a_rebuild_tells_the_running_chronyd_without_restarting_it(slave: Slave) -> None:
    """The first rebuild writes both files and chronyd, the same process still synchronised, serves the peer, the
    CMTSs and the CM and MTA pools, asks the peer, and still refuses CPE pools."""
    chronyd, pid = slave.chronyd, slave.chronyd.pid
    assert not chronyd.allowed("10.10.0.5")
    result = await slave.rebuilder().rebuild(attempts=1)
    assert {str(slave.access), str(slave.sources)} <= set(result.written)
    for address in ("10.10.0.5", "10.20.0.7", "10.0.0.11", "10.0.0.12", PEER, "127.0.0.1"):
        assert chronyd.allowed(address), address
    for address in ("100.64.0.5", "192.0.2.10", "10.30.0.5", "10.0.0.13"):  # CPE, public CPE, STB, the OLT
        assert not chronyd.allowed(address), address
    assert PEER in chronyd.sources()
    assert chronyd.pid == pid and _synchronised_to_reference(chronyd)


async def test_a_moved_pool_is_denied_and_the_new_network_allowed_at_runtime(slave: Slave) -> None:
    """A CM pool moved to another network: the old one is denied, the new one allowed, chronyd neither restarted
    nor unsynchronised; a second rebuild without a change tells it nothing."""
    chronyd, pid = slave.chronyd, slave.chronyd.pid
    await slave.rebuilder().rebuild(attempts=1)
    slave.db.execute(MOVE_CM_POOL)
    with structlog.testing.capture_logs() as logs:
        await slave.rebuilder().rebuild(attempts=1)
    assert not chronyd.allowed("10.10.0.5") and chronyd.allowed("10.50.0.5")
    assert [e["denied"] for e in logs if e["event"] == "time.applied"] == [["10.10.0.0/24"]]
    assert chronyd.pid == pid and _synchronised_to_reference(chronyd)
    with structlog.testing.capture_logs() as logs:
        await slave.rebuilder().rebuild(attempts=1)
    assert not [e for e in logs if e["event"].startswith("time.")]


async def test_a_restarted_chronyd_reads_the_state_it_was_told(slave: Slave) -> None:
    """What the runtime commands made is what the files make: chronyd started anew on them serves the same."""
    await slave.rebuilder().rebuild(attempts=1)
    slave.db.execute(MOVE_CM_POOL)
    await slave.rebuilder().rebuild(attempts=1)
    probes = ("10.10.0.5", "10.50.0.5", "10.20.0.7", "10.0.0.11", PEER, "100.64.0.5")
    told = {a: slave.chronyd.allowed(a) for a in probes}
    slave.chronyd.stop()
    slave.chronyd.start()
    assert {a: slave.chronyd.allowed(a) for a in probes} == told
    assert PEER in slave.chronyd.sources()


async def test_a_stopped_chronyd_gets_the_files_and_is_told_when_back(slave: Slave) -> None:
    """With chronyd down the files are still swapped (it reads them when it starts), the rebuild does not fail,
    one warning says so and the update stays pending; the next rebuild tells the running chronyd."""
    await slave.rebuilder().rebuild(attempts=1)
    slave.chronyd.stop()
    slave.db.execute(MOVE_CM_POOL)
    with structlog.testing.capture_logs() as logs:
        result = await slave.rebuilder().rebuild(attempts=1)
    assert str(slave.access) in result.written
    assert [e["event"] for e in logs if e["event"].startswith("time.")] == ["time.swapped", "time.chronyd_unreachable"]
    assert "10.50.0.0/24" in slave.access.read_text()
    assert (slave.access.parent / ".provha-restart-pending").exists()
    slave.chronyd.start()
    assert slave.chronyd.allowed("10.50.0.5")  # from the file, at its start
    with structlog.testing.capture_logs() as logs:
        await slave.rebuilder().rebuild(attempts=1)
    assert "time.pending_restart_done" in [e["event"] for e in logs]
    assert not (slave.access.parent / ".provha-restart-pending").exists()


async def test_a_refused_update_puts_both_files_back(tmp_path: Path, plant_db: PlantFactory) -> None:
    """chronyc failing for another reason than an absent chronyd: both files go back to the previous generation,
    chronyd is told that one again, and the rebuild reports a RestartError naming chronyd."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db, extra_time='servers = ["ntp1.example.net"]\n')
    await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    access = setup.chrony_dir / "conf.d" / "provha-daemon.conf"
    sources = setup.chrony_dir / "sources.d" / "provha-daemon.sources"
    before = access.read_bytes(), sources.read_bytes()
    calls = setup.chronyc.count()
    db.execute(MOVE_CM_POOL)
    db.execute("UPDATE provha SET master = '10.0.0.9'")
    setup.chronyc.set_exit(1)
    with pytest.raises(RestartError, match="chronyd runtime update failed"):
        await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    assert (access.read_bytes(), sources.read_bytes()) == before
    assert setup.chronyc.count() == calls + 2  # the new set, then the previous one after the rollback
    told_again = setup.chronyc.calls.read_text().splitlines()[-1]
    assert "deny 10.50.0.0/24" in told_again and "allow 10.10.0.0/24" in told_again


async def test_a_crash_after_the_swap_is_told_at_the_next_rebuild(tmp_path: Path, plant_db: PlantFactory) -> None:
    """A run that swapped and died before chronyc left its marker: the next rebuild, with nothing changed, tells
    chronyd the live files and clears it."""
    setup = write_config(tmp_path, plant_db("netgw"))
    await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    marker = setup.chrony_dir / "conf.d" / ".provha-restart-pending"
    marker.touch()
    calls = setup.chronyc.count()
    await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    assert setup.chronyc.count() == calls + 1 and not marker.exists()


async def test_chronyd_rejects_a_bad_staged_file_and_the_live_one_stays(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The real chronyd -p rejects a staged access file it cannot parse; the error names the live path and
    chronyd's message, and the live file is untouched."""
    setup = write_config(tmp_path, plant_db("netgw"))
    rebuilder = Rebuilder(load_config(setup.config), frozenset())
    await rebuilder.rebuild(attempts=1)
    stage = rebuilder.stage(TimeStage)
    access = setup.chrony_dir / "conf.d" / "provha-daemon.conf"
    live = access.read_bytes()
    sources = Artifact("provha-daemon.sources", b"server 10.0.0.1 iburst\n")
    stage.rendered = TimeRender(Artifact("provha-daemon.conf", b"allow 10.0.0.0/24 # inline comment\n"), sources)
    run = Run(None, rebuilder.roles, RebuildResult())  # type: ignore[arg-type]
    with pytest.raises(RejectedError) as caught:
        await stage.validate(run)
    assert str(access) in str(caught.value)
    assert re.search(r"Could not parse allow directive at line 1", caught.value.output)
    assert access.read_bytes() == live
    assert not (access.parent / ".provha-staging").exists()


def _rfc868(address: str, port: int) -> bytes:
    """One RFC 868 exchange over UDP; b"" when nothing answered within a second."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        s.sendto(b"", (address, port))
        try:
            return s.recv(16)
        except TimeoutError:
            return b""


def _pools(dhcp_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """The ranges of every pool in the rendered DHCP set, by the class its pool admits."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((dhcp_dir / "cmts_gws").glob("*.conf")):
        for block in re.findall(r"\bpool\s*\{(.*?)\}", path.read_text(), re.DOTALL):
            if "deny all clients;" in block:
                continue  # a switched-off pool hands out nothing
            admitted = re.search(r'allow members of "([^"]+)"', block)
            assert admitted is not None, block
            found.setdefault(admitted.group(1), []).extend(re.findall(r"range (\S+) (\S+);", block))
    return found


async def test_the_time_servers_dhcp_names_are_the_ones_that_serve_time(slave: Slave) -> None:
    """One truth: ``option time-servers`` lists exactly the two ProvHA nodes (NMS Prime's CMTS ``ntp server``
    list, master and slaves); the slave's chronyd, told by the generated files, asks the other one and serves every
    CMTS and every address DHCP hands to modems and MTAs (and no CPE); and provha-time on the own address answers
    those modems."""
    own = "127.0.0.32"
    slave.db.execute(f"UPDATE provha SET slaves = '{own}'")
    await slave.rebuilder().rebuild(attempts=1)
    global_conf = (slave.setup.dhcp_dir / "global.conf").read_text()
    match = re.search(r"option time-servers ([\d.]+),([\d.]+);", global_conf)
    assert match is not None
    assert list(match.groups()) == [own, PEER]
    master, slaves = slave.db.execute("SELECT master, slaves FROM provha")[0]
    assert set(match.groups()) == {master, *slaves.split(",")}  # NMS Prime's provha_servers for the CMTSs

    chronyd = slave.chronyd
    assert PEER in chronyd.sources() and chronyd.allowed(PEER)
    for (address,) in slave.db.execute("SELECT ip FROM netgw WHERE deleted_at IS NULL AND type = 'cmts'"):
        assert chronyd.allowed(address), address
    pools = _pools(slave.setup.dhcp_dir)
    assert pools["CM"] and pools["MTA"]
    for kind, ranges in pools.items():
        for first, last in ranges:
            assert chronyd.allowed(first) is (kind in ("CM", "MTA")), (kind, first)
            assert chronyd.allowed(last) is (kind in ("CM", "MTA")), (kind, last)

    assert len(_time_service_answer(own, chronyd.port)) == 4


def _time_service_answer(own: str, chrony_port: int) -> bytes:
    """provha-time on ``own`` (a high port: the address is the point), asking the slave's chronyd; its answer."""
    port = free_udp_port()
    argv = [sys.executable, "-m", "provha_daemon.timeserver", "--listen", f"{own}:{port}"]
    time_service = subprocess.Popen(
        [*argv, "--chrony", f"127.0.0.1:{chrony_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        answer = b""
        while not answer and time.monotonic() < deadline:
            answer = _rfc868(own, port)
        assert abs(struct.unpack("!I", answer)[0] - (time.time() + RFC868_EPOCH_OFFSET)) < 2
        return answer
    finally:
        time_service.terminate()
        time_service.wait(10)


async def test_a_dry_run_checks_and_shows_chronys_files_and_touches_nothing(
    tmp_path: Path, plant_db: PlantFactory
) -> None:
    """--dry-run stages both files privately, has chronyd -p check them, shows them in the diff, and writes,
    creates and tells nothing."""
    setup = write_config(tmp_path, plant_db("netgw"))
    result = await Rebuilder(load_config(setup.config), frozenset()).rebuild(dry_run=True, attempts=1)
    assert result.diff is not None
    assert "+allow 10.10.0.0/24" in result.diff and "+server 10.0.0.1 iburst" in result.diff
    assert not setup.chrony_dir.exists() and setup.chronyc.count() == 0


async def test_a_slave_without_chrony_still_gets_its_dhcp_files(tmp_path: Path, plant_db: PlantFactory) -> None:
    """chronyd not installed: the time stage is skipped with one warning, the DHCP set is applied as usual."""
    setup = write_config(tmp_path, plant_db("netgw"), extra_time='chronyd = "/nonexistent/chronyd"\n')
    rebuilder = Rebuilder(load_config(setup.config), frozenset())
    with structlog.testing.capture_logs() as logs:
        result = await rebuilder.rebuild(attempts=1)
        await rebuilder.rebuild(attempts=1)
    assert "dhcpd.conf" in result.written and not setup.chrony_dir.exists()
    assert [e["event"] for e in logs if e["event"] == "time.chronyd_missing"] == ["time.chronyd_missing"]
