"""The service: startup → main loop → shutdown, on top of the ``--once`` rebuild.

Each loop iteration polls the replica's change counters, coalesces bursts into one rebuild, paces dhcpd
restarts, and ends with success or a handled error; only then is the watchdog pinged. Signal handlers only
set events: SIGTERM/SIGINT stop (after the iteration in flight, bounded), SIGHUP re-reads the configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from tenacity import RetryCallState
from tenacity.wait import wait_exponential_jitter

from provha_daemon.changes import (
    ChangeDetector,
    Poll,
    dependencies,
    file_signature,
    table_names,
    unindexed,
)
from provha_daemon.config import Config, load_config
from provha_daemon.db import Session
from provha_daemon.errors import (
    ConfigError,
    DatabaseError,
    DatabaseNotReadyError,
    MasterRoleError,
    ProvhaError,
    RefusedError,
    RestartError,
    RoleError,
    SchemaError,
    ValidationError,
)
from provha_daemon.health import State, remove
from provha_daemon.notify import Notifier
from provha_daemon.plant import ProvHA
from provha_daemon.rebuild import Rebuilder, RebuildResult
from provha_daemon.roles import decide_role, local_addresses

log = structlog.get_logger("provha_daemon.daemon")

# SIGTERM (systemctl stop) and SIGINT (Ctrl-C) stop gracefully; SIGHUP (systemctl reload) re-reads the config.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_REBUILD_INTERVAL = 3600


def longest_iteration(config: Config) -> float:
    """The longest a legitimate loop iteration can take with these timeouts; WatchdogSec must be above it."""
    db, dhcp = config.database, config.dhcp
    read = len(db.hosts) * (db.connect_timeout + 1 + 2 * db.query_timeout)
    restart = dhcp.restart_timeout + dhcp.check_delay + dhcp.restart_timeout
    return read + dhcp.validate_timeout + 2 * restart  # a failed restart is followed by one after the rollback


def rebuild_interval(configured: int | None, from_db: int | None) -> int:
    """The cyclic full rebuild period: config, else the DB's value rounded up to a minute, within 60..604800."""
    if configured is not None:
        return configured
    value = from_db or DEFAULT_REBUILD_INTERVAL
    return min(604800, max(60, math.ceil(value / 60) * 60))


@dataclass(slots=True)
class _Pending:
    """Changes seen but not yet applied."""

    tables: set[str] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, tables: set[str], now: float) -> None:
        self.tables |= tables
        self.first = now if self.first is None else self.first
        self.last = now

    def clear(self) -> None:
        self.tables, self.first, self.last = set(), None, None


