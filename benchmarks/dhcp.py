"""The full DHCP rebuild, each of its stages on its own, and the two limits it cannot beat, in one run.

Everything goes through the daemon's own code: ``Rebuilder.rebuild()`` for the full rebuild (a one-modem change
is committed before each run, so every run reads, renders, validates with ``dhcpd -t`` and swaps), and
``Database.read``, ``render_dhcp``, ``Target.plan/stage/swap`` and ``Rebuilder.validate`` for the stages. The
limits are measured alternately with the rebuilds: the ``mariadb --batch`` dump of exactly the statements the
snapshot read runs (recorded from ``Database`` itself), and ``dhcpd -t`` alone on the generated tree.
"""

from __future__ import annotations

import gc
import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.master import Master
from benchmarks.plantgen import BenchPlant
from benchmarks.stats import Series, stopwatch
from provha_daemon.artifact import Artifact
from provha_daemon.collector import collector_paused
from provha_daemon.config import Config
from provha_daemon.db import Database
from provha_daemon.parts import HOSTS_FILE
from provha_daemon.rebuild import Rebuilder
from provha_daemon.render.dhcp import render_dhcp
from provha_daemon.roles import resolve_pair
from provha_daemon.stages.dhcp import dhcp_settings

SNAPSHOT_START = "START TRANSACTION WITH CONSISTENT SNAPSHOT"


def snapshot_statements(statements: list[str]) -> list[str]:
    """The statements inside the last snapshot transaction: exactly what the rebuild reads."""
    start = max(i for i, s in enumerate(statements) if s.startswith(SNAPSHOT_START))
    end = next(i for i in range(start, len(statements)) if statements[i] == "ROLLBACK")
    return statements[start + 1 : end]


@dataclass(slots=True)
class DhcpFigures:
    """Everything measured here, per figure."""

    rebuild: Series = field(default_factory=Series)  # ms, Rebuilder.rebuild() without the restart command
    logged: dict[str, Series] = field(default_factory=dict)  # ms, the durations rebuild.done reports
    read: Series = field(default_factory=Series)
    render: Series = field(default_factory=Series)
    plan: Series = field(default_factory=Series)
    stage: Series = field(default_factory=Series)
    validate: Series = field(default_factory=Series)
    swap: Series = field(default_factory=Series)
    dump: Series = field(default_factory=Series)
    dhcpd_t: Series = field(default_factory=Series)
    limit: Series = field(default_factory=Series)
    ratio: Series = field(default_factory=Series)  # rebuild / (dump + dhcpd -t), pairwise
    statements: list[str] = field(default_factory=list)
    dump_bytes: int = 0
    rows_read: int = 0
    files_bytes: int = 0
    host_lines: int = 0


def dump_command(plant: BenchPlant, statements: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """``mariadb --batch`` running the snapshot's statements as the daemon's user, over TCP like the daemon."""
    db = plant.db
    sql = ";\n".join(
        [
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            f"{SNAPSHOT_START}, READ ONLY",
            *statements,
            "ROLLBACK",
        ]
    )
    argv = [
        "mariadb",
        "--no-defaults",
        "--batch",
        "--skip-column-names",
        f"--host={db.host}",
        f"--port={db.port}",
        f"--user={db.user}",
        f"--database={db.name}",
        f"--execute={sql}",
    ]
    return argv, {**os.environ, "MYSQL_PWD": db.password}


def run_dump(argv: list[str], env: dict[str, str], out: Path) -> float:
    """Run the dump into ``out``; returns ms."""
    with open(out, "wb") as sink:
        started = time.perf_counter()
        subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, env=env, check=True)
        return (time.perf_counter() - started) * 1000


def run_dhcpd_t(dhcpd: str, conf: Path) -> float:
    """``dhcpd -t`` alone on a tree; returns ms (raises on a rejected config)."""
    started = time.perf_counter()
    result = subprocess.run([dhcpd, "-t", "-4", "-cf", str(conf)], capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"dhcpd -t rejected {conf}: {result.stderr.decode(errors='replace')[-2000:]}")
    return seconds * 1000


