"""Real named instances for the tests: on a loopback address and a high port, their own directory, in the foreground."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def free_port(address: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on ``address`` right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((address, 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((address, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


class Named:
    """One named (``-g``: foreground, logs to stderr) serving ``include`` (a generated named-nmsprime.conf) on
    ``address``:``port``, with the query and recursion ACLs the README tells named.conf to use."""

    def __init__(self, directory: Path, address: str, port: int, include: Path, also: tuple[str, ...] = ()) -> None:
        self.directory, self.address, self.port, self.include = directory, address, port, include
        self.listen = (address, *also)  # also: 127.0.0.1 for the slave, where its DDNS script sends its own updates
        directory.mkdir(parents=True, exist_ok=True)
        self.config = directory / "named.conf"
        self.log = directory / "named.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.added_address = False

    def write_config(self) -> None:
        """The main named.conf: listen here only, no control channel, the generated file included."""
        self.config.write_text(
            "options {\n"
            f'\tdirectory "{self.directory}";\n'
            f'\tpid-file "{self.directory}/named.pid";\n'
            f"\tlisten-on port {self.port} {{ {'; '.join(self.listen)}; }};\n"
            "\tlisten-on-v6 { none; };\n"
            "\trecursion yes;\n"
            "\tallow-query { nmsprime-plant; };\n"
            "\tallow-recursion { nmsprime-recursion; };\n"
            "\tdnssec-validation no;\n"
            "\tnotify no;\n"
            "\tempty-zones-enable no;\n"  # else named's RFC 1918 empty zones shadow in-addr.arpa (README, \"DNS\")
            "};\n"
            "controls { };\n"
            f'include "{self.include}";\n'
        )

    def start(self) -> Named:
        """Start it and wait until it answers on its port (named listens only on interface addresses: a loopback
        address other than 127.0.0.1 is added to lo first, and removed by ``stop``)."""
        if self.address != "127.0.0.1" and not self.added_address:
            subprocess.run(["ip", "addr", "add", f"{self.address}/32", "dev", "lo"], check=True)
            self.added_address = True
        self.write_config()
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            ["named", "-g", "-4", "-c", str(self.config)], stdout=out, stderr=out, stdin=subprocess.DEVNULL
        )
        out.close()
        deadline = time.monotonic() + 15
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"named on {self.address} exited:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"named on {self.address}:{self.port} did not answer")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove_address(self) -> None:
        """Take the loopback address ``start`` added off lo again."""
        if self.added_address:
            subprocess.run(["ip", "addr", "del", f"{self.address}/32", "dev", "lo"], check=False)
            self.added_address = False

    def reload(self) -> None:
        """Re-read the configuration (SIGHUP: what rndc reload asks for)."""
        assert self.process is not None
        self.process.send_signal(1)

    def answers(self) -> bool:
        """Whether it answers a query on its port."""
        return self.dig("version.bind", "TXT", "CH").returncode == 0

    def dig(self, name: str, kind: str = "A", klass: str = "IN") -> subprocess.CompletedProcess[str]:
        """``dig +short`` against this server."""
        return subprocess.run(
            [
                *("dig", "+short", "+time=1", "+tries=1", "-p", str(self.port), f"@{self.address}"),
                *self._query(name, kind, klass),
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    @staticmethod
    def _query(name: str, kind: str, klass: str) -> tuple[str, ...]:
        return ("-c", klass, "-t", kind, "-q", name)

    def resolve(self, name: str, kind: str = "A") -> list[str]:
        """The records ``name`` has here now (empty when none, or no answer)."""
        result = self.dig(name, kind)
        return sorted(line for line in result.stdout.splitlines() if line and not line.startswith(";"))

    def nsupdate(self, key: Path | None, commands: str) -> subprocess.CompletedProcess[str]:
        """Send ``commands`` (without ``server`` and ``send``) signed with the key file ``key``."""
        argv = ["nsupdate", "-v", "-t", "5"] + (["-k", str(key)] if key is not None else [])
        return subprocess.run(
            argv,
            input=f"server {self.address} {self.port}\n{commands}\nsend\n",
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
