"""Tests of change detection against a real MariaDB: the gate, the per-table fingerprints, what moves them."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from provha_daemon.changes import ChangeDetector, dependencies, table_names, unindexed
from provha_daemon.config import load_config
from provha_daemon.db import Database, Session
from tests.dbserver import PlantDB, PlantFactory
from tests.helpers import write_config
from tests.service import wait_until

_clock = itertools.count(1000)


@pytest.fixture
async def watched(tmp_path: Path, plant_db: PlantFactory) -> AsyncIterator[tuple[PlantDB, Session, ChangeDetector]]:
    """A seeded plant, an open polling session as the SELECT-only user, and a detector with a baseline."""
    db = plant_db("netgw")
    session = await Database(load_config(write_config(tmp_path, db).config).database).open_session()
    detector = ChangeDetector(table_names(session.schema), session.schema, full_check_interval=10_000)
    first = await detector.poll(session.query, next(_clock))
    assert first.fingerprinted and not first.changed  # the baseline
    yield db, session, detector
    session.close()


async def test_own_polls_do_not_move_the_gate(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """Polling (and reading) moves none of the gate's counters, so an idle poll is one cheap query."""
    _, session, detector = watched
    for _ in range(3):
        assert not (await detector.poll(session.query, next(_clock))).fingerprinted


async def test_reads_of_other_sessions_do_not_move_the_gate(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """Other sessions' reads (the GUI on the slave, a snapshot read inside a transaction) open no fingerprint read,
    though each InnoDB read moves the server's Handler_commit."""
    db, session, detector = watched
    commits = "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'HANDLER_COMMIT'"
    before = int(db.execute(commits)[0][0])
    db.execute(
        "SELECT COUNT(*), MAX(mac) FROM modem; START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;"
        "SELECT COUNT(*) FROM mta; ROLLBACK"
    )
    assert int(db.execute(commits)[0][0]) > before
    assert not (await detector.poll(session.query, next(_clock))).fingerprinted


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ("UPDATE modem SET mac = '00:11:22:33:44:99', updated_at = NOW() WHERE id = 100001", "modem"),
        ("UPDATE modem SET deleted_at = NOW(), updated_at = NOW() WHERE id = 100001", "modem"),
        ("DELETE FROM modem WHERE id = 100001", "modem"),
        ("DELETE FROM endpoint WHERE id = 200003", "endpoint"),
        ("UPDATE ippool SET active = 0, updated_at = NOW() WHERE id = 1", "ippool"),
        ("UPDATE provha SET slaves = '10.0.0.3', updated_at = NOW()", "provha"),
        ("UPDATE netgw SET hostname = 'cmts-n2', updated_at = NOW() WHERE id = 1", "gateway"),
    ],
)
async def test_changes_are_seen(watched: tuple[PlantDB, Session, ChangeDetector], sql: str, table: str) -> None:
    """Updates, soft deletes and hard deletes move the table's fingerprint and only that table's."""
    db, session, detector = watched
    db.execute(sql)
    poll = await detector.poll(session.query, next(_clock))
    assert poll.fingerprinted
    assert poll.changed == {table}


async def test_status_writes_and_unwatched_tables_change_nothing(
    watched: tuple[PlantDB, Session, ChangeDetector],
) -> None:
    """The master's status-column writes (no updated_at) and writes to unwatched tables report no change."""
    db, session, detector = watched
    db.execute("UPDATE modem SET us_pwr = 42, phy_updated_at = NOW(); UPDATE global_config SET headline1 = 'x'")
    poll = await detector.poll(session.query, next(_clock))
    assert poll.fingerprinted and not poll.changed


