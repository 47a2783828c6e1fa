"""Change detection on the read-only replica: a cheap server-wide gate, then per-table fingerprints.

Every poll reads one status query, the gate (under 1 ms): the server's handler write/update/delete counters,
Galera's ``wsrep_last_committed``, and the watched tables' ``UPDATE_TIME`` (riding along for free). Any committed
row change on this node, local or applied from the master, moves the gate; reads do not, ours or anybody's. Only
when the gate moved (then once more on the next poll, in case a commit was counted a moment before it became
visible), or every ``full_check_interval``, does it read the per-table fingerprints ``COUNT(*), MAX(id),
MAX(updated_at)`` in one round trip, of the tables whose ``UPDATE_TIME`` says they may have been written, and with
``COUNT(*)`` (the one part that always scans) only after a delete.
A table with an index on ``updated_at`` (README, deployment step 8) has ``MAX(id)`` and ``MAX(updated_at)`` as two
index dives: those ride in the gate's own statement, so while the master writes such a table all day (modem status)
a poll is still one round trip. Without that index the fingerprint of a large table is a scan of it; given a
second connection to the same node (``scan``), the detector splits that scan at the middle id and runs the two
halves at once, one on each connection, so two server threads share it.
The fingerprint moves on insert, update through NMS Prime (which sets ``updated_at``), soft delete and hard
delete; writes of status columns that leave ``updated_at`` alone do not move it. ``updated_at`` has one-second
resolution, so a table whose newest ``updated_at`` is the current second is "hot": a second change in that same
second would not move it. The detector reports ``settle_at`` and the loop starts no rebuild before the database
clock has left that second.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provha_daemon.schema import Schema

Query = Callable[[str], Awaitable[Sequence[Sequence[Any]]]]

# Logical table names; "gateway" is netgw or cmts by schema generation.
WATCHED = (
    "gateway",
    "ippool",
    "modem",
    "mta",
    "endpoint",
    "configfile",
    "qos",
    "contract",
    "provbase",
    "provvoip",
    "provha",
    "phonenumber",
    "modem_option",
)
# What the DHCP files are built from. contract and configfile only matter to ignore-cpe.conf when
# provbase.multiple_provisioning_systems is set.
DHCP_TABLES = frozenset({"gateway", "ippool", "modem", "mta", "endpoint", "provbase", "provvoip", "provha"})
DHCP_TABLES_MULTI = DHCP_TABLES | {"contract", "configfile"}
# What the TFTP configs are built from; "files" stands for the keyfile, fw/ and cvc/ the master syncs over.
TFTP_TABLES = frozenset(
    {"modem", "mta", "configfile", "qos", "contract", "provbase", "phonenumber", "modem_option", "files"}
)

# Row writes of every session (local, or applied by Galera or a replication thread) and Galera's commit
# sequence. Reads move none of them (Handler_commit, which every InnoDB SELECT moves, is left out), so neither the
# daemon's own polls and snapshot reads nor anybody else's reads on the node open the gate.
GATE_VARIABLES = ("HANDLER_WRITE", "HANDLER_UPDATE", "HANDLER_DELETE", "WSREP_LAST_COMMITTED")
READY_VARIABLES = ("WSREP_READY", "WSREP_LOCAL_STATE_COMMENT", "WSREP_CLUSTER_STATUS")
GATE_SQL = (
    "SELECT 'global', VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ("
    + ", ".join(f"'{name}'" for name in GATE_VARIABLES + READY_VARIABLES)
    + ")"
)


# UPDATE_TIME is the second (truncated) in which InnoDB stamped the commit, a moment before the commit became
# visible: a write stamped U happened before U + 1 s, and was visible by U + 1 s + this margin (generous: the
# stamp and the visibility are microseconds apart unless the committing thread is descheduled).
_COMMIT_MARGIN = dt.timedelta(milliseconds=250)
_STAMP_RESOLUTION = dt.timedelta(seconds=1)
_DELETES = GATE_VARIABLES.index("HANDLER_DELETE")  # the gate's delete counter


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One table's change fingerprint."""

    rows: int
    max_id: int | None
    max_updated: dt.datetime | None


@dataclass(slots=True)
class Poll:
    """What one poll saw."""

    changed: set[str] = field(default_factory=set)
    fingerprinted: bool = False  # fingerprints were compared (from the gate's statement or a query of their own)
    status: dict[str, str] = field(default_factory=dict)
    db_now: dt.datetime | None = None
    queries: int = 0  # statements sent (the two halves of a split scan go at once, one per connection)


def table_names(schema: Schema) -> dict[str, str]:
    """Logical watched name → real table name, for the tables this database has."""
    names = {}
    for logical in WATCHED:
        real = schema.gateway_table if logical == "gateway" else logical
        if schema.has_table(real):
            names[logical] = real
    return names


