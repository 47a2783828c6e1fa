"""Real chronyd instances for the tests: their own config, drift, pid and socket files, never the clock (-x)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.service import stop_process

CHRONY_USER = "_chrony"  # chronyd drops to it: its files' directories must be its own


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 nobody uses right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Chronyd:
    """One chronyd in the foreground (``-d -x``) on 127.0.0.1:``port``, with its command socket in ``run/``."""

    def __init__(self, directory: Path, name: str, lines: list[str], port: int | None = None) -> None:
        self.directory, self.name = directory, name
        self.port = port or free_udp_port()
        self.socket = directory / "run" / f"{name}.sock"
        self.config = directory / f"{name}.conf"
        self.config.write_text(
            "\n".join(
                [
                    f"port {self.port}",
                    "bindaddress 127.0.0.1",
                    "cmdport 0",
                    f"driftfile {directory / name}.drift",
                    f"pidfile {directory / name}.pid",
                    f"bindcmdaddress {self.socket}",
                    *lines,
                ]
            )
            + "\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Chronyd:
        """Start it and wait until its command socket answers."""
        self.process = subprocess.Popen(
            ["chronyd", "-d", "-x", "-f", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while self.chronyc("tracking").returncode != 0:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"chronyd {self.name} exited: {stderr}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"chronyd {self.name} did not open {self.socket}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        stop_process(self.process, 5)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    @property
    def pid(self) -> int:
        """The running chronyd's process id."""
        assert self.process is not None
        return self.process.pid

    def chronyc(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run chronyc against this instance's command socket."""
        return subprocess.run(
            ["chronyc", "-h", str(self.socket), *command], capture_output=True, text=True, timeout=10, check=False
        )

    def command(self) -> list[str]:
        """The argv prefix that reaches this instance (the daemon's ``time.chronyc``)."""
        return ["chronyc", "-h", str(self.socket)]

    def allowed(self, address: str) -> bool:
        """Whether chronyd serves NTP to ``address`` now (``accheck``)."""
        out = self.chronyc("accheck", address).stdout
        assert "Access allowed" in out or "Access denied" in out, out
        return "Access allowed" in out

    def sources(self) -> dict[str, str]:
        """Its sources now: address → state (``*`` the one it is synchronised to)."""
        lines = self.chronyc("-n", "-c", "sources").stdout.splitlines()
        return {fields[2]: fields[1] for fields in (line.split(",") for line in lines) if len(fields) > 2}

    def synchronised(self) -> bool:
        """Whether its leap status is Normal (synchronised to a source or its local reference)."""
        fields = self.chronyc("-c", "tracking").stdout.strip().split(",")
        return fields[-1] == "Normal"

    def wait_synchronised(self, timeout: float = 15.0) -> None:
        """Wait until it is synchronised."""
        deadline = time.monotonic() + timeout
        while not self.synchronised():
            if time.monotonic() > deadline:
                raise TimeoutError(f"chronyd {self.name} did not synchronise: {self.chronyc('tracking').stdout}")
            time.sleep(0.1)


@contextlib.contextmanager
def chrony_directory() -> Iterator[Path]:
    """A directory chronyd may use after it drops privileges (pytest's tmp_path is root-only), removed after."""
    directory = Path(tempfile.mkdtemp(prefix="provha-chrony-"))
    try:
        chrony = pwd.getpwnam(CHRONY_USER)
        directory.chmod(0o755)
        os.chown(directory, chrony.pw_uid, chrony.pw_gid)
        (directory / "run").mkdir(mode=0o750)
        os.chown(directory / "run", chrony.pw_uid, chrony.pw_gid)
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def reference_and_client(directory: Path, client_lines: list[str] | None = None) -> Iterator[tuple[Chronyd, Chronyd]]:
    """A reference chronyd (synchronised to its local clock, stratum 3) and a client synchronised to it, as a
    slave's chronyd is to its upstream; both stopped after."""
    reference = Chronyd(directory, "reference", ["local stratum 3", "allow 127.0.0.0/8"])
    client = Chronyd(
        directory,
        "client",
        [f"server 127.0.0.1 port {reference.port} minpoll -4 maxpoll -4 iburst", *(client_lines or [])],
    )
    try:
        reference.start()
        client.start()
        client.wait_synchronised()
        yield reference, client
    finally:
        client.stop()
        reference.stop()
