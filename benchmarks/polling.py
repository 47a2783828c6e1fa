"""Poll cost per cycle: ``ChangeDetector.poll`` on a ``Database.open_session()`` session, as the service polls.

Each poll is timed and its rows examined are read from ``SHOW SESSION STATUS LIKE 'Handler_read%'`` on the
same session (the SHOW's own reads, calibrated, are subtracted). Phases:

- quiet: nothing writes; a poll is the gate alone;
- busy: a background writer updates modem status columns and unwatched tables all the time (as the master
  does), once with updates only and once also inserting into an unwatched table, so the gate moves and polls
  read fingerprints; each without an index on ``updated_at``, with the README's ``modem_updated_at`` index, and
  with one on ``contract`` too.

In every phase real changes are committed every few polls (update, soft delete, hard delete, insert of watched
tables); each must be reported by a poll before the next one is committed, and no poll may report a change
nobody made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from benchmarks.master import Master, background_writer
from benchmarks.plantgen import BenchPlant
from benchmarks.stats import Series
from provha_daemon.changes import ChangeDetector, Poll, fingerprint_sql, table_names
from provha_daemon.config import Config
from provha_daemon.db import Database, Session

HANDLER_SQL = "SHOW SESSION STATUS LIKE 'Handler_read%'"
INDEXES = {
    "modem": "ALTER TABLE modem ADD INDEX modem_updated_at (updated_at)",
    "contract": "ALTER TABLE contract ADD INDEX contract_updated_at (updated_at)",
}
# Index variants (name, tables with an updated_at index) and background writer profiles (name, with inserts).
INDEX_VARIANTS = (("none", ()), ("modem", ("modem",)), ("both", ("modem", "contract")))
WRITERS = (("updates", False), ("updates+inserts", True))


# A poll this long after the last watched change has nothing of it left to check: UPDATE_TIME has one-second
# resolution, and the detector re-reads a written table until 1.25 s after the start of that second.
IDLE_AFTER = 2.0


def phase_name(writer: str, index: str) -> str:
    """The key of a busy phase."""
    return f"{writer}/{index}"


@dataclass(slots=True)
class PollPhase:
    """One phase's polls."""

    name: str
    idle_ms: Series = field(default_factory=Series)  # polls that read the gate only
    idle_rows: Series = field(default_factory=Series)
    moved_ms: Series = field(default_factory=Series)  # polls that also read the fingerprints
    moved_rows: Series = field(default_factory=Series)
    # Polls with nothing changed in the watched data: the last watched change was committed IDLE_AFTER or more
    # before the poll (the master's background writes go on throughout).
    unchanged_ms: Series = field(default_factory=Series)
    unchanged_fingerprinted: int = 0
    unchanged_one_trip: int = 0  # of those, polls that were one round trip (fingerprints folded into the gate)
    # Polls after a change's own poll and its recheck but within IDLE_AFTER of it: they may re-read the changed
    # table, whose UPDATE_TIME second is too recent to prove the last fingerprint saw the write.
    after_change_ms: Series = field(default_factory=Series)
    polls: int = 0
    injected: int = 0
    seen: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    writes: int = 0
    index_seconds: float | None = None


@dataclass(slots=True)
class PollFigures:
    """All phases, and what each table's part of the fingerprint query costs alone in each index variant."""

    phases: dict[str, PollPhase] = field(default_factory=dict)
    show_rows: int = 0
    # variant -> table -> ms of that table's ``COUNT(*), MAX(id), MAX(updated_at)`` alone
    table_ms: dict[str, dict[str, Series]] = field(default_factory=dict)
    # variant -> table -> ms of the same without the count (``fingerprint_sql(..., counts=False)``)
    no_count_ms: dict[str, dict[str, Series]] = field(default_factory=dict)
    # variant -> ms of the fingerprint query of every table in one statement, with and without the counts
    all_ms: dict[str, Series] = field(default_factory=dict)
    no_count_all_ms: dict[str, Series] = field(default_factory=dict)
    # variant -> ms of the same as a poll reads it with the scan connection (large unindexed tables split)
    split_ms: dict[str, Series] = field(default_factory=dict)
    no_count_split_ms: dict[str, Series] = field(default_factory=dict)


async def _handler_reads(session: Session) -> int:
    """Rows read so far by the polling session and its scan connection."""
    total = 0
    for conn in (session, session.scanner):
        if conn is not None:
            total += sum(int(value) for _, value in await conn.query(HANDLER_SQL))
    return total


