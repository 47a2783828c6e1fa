"""Tests of the database reader: node order, schema detection, read-only snapshots, Galera readiness."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from provha_daemon.cli import main
from provha_daemon.config import DatabaseConfig, load_config
from provha_daemon.db import Database, Session, judge, order_nodes
from provha_daemon.errors import DatabaseNotReadyError
from tests.dbserver import MariaDBServer, PlantFactory, free_port
from tests.galera import PROVIDER, galera_node, wait_state
from tests.helpers import write_config


def test_local_node_first() -> None:
    """This host's own replica is read first; the order of the others is kept."""
    nodes = order_nodes(["10.0.0.1", "10.0.0.9", "10.0.0.2", "127.0.0.1"], frozenset({"10.0.0.2"}), True)
    assert nodes == ["10.0.0.2", "127.0.0.1", "10.0.0.1", "10.0.0.9"]
    assert order_nodes(["10.0.0.1", "10.0.0.2"], frozenset({"10.0.0.2"}), False) == ["10.0.0.1", "10.0.0.2"]


@pytest.mark.parametrize(("generation", "gateway", "fk"), [("netgw", "netgw", "netgw_id"), ("cmts", "cmts", "cmts_id")])
async def test_schema_generation_detected(
    tmp_path: Path, plant_db: PlantFactory, generation: str, gateway: str, fk: str
) -> None:
    """Both schema generations are recognised from information_schema, with their optional columns."""
    db = plant_db(generation)
    config = load_config(write_config(tmp_path, db).config)
    snapshot = await Database(config.database).read()
    schema = snapshot.plant.schema
    assert (schema.gateway_table, schema.pool_gateway_column) == (gateway, fk)
    assert schema.modem_access_column == ("internet_access" if generation == "netgw" else "network_access")
    assert schema.has_table("provha") is (generation == "netgw")
    assert snapshot.galera is False


async def test_plant_ignores_soft_deleted_and_foreign_rows(tmp_path: Path, plant_db: PlantFactory) -> None:
    """Soft-deleted rows, non-CMTS gateways, their pools and IPv6 pools are not part of the DHCP plant."""
    db = plant_db("netgw")
    plant = (await Database(load_config(write_config(tmp_path, db).config).database).read()).plant
    assert [g.id for g in plant.gateways] == [1, 2]
    assert [p.id for p in plant.pools] == [1, 2, 3, 4, 5, 8]
    assert 100007 not in {m.id for m in plant.modems}
    assert {m.id for m in plant.mtas} == {300001, 300002, 300003}
    assert 200005 not in {e.id for e in plant.endpoints}


async def test_reader_leaves_no_transaction_and_writes_nothing(tmp_path: Path, plant_db: PlantFactory) -> None:
    """A read changes no row (checksums equal before and after) and works with a SELECT-only account."""
    db = plant_db("netgw")
    tables = "modem, ippool, netgw, endpoint, mta, provha, provbase"
    before = db.execute(f"CHECKSUM TABLE {tables}")
    await Database(load_config(write_config(tmp_path, db).config).database).read()
    assert db.execute(f"CHECKSUM TABLE {tables}") == before
    grants = db.server.execute(f"SHOW GRANTS FOR '{db.user}'@'127.0.0.1'")
    assert all("SELECT" in g[0] and "INSERT" not in g[0] for g in grants if db.name in g[0])


_SYNCED = {"wsrep_ready": "ON", "wsrep_local_state_comment": "Synced", "wsrep_cluster_status": "Primary"}
_LOST_QUORUM = {"wsrep_ready": "OFF", "wsrep_local_state_comment": "Initialized", "wsrep_cluster_status": "non-Primary"}
_DONOR = {"wsrep_ready": "ON", "wsrep_local_state_comment": "Donor/Desynced", "wsrep_cluster_status": "Primary"}
_JOINER = {"wsrep_ready": "OFF", "wsrep_local_state_comment": "Joiner", "wsrep_cluster_status": "Primary"}


