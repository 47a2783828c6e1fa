"""Shared fixtures: a session MariaDB server, private servers, and seeded NMS Prime plant databases."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

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
