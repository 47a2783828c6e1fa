"""Every decision of the service loop, with no clock and no I/O: fed with events and the time, it says what to do.

When a burst of changes is quiet, when one waited too long, whether dhcpd may be restarted yet, when the next
full rebuild is due, when the local UTC offset changes (daylight saving time: dhcpd's ``time-offset`` follows at
once), how long to back off after a database fault, how the database's health moves and what ``systemctl status``
shows. ``daemon.Service`` reads the clock once per iteration and does what this says;
the tests drive it with a fake clock in milliseconds.
"""

from __future__ import annotations

import math
import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from provha_daemon.backoff import backoff
from provha_daemon.config import ServiceConfig
from provha_daemon.health import DIRTY_STATUS, State

DEFAULT_REBUILD_INTERVAL = 3600
_EPSILON = 1e-3  # a poll that lands a hair before the quiet period ends still counts as quiet
_DAY = 86400
_OFFSET_HORIZON = 400 * _DAY  # zones switch twice a year or never; beyond this, look again after the next rebuild

UtcOffset = Callable[[float], int]  # seconds east of UTC at an epoch time


def local_utc_offset(wall: float) -> int:
    """This host's UTC offset at ``wall`` (its time zone database, the TZ that dhcpd's time-offset is taken from)."""
    return time.localtime(wall).tm_gmtoff


def next_offset_change(after: float, utc_offset: UtcOffset, horizon: float = _OFFSET_HORIZON) -> float | None:
    """The first whole second after ``after`` at which ``utc_offset`` differs from its value at ``after``, or None
    within ``horizon``: a day at a time (two switches never fall within one day), then halved to the second."""
    start = low = math.floor(after)
    base = utc_offset(low)
    high = low + _DAY
    while utc_offset(high) == base:
        if high - start > horizon:
            return None
        low, high = high, high + _DAY
    while high - low > 1:
        middle = (low + high) // 2
        if utc_offset(middle) == base:
            low = middle
        else:
            high = middle
    return float(high)


def rebuild_interval(configured: int | None, from_db: int | None) -> int:
    """The cyclic full rebuild period: config, else the DB's value rounded up to a minute, within 60..604800."""
    if configured is not None:
        return configured
    value = from_db or DEFAULT_REBUILD_INTERVAL
    return min(604800, max(60, math.ceil(value / 60) * 60))