class Service:
    """The long-running slave service for one configuration file."""

    def __init__(self, config: Config, config_path: Path | None, *, force: bool = False,
                 notifier: Notifier | None = None, handle_signals: bool = True) -> None:
        self.config_path = config_path
        self.notifier = notifier or Notifier()
        self.handle_signals = handle_signals
        self.force_next = force
        self.stop = asyncio.Event()
        self.reload = asyncio.Event()
        self.addresses = local_addresses()
        self.state = State()
        self._apply_config(config)
        self.session: Session | None = None
        self.detector: ChangeDetector | None = None
        self.pending = _Pending()
        self.deferred = False
        self.next_full: float = float("-inf")  # the first iteration is a full rebuild
        self.last_restart: float | None = None
        self.failures = 0
        self.retry_at = float("-inf")
        self.dependencies = dependencies(False, config.tftp.enabled)
        self.files_seen: tuple[tuple[str, int, int, int], ...] | None = None
        self.iterations = 0
        self.iteration_started = time.monotonic()

    def _apply_config(self, config: Config) -> None:
        self.config = config
        previous = getattr(self, "rebuilder", None)  # None at start; set on a SIGHUP
        self.rebuilder = Rebuilder(config, self.addresses)
        if previous is not None:
            self.rebuilder.adopt(previous)
        self.rebuilder.db.log_failures = False
        self.wait = wait_exponential_jitter(multiplier=config.service.retry_initial, max=config.service.retry_max,
                                            jitter=config.service.retry_initial)
        self.state.poll_interval = config.service.poll_interval
        self.state.stale_warning = config.service.stale_warning
        self.state.progress_timeout = config.service.progress_timeout

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def serve(self) -> int:
        """Run until stopped; returns the process exit code (0, or 2 when this host turns out to be master)."""
        try:
            self.startup()
            await self.iteration()
            self.notifier.ready(self.status_line())
            self.notifier.iteration_completed()
            log.info("service.started", pid=self.state.pid, role=self.state.role,
                     poll_interval=self.config.service.poll_interval,
                     watchdog_interval=self.notifier.watchdog_interval)
            bound = longest_iteration(self.config)
            if self.notifier.watchdog_interval is not None and 2 * self.notifier.watchdog_interval < bound:
                log.warning("service.watchdog_too_short", watchdog_sec=2 * self.notifier.watchdog_interval,
                            longest_iteration_sec=round(bound), detail="raise WatchdogSec or lower the timeouts")
            await self.main_loop()
            return 0
        except MasterRoleError as exc:
            log.error("service.refused", error=str(exc))
            return 2
        finally:
            await self.shutdown()

    def startup(self) -> None:
        """Install signal handlers and fix the role if the configuration already tells it."""
        if self.handle_signals:
            loop = asyncio.get_running_loop()
            for sig in STOP_SIGNALS:
                loop.add_signal_handler(sig, self.stop.set)
            loop.add_signal_handler(signal.SIGHUP, self.reload.set)
        self._check_configured_role()

    def _check_configured_role(self) -> None:
        if self.config.role == "master":
            raise MasterRoleError(f"this host is the ProvHA master (role from {self.config.role_source})")
        if self.config.role == "slave":
            self.state.role, self.state.role_detail = "slave", f"from {self.config.role_source}"

    async def main_loop(self) -> None:
        """Iterate until asked to stop; the watchdog hears of every completed iteration."""
        while not self.stop.is_set():
            await self._sleep_until_next_poll()
            if self.stop.is_set():
                break
            if self.reload.is_set():
                self.reload.clear()
                self.reconfigure()
            task = asyncio.ensure_future(self.iteration())
            stopper = asyncio.ensure_future(self.stop.wait())
            await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not task.done():
                # A stop during a rebuild: let the swap in flight finish, within a bound.
                try:
                    await asyncio.wait_for(task, self.config.service.shutdown_timeout)
                except TimeoutError:
                    log.error("service.iteration_abandoned", timeout=self.config.service.shutdown_timeout)
                    break
            task.result()
            self.notifier.iteration_completed()

    async def _sleep_until_next_poll(self) -> None:
        # Drift-free: the next poll is one interval after the last one started, not after it ended.
        delay = max(0.0, self.iteration_started + self.config.service.poll_interval - time.monotonic())
        if self.failures:
            delay = max(0.0, self.retry_at - time.monotonic())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake(), delay)

    async def _wake(self) -> None:
        stop = asyncio.ensure_future(self.stop.wait())
        reload = asyncio.ensure_future(self.reload.wait())
        try:
            await asyncio.wait({stop, reload}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            reload.cancel()

    async def shutdown(self) -> None:
        """STOPPING=1, drop the connection, remove the state file, restore signal handlers."""
        self.notifier.stopping()
        self.notifier.close()
        if self.session is not None:
            self.session.close()
            self.session = None
        remove(self.config.service.state_file)
        if self.handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (*STOP_SIGNALS, signal.SIGHUP):
                loop.remove_signal_handler(sig)
        log.info("service.stopped", iterations=self.iterations)

    def reconfigure(self) -> None:
        """SIGHUP: re-read the configuration; a bad one is rejected and the old one kept."""
        self.notifier.reloading()
        try:
            config = load_config(self.config_path)
            if config.role == "master":
                raise ConfigError(f"role: this host would be the master (from {config.role_source})")
        except ConfigError as exc:
            log.error("config.reload_rejected", error=str(exc))
        else:
            if self.session is not None:
                self.session.close()
                self.session = None
            self._apply_config(config)
            self.next_full = float("-inf")  # new settings: rebuild everything once
            log.info("config.reloaded", source=str(config.source))
        self.notifier.ready(self.status_line())

    # -- one iteration ---------------------------------------------------------------------------------------

    async def iteration(self) -> None:
        """Poll, and rebuild when due; every error of a dependency is handled here."""
        self.iterations += 1
        now = time.monotonic()
        self.iteration_started = now
        try:
            if self.failures and now < self.retry_at:
                return  # woken early (SIGHUP) while backing off
            poll = await self._poll(now)
            if self._rebuild_due(now, poll):
                await self._rebuild(now)
            self._db_ok()
        except (DatabaseError, SchemaError) as exc:
            self._db_failed(exc, now)
        finally:
            self.state.last_iteration = time.time()
            self.state.pending = sorted(self.pending.tables)
            with contextlib.suppress(OSError):
                self.state.write(self.config.service.state_file)
            self.notifier.status(self.status_line())

    async def _poll(self, now: float) -> Poll:
        if self.session is None:
            reconnect = self.detector is not None
            self.session = await self.rebuilder.db.open_session()
            tables = table_names(self.session.schema)
            if reconnect:
                # A fresh detector only takes a baseline: whatever changed while we were away (or just before the
                # connection dropped) would go unseen. A full rebuild compares everything instead.
                self.next_full = float("-inf")
            self.detector = ChangeDetector(tables, self.session.schema, self.config.service.full_check_interval)
            scanned = unindexed(tables, self.session.schema)
            if scanned and not reconnect:  # once per start: advice, not an error
                log.info("poll.updated_at_unindexed", tables=scanned,
                         advice="while the master writes these tables (modem status), each poll scans them; "
                                "README, deployment step 8: ALTER TABLE <table> ADD INDEX <table>_updated_at "
                                "(updated_at) on the master")
            await self._resolve_role_from_db()
        if self.detector is None:  # pragma: no cover -- set together with the session above
            raise DatabaseError("no change detector for the open session")
        try:
            scanner = self.session.scanner
            poll = await self.detector.poll(self.session.query, now, scanner.query if scanner else None)
            self.session.check_ready(poll.status)
        except (DatabaseError, SchemaError):
            self.session.close()
            self.session = None
            raise
        if self.detector.split_at and self.session.scanner is None and not self.session.scanner_refused:
            await self._open_scanner(self.session, sorted(self.detector.split_at))
        self.state.last_poll_ok = time.time()
        if self.config.tftp.enabled:
            files = file_signature(self.config.tftp.dir, self.config.tftp.key_path)
            if self.files_seen is not None and files != self.files_seen:
                poll.changed.add("files")  # the master's rsync brought a new keyfile, firmware or CVC
            self.files_seen = files
        if poll.changed:
            log.debug("changes.seen", tables=sorted(poll.changed))
            relevant = {t for t in poll.changed if t in self.dependencies}
            if relevant:
                self.pending.add(relevant, now)
            if "provha" in poll.changed:
                await self._resolve_role_from_db()
        return poll

    async def _open_scanner(self, session: Session, tables: list[str]) -> None:
        """The second connection for split scans, once a large table without an updated_at index qualifies; if
        the node refuses it (a per-user connection limit), polls scan that table in one statement instead."""
        try:
            await session.open_scanner()
        except DatabaseError as exc:
            log.warning("poll.scan_connection_failed", node=session.node, reason=str(exc),
                        effect="large tables without an updated_at index are scanned in one statement")
            return
        log.info("poll.scan_connection_opened", node=session.node, tables=tables)

    async def _resolve_role_from_db(self) -> None:
        """With no role configured, judge it from provha.master/slaves as NMS Prime does."""
        if self.config.role is not None or self.session is None:
            return
        rows = await self.session.query(
            f"SELECT master, slaves FROM provha WHERE {self.session.schema.live('provha')} ORDER BY id LIMIT 1"
        ) if self.session.schema.has_table("provha") else []
        provha = None
        if rows:
            master, slaves = rows[0]
            provha = ProvHA(str(master or ""), tuple(s for s in str(slaves or "").replace(" ", "").split(",") if s),
                            None, None, None)
        role, detail = decide_role(self.config, provha, self.addresses)
        if provha is None and self.state.role == "slave" and self.rebuilder.last_pair is not None:
            # a moment without a provha row (a re-seed, a restore): keep the role and pair last read
            role, detail = "slave", "no provha row now; the last one read made this host the slave"
        if (role, detail) != (self.state.role, self.state.role_detail):
            log.info("role.decided", role=role, detail=detail)
        self.state.role, self.state.role_detail = role, detail
        if role == "master":
            raise MasterRoleError(f"this host is the ProvHA master ({detail})")

    def _rebuild_due(self, now: float, poll: Poll) -> bool:
        if self.state.role != "slave":
            return False
        svc = self.config.service
        due = now >= self.next_full
        if self.pending.first is not None and self.pending.last is not None:
            quiet = not poll.changed and now - self.pending.last >= svc.quiet - 1e-3
            due = due or quiet or now - self.pending.first >= svc.max_wait
        if self.deferred:
            due = due or self._restart_allowed(now)
        return due and (self.detector is None or self.detector.settled(poll.db_now))

    def _restart_allowed(self, now: float) -> bool:
        return self.last_restart is None or now - self.last_restart >= self.config.service.min_restart_interval

    async def _rebuild(self, now: float) -> None:
        trigger = sorted(self.pending.tables) or (["deferred"] if self.deferred else ["periodic"])
        started = time.perf_counter()
        force, self.force_next = self.force_next, False
        result: RebuildResult | None = None
        outcome, error = "ok", ""
        try:
            # A periodic or first rebuild compares every TFTP file with the disk; a change-driven one trusts what
            # this process wrote and re-encodes only the devices whose inputs changed.
            result = await self.rebuilder.rebuild(force=force, allow_restart=self._restart_allowed(now),
                                                  attempts=1, full=now >= self.next_full)
        except ValidationError as exc:
            outcome, error = "rejected", f"{exc}: {exc.output}"
        except RestartError as exc:
            outcome, error = "restart_failed", str(exc)
            self.last_restart = time.monotonic()
        except RefusedError as exc:
            outcome, error = "refused", str(exc)
        except MasterRoleError:
            raise
        except RoleError as exc:
            # the role itself is the configuration's or the polls' to decide (_resolve_role_from_db), never a
            # rebuild's: a configured slave, or one whose provha row comes back, rebuilds again
            outcome, error = "error", str(exc)
        except ProvhaError as exc:
            if isinstance(exc, DatabaseError | SchemaError):
                raise
            outcome, error = "error", str(exc)
        seconds = time.perf_counter() - started

        self.state.last_rebuild = time.time()
        self.pending.clear()
        self.deferred = bool(result and result.deferred)
        if result is not None:
            outcome = "deferred" if result.deferred else ("skipped_rows" if result.skipped else "ok")
            self.state.counts = {**result.counts, "files_changed": len(result.written) + len(result.removed),
                                 **{f"tftp_{k}": v for k, v in result.tftp.items()}}
            self.dependencies = dependencies(result.multiple_provisioning_systems, self.config.tftp.enabled)
            self.next_full = time.monotonic() + rebuild_interval(self.config.service.rebuild_interval,
                                                                 result.rebuild_interval)
            if result.restarted:
                self.last_restart = time.monotonic()
                self.state.last_restart = time.time()
                self.state.last_restart_seconds = result.restart_seconds
        self.state.last_result, self.state.last_error = outcome, error
        fields = result.summary() if result is not None else {}
        fields.update(trigger=trigger, result=outcome, total_ms=round(seconds * 1000, 1))
        if error:
            log.error("rebuild.done", error=error, **fields)
        else:
            log.info("rebuild.done", **fields)

    # -- database health -------------------------------------------------------------------------------------

    def _db_ok(self) -> None:
        if self.failures or self.state.db != "ok":
            log.info("db.back" if self.state.db in ("stale", "not_synced") else "db.ok",
                     node=self.session.node if self.session else "", after_failures=self.failures)
            self.state.db, self.state.db_since, self.state.db_error = "ok", time.time(), ""
        self.state.db_node = self.session.node if self.session else self.state.db_node
        self.failures = 0

    def _db_failed(self, exc: ProvhaError, now: float) -> None:
        kind = "not_synced" if isinstance(exc, DatabaseNotReadyError) else "stale"
        if self.state.db != kind:
            log.warning("db.not_synced" if kind == "not_synced" else "db.lost", error=str(exc),
                        files="kept at the last good generation")
            self.state.db, self.state.db_since = kind, time.time()
        self.state.db_error = str(exc)
        if self.session is not None:
            self.session.close()
            self.session = None
        self.failures += 1
        retry = RetryCallState(None, None, (), {})  # type: ignore[arg-type]
        retry.attempt_number = self.failures
        self.retry_at = now + float(self.wait(retry))

    # -- reporting -------------------------------------------------------------------------------------------

    def status_line(self) -> str:
        """The one-line STATUS= for systemctl status."""
        s = self.state
        now = time.time()
        db = f"db ok ({s.db_node})" if s.db == "ok" else f"db {s.db.replace('_', ' ')} for {now - s.db_since:.0f}s"
        if s.role == "slave":
            role = "slave"
        elif s.db == "ok":
            role = f"role {s.role}: {s.role_detail}"
        else:
            role = f"role {s.role}, waiting for database"
        parts = [role, db]
        if s.last_poll_ok:
            parts.append("poll " + time.strftime("%H:%M:%S", time.localtime(s.last_poll_ok)))
        if s.last_rebuild:
            rebuilt = f"rebuild {time.strftime('%H:%M:%S', time.localtime(s.last_rebuild))} {s.last_result}"
            if s.counts:
                rebuilt += f" ({s.counts.get('modems', 0)} modems, {s.counts.get('skipped', 0)} skipped"
                if "tftp_devices" in s.counts:
                    rebuilt += f", {s.counts['tftp_devices']} configs, {s.counts.get('tftp_errors', 0)} failed"
                rebuilt += ")"
            parts.append(rebuilt)
        if s.last_restart and s.last_restart_seconds is not None:
            parts.append(f"dhcpd restart {time.strftime('%H:%M:%S', time.localtime(s.last_restart))} "
                         f"({s.last_restart_seconds:.1f}s)")
        if self.pending.tables or self.deferred:
            parts.append("pending " + ",".join(sorted(self.pending.tables) or ["restart"]))
        return " | ".join(parts)
