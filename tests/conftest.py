"""Shared fixtures: a session MariaDB server, private servers, and seeded NMS Prime plant databases."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from tests import hareport
from tests.dbserver import MariaDBServer, PlantFactory, free_port
from tests.galera import PROVIDER, GaleraCluster


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDBServer]:
    """One MariaDB server for the whole session (about a second to set up)."""
    server = MariaDBServer(tmp_path_factory.mktemp("mariadb"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDBServer]:
    """A MariaDB server of the test's own, which the test may stop and start; stopped at teardown."""
    server = MariaDBServer(tmp_path_factory.mktemp("private_mariadb"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def plant_db(mariadb: MariaDBServer) -> Iterator[PlantFactory]:
    """Factory ``make(generation="netgw", server=None) -> PlantDB``; drops what it made at teardown."""
    factory = PlantFactory(mariadb)
    try:
        yield factory
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def galera_cluster() -> Iterator[GaleraCluster]:
    """A 2-node Galera cluster on loopback, both Synced, node 2 read-only (about 5 s to set up)."""
    if not PROVIDER.exists():
        pytest.skip(f"galera-4 is not installed: no {PROVIDER} (scripts/install-system-packages)")
    # Under /tmp, not pytest's 0700 tmp tree: mariadbd runs as mysql there and must reach its datadirs.
    base = Path(tempfile.mkdtemp(prefix="provha-galera2-"))
    base.chmod(0o755)
    cluster = GaleraCluster(base)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(autouse=True)
def _reset_structlog() -> Iterator[None]:
    """Each test starts with structlog's defaults: the CLI binds its stream, which pytest closes afterwards."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The HA rig's tests enter the HA report with their scenario number and the first line of their docstring."""
    for item in items:
        scenario = item.get_closest_marker("scenario")
        if item.get_closest_marker("ha") is not None and scenario is not None:
            doc = " ".join((getattr(item, "obj", None).__doc__ or item.name).split())
            hareport.ENTRIES[item.nodeid] = hareport.Entry(str(scenario.args[0]), doc)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each HA test's outcome and its time, set-up and tear-down included."""
    entry = hareport.ENTRIES.get(report.nodeid)
    if entry is None:
        return
    entry.seconds += report.duration
    if (report.when == "call" or report.outcome != "passed") and entry.outcome in ("not run", "passed"):
        entry.outcome = report.outcome


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the HA report after a run that ran the rig; write it where ``PROVHA_HA_REPORT`` says."""
    if not any(entry.outcome != "not run" for entry in hareport.ENTRIES.values()):
        return
    terminalreporter.write_sep("=", "HA report")
    for line in hareport.lines():
        terminalreporter.write_line(line)
    target = os.environ.get(hareport.REPORT_ENV)
    if target:
        hareport.write(Path(target))
