"""The service: startup → main loop → shutdown, on top of the ``--once`` rebuild.

Each iteration reads the clock once, polls (``poller``), asks the scheduler whether to rebuild, rebuilds
(``rebuild``) and tells the scheduler how it went; it ends with success or a handled error, and only then is the
watchdog pinged. Signal handlers only set events: SIGTERM/SIGINT stop (after the iteration in flight, bounded),
SIGHUP re-reads the configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable
from pathlib import Path

import structlog

from provha_daemon.config import Config, load_config
from provha_daemon.db import DIRTY_EFFECT
from provha_daemon.errors import (
    ConfigError,
    DatabaseError,
    DatabaseNotReadyError,
    DropGuardError,
    MasterRoleError,
    ProvhaError,
    RejectedError,
    RestartError,
    SchemaError,
)
from provha_daemon.health import remove
from provha_daemon.notify import Notifier
from provha_daemon.poller import Poller
from provha_daemon.rebuild import Rebuilder, RebuildResult
from provha_daemon.roles import Roles, local_addresses
from provha_daemon.scheduler import Decision, Outcome, Scheduler, local_utc_offset
from provha_daemon.stages import STAGES

log = structlog.get_logger("provha_daemon.daemon")

# SIGTERM (systemctl stop) and SIGINT (Ctrl-C) stop gracefully; SIGHUP (systemctl reload) re-reads the config.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Clock:
    """The two clocks the service reads: monotonic for decisions, wall for what it reports."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time) -> None:
        self.monotonic, self.wall = monotonic, wall


def longest_iteration(config: Config) -> float:
    """The longest a legitimate loop iteration can take with these timeouts; WatchdogSec must be above it."""
    db = config.database
    read = len(db.hosts) * (db.connect_timeout + 1 + 2 * db.query_timeout)
    # the stages apply concurrently: the slowest one bounds the rebuild
    return read + max(stage.longest(config) for stage in STAGES)


def outcome_of(exc: ProvhaError) -> str:
    """The state file's and the summary line's word for a rebuild that raised ``exc``."""
    if isinstance(exc, RejectedError):
        return "rejected"
    if isinstance(exc, RestartError):
        return "restart_failed"
    if isinstance(exc, DropGuardError):
        return "refused"
    return "error"