def fingerprint_sql(
    tables: Mapping[str, str], schema: Schema, counts: bool = True, where: Mapping[str, str] | None = None
) -> str:
    """One UNION ALL query returning (name, rows, max id, max updated_at, NOW(6)) per table.

    Without ``counts`` the row count is NULL: ``MAX(id)`` and ``MAX(updated_at)`` are index lookups (the latter
    with the optional index), ``COUNT(*)`` always scans, and only inserts and deletes can change it. ``where``
    restricts a table to part of its rows (one half of a split scan).
    """
    parts = []
    for logical, real in tables.items():
        updated = "MAX(updated_at)" if schema.has(real, "updated_at") else "NULL"
        max_id = "MAX(id)" if schema.has(real, "id") else "NULL"
        count = "COUNT(*)" if counts else "NULL"
        condition = f" WHERE {where[logical]}" if where and logical in where else ""
        parts.append(f"SELECT '{logical}', {count}, {max_id}, {updated}, NOW(6) FROM {real}{condition}")
    return " UNION ALL ".join(parts)


def gate_sql(tables: Mapping[str, str], folded: Mapping[str, str] | None = None) -> str:
    """The gate, plus information_schema's last-modified second of each watched table (in memory for InnoDB:
    NULL after a restart), the database clock, and ``MAX(id) MAX(updated_at)`` of the ``folded`` tables (index
    dives), in one round trip."""
    names = ", ".join(f"'{real}'" for real in tables.values())
    sql = (
        f"{GATE_SQL} UNION ALL SELECT 'table', TABLE_NAME, UPDATE_TIME FROM information_schema.TABLES "
        f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({names}) UNION ALL SELECT 'now', '', NOW(6)"
    )
    for logical, real in (folded or {}).items():
        sql += (
            f" UNION ALL SELECT 'fingerprint', '{logical}', "
            f"CONCAT(IFNULL(MAX(id), ''), '|', IFNULL(MAX(updated_at), '')) FROM {real}"
        )
    return sql


def foldable(tables: Mapping[str, str], schema: Schema) -> dict[str, str]:
    """The watched tables whose fingerprint without a row count is two index lookups (id and updated_at)."""
    return {
        logical: real
        for logical, real in tables.items()
        if real in schema.updated_at_indexed and schema.has(real, "id") and schema.has(real, "updated_at")
    }


# The tables large enough (one row per modem) that MAX(updated_at) without an index is a scan worth naming.
LARGE_TABLES = ("modem", "contract")


# A scan of fewer rows than this is a few milliseconds: not worth a second statement.
SPLIT_ROWS = 20_000


def _scanned(tables: Mapping[str, str], schema: Schema) -> dict[str, str]:
    return {
        logical: real
        for logical, real in tables.items()
        if logical in LARGE_TABLES and schema.has(real, "updated_at") and real not in schema.updated_at_indexed
    }


def splittable(tables: Mapping[str, str], schema: Schema) -> dict[str, str]:
    """The large watched tables whose fingerprint scan can be split by id over two connections."""
    return {logical: real for logical, real in _scanned(tables, schema).items() if schema.has(real, "id")}


def unindexed(tables: Mapping[str, str], schema: Schema) -> list[str]:
    """The large watched tables whose fingerprint scans the table: no index starts with their updated_at."""
    return list(_scanned(tables, schema).values())


@dataclass(slots=True)
class _GateRead:
    counters: tuple[int, ...]
    update_times: dict[str, dt.datetime | None]
    fingerprints: dict[str, tuple[int | None, dt.datetime | None]]  # of the folded tables, no row count
    db_now: dt.datetime | None


