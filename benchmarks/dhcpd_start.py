"""dhcpd cold start and restart outage on the generated config, in a network namespace of its own.

The namespace holds a veth pair whose one end carries the slave's own address (10.99.0.2/22, the subnet of the
generated ``default-network.conf``); the failover peer's address is never configured, so nothing answers and
nothing leaves the namespace. The leases file is synthesized in dhcpd's own format (failover state ``normal``,
active leases and free/backup ones in the generated pools, about 2.6 leases per modem: ≈ 260k at 100k modems)
and copied afresh for every cold start, because dhcpd rewrites it.

- cold start: ``dhcpd -f -d -4 -cf … -lf … -pf …`` (own session) until it logs "Server starting service.";
- restart outage: SIGTERM to the running dhcpd → it exited → a new one started → "Server starting service."
  (what a restart costs the plant; systemd adds its own overhead on a real slave).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.plantgen import OWN_IP, BenchPlant
from benchmarks.stats import Series

READY = b"Server starting service."
START_TIMEOUT = 120.0
LEASES_PER_MODEM = 2.62
ACTIVE_SHARE = 0.60
IFACE, PEER_IFACE = "pbv0", "pbv1"


@dataclass(slots=True)
class StartFigures:
    """dhcpd start and restart times, and what it started with."""

    cold_start: Series = field(default_factory=Series)  # s
    restart: Series = field(default_factory=Series)  # s
    stop: Series = field(default_factory=Series)  # s, SIGTERM → exit
    leases: int = 0
    active: int = 0
    leases_bytes: int = 0
    skipped: str = ""


def _when(moment: dt.datetime) -> str:
    """A lease time as dhcpd writes it: weekday (0 = Sunday) and UTC date and time."""
    return f"{(moment.weekday() + 1) % 7} {moment:%Y/%m/%d %H:%M:%S}"


def write_leases(plant: BenchPlant, path: Path) -> tuple[int, int]:
    """A realistic failover leases file for the plant's pools; returns (leases, active)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    starts, ends, cltt = _when(now - dt.timedelta(hours=6)), _when(now + dt.timedelta(hours=18)), _when(now)
    state = _when(now - dt.timedelta(days=1))
    addresses = [(kind, first + k) for kind, first, last in plant.pools for k in range(int(last) - int(first) + 1)]
    total = min(len(addresses), round(LEASES_PER_MODEM * plant.spec.modems))
    # Spread the leases over every pool instead of filling the first ones.
    step = len(addresses) / total if total else 1.0
    chosen = [addresses[int(i * step)] for i in range(total)]
    active = 0
    with open(path, "w", encoding="ascii") as out:
        out.write(
            "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
            "# This lease file was written by isc-dhcp-4.4.3-P1\n\n"
            "# authoring-byte-order entry is generated, DO NOT DELETE\nauthoring-byte-order little-endian;\n\n"
            f'failover peer "dhcpd-failover" state {{\n  my state normal at {state};\n'
            f"  partner state normal at {state};\n}}\n\n"
        )
        for i, (kind, address) in enumerate(chosen):
            if i % 100 < ACTIVE_SHARE * 100:
                active += 1
                prefix = {"CM": 0x1E, "MTA": 0x1F}.get(kind, 0x30)
                mac = f"00:{prefix:02x}:{i >> 24 & 255:02x}:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"
                uid = "".join(f"\\{int(b, 16):03o}" for b in mac.split(":"))
                out.write(
                    f"lease {address} {{\n  starts {starts};\n  ends {ends};\n  tstp {ends};\n  tsfp {ends};\n"
                    f"  atsfp {ends};\n  cltt {cltt};\n  binding state active;\n  next binding state expired;\n"
                    f'  rewind binding state free;\n  hardware ethernet {mac};\n  uid "\\001{uid}";\n'
                    f'  set cm_mac = "{mac}";\n  client-hostname "dev-{i}";\n}}\n'
                )
            else:
                binding = "free" if i % 2 else "backup"
                out.write(
                    f"lease {address} {{\n  starts {starts};\n  ends {starts};\n  tstp {starts};\n"
                    f"  tsfp {starts};\n  atsfp {starts};\n  cltt {starts};\n  binding state {binding};\n}}\n"
                )
    return total, active


