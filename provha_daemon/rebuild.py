"""One rebuild: snapshot read → host rules → every stage rendered → applied stage by stage (→ rolled back).

``Rebuilder.rebuild()`` returns a ``RebuildResult`` or raises the typed error that says why live files were left
alone. The rules between stages live here and only here: a refusal stops every stage; a bad provbase column stops
the stages that render from it; stages apply concurrently, and one swaps only after those in its ``swap_after``
swapped theirs (and not at all when one of them failed); a stage that would restart its service waits for the
restart pacing; each service is activated once per rebuild (once more after a rollback).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TypeVar

import structlog

from provha_daemon.collector import collector_paused
from provha_daemon.config import Config
from provha_daemon.db import Database, Snapshot
from provha_daemon.errors import RestartError, RowError
from provha_daemon.failures import ROW, Failures
from provha_daemon.hosts import drop_duplicate_macs, live_host_macs
from provha_daemon.roles import Roles, local_addresses
from provha_daemon.stages import STAGES, Action, DhcpStage, RebuildResult, Run, Stage

__all__ = ["RebuildResult", "Rebuilder"]

log = structlog.get_logger("provha_daemon.rebuild")

S = TypeVar("S", bound=Stage)


class Rebuilder:
    """Runs rebuilds for one frozen config, through the registered stages."""

    def __init__(
        self,
        config: Config,
        addresses: frozenset[str] | None = None,
        roles: Roles | None = None,
        stages: Sequence[type[Stage]] = STAGES,
    ) -> None:
        self.config = config
        self.addresses = local_addresses() if addresses is None else addresses
        self.roles = roles or Roles(config, self.addresses)
        self.db = Database(config.database, self.addresses)
        self.stages: tuple[Stage, ...] = tuple(stage(config) for stage in stages)
        self.row_failures = Failures(ROW)  # skipped rows: a repeating one is logged when it starts, changes or ends

    def stage(self, kind: type[S]) -> S:
        """This rebuilder's stage of that class."""
        return next(s for s in self.stages if isinstance(s, kind))

    @property
    def dhcp(self) -> DhcpStage:
        """The DHCP stage (its live host files are what the one-host-per-MAC rule is judged against)."""
        return self.stage(DhcpStage)

    def _live_host_macs(self) -> dict[str, str]:
        dhcp = next((s for s in self.stages if isinstance(s, DhcpStage)), None)
        return live_host_macs(dhcp.live_files()) if dhcp is not None else {}

    def adopt(self, previous: Rebuilder) -> None:
        """Keep what a previous Rebuilder of this process knows (SIGHUP): each stage's, the rows' failures."""
        for stage in self.stages:
            stage.adopt(previous.stage(type(stage)))
        self.row_failures = previous.row_failures

    async def tend(self) -> None:
        """Every stage's upkeep between rebuilds (``Stage.tend``)."""
        for stage in self.stages:
            await stage.tend()

    def facts(self) -> dict[str, str]:
        """Every stage's facts of its service (``Stage.facts``)."""
        return {k: v for stage in self.stages for k, v in stage.facts().items()}

    async def read(self, attempts: int = 3, max_seconds: float | None = None) -> Snapshot:
        """One snapshot, retried a few times within a bounded time."""
        limit = max_seconds if max_seconds is not None else self.config.database.connect_timeout * 2 + 2
        return await self.db.read_with_retry(attempts, limit, tftp=self.config.tftp.enabled)

    async def rebuild(
        self,
        *,
        dry_run: bool = False,
        force: bool = False,
        allow_restart: bool = True,
        attempts: int = 3,
        full: bool = True,
    ) -> RebuildResult:
        """One rebuild of every stage.

        ``allow_restart`` False (the service's restart pacing) renders and compares but, if a disruptive stage's
        inputs changed, leaves it as it is and marks the result ``deferred``: swap and restart are one step.
        ``full`` compares every file with the disk, not only what this process wrote.
        """
        with collector_paused():
            started = time.perf_counter()
            snapshot = await self.read(attempts)
            return await self.apply(
                snapshot, dry_run=dry_run, force=force, allow_restart=allow_restart, full=full, started=started
            )

    async def apply(
        self,
        snapshot: Snapshot,
        *,
        dry_run: bool = False,
        force: bool = False,
        allow_restart: bool = True,
        full: bool = True,
        stages: Sequence[str] | None = None,
        started: float | None = None,
    ) -> RebuildResult:
        """The rebuild of an already read ``snapshot`` (``stages``: only those, by name; ``started``: the
        ``perf_counter`` reading before the snapshot was read, for its duration)."""
        started = time.perf_counter() if started is None else started
        result = RebuildResult()
        plant = snapshot.plant
        result.rebuild_interval = plant.provha.rebuild_interval if plant.provha else None
        result.multiple_provisioning_systems = plant.provbase.multiple_provisioning_systems
        # two hosts with one MAC: keep the one the live files have (judged against them, so --once and the
        # service decide alike); the device left out gets no config either
        drop_duplicate_macs(plant, self._live_host_macs)
        result.node, result.counts, result.skipped = snapshot.node, plant.counts(), list(plant.skipped)
        result.dirty = snapshot.dirty
        result.durations["db"] = time.perf_counter() - started
        run = Run(plant, self.roles, result, full=full, force=force, allow_restart=allow_restart, dry_run=dry_run)
        rows = self.row_failures
        rows.begin()
        for skipped in plant.skipped:
            rows.failed((skipped.table, skipped.id), skipped.reason, skipped.id)
        rows.finish(unseen_recovered=True)

        rendered: list[Stage] = []
        refused: list[RowError] = []
        try:
            for stage in self.stages:
                if not stage.wanted(plant) or (stages is not None and stage.name not in stages):
                    continue
                try:
                    plant.provbase.require(stage.provbase)
                    if plant.provha is not None:
                        plant.provha.require(stage.provha)
                except RowError as exc:  # this stage's live files stay; the others are still brought up to date
                    refused.append(exc)
                    continue
                rendered.append(stage)
                stage.render(run)

            if dry_run:
                for stage in rendered:
                    diff = await stage.dry_run(run)
                    if diff is not None:
                        result.diff = (result.diff or "") + diff
            elif rendered:
                await self._apply(rendered, run)
        finally:
            for stage in rendered:
                stage.release()
        if refused:
            raise refused[0]
        return result

    async def _apply(self, stages: list[Stage], run: Run) -> None:
        """Every stage at once; the first stage's error (in registration order) is raised, the others logged."""
        tasks: dict[str, asyncio.Task[None]] = {}
        for stage in stages:
            tasks[stage.name] = asyncio.create_task(self._stage(stage, run, tasks))
        await asyncio.wait(tasks.values())
        errors = [(name, task.exception()) for name, task in tasks.items() if not task.cancelled()]
        raised = next((exc for _, exc in errors if exc is not None), None)
        for name, exc in errors:
            if exc is not None and exc is not raised:
                log.warning(f"{name}.stage_failed", error=str(exc))
        if raised is not None:
            raise raised

    async def _stage(self, stage: Stage, run: Run, tasks: dict[str, asyncio.Task[None]]) -> None:
        with stage.locked():
            action = stage.plan(run)
            if action is Action.NONE:
                return
            if stage.disruptive and not run.allow_restart:
                # swap and restart are one step; a crashed run's pending restart waits as well
                run.result.deferred = action is Action.SWAP
                return
            await stage.validate(run)
            if action is Action.SWAP:
                for name in stage.swap_after:
                    if name in tasks:
                        await tasks[name]  # its failure is this stage's too: nothing is swapped
                await stage.swap(run)
            await self._activate(stage, action, run)

    async def _activate(self, stage: Stage, action: Action, run: Run) -> None:
        """Activate the stage's service; when that fails, put the previous generation back and activate it."""
        done = await stage.activate(run)
        if done is None or done.ok:
            if done is not None and action is Action.ACTIVATE:
                log.info(f"{stage.name}.pending_restart_done")
            return
        if action is Action.ACTIVATE:
            raise RestartError(
                f"{stage.service} {stage.activation} for the set a crashed run swapped in failed ({done.describe()})",
                done.output,
                rolled_back=False,
            )
        log.error(f"{stage.name}.restart_failed", command=done.describe(), output=done.output.strip()[-2000:])
        restored, removed = stage.rollback(run)
        again = await stage.activate(run)
        failed_again = "" if again is None or again.ok else f"failed too: {again.describe()}"
        log.warning(f"{stage.name}.rolled_back", restored=restored, removed=removed, restart_ok=not failed_again)
        raise RestartError(
            f"{stage.service} {stage.activation} failed ({done.describe()}); previous generation restored, "
            f"{stage.activation} after rollback {failed_again or 'succeeded'}",
            done.output,
        )