@dataclass(frozen=True, slots=True)
class Decision:
    """A rebuild to run now: why, whether it compares every file, whether a restart may follow."""

    trigger: list[str]
    full: bool
    allow_restart: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a rebuild ended, as far as the loop's decisions go.

    ``result`` is ok | skipped_rows | deferred | rejected | restart_failed | refused | error; ``elapsed`` the
    seconds it took (the next full rebuild and the restart pacing count from its end); ``counts`` None when it
    failed (the next iteration tries a full rebuild again).
    """

    result: str
    elapsed: float
    error: str = ""
    counts: dict[str, int] | None = None
    restarted: bool = False
    restart_seconds: float | None = None
    db_interval: int | None = None

    @property
    def failed_restart(self) -> bool:
        """A restart was tried and failed: it counts for the pacing like one that worked."""
        return self.result == "restart_failed"


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


class Scheduler:
    """The loop's decisions for one service configuration; ``now`` is monotonic seconds, ``wall`` epoch seconds."""

    def __init__(
        self,
        settings: ServiceConfig,
        random: Callable[[], float] = _random.random,
        state: State | None = None,
        utc_offset: UtcOffset | None = None,
    ) -> None:
        self.random = random
        self.offset_change: float | None = None  # when the next rebuild for a new UTC offset is due (wall)
        self.state = state or State()
        self.pending = _Pending()
        self.deferred = False
        self.next_full = float("-inf")  # the first iteration is a full rebuild
        self.last_restart: float | None = None
        self.failures = 0
        self.retry_at = float("-inf")
        self.started = float("-inf")  # when the last iteration started
        self.configure(settings, utc_offset)

    def configure(self, settings: ServiceConfig, utc_offset: UtcOffset | None = None) -> None:
        """New settings (start, SIGHUP): everything is rebuilt once with them; ``utc_offset`` is followed when
        dhcpd's time-offset comes from the host's time zone."""
        self.settings = settings
        self.utc_offset = utc_offset  # None: a fixed time-offset is configured, nothing to follow
        self.offset_change = None
        self.state.poll_interval = settings.poll_interval
        self.state.stale_warning = settings.stale_warning
        self.state.progress_timeout = settings.progress_timeout
        self.next_full = float("-inf")

    # -- the loop ---------------------------------------------------------------------------------------------

    def next_poll(self) -> float:
        """When the next iteration starts: one poll interval after the last one started (drift-free), or when
        the backoff after a database fault ends."""
        if self.failures:
            return self.retry_at
        return self.started + self.settings.poll_interval

    def begin(self, now: float) -> bool:
        """An iteration starts; False while backing off (woken early, by a SIGHUP): it polls nothing."""
        self.started = now
        return not (self.failures and now < self.retry_at)

    def changes(self, tables: set[str], now: float) -> None:
        """A poll saw these tables change (only those some stage renders from)."""
        if tables:
            self.pending.add(tables, now)

    def reconnected(self) -> None:
        """A new connection after a lost one: what changed meanwhile went unseen, so compare everything."""
        self.next_full = float("-inf")

    def restart_allowed(self, now: float) -> bool:
        """Restart pacing: at most one service restart per ``min_restart_interval``."""
        return self.last_restart is None or now - self.last_restart >= self.settings.min_restart_interval

    def decide(self, now: float, *, changed: bool, settled: bool, wall: float | None = None) -> Decision | None:
        """Whether to rebuild after this poll (``changed``: it saw a change; ``settled``: the database's hot
        second has passed, so a read sees every row of it; ``wall``: the epoch time, for the UTC offset)."""
        if self.state.role != "slave":
            return None
        full = now >= self.next_full
        offset = wall is not None and self.offset_change is not None and wall >= self.offset_change
        due = full or offset
        if self.pending.first is not None and self.pending.last is not None:
            quiet = not changed and now - self.pending.last >= self.settings.quiet - _EPSILON
            due = due or quiet or now - self.pending.first >= self.settings.max_wait
        if self.deferred:
            due = due or self.restart_allowed(now)
        if not (due and settled):
            return None
        trigger = sorted(self.pending.tables)
        if offset:
            trigger.append("utc_offset")
        trigger = trigger or (["deferred"] if self.deferred else ["periodic"])
        return Decision(trigger, full, self.restart_allowed(now))

    def rebuilt(self, now: float, wall: float, outcome: Outcome) -> None:
        """A rebuild that started at ``now`` ended."""
        end = now + outcome.elapsed
        s = self.state
        s.last_rebuild = wall + outcome.elapsed
        self.pending.clear()
        if self.utc_offset is not None:
            # from the start of this rebuild: a switch while it ran means one more rebuild, never a missed one
            self.offset_change = next_offset_change(wall, self.utc_offset)
        self.deferred = outcome.result == "deferred"
        if outcome.failed_restart:
            self.last_restart = end
        if outcome.counts is not None:
            s.counts = outcome.counts
            self.next_full = end + rebuild_interval(self.settings.rebuild_interval, outcome.db_interval)
            if outcome.restarted:
                self.last_restart = end
                s.last_restart = wall + outcome.elapsed
                s.last_restart_seconds = outcome.restart_seconds
        s.last_result, s.last_error = outcome.result, outcome.error

    # -- database health --------------------------------------------------------------------------------------

    def db_ok(self, node: str | None, wall: float, dirty: str = "") -> str | None:
        """An iteration reached the database (``dirty``: why it reads a Galera node outside the Primary component,
        ``database.dirty_reads``); the event to log when its health changed (db.ok, db.back, db.dirty_reads)."""
        s = self.state
        event = None
        if dirty:
            if s.db != "dirty":
                event, s.db, s.db_since = "db.dirty_reads", "dirty", wall
            s.db_error = dirty
        elif self.failures or s.db != "ok":
            event = "db.back" if s.db in ("stale", "not_synced", "dirty") else "db.ok"
            s.db, s.db_since, s.db_error = "ok", wall, ""
        s.db_node = node or s.db_node
        self.failures = 0
        return event

    def db_failed(self, not_synced: bool, error: str, now: float, wall: float) -> str | None:
        """The database failed (gone, or a Galera node not synced); schedules the retry with backoff and
        returns the event to log when the health changed (db.lost, db.not_synced)."""
        s = self.state
        kind = "not_synced" if not_synced else "stale"
        event = None
        if s.db != kind:
            event = "db.not_synced" if not_synced else "db.lost"
            s.db, s.db_since = kind, wall
        s.db_error = error
        self.failures += 1
        st = self.settings
        self.retry_at = now + backoff(self.failures, st.retry_initial, st.retry_max, st.retry_initial, self.random)
        return event

    # -- reporting --------------------------------------------------------------------------------------------

    def status_line(self, wall: float) -> str:
        """The one-line STATUS= for systemctl status."""
        s = self.state
        if s.db == "ok":
            db = f"db ok ({s.db_node})"
        elif s.db == "dirty":
            db = f"{DIRTY_STATUS} ({s.db_node}) for {wall - s.db_since:.0f}s"
        else:
            db = f"db {s.db.replace('_', ' ')} for {wall - s.db_since:.0f}s"
        if s.role == "slave":
            role = "slave"
        elif s.db in ("ok", "dirty"):
            role = f"role {s.role}: {s.role_detail}"
        else:
            role = f"role {s.role}, waiting for database"
        parts = [role, db]
        if s.last_poll_ok:
            parts.append("poll " + _clock(s.last_poll_ok))
        if s.last_rebuild:
            rebuilt = f"rebuild {_clock(s.last_rebuild)} {s.last_result}"
            if s.counts:
                rebuilt += f" ({s.counts.get('modems', 0)} modems, {s.counts.get('skipped', 0)} skipped"
                if "tftp_devices" in s.counts:
                    rebuilt += f", {s.counts['tftp_devices']} configs, {s.counts.get('tftp_errors', 0)} failed"
                rebuilt += ")"
            parts.append(rebuilt)
        if s.last_restart and s.last_restart_seconds is not None:
            parts.append(f"dhcpd restart {_clock(s.last_restart)} ({s.last_restart_seconds:.1f}s)")
        parts.extend(f"{key} {value}" for key, value in sorted(s.facts.items()))
        if self.pending.tables or self.deferred:
            parts.append("pending " + ",".join(sorted(self.pending.tables) or ["restart"]))
        return " | ".join(parts)


def _clock(wall: float) -> str:
    """HH:MM:SS of an epoch time, local (a formatting of the given time, not a clock read)."""
    return time.strftime("%H:%M:%S", time.localtime(wall))
