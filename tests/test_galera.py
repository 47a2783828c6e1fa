"""The slave daemon on a real 2-node Galera cluster on loopback: it reads its own node 2, refuses to render
from it while it has lost quorum (node 1 SIGKILLed), and reads it again once the cluster is recovered."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from provha_daemon.cli import main
from provha_daemon.config import load_config
from provha_daemon.db import Database
from provha_daemon.errors import DatabaseNotReadyError
from tests.dbserver import PlantDB, PlantFactory
from tests.galera import GaleraCluster, state, status
from tests.helpers import write_config

pytestmark = pytest.mark.skipif(
    shutil.which("dhcpd") is None and not Path("/usr/sbin/dhcpd").exists(),
    reason="ISC dhcpd is not installed (scripts/install-system-packages)",
)

_MODEM_COLUMNS = (
    "id, created_at, updated_at, hostname, contract_id, mac, public, internet_access, configfile_id, "
    "qos_id, next_passive_id, address_to_invoice"
)


def _insert_modem(db: PlantDB, modem_id: int) -> None:
    """A plain live modem written on the master's side (node 1)."""
    db.execute(
        f"INSERT INTO modem ({_MODEM_COLUMNS}) VALUES ({modem_id}, NOW(), NOW(), 'cm-{modem_id}', 500001, "
        f"'00:11:22:33:{modem_id // 100 % 100:02d}:{modem_id % 100:02d}', 0, 1, 3, 1, 0, 0)"
    )