async def _open(config: Config) -> tuple[Session, ChangeDetector]:
    """A polling session and its detector after the baseline, as the service opens them: with the scan
    connection once the baseline found a large table without an updated_at index to split."""
    session = await Database(config.database).open_session()
    detector = ChangeDetector(table_names(session.schema), session.schema, config.service.full_check_interval)
    await _baseline(session, detector)
    if detector.split_at:
        await session.open_scanner()
    return session, detector


async def _calibrate(session: Session) -> int:
    """The rows the SHOW statements of ``_handler_reads`` read themselves."""
    calibration = []
    for _ in range(5):
        first = await _handler_reads(session)
        calibration.append(await _handler_reads(session) - first)
    return min(calibration)


def _poll(session: Session, detector: ChangeDetector) -> Awaitable[Poll]:
    return detector.poll(session.query, time.monotonic(), session.scanner.query if session.scanner else None)


class _Injector:
    """Commits one real change to a watched table at a time, and knows which table the poll must report.

    Two changes of one table are kept more than a second apart: ``updated_at`` has one-second resolution, and
    within one second the daemon relies on its settle rule (no rebuild before that second is over) instead of
    seeing the second change on its own, so back-to-back changes of one table would be one change to a poll.
    """

    SAME_TABLE_GAP = 1.1

    def __init__(self, plant: BenchPlant, master: Master) -> None:
        self.plant, self.master = plant, master
        self.count = 0
        self.endpoints = list(plant.endpoint_ids)
        self.mtas = list(plant.mta_ids)
        self.last: dict[str, float] = {}
        self.actions: list[tuple[str, Callable[[], None]]] = [
            ("modem", self._modem),
            ("endpoint", self._endpoint_soft_delete),
            ("mta", self._mta_hard_delete),
            ("ippool", self._pool),
            ("mta", self._mta_insert),
        ]

    async def inject(self) -> str:
        table, action = self.actions[self.count % len(self.actions)]
        self.count += 1
        wait = self.last.get(table, float("-inf")) + self.SAME_TABLE_GAP - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        action()
        self.last[table] = time.monotonic()
        return table

    def _modem(self) -> None:
        self.master.change_modem_mac(self.plant.modem_ids[self.count % len(self.plant.modem_ids)])

    def _endpoint_soft_delete(self) -> None:
        self.master.execute(
            "UPDATE endpoint SET deleted_at = NOW(), updated_at = NOW() WHERE id = %s", (self.endpoints.pop(),)
        )

    def _mta_hard_delete(self) -> None:
        self.master.execute("DELETE FROM mta WHERE id = %s", (self.mtas.pop(),))

    def _pool(self) -> None:
        self.master.execute(
            "UPDATE ippool SET optional = %s, updated_at = NOW() WHERE id = 1",
            (f"default-lease-time {3600 + self.count};",),
        )

    def _mta_insert(self) -> None:
        modem = self.plant.modem_ids[-1 - self.count % len(self.plant.modem_ids)]
        self.master.execute(
            "INSERT INTO mta (created_at, updated_at, modem_id, mac, hostname, configfile_id, type, is_dummy) "
            "VALUES (NOW(), NOW(), %s, %s, NULL, 1, 'sip', 0)",
            (modem, self.master.new_mac()),
        )


async def _phase(
    name: str,
    session: Session,
    detector: ChangeDetector,
    injector: _Injector,
    show_rows: int,
    samples: int,
    spacing: float,
    inject_every: int,
) -> PollPhase:
    phase = PollPhase(name)
    expected: str | None = None
    since_change = 2
    for i in range(samples):
        since_change += 1
        if i % inject_every == inject_every - 1:
            if expected is not None:
                phase.missed.append(expected)
            expected = await injector.inject()
            phase.injected += 1
            since_change = 0
        age = time.monotonic() - max(injector.last.values(), default=float("-inf"))
        before = await _handler_reads(session)
        started = time.perf_counter()
        poll = await _poll(session, detector)
        ms = (time.perf_counter() - started) * 1000
        rows = await _handler_reads(session) - before - show_rows
        detector.settled(poll.db_now)  # as the service does before it rebuilds: the hot second is over
        phase.polls += 1
        if age >= IDLE_AFTER:
            phase.unchanged_ms.add(ms)
            phase.unchanged_fingerprinted += poll.fingerprinted
            phase.unchanged_one_trip += poll.queries == 1
        elif since_change >= 2:
            phase.after_change_ms.add(ms)
        if poll.fingerprinted:
            phase.moved_ms.add(ms)
            phase.moved_rows.add(rows)
        else:
            phase.idle_ms.add(ms)
            phase.idle_rows.add(rows)
        for table in sorted(poll.changed):
            if table == expected:
                phase.seen += 1
                expected = None
            else:
                phase.false_alarms.append(table)
        await asyncio.sleep(spacing)
    if expected is not None:  # one more poll for the last change
        poll = await _poll(session, detector)
        if expected in poll.changed:
            phase.seen += 1
        else:
            phase.missed.append(expected)
    return phase