@pytest.mark.parametrize(
    ("status", "require_synced", "dirty_reads", "expected"),
    [
        (_SYNCED, True, False, ""),
        (_SYNCED, True, True, ""),
        (_LOST_QUORUM, True, False, DatabaseNotReadyError),
        (_LOST_QUORUM, True, True, "is outside the Primary component"),
        (_LOST_QUORUM, False, True, "is outside the Primary component"),
        (_DONOR, True, True, DatabaseNotReadyError),
        (_DONOR, False, True, ""),
        (_JOINER, False, False, ""),
        (_JOINER, False, True, "is not ready"),
    ],
)
def test_judge_reads_dirty_only_outside_the_primary_component_or_when_not_ready(
    status: dict[str, str], require_synced: bool, dirty_reads: bool, expected: str | type[Exception]
) -> None:
    """A Galera status is read clean, read dirty (dirty_reads: outside the Primary component) or refused."""
    config = DatabaseConfig(require_synced=require_synced, dirty_reads=dirty_reads)
    if not isinstance(expected, str):
        with pytest.raises(expected, match="galera node db2 is not ready: wsrep_ready="):
            judge(status, "db2", config)
    elif not expected:
        assert judge(status, "db2", config) == ""
    else:
        why = judge(status, "db2", config)
        assert why.startswith(f"galera node db2 {expected} (wsrep_ready={status['wsrep_ready']}, ")
        assert f"cluster={status['wsrep_cluster_status']})" in why


@pytest.fixture
def galera() -> Iterator[MariaDBServer]:
    """A one-node Galera cluster (bootstrapped), Synced."""
    if not PROVIDER.exists():
        pytest.skip("galera-4 is not installed (scripts/install-system-packages)")
    port = free_port()
    # Under /tmp, not pytest's 0700 tmp tree: mariadbd runs as mysql there and must reach its datadir.
    base = Path(tempfile.mkdtemp(prefix="provha-galera-"))
    base.chmod(0o755)
    node = galera_node(base / "node", [port], port, bootstrap=True)
    node.start()
    try:
        wait_state(node, "Synced")
        yield node
    finally:
        node.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_galera_node_read_only_when_synced(
    tmp_path: Path, plant_db: PlantFactory, galera: MariaDBServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Synced Galera node is read; a desynced one (e.g. an SST donor) is not rendered from: exit 3."""
    db = plant_db("netgw", server=galera)
    setup = write_config(tmp_path, db)
    snapshot = asyncio.run(Database(load_config(setup.config).database).read())
    assert snapshot.galera is True
    galera.execute("SET GLOBAL wsrep_desync = ON")
    wait_state(galera, "Donor/Desynced")
    with pytest.raises(DatabaseNotReadyError, match="not ready"):
        asyncio.run(Database(load_config(setup.config).database).read())
    assert main(["--config", str(setup.config), "--once"]) == 3
    assert "db.node_not_ready" in capsys.readouterr().out
    assert not setup.dhcp_dir.exists()


def test_dirty_reads_leave_a_synced_or_desynced_primary_node_as_before(
    tmp_path: Path, plant_db: PlantFactory, galera: MariaDBServer
) -> None:
    """With dirty_reads on, a Synced node is a clean read, and a desynced node of the Primary component is refused."""
    db = plant_db("netgw", server=galera)
    database = Database(load_config(write_config(tmp_path, db, extra_database="dirty_reads = true\n").config).database)
    snapshot = asyncio.run(database.read())
    assert snapshot.galera is True and snapshot.dirty == ""

    async def polled() -> tuple[object, str, str]:
        session: Session = await database.open_session()
        try:
            return await session.query("SELECT @@SESSION.wsrep_dirty_reads"), session.dirty, session.node
        finally:
            session.close()

    # the polling connection carries the session variable, ready for the day the node loses quorum
    assert asyncio.run(polled()) == (((1,),), "", "127.0.0.1")
    galera.execute("SET GLOBAL wsrep_desync = ON")
    wait_state(galera, "Donor/Desynced")
    with pytest.raises(DatabaseNotReadyError, match="state=Donor/Desynced, cluster=Primary"):
        asyncio.run(database.read())
