"""The service's watch on a real MariaDB replica: what a poll reports as changed, and the role it judges."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from provha_daemon.config import load_config
from provha_daemon.db import Database
from provha_daemon.errors import MasterRoleError
from provha_daemon.poller import Poller
from provha_daemon.roles import Roles
from tests.dbserver import PlantFactory
from tests.helpers import write_config


async def test_status_writes_and_unwatched_tables_are_no_change(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The master's status writes (no updated_at) and a write to an unwatched table are nothing to rebuild for
    (moved here from the service test that waited for a rebuild not to come); a real change is one."""
    db = plant_db("netgw")
    config = load_config(write_config(tmp_path, db).config)
    poller = Poller(config, Database(config.database), Roles(config, frozenset()))
    try:
        first = await poller.poll(0.0)
        assert not first.reconnected and not first.relevant
        for i in range(5):
            db.execute(
                f"UPDATE modem SET us_pwr = {i}, ds_snr = {i}, phy_updated_at = NOW();"
                f"UPDATE global_config SET headline1 = 'x{i}'"
            )
            seen = await poller.poll(1.0 + i)
            assert not seen.relevant, seen
        db.execute("UPDATE modem SET mac = '00:11:22:33:44:aa', updated_at = NOW() WHERE id = 100001")
        seen = await poller.poll(10.0)
        assert seen.relevant == {"modem"}
    finally:
        poller.close()


async def test_a_lost_connection_is_reopened_as_a_reconnect(tmp_path: Path, plant_db: PlantFactory) -> None:
    """After the connection is dropped the next poll opens a new one and says so (the scheduler then compares
    everything)."""
    db = plant_db("netgw")
    config = load_config(write_config(tmp_path, db).config)
    poller = Poller(config, Database(config.database), Roles(config, frozenset()))
    try:
        await poller.poll(0.0)
        poller.close()
        seen = await poller.poll(1.0)
        assert seen.reconnected and poller.node
    finally:
        poller.close()


async def test_the_provha_row_decides_the_role_when_none_is_configured(tmp_path: Path, plant_db: PlantFactory) -> None:
    """Without a configured role the poll judges it from provha: this host's address in slaves makes it the
    slave; becoming provha.master stops the service."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db)
    setup.config.write_text(setup.config.read_text().replace('role = "slave"\n', ""))
    config = load_config(setup.config)
    assert config.role is None
    roles = Roles(config, frozenset({"192.0.2.77"}))
    db.execute("UPDATE provha SET master = '192.0.2.1', slaves = '192.0.2.9, 192.0.2.77', updated_at = NOW()")
    poller = Poller(config, Database(config.database), roles)
    try:
        await poller.poll(0.0)
        assert roles.role == "slave"
        await asyncio.sleep(1.1)  # updated_at has one-second resolution: the next write in a second of its own
        db.execute("UPDATE provha SET master = '192.0.2.77', slaves = '192.0.2.9', updated_at = NOW()")
        with pytest.raises(MasterRoleError):
            await poller.poll(5.0)
    finally:
        poller.close()


async def test_scan_connection_opens_once_a_large_table_qualifies(
    tmp_path: Path, plant_db: PlantFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the stock schema the service opens its scan connection after the first full check found a large table
    to split, and later polls read that table's scan in two halves, one on each connection."""
    import structlog

    from provha_daemon import changes

    monkeypatch.setattr(changes, "SPLIT_ROWS", 1)  # the seed's few rows count as a large table
    db = plant_db("netgw")
    setup = write_config(tmp_path, db)
    config = load_config(setup.config)
    poller = Poller(config, Database(config.database), Roles(config, frozenset()))
    with structlog.testing.capture_logs() as logs:
        await poller.poll(0.0)
    assert poller.session is not None and poller.session.scanner is not None
    assert [e["tables"] for e in logs if e["event"] == "poll.scan_connection_opened"] == [["contract", "modem"]]
    db.execute("UPDATE modem SET mac = '00:11:22:33:44:83', updated_at = NOW() WHERE id = 100001")
    poll = await poller.poll(1.0)
    assert poll.changed == {"modem"} and poll.queries >= 3  # the gate, then the two halves at once
    poller.close()


async def test_a_refused_scan_connection_leaves_polling_as_it_was(
    tmp_path: Path, plant_db: PlantFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node that refuses the scan connection (a per-user connection limit) costs a warning, not the poll:
    changes are still seen, the large tables scanned in one statement."""
    import structlog

    from provha_daemon import changes

    monkeypatch.setattr(changes, "SPLIT_ROWS", 1)
    db = plant_db("netgw")
    for host in ("127.0.0.1", "localhost"):
        db.server.execute(f"ALTER USER '{db.user}'@'{host}' WITH MAX_USER_CONNECTIONS 1")
    setup = write_config(tmp_path, db)
    config = load_config(setup.config)
    poller = Poller(config, Database(config.database), Roles(config, frozenset()))
    with structlog.testing.capture_logs() as logs:
        await poller.poll(0.0)
        db.execute("UPDATE modem SET mac = '00:11:22:33:44:84', updated_at = NOW() WHERE id = 100001")
        poll = await poller.poll(1.0)
    refused = [e for e in logs if e["event"] == "poll.scan_connection_failed"]
    assert len(refused) == 1 and refused[0]["log_level"] == "warning" and "1226" in refused[0]["reason"]
    assert poller.session is not None and poller.session.scanner is None
    assert poll.changed == {"modem"}
    poller.close()
