"""Reading NMS Prime's database: node order, Galera readiness, one consistent read-only snapshot.

The daemon never writes: every statement here is a SELECT/SHOW or sets up the session's own read-only
transaction (or, with ``dirty_reads``, its own ``wsrep_dirty_reads``). Errors of the driver and of the network are
turned into ``DatabaseError`` here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

import aiomysql
import pymysql
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, stop_after_delay

from provha_daemon.backoff import backoff
from provha_daemon.config import DatabaseConfig
from provha_daemon.errors import DatabaseError, DatabaseNotReadyError, SchemaError
from provha_daemon.loader import load_plant
from provha_daemon.records import Plant
from provha_daemon.schema import Schema, detect

log = structlog.get_logger("provha_daemon.db")

# What the service and --once say when they read a node dirty (``dirty_reads``).
DIRTY_EFFECT = (
    "files are rebuilt from this node's last replicated state; writes the master made after the split are not seen"
)


class _Read(Protocol):
    """A snapshot or a session: where it came from, and why it is a dirty read ('' for a clean one)."""

    @property
    def node(self) -> str: ...

    @property
    def dirty(self) -> str: ...


R = TypeVar("R", bound=_Read)

# Errors of one node that mean "try the next node / try again later", never a bug of ours.
_NODE_ERRORS = (
    pymysql.err.OperationalError,
    pymysql.err.InterfaceError,
    pymysql.err.InternalError,
    OSError,
    TimeoutError,
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one read produced: the plant and where it came from."""

    plant: Plant
    node: str
    galera: bool
    seconds: float
    dirty: str = ""  # why it was a dirty read (a Galera node outside the Primary component), '' for a clean one


def judge(status: Mapping[str, str], node: str, config: DatabaseConfig) -> str:
    """How a Galera node with this status (``wsrep_*`` names, lower case) may be read: '' clean, else why the read
    is dirty (``dirty_reads`` and the node outside the Primary component, or not ready where ``require_synced`` is
    off); raises ``DatabaseNotReadyError`` when ``require_synced`` and it is neither ready and Synced nor read
    dirty."""
    ready = status.get("wsrep_ready", "OFF").upper() == "ON"
    state = status.get("wsrep_local_state_comment", "")
    cluster = status.get("wsrep_cluster_status")
    described = f"wsrep_ready={status.get('wsrep_ready')}, state={state or '?'}, cluster={cluster or '?'}"
    if config.dirty_reads and cluster is not None and cluster != "Primary":
        return f"galera node {node} is outside the Primary component ({described}): its last replicated state"
    if config.require_synced and (not ready or state != "Synced"):
        raise DatabaseNotReadyError(f"galera node {node} is not ready: {described}")
    if config.dirty_reads and not ready:  # only wsrep_dirty_reads lets it answer
        return f"galera node {node} is not ready ({described}): read dirty"
    return ""


def order_nodes(hosts: Sequence[str], local: frozenset[str], prefer_local: bool) -> list[str]:
    """The nodes to try, this host's own replica first when ``prefer_local`` (stable otherwise)."""
    if not prefer_local:
        return list(hosts)

    def is_local(host: str) -> bool:
        if host == "localhost" or host in local:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    return sorted(hosts, key=lambda h: not is_local(h))