async def test_recheck_after_a_gate_move(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """After the gate moved, the next poll fingerprints once more even if the gate stands still."""
    db, session, detector = watched
    db.execute("UPDATE modem SET us_pwr = 1")
    assert (await detector.poll(session.query, next(_clock))).fingerprinted
    assert (await detector.poll(session.query, next(_clock))).fingerprinted
    assert not (await detector.poll(session.query, next(_clock))).fingerprinted


async def test_full_check_runs_even_when_the_gate_is_still(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """Every full_check_interval the fingerprints are read whatever the gate says."""
    _, session, detector = watched
    detector.full_check_interval = 0
    assert (await detector.poll(session.query, next(_clock))).fingerprinted


def test_dependencies() -> None:
    """qos never feeds the DHCP set (only TFTP); contract and configfile feed DHCP only with multiple systems."""
    assert "qos" not in dependencies(True, tftp=False)
    assert "contract" not in dependencies(False, tftp=False)
    assert {"contract", "configfile"} <= dependencies(True, tftp=False)
    assert {"qos", "configfile", "files"} <= dependencies(False, tftp=True)
    assert "ippool" not in dependencies(False, tftp=True) - dependencies(False, tftp=False)


async def test_only_written_tables_are_fingerprinted(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """A write to an unwatched table reads no fingerprint; a status write re-reads only modem's, without COUNT."""
    db, session, detector = watched
    _past_the_seed_second(db)
    db.execute("UPDATE global_config SET headline1 = 'first'")
    await detector.poll(session.query, next(_clock))  # re-reads the tables the seed wrote in the baseline's second
    await detector.poll(session.query, next(_clock))  # the recheck after a gate move
    db.execute("UPDATE global_config SET headline1 = 'unwatched'")
    poll = await detector.poll(session.query, next(_clock))
    assert not poll.fingerprinted and not poll.changed
    statements: list[str] = []

    async def recording(sql: str) -> Sequence[Sequence[Any]]:
        statements.append(sql)
        return await session.query(sql)

    db.execute("UPDATE modem SET us_pwr = 7")
    poll = await detector.poll(recording, next(_clock))
    assert poll.fingerprinted and not poll.changed
    fingerprint = [sql for sql in statements if "MAX(id)" in sql]
    assert len(fingerprint) == 1
    assert "FROM modem" in fingerprint[0] and " UNION ALL " not in fingerprint[0] and "COUNT(*)" not in fingerprint[0]


async def test_hard_delete_after_updates_is_seen(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """Row counts are skipped while only updates happen, and read again as soon as a delete happens."""
    db, session, detector = watched
    db.execute("UPDATE modem SET us_pwr = 8")
    await detector.poll(session.query, next(_clock))
    db.execute("DELETE FROM modem WHERE id = 100012")  # not the newest row: only the count can show it
    poll = await detector.poll(session.query, next(_clock))
    assert poll.changed == {"modem"}


async def test_a_written_table_is_re_read_until_its_write_is_surely_seen(
    watched: tuple[PlantDB, Session, ChangeDetector],
) -> None:
    """A written table is fingerprinted on every gate move until a fingerprint started 1.25 s after the start of
    its UPDATE_TIME second (the write's latest moment plus the commit margin), and not for seconds longer."""
    db, session, detector = watched
    db.execute("UPDATE endpoint SET hostname = 'ep-renamed', updated_at = NOW() WHERE id = 200003")
    assert (await detector.poll(session.query, next(_clock))).changed == {"endpoint"}
    stamped = db.execute(
        "SELECT UPDATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'endpoint'"
    )[0][0]
    skipped_after = None
    for i in range(40):
        db.execute(f"UPDATE global_config SET headline1 = 'moves the gate {i}'")
        checked = detector.checked_at["endpoint"]
        statements: list[str] = []
        assert not (await detector.poll(_recording(session, statements), next(_clock))).changed
        read = any("FROM endpoint" in sql for sql in statements)
        if checked < stamped + dt.timedelta(seconds=1.25):
            assert read, f"endpoint skipped with its last fingerprint at {checked}, written in second {stamped}"
        elif not read:
            skipped_after = checked - stamped
            break
        await asyncio.sleep(0.1)
    assert skipped_after is not None and skipped_after < dt.timedelta(seconds=2)


def _past_the_seed_second(db: PlantDB) -> None:
    """Wait until the database clock is a whole second past the seed load's UPDATE_TIME (one-second resolution),
    so that every write that follows falls in a later second."""
    seeded = db.execute("SELECT MAX(UPDATE_TIME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
    wait_until(
        lambda: db.execute("SELECT NOW()")[0][0] > seeded[0][0] + dt.timedelta(seconds=1),
        what="a database second after the seed load's",
    )


def _insert_copy(db: PlantDB, table: str, source: int, new_id: int, hostname: str, mac: str) -> None:
    """Insert a copy of one row under a new id, name and MAC (every other column as the seed has it)."""
    db.execute(
        f"CREATE TEMPORARY TABLE copy AS SELECT * FROM {table} WHERE id = {source};"
        f"UPDATE copy SET id = {new_id}, hostname = '{hostname}', mac = '{mac}', updated_at = NOW();"
        f"INSERT INTO {table} SELECT * FROM copy"
    )


async def test_hard_delete_after_an_uncounted_insert_is_seen(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """An insert seen by MAX(id) alone refreshes the row count, so a later delete back to the old count is seen."""
    db, session, detector = watched
    _insert_copy(db, "endpoint", 200003, 200099, "ep-new", "00:11:22:33:44:55")
    assert (await detector.poll(session.query, next(_clock))).changed == {"endpoint"}
    await detector.poll(session.query, next(_clock))  # the recheck
    db.execute("DELETE FROM endpoint WHERE id = 200001")  # the count returns to what it was before the insert
    poll = await detector.poll(session.query, next(_clock))
    assert poll.changed == {"endpoint"}


async def test_idle_poll_is_one_statement(watched: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """With nothing written, a poll sends one statement: the gate with the tables' UPDATE_TIME riding along."""
    _, session, detector = watched
    statements: list[str] = []

    async def recording(sql: str) -> Sequence[Sequence[Any]]:
        statements.append(sql)
        return await session.query(sql)

    await detector.poll(recording, next(_clock))
    assert len(statements) == 1
    assert "GLOBAL_STATUS" in statements[0] and "UPDATE_TIME" in statements[0]


@pytest.fixture
async def indexed(tmp_path: Path, plant_db: PlantFactory) -> AsyncIterator[tuple[PlantDB, Session, ChangeDetector]]:
    """As ``watched``, with the README's optional index on modem.updated_at added before the session opens."""
    db = plant_db("netgw")
    db.execute("ALTER TABLE modem ADD INDEX modem_updated_at (updated_at)")
    session = await Database(load_config(write_config(tmp_path, db).config).database).open_session()
    assert session.schema.updated_at_indexed == {"modem"}
    detector = ChangeDetector(table_names(session.schema), session.schema, full_check_interval=10_000)
    await detector.poll(session.query, next(_clock))
    _past_the_seed_second(db)
    db.execute("UPDATE global_config SET headline1 = 'first'")  # moves the gate: the seeded tables are re-read
    await detector.poll(session.query, next(_clock))
    await detector.poll(session.query, next(_clock))  # the recheck
    yield db, session, detector
    session.close()


def _recording(session: Session, statements: list[str]) -> Any:
    async def query(sql: str) -> Sequence[Sequence[Any]]:
        statements.append(sql)
        return await session.query(sql)

    return query


async def test_with_the_index_a_status_write_poll_is_one_statement(
    indexed: tuple[PlantDB, Session, ChangeDetector],
) -> None:
    """modem's MAX(id) and MAX(updated_at) ride in the gate: the master's status writes cost no second query."""
    db, session, detector = indexed
    for value in range(3):
        db.execute(f"UPDATE modem SET us_pwr = {value}, phy_updated_at = NOW() WHERE id = 100001")
        statements: list[str] = []
        poll = await detector.poll(_recording(session, statements), next(_clock))
        assert poll.fingerprinted and not poll.changed
        assert len(statements) == 1 and poll.queries == 1 and "FROM modem" in statements[0]


@pytest.mark.parametrize(
    ("sql", "queries"),
    [
        ("UPDATE modem SET mac = '00:11:22:33:44:99', updated_at = NOW() WHERE id = 100001", 1),
        ("UPDATE modem SET deleted_at = NOW(), updated_at = NOW() WHERE id = 100001", 1),
        ("DELETE FROM modem WHERE id = 100012", 2),  # not the newest row: only COUNT(*) can show it
    ],
)
async def test_with_the_index_changes_are_still_seen(
    indexed: tuple[PlantDB, Session, ChangeDetector], sql: str, queries: int
) -> None:
    """Updates and soft deletes are seen from the gate's own fingerprint; a hard delete still reads the count."""
    db, session, detector = indexed
    db.execute(sql)
    statements: list[str] = []
    poll = await detector.poll(_recording(session, statements), next(_clock))
    assert poll.changed == {"modem"} and len(statements) == queries == poll.queries


async def test_with_the_index_an_insert_refreshes_the_count(indexed: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """An insert seen in the gate's fingerprint counts the table, so a delete back to the old count is seen."""
    db, session, detector = indexed
    _insert_copy(db, "modem", 100001, 100099, "cm-new", "00:11:22:33:44:56")
    assert (await detector.poll(session.query, next(_clock))).changed == {"modem"}
    await detector.poll(session.query, next(_clock))  # the recheck
    db.execute("DELETE FROM modem WHERE id = 100002")
    assert (await detector.poll(session.query, next(_clock))).changed == {"modem"}


async def test_large_tables_without_the_index_are_named(
    indexed: tuple[PlantDB, Session, ChangeDetector], watched: tuple[PlantDB, Session, ChangeDetector]
) -> None:
    """The service names the large tables whose fingerprint is a scan: modem and contract on the stock schema,
    contract alone once modem has the index."""
    _, stock, _ = watched
    _, with_index, _ = indexed
    assert unindexed(table_names(stock.schema), stock.schema) == ["modem", "contract"]
    assert unindexed(table_names(with_index.schema), with_index.schema) == ["contract"]


@pytest.fixture
async def split(tmp_path: Path, plant_db: PlantFactory) -> AsyncIterator[tuple[PlantDB, Session, ChangeDetector]]:
    """As ``watched`` on the stock schema, with the scan connection open and every large table split (however
    few rows the seed has)."""
    db = plant_db("netgw")
    session = await Database(load_config(write_config(tmp_path, db).config).database).open_session()
    await session.open_scanner()
    assert session.scanner is not None
    detector = ChangeDetector(table_names(session.schema), session.schema, full_check_interval=10_000)
    detector.split_rows = 0
    await detector.poll(session.query, next(_clock), session.scanner.query)
    assert set(detector.split_at) == {"modem", "contract"}
    yield db, session, detector
    session.close()


def _scan(session: Session) -> Any:
    assert session.scanner is not None
    return session.scanner.query


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE modem SET mac = '00:11:22:33:44:99', updated_at = NOW() WHERE id = {lowest}",
        "UPDATE modem SET mac = '00:11:22:33:44:98', updated_at = NOW() WHERE id = {highest}",
        "UPDATE modem SET deleted_at = NOW(), updated_at = NOW() WHERE id = {lowest}",
        "DELETE FROM modem WHERE id = {lowest}",
        "DELETE FROM modem WHERE id = {below_highest}",  # upper half, not the newest row: only the count shows it
    ],
)
async def test_a_split_scan_sees_changes_in_either_half(
    split: tuple[PlantDB, Session, ChangeDetector], sql: str
) -> None:
    """modem's scan is split at the middle id over two connections; a change in either half is seen."""
    db, session, detector = split
    ids = [row[0] for row in db.execute("SELECT id FROM modem ORDER BY id")]
    db.execute(sql.format(lowest=ids[0], highest=ids[-1], below_highest=ids[-2]))
    main: list[str] = []
    scanned: list[str] = []
    poll = await detector.poll(_recording(session, main), next(_clock), _recording(session.scanner, scanned))  # type: ignore[arg-type]
    assert poll.changed == {"modem"}
    at = detector.split_at["modem"]
    assert any(f"FROM modem WHERE id <= {at}" in sql for sql in main)
    assert any(f"FROM modem WHERE id > {at}" in sql for sql in scanned)


async def test_a_split_fingerprint_equals_the_whole_one(split: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """The merged halves give the row count, newest id and newest updated_at of the table read whole."""
    db, session, detector = split
    db.execute("DELETE FROM modem ORDER BY id LIMIT 1")  # a delete: the split poll counts the rows too
    assert (await detector.poll(session.query, next(_clock), _scan(session))).changed == {"modem"}
    whole = ChangeDetector(detector.tables, session.schema, full_check_interval=10_000)
    await whole.poll(session.query, next(_clock))
    assert not whole.split_at
    for name in ("modem", "contract"):
        assert detector.fingerprints[name] == whole.fingerprints[name]


async def test_the_scan_connection_does_not_move_the_gate(split: tuple[PlantDB, Session, ChangeDetector]) -> None:
    """The scan connection's reads do not move the gate: after a status write, its split poll and the recheck,
    the gate stands still again."""
    db, session, detector = split
    db.execute("UPDATE modem SET us_pwr = 3, phy_updated_at = NOW()")
    scanned: list[str] = []
    assert (await detector.poll(session.query, next(_clock), _recording(session.scanner, scanned))).fingerprinted  # type: ignore[arg-type]
    assert any("WHERE id >" in sql for sql in scanned)
    await detector.poll(session.query, next(_clock), _scan(session))  # the recheck
    for _ in range(3):
        assert not (await detector.poll(session.query, next(_clock), _scan(session))).fingerprinted