class Service:
    """The long-running slave service for one configuration file."""

    def __init__(
        self,
        config: Config,
        config_path: Path | None,
        *,
        force: bool = False,
        notifier: Notifier | None = None,
        handle_signals: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.config_path = config_path
        self.notifier = notifier or Notifier()
        self.handle_signals = handle_signals
        self.clock = clock or Clock()
        self.force_next = force
        self.stop = asyncio.Event()
        self.reload = asyncio.Event()
        self.addresses = local_addresses()
        self.roles = Roles(config, self.addresses)
        self.scheduler = Scheduler(config.service)
        self.iterations = 0
        self._apply_config(config, None)

    def _apply_config(self, config: Config, previous: Rebuilder | None) -> None:
        self.config = config
        self.roles.reconfigured(config)
        self.rebuilder = Rebuilder(config, self.addresses, self.roles)
        if previous is not None:
            self.rebuilder.adopt(previous)
        self.rebuilder.db.log_failures = False
        if previous is None:
            self.poller = Poller(config, self.rebuilder.db, self.roles)
        else:
            self.poller.reconfigure(config, self.rebuilder.db)
        # dhcpd's time-offset follows the host's time zone unless one is configured
        self.scheduler.configure(config.service, local_utc_offset if config.dhcp.time_offset is None else None)

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def serve(self) -> int:
        """Run until stopped; returns the process exit code (0, or 2 when this host turns out to be master)."""
        try:
            self.startup()
            await self.iteration(self.clock.monotonic(), self.clock.wall())
            self.notifier.ready(self.scheduler.status_line(self.clock.wall()))
            self.notifier.iteration_completed()
            log.info(
                "service.started",
                pid=self.scheduler.state.pid,
                role=self.roles.role,
                poll_interval=self.config.service.poll_interval,
                watchdog_interval=self.notifier.watchdog_interval,
            )
            bound = longest_iteration(self.config)
            if self.notifier.watchdog_interval is not None and 2 * self.notifier.watchdog_interval < bound:
                log.warning(
                    "service.watchdog_too_short",
                    watchdog_sec=2 * self.notifier.watchdog_interval,
                    longest_iteration_sec=round(bound),
                    detail="raise WatchdogSec or lower the timeouts",
                )
            upkeep = asyncio.create_task(self._upkeep())
            try:
                await self.main_loop()
            finally:
                upkeep.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await upkeep
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
        self.roles.configured()
        self._sync_role()

    async def main_loop(self) -> None:
        """Iterate until asked to stop; the watchdog hears of every completed iteration."""
        while not self.stop.is_set():
            await self._sleep(self.scheduler.next_poll() - self.clock.monotonic())
            if self.stop.is_set():
                break
            if self.reload.is_set():
                self.reload.clear()
                self.reconfigure()
            task = asyncio.ensure_future(self.iteration(self.clock.monotonic(), self.clock.wall()))
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

    async def _upkeep(self) -> None:
        """The stages' upkeep between rebuilds (the DNS zone sync) every poll interval, database or not: beside the
        loop, so a slow zone transfer never holds up a poll or the watchdog."""
        while True:
            await self.rebuilder.tend()
            self.scheduler.state.facts = self.rebuilder.facts()
            await asyncio.sleep(self.config.service.poll_interval)

    async def _sleep(self, delay: float) -> None:
        """Until the next poll is due, or a stop or a reload comes first."""
        stop = asyncio.ensure_future(self.stop.wait())
        reload = asyncio.ensure_future(self.reload.wait())
        try:
            await asyncio.wait({stop, reload}, timeout=max(0.0, delay), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            reload.cancel()

    async def shutdown(self) -> None:
        """STOPPING=1, drop the connection, remove the state file, restore signal handlers."""
        self.notifier.stopping()
        self.notifier.close()
        self.poller.close()
        remove(self.config.service.state_file)
        if self.handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (*STOP_SIGNALS, signal.SIGHUP):
                with contextlib.suppress(RuntimeError):
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
            self._apply_config(config, self.rebuilder)  # new settings: everything is rebuilt once
            log.info("config.reloaded", source=str(config.source))
        self.notifier.ready(self.scheduler.status_line(self.clock.wall()))

    # -- one iteration ---------------------------------------------------------------------------------------

    async def iteration(self, now: float, wall: float) -> None:
        """Poll, and rebuild when the scheduler says so; every error of a dependency is handled here."""
        self.iterations += 1
        scheduler = self.scheduler
        try:
            if not scheduler.begin(now):
                return  # woken early (SIGHUP) while backing off
            seen = await self.poller.poll(now)
            self._sync_role()
            if seen.reconnected:
                scheduler.reconnected()
            scheduler.state.last_poll_ok = wall
            scheduler.changes(seen.relevant, now)
            decision = scheduler.decide(now, changed=bool(seen.changed), settled=seen.settled, wall=wall)
            if decision is not None:
                await self._rebuild(decision, now, wall)
            failures = scheduler.failures
            event = scheduler.db_ok(self.poller.node, wall, seen.dirty)
            if event == "db.dirty_reads":
                log.warning(event, node=self.poller.node, reason=seen.dirty, effect=DIRTY_EFFECT)
            elif event:
                log.info(event, node=self.poller.node, after_failures=failures)
        except (DatabaseError, SchemaError) as exc:
            self._sync_role()
            self.poller.close()
            event = scheduler.db_failed(isinstance(exc, DatabaseNotReadyError), str(exc), now, wall)
            if event:
                log.warning(event, error=str(exc), files="kept at the last good generation")
        finally:
            self._write_state(wall)

    def _sync_role(self) -> None:
        self.scheduler.state.role, self.scheduler.state.role_detail = self.roles.role, self.roles.detail

    def _write_state(self, wall: float) -> None:
        state = self.scheduler.state
        state.last_iteration = wall
        state.pending = sorted(self.scheduler.pending.tables)
        with contextlib.suppress(OSError):
            state.write(self.config.service.state_file)
        self.notifier.status(self.scheduler.status_line(wall))

    async def _rebuild(self, decision: Decision, now: float, wall: float) -> None:
        started = self.clock.monotonic()  # the poll before took a moment
        force, self.force_next = self.force_next, False
        result: RebuildResult | None = None
        outcome, error = "ok", ""
        try:
            # A periodic or first rebuild compares every TFTP file with the disk; a change-driven one trusts what
            # this process wrote and re-encodes only the devices whose inputs changed.
            result = await self.rebuilder.rebuild(
                force=force, allow_restart=decision.allow_restart, attempts=1, full=decision.full
            )
        except (MasterRoleError, DatabaseError, SchemaError):
            raise
        except ProvhaError as exc:
            # a RoleError too: the role itself is the configuration's or the polls' to decide, never a rebuild's
            outcome, error = outcome_of(exc), str(exc)
            if isinstance(exc, RejectedError):
                error = f"{exc}: {exc.output}"
        elapsed = self.clock.monotonic() - started

        counts: dict[str, int] | None = None
        if result is not None:
            outcome = "deferred" if result.deferred else ("skipped_rows" if result.skipped else "ok")
            counts = result.state_counts()
            self.poller.follow(result.multiple_provisioning_systems)
        self.scheduler.rebuilt(
            started,
            wall + (started - now),
            Outcome(
                outcome,
                elapsed,
                error,
                counts,
                restarted=bool(result and result.restarted),
                restart_seconds=result.restart_seconds if result else None,
                db_interval=result.rebuild_interval if result else None,
            ),
        )
        fields = result.summary() if result is not None else {}
        fields.update(trigger=decision.trigger, result=outcome, total_ms=round(elapsed * 1000, 1))
        if error:
            log.error("rebuild.done", error=error, **fields)
        else:
            log.info("rebuild.done", **fields)