async def _baseline(session: Session, detector: ChangeDetector, timeout: float = 5.0) -> None:
    """The first poll, then wait as the service does at start-up (its first rebuild waits for the same): until no
    watched table's newest ``updated_at`` is the database's current second, whose later changes would not move
    the fingerprint."""
    poll = await _poll(session, detector)
    deadline = time.monotonic() + timeout
    while not detector.settled(poll.db_now) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        poll = await _poll(session, detector)


async def _timed(session: Session, sql: str, series: Series) -> None:
    started = time.perf_counter()
    await session.query(sql)
    series.add((time.perf_counter() - started) * 1000)


async def _table_costs(
    session: Session, detector: ChangeDetector, figures: PollFigures, variant: str, repeat: int
) -> None:
    """Each table's part of the fingerprint query alone, the same without COUNT(*), and both for all tables in
    one statement, ``repeat`` times each."""
    full = figures.table_ms.setdefault(variant, {})
    no_count = figures.no_count_ms.setdefault(variant, {})
    schema = session.schema
    for _ in range(repeat):
        for logical, real in detector.tables.items():
            await _timed(session, fingerprint_sql({logical: real}, schema), full.setdefault(logical, Series()))
            await _timed(
                session, fingerprint_sql({logical: real}, schema, counts=False), no_count.setdefault(logical, Series())
            )
        await _timed(session, fingerprint_sql(detector.tables, schema), figures.all_ms.setdefault(variant, Series()))
        await _timed(
            session,
            fingerprint_sql(detector.tables, schema, counts=False),
            figures.no_count_all_ms.setdefault(variant, Series()),
        )
        if session.scanner is not None and detector.split_at:
            for counts, into in ((True, figures.split_ms), (False, figures.no_count_split_ms)):
                started = time.perf_counter()
                await detector.fetch(detector.tables, counts, session.query, session.scanner.query, Poll())
                into.setdefault(variant, Series()).add((time.perf_counter() - started) * 1000)


async def measure_polls(
    plant: BenchPlant, config: Config, samples: int, spacing: float, inject_every: int = 8
) -> PollFigures:
    """The quiet phase, then the busy phases without and with the updated_at indexes (dropped afterwards)."""
    figures = PollFigures()
    session, detector = await _open(config)
    master = Master(plant)
    added: list[str] = []
    try:
        figures.show_rows = show_rows = await _calibrate(session)
        injector = _Injector(plant, master)
        figures.phases["quiet"] = await _phase(
            "quiet", session, detector, injector, show_rows, samples, spacing / 4, inject_every
        )
        for variant, tables in INDEX_VARIANTS:
            index_seconds = None
            for table in tables:
                if table not in added:
                    started = time.perf_counter()
                    master.execute(INDEXES[table])
                    index_seconds = time.perf_counter() - started
                    added.append(table)
            if index_seconds is not None:
                # As the service after the operator's ALTER TABLE and a reload: a new polling session sees the
                # index (and folds that table's fingerprint into the gate), with a fresh baseline.
                session.close()
                session, detector = await _open(config)
                show_rows = await _calibrate(session)
            for writer_name, inserts in WRITERS:
                name = phase_name(writer_name, variant)
                with background_writer(plant, inserts=inserts) as writer:
                    await asyncio.sleep(spacing)
                    phase = await _phase(name, session, detector, injector, show_rows, samples, spacing, inject_every)
                    phase.writes = writer.writes
                phase.index_seconds = index_seconds
                figures.phases[name] = phase
            await _table_costs(session, detector, figures, variant, 5)
    finally:
        for table in added:
            master.execute(f"ALTER TABLE {table} DROP INDEX {table}_updated_at")
        master.close()
        session.close()
    return figures