class Database:
    """A read-only view of NMS Prime's database over a list of Galera nodes."""

    def __init__(
        self,
        config: DatabaseConfig,
        local_addresses: frozenset[str] = frozenset(),
        log_failures: bool = True,
        on_statement: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.nodes = order_nodes(config.hosts, local_addresses, config.prefer_local)
        # The service logs database health transitions itself, once each, instead of every failed attempt.
        self.log_failures = log_failures
        self.on_statement = on_statement  # sees every statement sent (the benchmark replays a snapshot's)

    async def _connect(self, host: str) -> aiomysql.Connection:
        cfg = self.config
        kwargs: dict[str, Any] = {
            "user": cfg.user,
            "password": cfg.password.reveal(),
            "db": cfg.name,
            "connect_timeout": cfg.connect_timeout,
            "autocommit": True,
            "charset": "utf8mb4",
        }
        if cfg.unix_socket and (host == "localhost" or len(self.nodes) == 1):
            kwargs["unix_socket"] = cfg.unix_socket
        else:
            kwargs["host"], kwargs["port"] = host, cfg.port
        # aiomysql's own connect_timeout covers the TCP handshake only; this bounds the whole login.
        return await asyncio.wait_for(aiomysql.connect(**kwargs), cfg.connect_timeout + 1)

    async def _query(self, conn: aiomysql.Connection, sql: str) -> Sequence[Sequence[Any]]:
        if self.on_statement is not None:
            self.on_statement(sql)
        async with conn.cursor() as cur:
            await asyncio.wait_for(cur.execute(sql), self.config.query_timeout)
            rows: Sequence[Sequence[Any]] = await cur.fetchall()
            return rows

    async def _galera_state(self, conn: aiomysql.Connection, host: str) -> tuple[bool, str]:
        """Whether the node runs Galera, and why reading it is dirty ('' clean, see ``judge``); raises
        ``DatabaseNotReadyError`` if it is not fit to read. With ``dirty_reads`` a Galera connection gets
        ``wsrep_dirty_reads`` whatever the node's state (it changes nothing while the node is Primary), so a
        connection kept open for polling goes on answering when the node leaves the Primary component."""
        rows = await self._query(conn, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
        if not rows or str(rows[0][1]).upper() != "ON":
            return False, ""
        if self.config.dirty_reads:
            await self._allow_dirty_reads(conn)
        status = dict(
            (str(k).lower(), str(val))
            for k, val in await self._query(
                conn,
                "SHOW GLOBAL STATUS WHERE Variable_name IN "
                "('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
            )
        )
        return True, judge(status, host, self.config)

    async def _allow_dirty_reads(self, conn: aiomysql.Connection) -> None:
        """Let this connection read a node outside the Primary component (MariaDB rejects it with 1047 otherwise);
        a session variable of this connection only: nothing is written."""
        await self._query(conn, "SET SESSION wsrep_dirty_reads = ON")

    async def _read_node(self, host: str, tftp: bool = False) -> Snapshot:
        # Each statement has its own timeout; this bounds the whole read so a loop iteration always ends.
        return await asyncio.wait_for(
            self._read_node_unbounded(host, tftp), self.config.connect_timeout + 2 * self.config.query_timeout
        )

    async def _read_node_unbounded(self, host: str, tftp: bool) -> Snapshot:
        started = time.perf_counter()
        conn = await self._connect(host)
        try:
            galera, dirty = await self._galera_state(conn, host)
            await self._bound_statements(conn)
            await self._query(conn, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            schema = await self._schema(conn)
            # One snapshot for every table of the rebuild, so modems never refer to a pool from another moment.
            await self._query(conn, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            try:
                plant = await load_plant(lambda sql: self._query(conn, sql), schema, tftp=tftp)
            finally:
                await self._query(conn, "ROLLBACK")
            return Snapshot(plant, host, galera, time.perf_counter() - started, dirty)
        finally:
            conn.close()

    async def _first_node(self, work: Callable[[str], Awaitable[R]], discard: Callable[[R], None] | None = None) -> R:
        """Run ``work`` against the nodes in order until one answers and is ready. A dirty read (``dirty_reads``, a
        node outside the Primary component) is kept while the later nodes are tried for a clean one, and is the
        answer when none has one; ``discard`` drops what is not taken (a session's connection)."""
        failed = _Failed()
        fallback: R | None = None
        try:
            for host in self.nodes:
                got = await self._attempt(host, work, failed)
                if got is None:
                    continue
                if not got.dirty:
                    if fallback is not None and discard is not None:
                        discard(fallback)
                    return got
                if fallback is None:
                    fallback = got
                elif discard is not None:
                    discard(got)
        except BaseException:
            if fallback is not None and discard is not None:
                discard(fallback)
            raise
        if fallback is None:
            raise failed.error()
        if self.log_failures:  # the service logs it itself, once when it starts reading dirty
            log.warning("db.dirty_reads", node=fallback.node, reason=fallback.dirty, effect=DIRTY_EFFECT)
        return fallback

    async def _attempt(self, host: str, work: Callable[[str], Awaitable[R]], failed: _Failed) -> R | None:
        """``work`` on one node; None when the node failed or is not ready (noted in ``failed``)."""
        try:
            return await work(host)
        except DatabaseNotReadyError as exc:
            failed.add(str(exc), not_ready=True)
            if self.log_failures:
                log.warning("db.node_not_ready", node=host, reason=str(exc))
        except pymysql.err.ProgrammingError as exc:
            raise SchemaError(f"query failed on {host}: {exc.args[-1]}") from exc
        except _NODE_ERRORS as exc:
            reason = _describe(exc)
            failed.add(f"{host}: {reason}", not_ready=_is_not_ready(exc))
            if self.log_failures:
                log.warning("db.node_failed", node=host, reason=reason)
        return None

    async def read(self, tftp: bool = False) -> Snapshot:
        """Read one consistent snapshot from the first node that is reachable and ready (a clean node before a
        dirty one)."""
        return await self._first_node(lambda host: self._read_node(host, tftp))

    async def open_session(self) -> Session:
        """A connection kept open for polling, to the first node that is reachable and ready (a clean node before
        a dirty one)."""
        return await self._first_node(self._open_session, Session.close)

    async def _open_session(self, host: str) -> Session:
        conn = await self._connect(host)
        try:
            galera, dirty = await self._galera_state(conn, host)
            await self._bound_statements(conn)
            schema = await self._schema(conn)
            # The poll folds the fingerprints of these tables into its gate (changes.py); read once per session,
            # so an index the operator adds counts from the next reconnect or restart.
            indexed = await self._query(
                conn,
                "SELECT DISTINCT TABLE_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                "AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = 'updated_at'",
            )
            schema = replace(schema, updated_at_indexed=frozenset(str(row[0]).lower() for row in indexed))
        except BaseException:
            conn.close()
            raise
        return Session(self, host, conn, galera, schema, dirty)

    async def _bound_statements(self, conn: aiomysql.Connection) -> None:
        """Let the server end any statement of this connection that runs longer than ``query_timeout``."""
        await self._query(conn, f"SET SESSION max_statement_time = {self.config.query_timeout:.3f}")

    async def _schema(self, conn: aiomysql.Connection) -> Schema:
        return detect(
            (str(t), str(c))
            for t, c in await self._query(
                conn,
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
            )
        )

    async def read_with_retry(
        self, attempts: int, max_seconds: float, max_wait: float = 2.0, tftp: bool = False
    ) -> Snapshot:
        """``read`` retried with capped exponential backoff and jitter, bounded in tries and time."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(DatabaseError),
            stop=stop_after_attempt(attempts) | stop_after_delay(max_seconds),
            wait=lambda state: backoff(state.attempt_number, 0.2, max_wait, 0.2, random.random),
            reraise=True,
            before_sleep=lambda state: log.warning(
                "db.retry_scheduled",
                retry_num=state.attempt_number,
                wait_for=round(state.next_action.sleep, 2) if state.next_action else None,
                caused_by=str(state.outcome.exception()) if state.outcome else None,
            ),
        )
        async for attempt in retrying:
            with attempt:
                return await self.read(tftp)
        raise AssertionError("unreachable: tenacity re-raises")  # pragma: no cover


class Session:
    """One open connection to one node, for the cheap queries of every poll."""

    def __init__(
        self, db: Database, node: str, conn: aiomysql.Connection, galera: bool, schema: Schema, dirty: str = ""
    ) -> None:
        self.db = db
        self.node = node
        self.conn = conn
        self.galera = galera
        self.schema = schema
        self.dirty = dirty  # why the node is read dirty ('' clean), as of the last poll's status (``check_ready``)
        self.scanner: Session | None = None  # a second connection to the same node, for split scans
        self.scanner_refused = False  # the node refused it: polls scan in one statement

    async def open_scanner(self) -> None:
        """Open the second connection to this session's node (closed with the session); on failure
        ``scanner_refused`` is set and ``DatabaseError`` raised."""
        try:
            conn = await self.db._connect(self.node)
            try:
                await self.db._bound_statements(conn)
                if self.galera and self.db.config.dirty_reads:
                    await self.db._allow_dirty_reads(conn)
            except BaseException:
                conn.close()
                raise
        except _NODE_ERRORS as exc:
            self.scanner_refused = True
            raise DatabaseError(f"{self.node}: {_describe(exc)}") from exc
        self.scanner = Session(self.db, self.node, conn, self.galera, self.schema, self.dirty)

    async def query(self, sql: str) -> Sequence[Sequence[Any]]:
        """Run one statement; driver and network errors become ``DatabaseError``."""
        try:
            return await self.db._query(self.conn, sql)
        except pymysql.err.ProgrammingError as exc:
            raise SchemaError(f"query failed on {self.node}: {exc.args[-1]}") from exc
        except _NODE_ERRORS as exc:
            if _is_not_ready(exc):
                raise DatabaseNotReadyError(f"{self.node}: {_describe(exc)}") from exc
            raise DatabaseError(f"{self.node}: {_describe(exc)}") from exc

    def check_ready(self, status: dict[str, str]) -> str:
        """Judge a Galera node's status as a poll read it (``judge``): raise ``DatabaseNotReadyError`` when it is not
        fit to read; returns (and keeps in ``dirty``) why it is read dirty, '' when it is not."""
        self.dirty = judge(status, self.node, self.db.config) if self.galera else ""
        return self.dirty

    def close(self) -> None:
        """Drop the connection (and the scanner's)."""
        self.conn.close()
        if self.scanner is not None:
            self.scanner.close()
            self.scanner = None


@dataclass(slots=True)
class _Failed:
    """Why the nodes tried so far could not be read."""

    errors: list[str] = field(default_factory=list)
    not_ready: bool = False  # one of them is a Galera node not fit to read (not a connection failure)

    def add(self, error: str, not_ready: bool) -> None:
        self.errors.append(error)
        self.not_ready = self.not_ready or not_ready

    def error(self) -> DatabaseError:
        message = "; ".join(self.errors) or "no database node configured"
        return DatabaseNotReadyError(message) if self.not_ready else DatabaseError(message)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, pymysql.err.MySQLError) and exc.args:
        return f"({exc.args[0]}) {exc.args[-1]}"
    return str(exc) or type(exc).__name__


def _is_not_ready(exc: BaseException) -> bool:
    # 1047: "WSREP has not yet prepared node for application use" (a non-Primary Galera node).
    return isinstance(exc, pymysql.err.MySQLError) and bool(exc.args) and exc.args[0] == 1047