class ChangeDetector:
    """Remembers the last gate and fingerprints of one node; ``reset()`` when the connection changes."""

    def __init__(self, tables: Mapping[str, str], schema: Schema, full_check_interval: float) -> None:
        self.tables = dict(tables)
        self.schema = schema
        self.gate_sql = gate_sql(self.tables, foldable(self.tables, schema))
        self.checked_at: dict[str, dt.datetime] = {}  # database time of each table's last fingerprint
        self.full_check_interval = full_check_interval
        self.gate: tuple[int, ...] | None = None
        self.fingerprints: dict[str, Fingerprint] = {}
        self.last_full_check = float("-inf")
        self.recheck = False
        self.recount = False
        self.settle_at: dt.datetime | None = None
        # Split scans: the tables that qualify and the id each is split at (from the last full check).
        self.splittable = splittable(self.tables, schema)
        self.split_rows = SPLIT_ROWS
        self.split_at: dict[str, int] = {}

    async def poll(self, query: Query, now: float, scan: Query | None = None) -> Poll:
        """One poll: the gate, and the fingerprints if the gate moved, a recheck or a full check is due.

        ``scan`` is an optional second connection to the same node, for the split scans (``split_at`` says
        whether there is any); the detector reads nothing else on it.
        """
        result = Poll(queries=1)
        read = self._gate(await query(self.gate_sql), result.status)
        gate, result.db_now = read.counters, read.db_now
        moved = gate != self.gate
        due = now - self.last_full_check >= self.full_check_interval
        if not (moved or due or self.recheck):
            return result
        first = not self.fingerprints
        previous = self.gate
        uncounted: set[str] = set()
        self.recheck = moved and previous is not None
        self.gate = gate
        if due or first or previous is None:
            tables, counts, full = self.tables, True, True
            self.last_full_check = now
        else:
            full = False
            tables = self._modified(read.update_times)
            # Only a hard delete changes a table without moving MAX(id) or MAX(updated_at) (an insert takes a new
            # id and NMS Prime's updated_at), so COUNT(*) waits for a delete. The recheck counts again: the delete
            # may have been counted a moment before it was visible.
            deleted = gate[_DELETES] != previous[_DELETES]
            counts = deleted or self.recount
            self.recount = deleted
            if not counts:  # the folded tables' fingerprints came with the gate
                in_hand = [
                    (name, None, *read.fingerprints[name], read.db_now) for name in tables if name in read.fingerprints
                ]
                if in_hand:
                    result.fingerprinted = True
                    uncounted |= self._read_fingerprints(in_hand, result, first)
                tables = {name: real for name, real in tables.items() if name not in read.fingerprints}
        if tables:
            result.fingerprinted = True
            uncounted |= self._read_fingerprints(await self.fetch(tables, counts, query, scan, result), result, first)
        if uncounted:
            # An insert moved MAX(id) but not the stored count: count those tables now, or a later delete would
            # bring the count back to the stale figure unseen. Rare (a rebuild follows anyway).
            inserted = {name: self.tables[name] for name in sorted(uncounted)}
            self._read_fingerprints(await self.fetch(inserted, True, query, scan, result), Poll(), first=True)
        if full and self.splittable:
            # Where to split the large tables' scans until the next full check (ids only grow, rows come and go);
            # a non-empty answer also tells the caller that a scan connection is worth opening.
            result.queries += 1
            self.split_at = await self._split_points(query)
        self._update_settle(result.db_now)
        return result

    async def _split_points(self, query: Query) -> dict[str, int]:
        """The middle id of each splittable table with enough rows (two index dives each)."""
        large = {
            name: real
            for name, real in self.splittable.items()
            if name in self.fingerprints and self.fingerprints[name].rows >= self.split_rows
        }
        if not large:
            return {}
        rows = await query(
            " UNION ALL ".join(
                f"SELECT '{name}', (MIN(id) + MAX(id)) DIV 2 FROM {real}" for name, real in large.items()
            )
        )
        return {str(name): int(middle) for name, middle in rows if middle is not None}

    async def fetch(
        self, tables: Mapping[str, str], counts: bool, query: Query, scan: Query | None, result: Poll
    ) -> list[Sequence[Any]]:
        """The fingerprint rows of ``tables`` (compared by nothing); a split table's two halves are read at once
        and merged."""
        split = {name: self.split_at[name] for name in tables if name in self.split_at}
        if scan is None or not split:
            result.queries += 1
            return list(await query(fingerprint_sql(tables, self.schema, counts)))
        lower = fingerprint_sql(tables, self.schema, counts, {name: f"id <= {at}" for name, at in split.items()})
        upper = fingerprint_sql(
            {name: tables[name] for name in split},
            self.schema,
            counts,
            {name: f"id > {at}" for name, at in split.items()},
        )
        result.queries += 2
        rows, halves = await _both(query(lower), scan(upper))
        return _merge(rows, halves)

    def _read_fingerprints(self, rows: Sequence[Sequence[Any]], result: Poll, first: bool) -> set[str]:
        """Compare and keep the fingerprints; returns the tables whose MAX(id) moved while not counted."""
        uncounted = set()
        for name, count, max_id, max_updated, db_now in rows:
            name = str(name)
            old = self.fingerprints.get(name)
            counted = int(count) if count is not None else (old.rows if old else -1)
            if count is None and old is not None and old.max_id != (None if max_id is None else int(max_id)):
                uncounted.add(name)
            fp = Fingerprint(counted, None if max_id is None else int(max_id), _datetime(max_updated))
            result.db_now = _datetime(db_now)
            if result.db_now is not None:
                self.checked_at[name] = result.db_now
            if old != fp and not first:
                result.changed.add(name)
            self.fingerprints[name] = fp
        return uncounted

    def _modified(self, update_times: Mapping[str, dt.datetime | None]) -> dict[str, str]:
        """The tables information_schema may have seen written since their last fingerprint.

        UPDATE_TIME has one-second resolution and is kept in memory (NULL after a restart). A table is skipped
        only when its last write, at the latest end of its UPDATE_TIME second plus ``_COMMIT_MARGIN``, came before
        its last fingerprint (``NOW(6)`` of that statement, which starts before the statement's read view): that
        fingerprint saw the write. NULL or unknown means "fingerprint it". The full check every
        ``full_check_interval`` ignores UPDATE_TIME.
        """
        modified: dict[str, str] = {}
        for logical, real in self.tables.items():
            written, checked = update_times.get(real), self.checked_at.get(logical)
            if written is None or checked is None or written + _STAMP_RESOLUTION + _COMMIT_MARGIN > checked:
                modified[logical] = real
        return modified

    @staticmethod
    def _gate(rows: Sequence[Sequence[Any]], status: dict[str, str]) -> _GateRead:
        """The counters and the rest of the gate's statement; fills ``status`` (Galera readiness, lower case)."""
        total: dict[str, int] = {}
        read = _GateRead((), {}, {}, None)
        for scope, name, value in rows:
            if scope == "table":
                read.update_times[str(name)] = _datetime(value)
                continue
            if scope == "now":
                read.db_now = _datetime(value)
                continue
            if scope == "fingerprint":
                max_id, _, updated = str(value).partition("|")
                read.fingerprints[str(name)] = (int(max_id) if max_id else None, _datetime(updated or None))
                continue
            key, text = str(name).upper(), str(value)
            status[key.lower()] = text
            total[key] = int(text) if text.lstrip("-").isdigit() else 0
        read.counters = tuple(total.get(name, 0) for name in GATE_VARIABLES)
        return read

    def _update_settle(self, db_now: dt.datetime | None) -> None:
        """A table changed within the database's current second may change again unseen in that second."""
        if db_now is None:
            return
        second = db_now.replace(microsecond=0)
        hot = [
            fp.max_updated
            for fp in self.fingerprints.values()
            if fp.max_updated is not None and second <= fp.max_updated <= second + dt.timedelta(seconds=2)
        ]
        if hot:
            candidate = max(hot).replace(microsecond=0) + dt.timedelta(seconds=1)
            if self.settle_at is None or candidate > self.settle_at:
                self.settle_at = candidate

    def settled(self, db_now: dt.datetime | None) -> bool:
        """Whether a snapshot taken now would include every change of the hot second."""
        if self.settle_at is None:
            return True
        if db_now is None or db_now >= self.settle_at:
            self.settle_at = None
            return True
        return False