def _tree(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``directory`` (hidden ones too) with its bytes and mode."""
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _degrade(cluster: GaleraCluster) -> None:
    """Kill node 1 unless it is dead already, and wait until node 2 has lost quorum."""
    if not cluster.degraded:
        cluster.kill_node1()
    cluster.wait_non_primary()


@pytest.fixture(scope="module")
def plant(galera_cluster: GaleraCluster) -> Iterator[PlantDB]:
    """The seeded netgw plant, created on node 1 (data, users and grants replicate), shared by the module."""
    galera_cluster.recover()  # a no-op unless an earlier test left node 1 dead
    factory = PlantFactory(galera_cluster.node1)
    try:
        db = factory("netgw")
        galera_cluster.wait_replicated()
        yield db
    finally:
        factory.cleanup()


def test_slave_reads_its_synced_read_only_node_and_sees_replicated_writes(
    tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB
) -> None:
    """Node 2 (Synced, read_only) is read by the SELECT-only user and shows a modem just written on node 1."""
    galera_cluster.recover()
    node2 = galera_cluster.node2
    assert state(node2) == "Synced" and status(node2, "wsrep_cluster_size") == "2"
    assert node2.execute("SELECT @@read_only") == [(1,)]
    _insert_modem(plant, 100050)
    galera_cluster.wait_replicated()
    config = load_config(write_config(tmp_path, galera_cluster.on_node2(plant)).config)
    assert config.database.port == node2.port != galera_cluster.node1.port
    snapshot = asyncio.run(Database(config.database).read())
    assert snapshot.galera is True and snapshot.node == "127.0.0.1"
    assert 100050 in {m.id for m in snapshot.plant.modems}


def test_lost_quorum_is_not_rendered_from_and_leaves_the_live_files(
    tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB, capsys: pytest.CaptureFixture[str]
) -> None:
    """With node 1 killed node 2 goes non-Primary: read() raises DatabaseNotReadyError, --once exits 3, files stay."""
    galera_cluster.recover()
    setup = write_config(tmp_path, galera_cluster.on_node2(plant))
    assert main(["--config", str(setup.config), "--once"]) == 4  # the seed's 3 malformed rows are skipped by design
    before = _tree(setup.dhcp_dir)
    assert "dhcpd.conf" in before and setup.restart.count() == 1
    capsys.readouterr()

    galera_cluster.kill_node1()
    galera_cluster.wait_non_primary()
    with pytest.raises(DatabaseNotReadyError):
        asyncio.run(Database(load_config(setup.config).database).read())
    assert main(["--config", str(setup.config), "--once"]) == 3
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert {"db.node_not_ready", "db.node_failed"} & {e["event"] for e in events}
    assert _tree(setup.dhcp_dir) == before
    assert setup.restart.count() == 1


def test_daemon_reads_node2_again_after_recovery(tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB) -> None:
    """After pc.bootstrap on node 2 and node 1's rejoin, --once renders from node 2 again, new writes included."""
    _degrade(galera_cluster)
    galera_cluster.recover()
    assert state(galera_cluster.node1) == state(galera_cluster.node2) == "Synced"
    assert status(galera_cluster.node2, "wsrep_cluster_size") == "2"
    _insert_modem(plant, 100051)  # written on the rejoined node 1
    galera_cluster.wait_replicated()
    setup = write_config(tmp_path, galera_cluster.on_node2(plant))
    assert main(["--config", str(setup.config), "--once"]) == 4  # the seed's 3 malformed rows are skipped by design
    rendered = "".join(p.read_text() for p in sorted(setup.dhcp_dir.rglob("*.conf")))
    assert "cm-100051" in rendered


def test_service_goes_stale_on_lost_quorum_and_catches_up(
    tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB
) -> None:
    """The running service reports 'db not synced' while node 2 has no quorum, keeps the files, then catches up."""
    from tests.service import Daemon, NotifySocket, wait_until
    from tests.test_daemon import SERVICE

    galera_cluster.recover()
    setup = write_config(tmp_path, galera_cluster.on_node2(plant), service=SERVICE)
    notify = NotifySocket(tmp_path / "notify.sock")
    daemon = Daemon(setup.config, notify=notify, watchdog_usec=2_000_000)
    try:
        daemon.wait_event("rebuild.done")
        before = _tree(setup.dhcp_dir)
        galera_cluster.kill_node1()
        galera_cluster.wait_non_primary()
        daemon.wait_event("db.not_synced")
        notify.wait_for(lambda lines: any("db not synced for" in line for _, line in lines))
        assert {k: v for k, v in _tree(setup.dhcp_dir).items()} == before
        assert daemon.proc.poll() is None
        galera_cluster.recover()
        daemon.wait_event("db.back")
        _insert_modem(plant, 100052)
        wait_until(
            lambda: "cm-100052" in (setup.dhcp_dir / "modems-host.conf").read_text(),
            what="a write on node 1 after recovery",
        )
    finally:
        assert daemon.stop() == 0
        notify.close()


DIRTY_READS = "dirty_reads = true\n"


def test_dirty_reads_once_rebuilds_from_the_last_replicated_state(
    tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB, capsys: pytest.CaptureFixture[str]
) -> None:
    """With dirty_reads on and node 1 dead, --once rebuilds from non-Primary node 2's last replicated state."""
    galera_cluster.recover()
    _insert_modem(plant, 100060)  # written on node 1 before the loss
    galera_cluster.wait_replicated()
    galera_cluster.kill_node1()
    galera_cluster.wait_non_primary()
    node2 = galera_cluster.node2
    committed = status(node2, "wsrep_last_committed")
    setup = write_config(tmp_path, galera_cluster.on_node2(plant), extra_database=DIRTY_READS)
    config = load_config(setup.config)
    assert config.database.dirty_reads is True

    snapshot = asyncio.run(Database(config.database).read())
    assert snapshot.galera is True and snapshot.node == "127.0.0.1"
    assert "outside the Primary component" in snapshot.dirty and "cluster=non-Primary" in snapshot.dirty
    assert 100060 in {m.id for m in snapshot.plant.modems}

    capsys.readouterr()
    assert main(["--config", str(setup.config), "--once"]) in (0, 4)  # 4: the seed's 3 malformed rows, by design
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    (dirty,) = [e for e in events if e["event"] == "db.dirty_reads"]
    assert dirty["level"] == "warning" and dirty["node"] == "127.0.0.1"
    (done,) = [e for e in events if e["event"] == "rebuild.done"]
    assert done["dirty_reads"] is True and done["node"] == "127.0.0.1"
    assert "cm-100060" in (setup.dhcp_dir / "modems-host.conf").read_text()
    assert setup.restart.count() == 1
    # node 2 is still outside the Primary component, and nothing was committed on it
    assert status(node2, "wsrep_cluster_status") == "non-Primary"
    assert status(node2, "wsrep_last_committed") == committed


def test_dirty_reads_service_says_so_until_the_node_is_synced_again(
    tmp_path: Path, galera_cluster: GaleraCluster, plant: PlantDB, capsys: pytest.CaptureFixture[str]
) -> None:
    """With dirty_reads on, the service reads non-Primary node 2; STATUS and --health say so until it is Synced."""
    from tests.service import Daemon, NotifySocket, wait_until
    from tests.test_daemon import SERVICE

    galera_cluster.recover()
    setup = write_config(tmp_path, galera_cluster.on_node2(plant), service=SERVICE, extra_database=DIRTY_READS)
    notify = NotifySocket(tmp_path / "notify.sock")
    daemon = Daemon(setup.config, notify=notify, watchdog_usec=2_000_000)

    def health_line() -> str:
        main(["--config", str(setup.config), "--health"])
        return capsys.readouterr().out.strip().splitlines()[-1]

    try:
        (first,) = daemon.wait_event("rebuild.done")
        assert "dirty_reads" not in first and not daemon.events("db.dirty_reads")
        assert any(v.startswith("slave | db ok (127.0.0.1)") for v in notify.values("STATUS"))
        before = _tree(setup.dhcp_dir)

        galera_cluster.kill_node1()
        galera_cluster.wait_non_primary()
        (dirty,) = daemon.wait_event("db.dirty_reads")
        assert dirty["level"] == "warning" and "outside the Primary component" in dirty["reason"]
        notify.wait_for(
            lambda lines: any(
                line.startswith("STATUS=slave | db not synced, dirty reads (127.0.0.1) for ") for _, line in lines
            )
        )
        # past stale_warning (1 s) --health warns, naming the dirty reads
        wait_until(lambda: health_line().startswith("PROVHA WARNING - database not synced, dirty reads:"))
        line = health_line()
        assert line.startswith("PROVHA WARNING - database not synced, dirty reads: galera node 127.0.0.1 ")
        assert "role slave, db not synced, dirty reads (127.0.0.1) for " in line
        assert _tree(setup.dhcp_dir) == before  # nothing changed on the node: nothing to rebuild
        polls = daemon.events("db.dirty_reads")

        # a reload reconnects to the dirty node and rebuilds everything from it
        rebuilds = len(daemon.events("rebuild.done"))
        daemon.signal(signal.SIGHUP)
        daemon.wait_event("rebuild.done", lambda e: e.get("dirty_reads") is True, count=1)
        assert len(daemon.events("rebuild.done")) > rebuilds
        assert daemon.events("db.dirty_reads") == polls  # still dirty: logged once
        assert _tree(setup.dhcp_dir) == before
        assert daemon.proc.poll() is None

        galera_cluster.recover()
        daemon.wait_event("db.back")
        wait_until(
            lambda: notify.values("STATUS")[-1].startswith("slave | db ok (127.0.0.1) | "), what="STATUS db ok again"
        )
        _insert_modem(plant, 100061)
        wait_until(
            lambda: "cm-100061" in (setup.dhcp_dir / "modems-host.conf").read_text(),
            what="a write on node 1 after recovery",
        )
        assert "dirty" not in health_line()
    finally:
        assert daemon.stop() == 0
        notify.close()
