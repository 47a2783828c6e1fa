"""Samples and their summary: median (min-max), n."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DASH = "\N{EN DASH}"
TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass(slots=True)
class Series:
    """Samples of one figure, in its unit."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        """Record one sample."""
        self.values.append(value)

    @property
    def n(self) -> int:
        """Number of samples."""
        return len(self.values)

    @property
    def median(self) -> float:
        """The median (NaN without samples)."""
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def low(self) -> float:
        """The smallest sample."""
        return min(self.values) if self.values else float("nan")

    @property
    def high(self) -> float:
        """The largest sample."""
        return max(self.values) if self.values else float("nan")

    def __bool__(self) -> bool:
        return bool(self.values)


@contextmanager
def stopwatch(series: Series, scale: float = 1000.0) -> Iterator[None]:
    """Add the wall time of the block to ``series`` (in ms by default)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        series.add((time.perf_counter() - started) * scale)


def fmt(value: float, digits: int | None = None) -> str:
    """A number with sensible precision for a table cell."""
    if value != value:  # NaN
        return DASH
    if digits is None:
        digits = 0 if abs(value) >= 100 else (1 if abs(value) >= 10 else (2 if abs(value) >= 1 else 3))
    return f"{value:,.{digits}f}"


def cell(series: Series, digits: int | None = None) -> str:
    """``median (min-max)`` or just the value for one sample."""
    if not series:
        return DASH
    if series.n == 1 or series.low == series.high:
        return fmt(series.median, digits)
    return f"{fmt(series.median, digits)} ({fmt(series.low, digits)}{DASH}{fmt(series.high, digits)})"
