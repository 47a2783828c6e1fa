"""Throwaway MariaDB servers and NMS Prime test databases for the test suite.

``MariaDBServer`` runs a private ``mariadbd`` (own datadir, unix socket and loopback port, as root, no
systemd); ``PlantFactory`` creates uniquely named databases filled with ``tests/fixtures/schema_*.sql`` and
``seed_*.sql`` plus a SELECT-only user, the way the daemon sees a ProvHA slave's replica.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
from pymysql.constants import CLIENT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GENERATIONS = ("netgw", "cmts")

_START_TIMEOUT = 30.0
_STOP_TIMEOUT = 30.0
_SOCKET_PATH_MAX = 107  # sun_path is 108 bytes including the terminating NUL


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MariaDBError(RuntimeError):
    """A throwaway MariaDB server could not be set up, started or fed."""


class MariaDBServer:
    """A private mariadbd under ``basedir`` listening on ``socket`` and 127.0.0.1:``port``."""

    def __init__(self, basedir: Path, port: int, options: Sequence[str] = (), user: str = "root") -> None:
        """Remember where the server lives; nothing is started yet.

        ``options`` are extra mariadbd options (Galera's wsrep settings); ``user`` is the account mariadbd
        drops to (Galera's rsync SST needs ``mysql``, see real-components.md).
        """
        self.basedir = Path(basedir)
        self.port = port
        self.options = tuple(options)
        self.user = user
        self.datadir = self.basedir / "data"
        self.socket = str(self.basedir / "mysql.sock")
        self.pid_file = self.basedir / "mysqld.pid"
        self.error_log = self.basedir / "error.log"
        self._proc: subprocess.Popen[bytes] | None = None
        if len(os.fsencode(self.socket)) > _SOCKET_PATH_MAX:
            raise MariaDBError(f"unix socket path too long for AF_UNIX: {self.socket}")

    def __repr__(self) -> str:
        """Show where the server listens."""
        return f"MariaDBServer(socket={self.socket!r}, port={self.port}, running={self.running})"

    @property
    def running(self) -> bool:
        """Whether the mariadbd process this object started is still alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Initialise the datadir on first use, start mariadbd and wait until it answers a ping."""
        if self.running:
            return
        self.basedir.mkdir(parents=True, exist_ok=True)
        self.datadir.mkdir(parents=True, exist_ok=True)
        if self.user != "root":
            subprocess.run(["chown", "-R", f"{self.user}:{self.user}", str(self.basedir)], check=True)
        if not (self.datadir / "mysql").is_dir():
            self._install_db()
        with contextlib.suppress(FileNotFoundError):
            Path(self.socket).unlink()
        argv = [
            "mariadbd",
            "--no-defaults",
            f"--user={self.user}",
            f"--datadir={self.datadir}",
            f"--socket={self.socket}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            f"--pid-file={self.pid_file}",
            f"--log-error={self.error_log}",
            *self.options,
        ]
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise MariaDBError(f"mariadbd exited with {code} while starting:\n{self._log_tail()}")
            if self._ping():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise MariaDBError(f"mariadbd did not answer within {_START_TIMEOUT:.0f} s:\n{self._log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop mariadbd: SIGTERM, up to 30 s for a clean shutdown, then SIGKILL."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._proc = None

    def kill(self) -> None:
        """Crash mariadbd: SIGKILL, no shutdown at all (the datadir is left as after a power cut)."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        self._proc = None

    def execute(self, sql: str, database: str | None = None) -> list[tuple[Any, ...]]:
        """Run SQL (one or more ``;``-separated statements) as root; return the last result set's rows."""
        conn = pymysql.connect(
            unix_socket=self.socket,
            user="root",
            database=database,
            autocommit=True,
            client_flag=CLIENT.MULTI_STATEMENTS,
            charset="utf8mb4",
        )
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                rows: list[tuple[Any, ...]] = []
                while True:
                    if cur.description is not None:
                        rows = list(cur.fetchall())
                    if not cur.nextset():
                        break
                return rows
        finally:
            conn.close()

    def load_file(self, path: Path | str, database: str) -> None:
        """Feed a .sql file into ``database`` with the mariadb command-line client over the socket."""
        with open(path, "rb") as sql:
            result = subprocess.run(
                ["mariadb", "--no-defaults", "-uroot", f"--socket={self.socket}", database],
                stdin=sql,
                capture_output=True,
                check=False,
            )
        if result.returncode != 0:
            raise MariaDBError(
                f"loading {path} into {database} failed ({result.returncode}): "
                f"{result.stderr.decode(errors='replace').strip()}"
            )

    def _install_db(self) -> None:
        """Create the system tables in an empty datadir (root logs in over the socket without password)."""
        self.datadir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--user={self.user}",
                f"--datadir={self.datadir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode(errors="replace")
            raise MariaDBError(f"mariadb-install-db failed ({result.returncode}):\n{output[-3000:]}")

    def _ping(self) -> bool:
        """Whether ``mariadb-admin ping`` gets an answer over the socket."""
        result = subprocess.run(
            ["mariadb-admin", "--no-defaults", "-uroot", f"--socket={self.socket}", "--connect-timeout=1", "ping"],
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def _log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's error log, or a note that there is none."""
        try:
            text = self.error_log.read_text(errors="replace")
        except FileNotFoundError:
            return f"(no error log at {self.error_log})"
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True, kw_only=True)
class PlantDB:
    """One seeded NMS Prime database and the SELECT-only account the daemon would use on it."""

    name: str
    user: str
    password: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int
    socket: str
    server: MariaDBServer = field(repr=False, compare=False)

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        """Run SQL as root in this database (stands for the master's writes); return the last rows."""
        return self.server.execute(sql, self.name)


class PlantFactory:
    """Creates seeded plant databases on demand and drops them (and their users) on ``cleanup``."""

    def __init__(self, default_server: MariaDBServer) -> None:
        """Use ``default_server`` when a caller names no server."""
        self.default_server = default_server
        self._made: list[PlantDB] = []

    def __call__(self, generation: str = "netgw", server: MariaDBServer | None = None) -> PlantDB:
        """Create a database of ``generation`` ('netgw' or 'cmts') with the plant and a SELECT-only user."""
        if generation not in GENERATIONS:
            raise ValueError(f"unknown schema generation {generation!r}; expected one of {GENERATIONS}")
        server = server or self.default_server
        suffix = uuid.uuid4().hex[:8]
        plant = PlantDB(
            name=f"nms_{suffix}",
            user=f"ro_{suffix}",
            password=secrets.token_urlsafe(16),
            port=server.port,
            socket=server.socket,
            server=server,
        )
        server.execute(f"CREATE DATABASE `{plant.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        self._made.append(plant)
        server.load_file(FIXTURES / f"schema_{generation}.sql", plant.name)
        server.load_file(FIXTURES / f"seed_{generation}.sql", plant.name)
        grants = []
        for host in ("127.0.0.1", "localhost"):
            grants.append(f"CREATE USER '{plant.user}'@'{host}' IDENTIFIED BY '{plant.password}'")
            grants.append(f"GRANT SELECT ON `{plant.name}`.* TO '{plant.user}'@'{host}'")
        server.execute(";\n".join(grants))
        return plant

    def cleanup(self) -> None:
        """Drop every database and user made here whose server is still running."""
        while self._made:
            plant = self._made.pop()
            if not plant.server.running:
                continue
            plant.server.execute(
                f"DROP DATABASE IF EXISTS `{plant.name}`;"
                f"DROP USER IF EXISTS '{plant.user}'@'127.0.0.1', '{plant.user}'@'localhost'"
            )
