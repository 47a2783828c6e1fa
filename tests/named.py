"""Real named instances for the tests: on a loopback address and a high port, their own directory, in the foreground."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from provha_daemon.config import load_config
from provha_daemon.rebuild import Rebuilder
from tests.dbserver import PlantDB, PlantFactory
from tests.helpers import Setup, write_config
from tests.service import stop_process


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


def named_conf(directory: Path, port: int, listen: Sequence[str], include: Path) -> str:
    """A main named.conf as the README tells the operator to write it: listen on ``listen`` at ``port`` only, the
    generated file's query and recursion ACLs, no control channel, ``include`` (a generated named-nmsprime.conf)."""
    return (
        "options {\n"
        f'\tdirectory "{directory}";\n'
        f'\tpid-file "{directory}/named.pid";\n'
        f"\tlisten-on port {port} {{ {'; '.join(listen)}; }};\n"
        "\tlisten-on-v6 { none; };\n"
        "\trecursion yes;\n"
        "\tallow-query { nmsprime-plant; };\n"
        "\tallow-recursion { nmsprime-recursion; };\n"
        "\tdnssec-validation no;\n"
        "\tnotify no;\n"
        "\tempty-zones-enable no;\n"  # else named's RFC 1918 empty zones shadow in-addr.arpa (README, \"DNS\")
        "};\n"
        "controls { };\n"
        f'include "{include}";\n'
    )


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
        self.config.write_text(named_conf(self.directory, self.port, self.listen, self.include))

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
        stop_process(self.process)
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


OWN, PEER = "127.0.0.32", "127.0.0.31"  # the slave and the master, on loopback
CPE_SALT = "3f" * 32  # /etc/named-ddns-cpe.key holds 32 random bytes in hex


@dataclass
class Pair:
    """The plant with both nodes on loopback, the slave's config, and one real named per node."""

    db: PlantDB
    setup: Setup
    slave: Named
    master: Named

    def rebuilder(self) -> Rebuilder:
        return Rebuilder(load_config(self.setup.config), frozenset())

    @property
    def conf(self) -> Path:
        return self.setup.dns_dir / "conf"

    @property
    def ddns(self) -> Path:
        return self.setup.dns_dir / "ddns"


@contextlib.contextmanager
def dns_pair(tmp_path: Path, plant_db: PlantFactory) -> Iterator[Pair]:
    """The seeded plant with the slave on OWN and the master on PEER, the slave's config (named's files under
    tmp_path), and a named for each node, not yet started (``start_pair``)."""
    db = plant_db("netgw")
    db.execute(f"UPDATE provha SET master = '{PEER}', slaves = '{OWN}'")
    port = free_port()  # on 127.0.0.1, where the slave's named listens too
    setup = write_config(tmp_path, db, extra_dns=f"port = {port}\n")
    (setup.dns_dir / "cpe.key").parent.mkdir(parents=True, exist_ok=True)
    (setup.dns_dir / "cpe.key").write_text(CPE_SALT + "\n")
    pair = Pair(
        db,
        setup,
        Named(tmp_path / "slave-named", OWN, port, setup.dns_dir / "conf" / "named-nmsprime.conf", ("127.0.0.1",)),
        Named(tmp_path / "master-named", PEER, port, tmp_path / "master-named" / "named-nmsprime.conf"),
    )
    try:
        yield pair
    finally:
        for named in (pair.slave, pair.master):
            named.stop()
            named.remove_address()


async def start_pair(pair: Pair) -> None:
    """A first rebuild, then both named: the master's with the rendered copy and its own zone files."""
    await pair.rebuilder().rebuild(attempts=1)
    master = pair.master.directory
    master.mkdir(parents=True, exist_ok=True)
    zones = pair.setup.dns_dir / "dynamic"
    copy = (pair.conf / "master" / "named-nmsprime.conf").read_text()
    (master / "dynamic").mkdir(exist_ok=True)
    for zone in zones.glob("*.zone"):
        (master / "dynamic" / zone.name).write_bytes(zone.read_bytes())
    (master / "named-nmsprime.conf").write_text(copy.replace(str(zones), str(master / "dynamic")))
    pair.slave.start()
    pair.master.start()
