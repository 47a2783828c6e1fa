"""What every stage is: one service's files, built from the plant and put in place the same way.

A rebuild (``rebuild.Rebuilder``) reads one snapshot and then, for each registered stage (``stages.STAGES``):

1. ``render``: read what it needs from the plant into artifacts, or refuse the whole rebuild (``DropGuardError``);
2. ``plan``: compare with the live files, under the stage's lock (``locked``): nothing, swap, or only activate
   (a crashed run swapped and died before restarting);
3. ``validate``: check the staged set with the service's real tool (``RejectedError``);
4. ``swap``: put the set in place atomically, after the stages named in ``swap_after`` swapped theirs;
5. ``activate``: reload or restart the service; a failure is returned, and the pipeline calls ``rollback`` and
   activates the previous generation again;
6. ``release``: always, however the rebuild ended: forget this run's artifacts.

The pipeline owns the order and the rules between stages; a stage owns its files and its service.
"""

from __future__ import annotations

import contextlib
import enum
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from provha_daemon.config import Config
from provha_daemon.records import Plant, Skipped
from provha_daemon.roles import Roles
from provha_daemon.services import CommandResult


class Action(enum.Enum):
    """What a stage's live files need after ``plan``."""

    NONE = "none"
    SWAP = "swap"  # a changed set: validate, swap, activate
    ACTIVATE = "activate"  # the live set is right but its service never got it: validate, activate


@dataclass(slots=True)
class RebuildResult:
    """What one rebuild did; ``summary()`` is the canonical log line's fields."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restarted: bool = False
    restart_seconds: float | None = None
    durations: dict[str, float] = field(default_factory=dict)
    node: str = ""
    dirty: str = ""  # why the snapshot was a dirty read (database.dirty_reads), '' for a clean one
    diff: str | None = None
    deferred: bool = False
    rebuild_interval: int | None = None
    multiple_provisioning_systems: bool = False
    tftp: dict[str, int] = field(default_factory=dict)
    tftp_errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any live file changed."""
        return bool(self.written or self.removed)

    def state_counts(self) -> dict[str, int]:
        """The counts the state file and STATUS= carry."""
        return {
            **self.counts,
            "files_changed": len(self.written) + len(self.removed),
            **{f"tftp_{k}": v for k, v in self.tftp.items()},
        }

    def summary(self) -> dict[str, Any]:
        """Fields of the one summary event per rebuild."""
        return {
            **self.counts,
            "files_changed": len(self.written) + len(self.removed),
            "changed": sorted(self.written + self.removed),
            "restarted": self.restarted,
            "deferred": self.deferred,
            **{f"tftp_{k}": v for k, v in self.tftp.items()},
            "node": self.node,
            **({"dirty_reads": True} if self.dirty else {}),
            **{f"{k}_ms": round(v * 1000, 1) for k, v in self.durations.items()},
        }


@dataclass(slots=True)
class Run:
    """One rebuild as its stages see it: the snapshot's plant, how far it may go, and where it reports."""

    plant: Plant
    roles: Roles
    result: RebuildResult
    full: bool = True  # compare every file with the disk (periodic, first), not only what this process wrote
    force: bool = False  # past the drop guard
    allow_restart: bool = True  # the service's restart pacing
    dry_run: bool = False  # --dry-run: rendered and validated privately, nothing refused or touched


class Stage(ABC):
    """One service's generated files (see the module's docstring for the order the pipeline calls these in)."""

    name: ClassVar[str]
    service: ClassVar[str]  # the daemon it feeds, as errors name it
    provbase: ClassVar[tuple[str, ...]] = ()  # provbase columns it renders from: a bad one refuses this stage only
    provha: ClassVar[tuple[str, ...]] = ()  # provha columns it writes (the DNS secrets): the same rule
    swap_after: ClassVar[tuple[str, ...]] = ()  # stages whose files must be in place before this one swaps
    disruptive: ClassVar[bool] = False  # activating interrupts the service (a restart): paced, else deferred
    activation: ClassVar[str] = "restart"  # what activating is, as errors say it

    def __init__(self, config: Config) -> None:
        self.config = config

    def wanted(self, plant: Plant) -> bool:
        """Whether this rebuild has this stage's inputs (a stage turned off reads none)."""
        return True

    def adopt(self, previous: Stage) -> None:
        """Keep what the same stage of a previous configuration knows (SIGHUP)."""
        return None

    @classmethod
    def longest(cls, config: Config) -> float:
        """Seconds the stage's validate and activate can take at most with ``config`` (the watchdog bound)."""
        return 0.0

    @abstractmethod
    def render(self, run: Run) -> None:
        """Build the artifacts from ``run.plant``; ``DropGuardError`` refuses the whole rebuild (not a dry run's)."""

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Held from ``plan`` to the end of ``activate``: one writer of these files at a time."""
        return _nothing()

    @abstractmethod
    def plan(self, run: Run) -> Action:
        """Compare the rendered set with the live files."""

    async def validate(self, run: Run) -> None:
        """Check the staged set with the service's own tool; ``RejectedError`` names what it rejected."""
        return None

    @abstractmethod
    async def swap(self, run: Run) -> None:
        """Put the set in place (each file atomically, the set as one generation where the service reads one)."""

    async def activate(self, run: Run) -> CommandResult | None:
        """Make the service use the live files (reload, restart); the failed command is returned, not raised."""
        return None

    def rollback(self, run: Run) -> tuple[list[str], list[str]]:
        """Put the previous generation back after a failed activate: (paths restored, paths removed)."""
        return [], []

    async def dry_run(self, run: Run) -> str | None:
        """``--dry-run``: validate a private staging copy, touch nothing, return the diff against the live files."""
        return None

    async def tend(self) -> None:
        """Upkeep between rebuilds, every poll interval, with or without the database (the DNS zone sync);
        never raises: a stage logs its own trouble."""
        return None

    def facts(self) -> dict[str, str]:
        """What this stage saw of its service at its last ``tend`` (for STATUS and ``--health``)."""
        return {}

    def release(self) -> None:
        """Drop what ``render`` kept for this run: between rebuilds a stage holds no plant or artifacts, so the
        next read never has two generations in memory at once."""
        return None


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def installed(program: str) -> bool:
    """Whether ``program`` (a path, or a name on PATH or in /usr/sbin) can be run here."""
    return shutil.which(program) is not None or shutil.which(program, path="/usr/sbin:/sbin") is not None