async def _both(
    first: Awaitable[Sequence[Sequence[Any]]], second: Awaitable[Sequence[Sequence[Any]]]
) -> tuple[Sequence[Sequence[Any]], Sequence[Sequence[Any]]]:
    """Two statements on two connections at once; both have finished when this returns or raises."""
    done = await asyncio.gather(first, second, return_exceptions=True)
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return done[0], done[1]  # type: ignore[return-value]


def _merge(rows: Sequence[Sequence[Any]], halves: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """Fold the upper halves into the rows of the same tables: counts add, maxima take the larger, and the
    check time is the earlier start (what both halves saw was committed by then)."""
    upper = {str(row[0]): row for row in halves}
    merged: list[Sequence[Any]] = []
    for row in rows:
        other = upper.get(str(row[0]))
        if other is None:
            merged.append(row)
            continue
        name, count, max_id, max_updated, db_now = row
        _, count2, max_id2, max_updated2, db_now2 = other
        merged.append(
            (
                name,
                None if count is None or count2 is None else int(count) + int(count2),
                _larger(max_id, max_id2),
                _larger(_datetime(max_updated), _datetime(max_updated2)),
                _smaller(_datetime(db_now), _datetime(db_now2)),
            )
        )
    return merged


def _larger(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else max(a, b)


def _smaller(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)


def dependencies(multiple_provisioning_systems: bool, tftp: bool) -> frozenset[str]:
    """The watched tables (and "files") the generated sets depend on."""
    dhcp = DHCP_TABLES_MULTI if multiple_provisioning_systems else DHCP_TABLES
    return dhcp | TFTP_TABLES if tftp else dhcp


def file_signature(root: Path, keyfile: Path) -> tuple[tuple[str, int, int, int], ...]:
    """A cheap signature (name, inode, size, mtime) of the keyfile and of every file in fw/ and cvc/."""
    paths = [keyfile]
    for sub in ("fw", "cvc"):
        with contextlib.suppress(OSError):
            paths.extend(sorted(p for p in (root / sub).iterdir()))
    signature = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            signature.append((str(path), 0, -1, 0))
            continue
        signature.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(signature)


def _datetime(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
