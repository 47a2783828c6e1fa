"""Failures that repeat every rebuild, logged when they start, change or end, and summed up once per rebuild.

A plant with one broken template fails the same devices on every rebuild; logging each of them every time buries
the journal (hundreds of lines a minute). A ``Failures`` instance lives as long as the service and remembers
what failed last time: ``failed`` logs its event only for a key that was not failing or fails for another
reason now, ``passed`` logs the recovery of a key that was failing, and ``finish`` logs one summary while
anything fails (count per distinct reason, a few example ids) and forgets keys that were not seen at all (a
deleted device or row). A fresh instance (``--once``) logs every failure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger("provha_daemon.failures")

EXAMPLES = 5  # example ids per reason in a summary
REASONS = 10  # distinct reasons in a summary; the rest are counted together


@dataclass(frozen=True)
class Events:
    """The event names of one kind of failure, and the field names of its key."""

    failed: str
    recovered: str
    summary: str
    key: tuple[str, ...]

    def fields(self, key: tuple[Any, ...]) -> dict[str, Any]:
        """The key as event fields."""
        return dict(zip(self.key, key, strict=True))


TFTP_DEVICE = Events("tftp.device_failed", "tftp.device_recovered", "tftp.failures", ("kind", "id"))
ROW = Events("row.skipped", "row.recovered", "rows.skipped", ("table", "id"))
TFTP_LINE = Events(
    "tftp.line_dropped", "tftp.line_restored", "tftp.lines_dropped", ("kind", "id", "configfile", "column")
)


@dataclass
class Failures:
    """What failed in the previous round, per key (e.g. ``("cm", 17)``), with its reason."""

    events: Events
    previous: dict[tuple[Any, ...], str] = field(default_factory=dict)
    current: dict[tuple[Any, ...], str] = field(default_factory=dict)
    _owned: dict[tuple[Any, ...], list[tuple[Any, ...]]] = field(default_factory=dict)  # key[:2] -> keys
    examples: dict[str, list[Any]] = field(default_factory=dict)

    def begin(self) -> None:
        """Start a round; what an aborted round saw is dropped, the last finished round stays the reference."""
        self.current, self.examples = {}, {}

    def failed(self, key: tuple[Any, ...], reason: str, example: Any, **fields: Any) -> None:
        """``key`` fails for ``reason`` this round; logged (key, ``fields``, reason) if that is news."""
        self.current[key] = reason
        ids = self.examples.setdefault(reason, [])
        if len(ids) < EXAMPLES:
            ids.append(example)
        if self.previous.get(key) != reason:
            log.warning(self.events.failed, **self.events.fields(key), **fields, reason=reason)

    def carry(self, owner: tuple[Any, ...]) -> None:
        """Keep, without logging, last round's failures of keys that start with ``owner`` (a device that was not
        rebuilt this round still has the rows it had)."""
        for key in self._owned.get(owner, ()):
            self.current[key] = reason = self.previous[key]
            ids = self.examples.setdefault(reason, [])
            if len(ids) < EXAMPLES:
                ids.append(" ".join(map(str, owner)))

    def passed(self, key: tuple[Any, ...]) -> None:
        """``key`` is fine this round; logged if it failed in the previous one."""
        if key in self.previous:
            log.info(self.events.recovered, **self.events.fields(key))

    def finish(self, *, unseen_recovered: bool = False) -> int:
        """End the round (every key was visited): one summary while anything fails; returns the failure count.

        A key that failed last round and not in this one was fixed or is gone (a deleted device or row): with
        ``unseen_recovered`` (for callers that only report failures) its recovery is logged here, else it is
        forgotten (the caller logged ``passed`` for those it saw).
        """
        if unseen_recovered:
            for key in sorted(self.previous.keys() - self.current.keys(), key=str):
                log.info(self.events.recovered, **self.events.fields(key))
        count = len(self.current)
        if count:
            reasons = Counter(self.current.values())
            top = dict(reasons.most_common(REASONS))
            rest = count - sum(top.values())
            log.warning(
                self.events.summary,
                count=count,
                reasons=top,
                examples={reason: self.examples[reason] for reason in top},
                **({"other_failures": rest} if rest else {}),
            )
        self.previous, self.current, self.examples = self.current, {}, {}
        self._owned = {}
        for key in self.previous:
            self._owned.setdefault(key[:2], []).append(key)
        return count
