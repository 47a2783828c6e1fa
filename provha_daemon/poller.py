"""The service's watch on the replica: one connection, its change detector, and the TFTP tree's own files.

``Poller.poll()`` opens the connection when there is none (a fresh one after a loss asks for a full rebuild),
reads the change counters, checks the Galera node is fit to read, notices the master's rsync of keyfile,
firmware or CVC files, and re-judges the role when the provha table changed. It decides nothing about when to
rebuild: that is the scheduler's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from provha_daemon.changes import ChangeDetector, dependencies, file_signature, table_names, unindexed
from provha_daemon.config import Config
from provha_daemon.db import Database, Session
from provha_daemon.errors import DatabaseError, SchemaError
from provha_daemon.loader import read_provha
from provha_daemon.roles import Roles

log = structlog.get_logger("provha_daemon.poller")


@dataclass(slots=True)
class Seen:
    """What one poll saw."""

    changed: set[str] = field(default_factory=set)  # every table (and "files") that changed
    relevant: set[str] = field(default_factory=set)  # those some stage renders from
    settled: bool = True  # the database's hot second is over: a snapshot now sees all of it
    reconnected: bool = False  # a new connection after a lost one: changes meanwhile went unseen
    dirty: str = ""  # why the node is read dirty (database.dirty_reads, outside the Primary component), '' if not
    queries: int = 0  # statements the poll ran


class Poller:
    """Polls the replica for one configuration."""

    def __init__(self, config: Config, db: Database, roles: Roles) -> None:
        self.config, self.db, self.roles = config, db, roles
        self.session: Session | None = None
        self.detector: ChangeDetector | None = None
        self.dependencies = dependencies(False, config.tftp.enabled)
        self.files_seen: tuple[tuple[str, int, int, int], ...] | None = None

    @property
    def node(self) -> str:
        """The node of the open connection ('' without one)."""
        return self.session.node if self.session else ""

    def reconfigure(self, config: Config, db: Database) -> None:
        """New settings (SIGHUP): a new connection with them; what was seen so far stays the baseline."""
        self.close()
        self.config, self.db = config, db

    def follow(self, multiple_provisioning_systems: bool) -> None:
        """A rebuild read provbase: the tables that matter follow its multiple_provisioning_systems."""
        self.dependencies = dependencies(multiple_provisioning_systems, self.config.tftp.enabled)

    def close(self) -> None:
        """Drop the connection (after a fault, on SIGHUP, at shutdown)."""
        if self.session is not None:
            self.session.close()
            self.session = None

    async def poll(self, now: float) -> Seen:
        """One poll; ``DatabaseError``/``SchemaError`` close the connection, ``MasterRoleError`` stops the service."""
        seen = Seen()
        if self.session is None:
            seen.reconnected = await self._open()
        if self.session is None or self.detector is None:  # set by _open
            raise DatabaseError("no connection after opening one")
        try:
            scanner = self.session.scanner
            poll = await self.detector.poll(self.session.query, now, scanner.query if scanner else None)
            seen.dirty = self.session.check_ready(poll.status)
        except (DatabaseError, SchemaError):
            self.close()
            raise
        if self.detector.split_at and self.session.scanner is None and not self.session.scanner_refused:
            await self._open_scanner(self.session, sorted(self.detector.split_at))
        if self.config.tftp.enabled:
            files = file_signature(self.config.tftp.dir, self.config.tftp.key_path)
            if self.files_seen is not None and files != self.files_seen:
                poll.changed.add("files")  # the master's rsync brought a new keyfile, firmware or CVC
            self.files_seen = files
        if poll.changed:
            log.debug("changes.seen", tables=sorted(poll.changed))
            seen.changed = set(poll.changed)
            seen.relevant = {t for t in poll.changed if t in self.dependencies}
            if "provha" in poll.changed:
                await self._judge_role()
        seen.settled = self.detector.settled(poll.db_now)
        seen.queries = poll.queries
        return seen

    async def _open(self) -> bool:
        """Open the connection and a fresh detector; True when it replaces a lost one."""
        reconnect = self.detector is not None
        self.session = await self.db.open_session()
        tables = table_names(self.session.schema)
        self.detector = ChangeDetector(tables, self.session.schema, self.config.service.full_check_interval)
        scanned = unindexed(tables, self.session.schema)
        if scanned and not reconnect:  # once per start: advice, not an error
            log.info(
                "poll.updated_at_unindexed",
                tables=scanned,
                advice="while the master writes these tables (modem status), each poll scans them; "
                "README, deployment step 8: ALTER TABLE <table> ADD INDEX <table>_updated_at "
                "(updated_at) on the master",
            )
        await self._judge_role()
        return reconnect

    async def _open_scanner(self, session: Session, tables: list[str]) -> None:
        """The second connection for split scans, once a large table without an updated_at index qualifies; if
        the node refuses it (a per-user connection limit), polls scan that table in one statement instead."""
        try:
            await session.open_scanner()
        except DatabaseError as exc:
            log.warning(
                "poll.scan_connection_failed",
                node=session.node,
                reason=str(exc),
                effect="large tables without an updated_at index are scanned in one statement",
            )
            return
        log.info("poll.scan_connection_opened", node=session.node, tables=tables)

    async def _judge_role(self) -> None:
        """With no role configured, judge it from the provha row as NMS Prime does."""
        if self.config.role is not None or self.session is None:
            return
        if self.roles.judge(await read_provha(self.session.query, self.session.schema)):
            log.info("role.decided", role=self.roles.role, detail=self.roles.detail)
