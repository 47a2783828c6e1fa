"""Where a full rebuild's time goes, and what another database driver would buy.

- cProfile of one ``Rebuilder.rebuild()`` (after a one-modem change), own time grouped by where the code lives:
  the driver's row decoding (pymysql/aiomysql), the plant loader and validators, Jinja2 rendering, waiting for
  ``dhcpd -t`` and the database (the event loop's ``select``), file I/O, the rest. Profiling slows Python code
  down, so the shares matter, not the absolute numbers.
- The snapshot's statements fetched raw (``fetchall`` of every statement, nothing built from the rows) with
  aiomysql, the daemon's driver, and with asyncmy (buffered cursor) when it is installed: the difference is
  what switching drivers would save on the read.
"""

from __future__ import annotations

import cProfile
import gc
import importlib.util
import pstats
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomysql

from benchmarks.master import Master
from benchmarks.plantgen import BenchPlant
from benchmarks.stats import Series
from provha_daemon.config import Config
from provha_daemon.rebuild import Rebuilder

CATEGORIES = (
    (
        "driver: reading and decoding rows (aiomysql, PyMySQL, asyncio streams)",
        ("pymysql", "aiomysql", "asyncio/streams.py"),
    ),
    (
        "plant loader and validators (with ipaddress, re, dataclass __init__)",
        (
            "provha_daemon/loader.py",
            "provha_daemon/records.py",
            "provha_daemon/hosts.py",
            "provha_daemon/validation.py",
            "ipaddress.py",
            "<string>",
            "re.Pattern",
            "/re/__init__",
        ),
    ),
    ("render: Jinja2 templates", ("jinja2", "<template>", "provha_daemon/render", ".j2")),
    ("waiting: dhcpd -t, database (event loop select)", ("select", "epoll", "poll' of")),
    (
        "file I/O (stage, compare, swap)",
        (
            "provha_daemon/apply.py",
            "posix.write",
            "posix.fsync",
            "_io.",
            "posix.replace",
            "posix.open",
            "shutil",
            "posix.unlink",
            "posix.link",
        ),
    ),
)

ROOT = Path(__file__).resolve().parents[1]  # profile paths are shown relative to it


@dataclass(slots=True)
class StatementCost:
    """One statement of the snapshot read: rows, and the raw fetch with each driver."""

    sql: str
    rows: int = 0
    aiomysql_ms: Series = field(default_factory=Series)
    asyncmy_ms: Series = field(default_factory=Series)


@dataclass(slots=True)
class ProfileFigures:
    """The grouped profile and the driver comparison."""

    total_s: float = 0.0
    shares: list[tuple[str, float]] = field(default_factory=list)  # (category, seconds of own time)
    top: list[tuple[str, int, float]] = field(default_factory=list)  # (function, calls, own seconds)
    aiomysql_ms: Series = field(default_factory=Series)
    asyncmy_ms: Series = field(default_factory=Series)
    asyncmy_note: str = ""
    statements: list[StatementCost] = field(default_factory=list)
    rebuild_s: float = 0.0  # the same kind of rebuild without the profiler, with the GC timed
    gc_s: dict[int, float] = field(default_factory=dict)  # generation -> seconds in cyclic GC
    gc_count: dict[int, int] = field(default_factory=dict)


class _GcTimer:
    """Times the cyclic garbage collector's passes through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds: dict[int, float] = {}
        self.count: dict[int, int] = {}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        self.seconds[generation] = self.seconds.get(generation, 0.0) + time.perf_counter() - self._started
        self.count[generation] = self.count.get(generation, 0) + 1


def _category(key: tuple[str, int, str]) -> str:
    filename, _, function = key
    where = f"{filename}:{function}"
    for name, needles in CATEGORIES:
        if any(needle in where for needle in needles):
            return name
    return "other (event loop, structlog, dataclasses, …)"


async def profile_rebuild(plant: BenchPlant, config: Config, top: int = 12) -> ProfileFigures:
    """Profile one full rebuild; returns the grouped own times and the top functions."""
    figures = ProfileFigures()
    rebuilder = Rebuilder(config)
    master = Master(plant)
    try:
        master.change_modem_mac()
        gc.collect()
        timer = _GcTimer()
        gc.callbacks.append(timer)
        try:
            started = time.perf_counter()
            await rebuilder.rebuild()
            figures.rebuild_s = time.perf_counter() - started
        finally:
            gc.callbacks.remove(timer)
        figures.gc_s, figures.gc_count = timer.seconds, timer.count
        master.change_modem_mac()
        gc.collect()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        await rebuilder.rebuild()
        profiler.disable()
        figures.total_s = time.perf_counter() - started
    finally:
        master.close()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    grouped: dict[str, float] = {}
    rows = []
    for key, (_, calls, own, _cumulative, _callers) in table.items():
        grouped[_category(key)] = grouped.get(_category(key), 0.0) + own
        filename, line, function = key
        short = filename.split("site-packages/")[-1].split(f"{ROOT}/")[-1]
        rows.append((f"{short}:{line}({function})" if line else function, calls, own))
    figures.shares = sorted(grouped.items(), key=lambda kv: -kv[1])
    figures.top = sorted(rows, key=lambda r: -r[2])[:top]
    return figures


async def _fetch_raw(conn: Any, statements: Sequence[str]) -> tuple[float, list[float], list[int]]:
    """Every statement in one snapshot, rows fetched and dropped: (total ms, ms per statement, rows each)."""
    per_statement, rows = [], []
    started = time.perf_counter()
    async with conn.cursor() as cur:
        await cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        for sql in statements:
            t = time.perf_counter()
            await cur.execute(sql)
            rows.append(len(await cur.fetchall()))
            per_statement.append((time.perf_counter() - t) * 1000)
        await cur.execute("ROLLBACK")
    return (time.perf_counter() - started) * 1000, per_statement, rows


async def _raw(plant: BenchPlant, statements: Sequence[str], driver: str) -> tuple[float, list[float], list[int]]:
    """The statements fetched raw through ``driver`` ("aiomysql" or "asyncmy"), on a connection of its own."""
    db = plant.db
    if driver == "asyncmy":
        import asyncmy  # type: ignore[import-not-found, unused-ignore]  # optional: make bench installs it

        connect, database = asyncmy.connect, {"database": db.name}
    else:
        connect, database = aiomysql.connect, {"db": db.name}
    conn = await connect(
        host=db.host, port=db.port, user=db.user, password=db.password, autocommit=True, charset="utf8mb4", **database
    )
    try:
        return await _fetch_raw(conn, statements)
    finally:
        conn.close()


async def compare_drivers(plant: BenchPlant, statements: Sequence[str], runs: int, figures: ProfileFigures) -> None:
    """aiomysql and asyncmy fetching the snapshot's statements, alternately, ``runs`` times each."""
    have_asyncmy = importlib.util.find_spec("asyncmy") is not None
    if not have_asyncmy:
        figures.asyncmy_note = "asyncmy is not installed (`make bench` installs it into the venv)"
    figures.statements = [StatementCost(sql) for sql in statements]
    for _ in range(runs):
        total, each, rows = await _raw(plant, statements, "aiomysql")
        figures.aiomysql_ms.add(total)
        for cost, ms, count in zip(figures.statements, each, rows, strict=True):
            cost.aiomysql_ms.add(ms)
            cost.rows = count
        if have_asyncmy:
            total, each, _ = await _raw(plant, statements, "asyncmy")
            figures.asyncmy_ms.add(total)
            for cost, ms in zip(figures.statements, each, strict=True):
                cost.asyncmy_ms.add(ms)
