"""The time stage: chrony's sources and NTP access for the plant, applied without ever restarting chronyd.

Two files, each in a directory chrony reads: the access file (``allow`` lines) in its ``confdir`` and the
sources file (``server`` lines) in its ``sourcedir``. Both are checked with ``chronyd -p -f`` before the swap.
A restart would cost chrony its synchronisation (and the CMTSs and modems their time source for minutes), so
activating is one ``chronyc -m`` run: ``deny`` for each network no longer in the file, ``allow`` for each one in
it, and ``reload sources`` (chrony keeps every unchanged source and its state). The files make the same state
at chronyd's next start. RFC 868 for the modems is served apart, by ``provha-time`` (``timeserver``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import structlog

from provha_daemon.apply import Ownership, Plan, Target, locked_together, restore_together, swap_together
from provha_daemon.artifact import Artifact
from provha_daemon.config import Config
from provha_daemon.errors import ApplyError, RejectedError
from provha_daemon.records import Plant
from provha_daemon.render.time import TimeRender, TimeSettings, allowed_networks, render_time
from provha_daemon.services import CommandResult
from provha_daemon.services import run as run_command
from provha_daemon.stages.base import Action, Run, Stage, installed

log = structlog.get_logger("provha_daemon.stages.time")

# chronyc's words for "no chronyd to talk to" (no socket file; no answer): the files wait for its next start
_UNREACHABLE = ("Could not open connection to daemon", "506 Cannot talk to daemon")


class TimeStage(Stage):
    """chrony's access file (confdir) and sources file (sourcedir)."""

    name = "time"
    service = "chronyd"
    activation = "runtime update"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        t = config.time
        owner = Ownership.for_group(None)
        self.access = Target(t.chrony_conf.parent, (t.chrony_conf.name,), owner)
        self.sources = Target(t.chrony_sources.parent, (t.chrony_sources.name,), owner)
        self.told: set[str] = set()  # networks this process allowed at runtime: denied again once gone
        self.rendered: TimeRender | None = None
        self.plans: list[tuple[Target, Plan]] = []
        self.swapped: list[Target] = []
        self.missing_logged = False

    @property
    def targets(self) -> tuple[Target, Target]:
        """The access and the sources target, in the order they are swapped."""
        return self.access, self.sources

    def wanted(self, plant: Plant) -> bool:
        if not self.config.time.enabled:
            return False
        # a slave without chrony serves no NTP: its DHCP and TFTP files must not wait for a validator it lacks
        if not installed(self.config.time.chronyd):
            if not self.missing_logged:
                log.warning("time.chronyd_missing", chronyd=self.config.time.chronyd, detail="time stage skipped")
                self.missing_logged = True
            return False
        return True

    def adopt(self, previous: Stage) -> None:
        if isinstance(previous, TimeStage):
            self.told = previous.told

    @classmethod
    def longest(cls, config: Config) -> float:
        # chronyd -p per file, then chronyc, and chronyc again after a rollback
        return 4 * config.time.timeout

    def render(self, run: Run) -> None:
        t = self.config.time
        pair = run.roles.pair(run.plant.provha)
        self.rendered = render_time(
            run.plant, TimeSettings(t.chrony_conf.name, t.chrony_sources.name, pair.peer_ip, t.servers)
        )
        for event, fields in self.rendered.warnings:
            log.warning(event, **fields)

    def _artifacts(self, target: Target) -> list[Artifact]:
        if self.rendered is None:
            raise RuntimeError("the time stage was not rendered")
        return [self.rendered.access if target is self.access else self.rendered.sources]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        for target in self.targets:
            # chronyd reads the sources file after it dropped its privileges: a directory made here is world-readable
            # whatever the umask (Target would make it 2750, as for dhcpd's secrets)
            if not target.directory.is_dir():
                try:
                    target.directory.mkdir(parents=True)
                    target.directory.chmod(0o755)
                except OSError as exc:
                    raise ApplyError(f"cannot create {target.directory}: {exc.strerror or exc}") from exc
        with locked_together(self.targets):
            yield

    def plan(self, run: Run) -> Action:
        self.plans = [(t, t.plan(self._artifacts(t))) for t in self.targets]
        if any(p.changed for _, p in self.plans):
            return Action.SWAP
        # a run swapped the files and died before chronyd was told
        return Action.ACTIVATE if self.access.restart_pending() else Action.NONE

    async def validate(self, run: Run) -> None:
        timer = time.perf_counter()
        try:
            for target in self.targets:
                await self._chronyd_p(target, target.stage(self._artifacts(target)))
        finally:
            for target in self.targets:
                target.unstage()
        run.result.durations["time_validate"] = time.perf_counter() - timer

    async def _chronyd_p(self, target: Target, staging: Path) -> None:
        """``chronyd -p -f`` on the target's staged file: chrony's own parser (syntax only; the values are ours)."""
        t = self.config.time
        for artifact in self._artifacts(target):
            result = await run_command([t.chronyd, "-p", "-f", str(staging / artifact.path)], t.timeout)
            if not result.ok:
                output = result.output.replace(str(staging), str(target.directory))
                raise RejectedError(
                    f"chronyd -p rejected the staged {target.directory / artifact.path} ({result.describe()})", output
                )

    async def swap(self, run: Run) -> None:
        timer = time.perf_counter()
        self.access.mark_restart_pending()
        self.swapped, done = swap_together(self.plans)  # chrony never reads a mixed pair
        run.result.written += done.written
        run.result.removed += done.removed
        run.result.durations["time_swap"] = time.perf_counter() - timer
        log.info("time.swapped", written=[str(t.directory) for t in self.swapped])

    async def activate(self, run: Run) -> CommandResult | None:
        """Tell chronyd the live files: deny what went, allow what is there, reload the sources."""
        t = self.config.time
        live = allowed_networks(self.access.live_bytes(t.chrony_conf.name) or b"")
        # the file before the last swap (after a crash between swap and this, too): what may still be allowed
        before = allowed_networks(_read(self.access.previous / t.chrony_conf.name))
        gone = sorted((before | self.told) - live)
        commands = [*(f"deny {n}" for n in gone), *(f"allow {n}" for n in sorted(live)), "reload sources"]
        self.told |= live
        timer = time.perf_counter()
        result = await run_command([*t.chronyc, "-m", *commands], t.timeout)
        run.result.durations["time_activate"] = time.perf_counter() - timer
        # the log names the count, not hundreds of networks
        result = dataclasses.replace(result, argv=(*t.chronyc, "-m", f"<{len(commands)} commands>"))
        if not result.ok and any(m in result.output for m in _UNREACHABLE):
            # no chronyd to tell: it reads these files when it starts; the next rebuild tells it again
            log.warning("time.chronyd_unreachable", command=result.describe(), output=result.output.strip())
            return None
        if result.ok:
            self.told -= set(gone)
            self.access.clear_restart_pending()
            log.info("time.applied", allowed=len(live), denied=gone)
        return result

    def rollback(self, run: Run) -> tuple[list[str], list[str]]:
        back, self.swapped = restore_together(self.swapped), []
        return back.written, back.removed

    async def dry_run(self, run: Run) -> str | None:
        with tempfile.TemporaryDirectory(prefix="provha-dry-run-") as tmp:
            for k, target in enumerate(self.targets):
                await self._chronyd_p(target, target.stage(self._artifacts(target), Path(tmp) / str(k)))
        return "".join(t.diff(self._artifacts(t)) for t in self.targets)

    def release(self) -> None:
        self.rendered, self.plans, self.swapped = None, [], []


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