def _touch_live_hosts(directory: Path, artifacts: list[Artifact]) -> None:
    """Make the live modems-host.conf differ from the rendered one (a one-modem change), untimed."""
    data = next(a.data for a in artifacts if a.path == HOSTS_FILE)
    tmp = directory / f".bench-{HOSTS_FILE}"
    tmp.write_bytes(data + b"# changed\n")
    os.replace(tmp, directory / HOSTS_FILE)


async def measure_dhcp(plant: BenchPlant, config: Config, runs: int, workdir: Path) -> DhcpFigures:
    """Full rebuilds alternating with the limits, then each stage on its own; ``runs`` samples each."""
    figures = DhcpFigures()
    rebuilder = Rebuilder(config)
    master = Master(plant)
    try:
        for _ in range(2):  # warm-up: the first one writes every file, the second one a single file
            master.change_modem_mac()
            await rebuilder.rebuild()
        sent: list[str] = []
        await Database(config.database, rebuilder.addresses, on_statement=sent.append).read()
        figures.statements = snapshot_statements(sent)
        argv, env = dump_command(plant, figures.statements)
        dump_file = workdir / "dump.tsv"
        live_conf = config.dhcp.dir / "dhcpd.conf"

        for _ in range(runs):
            master.change_modem_mac()
            gc.collect()  # each sample starts from a collected heap, as a daemon between two rebuilds
            started = time.perf_counter()
            result = await rebuilder.rebuild()
            total = (time.perf_counter() - started) * 1000 - result.durations.get("restart", 0.0) * 1000
            if HOSTS_FILE not in result.written:
                raise RuntimeError(f"the rebuild did not swap {HOSTS_FILE}: {result.summary()}")
            figures.rebuild.add(total)
            for stage, seconds in result.durations.items():
                figures.logged.setdefault(stage, Series()).add(seconds * 1000)
            dump = run_dump(argv, env, dump_file)
            dhcpd_t = run_dhcpd_t(config.dhcp.dhcpd, live_conf)
            figures.dump.add(dump)
            figures.dhcpd_t.add(dhcpd_t)
            figures.limit.add(dump + dhcpd_t)
            figures.ratio.add(total / (dump + dhcpd_t))
        figures.dump_bytes = dump_file.stat().st_size
        figures.rows_read = dump_file.read_bytes().count(b"\n")
        dump_file.unlink()

        target = rebuilder.dhcp.target
        artifacts: list[Artifact] = []
        for _ in range(runs):
            artifacts = []  # nothing of the previous sample stays alive
            gc.collect()
            with collector_paused():  # as inside Rebuilder.rebuild()
                with stopwatch(figures.read):
                    snapshot = await rebuilder.db.read()
                with stopwatch(figures.render):
                    pair = resolve_pair(config, snapshot.plant.provha, rebuilder.addresses)
                    artifacts = render_dhcp(snapshot.plant, dhcp_settings(config, snapshot.plant, pair)).artifacts
                del snapshot
            _touch_live_hosts(config.dhcp.dir, artifacts)
            with stopwatch(figures.plan):
                plan = target.plan(artifacts)
            with stopwatch(figures.stage):
                staging = target.stage(artifacts)
            with stopwatch(figures.validate):
                await rebuilder.dhcp.dhcpd_t(staging, artifacts)
            with stopwatch(figures.swap):
                target.swap(plan)
            if [a.path for a in plan.write] != [HOSTS_FILE]:
                raise RuntimeError(f"expected to swap {HOSTS_FILE} only, planned {plan.paths()}")
        figures.files_bytes = sum(len(a.data) for a in artifacts)
        figures.host_lines = sum(a.data.count(b"\nhost ") for a in artifacts)
    finally:
        master.close()
    return figures