def netns_available() -> str:
    """Empty when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "needs root (ip netns)"
    if shutil.which("ip") is None:
        return "no ip command (iproute2)"
    return ""


@contextlib.contextmanager
def namespace(name: str, address: str = OWN_IP, prefix: int = 22) -> Iterator[str]:
    """A network namespace with a veth pair inside it, ``address`` on one end; deleted on exit."""

    def ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True)

    ip("netns", "add", name)
    try:
        ip("-n", name, "link", "set", "lo", "up")
        ip("-n", name, "link", "add", IFACE, "type", "veth", "peer", "name", PEER_IFACE)
        ip("-n", name, "link", "set", IFACE, "up")
        ip("-n", name, "link", "set", PEER_IFACE, "up")
        ip("-n", name, "addr", "add", f"{address}/{prefix}", "dev", IFACE)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


class Dhcpd:
    """One dhcpd in the namespace, started in its own session; ``wait_ready`` reads its log until ready."""

    def __init__(self, netns: str, dhcpd: str, conf: Path, leases: Path, pid_file: Path, log: Path) -> None:
        self.log = log
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                netns,
                dhcpd,
                "-f",
                "-d",
                "-4",
                "-cf",
                str(conf),
                "-lf",
                str(leases),
                "-pf",
                str(pid_file),
                IFACE,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> float:
        """Seconds from start until "Server starting service."; raises if dhcpd exits or takes too long."""
        if self.proc.stdout is None:  # pragma: no cover -- always a pipe
            raise RuntimeError("dhcpd has no output pipe")
        output = bytearray()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while READY not in output:
                if time.monotonic() > deadline:
                    self.kill()
                    raise TimeoutError(f"dhcpd not ready within {timeout} s: {output[-2000:].decode(errors='replace')}")
                if not selector.select(timeout=0.5):
                    continue
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    self.proc.wait()
                    raise RuntimeError(
                        f"dhcpd exited {self.proc.returncode} before it was ready:\n"
                        f"{output[-3000:].decode(errors='replace')}"
                    )
                output += chunk
        ready = time.perf_counter() - self.started
        with open(self.log, "ab") as log:
            log.write(bytes(output))
        return ready

    def terminate(self) -> float:
        """SIGTERM and wait for the exit; returns the seconds that took."""
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        self._drain_and_wait(30)
        return time.perf_counter() - started

    def _drain_and_wait(self, timeout: float) -> None:
        # dhcpd logs on its way out; drain the pipe so it never blocks on a full one.
        if self.proc.stdout is not None:
            with contextlib.suppress(OSError):
                self.proc.stdout.read()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL (our own process only) and reap."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def close(self) -> None:
        """Stop whatever still runs and close the pipe."""
        if self.proc.poll() is None:
            self.terminate()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def measure_start(plant: BenchPlant, dhcpd: str, conf: Path, workdir: Path, runs: int) -> StartFigures:
    """``runs`` cold starts, each followed by one restart (SIGTERM → exit → start → ready)."""
    figures = StartFigures()
    why = netns_available()
    if why:
        figures.skipped = why
        return figures
    pristine = workdir / "dhcpd.leases.pristine"
    figures.leases, figures.active = write_leases(plant, pristine)
    figures.leases_bytes = pristine.stat().st_size
    leases, pid_file, log = workdir / "dhcpd.leases", workdir / "dhcpd.pid", workdir / "dhcpd.log"
    with namespace(f"provha-bench-{os.getpid()}") as netns:
        for _ in range(runs):
            shutil.copyfile(pristine, leases)
            for stale in (workdir / "dhcpd.leases~", pid_file):
                stale.unlink(missing_ok=True)
            server = Dhcpd(netns, dhcpd, conf, leases, pid_file, log)
            try:
                figures.cold_start.add(server.wait_ready())
                started = time.perf_counter()
                figures.stop.add(server.terminate())
                server.close()
                server = Dhcpd(netns, dhcpd, conf, leases, pid_file, log)
                server.wait_ready()
                figures.restart.add(time.perf_counter() - started)
            finally:
                server.close()
    for path in (pristine, leases, workdir / "dhcpd.leases~"):
        path.unlink(missing_ok=True)
    return figures
