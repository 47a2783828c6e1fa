"""The running service (``python -m provha_daemon``): one-modem change → files swapped, and its peak RSS.

The service runs with its default polling (``poll_interval`` 2 s, quiet period one poll); only
``min_restart_interval`` is 0, so that changes a few seconds apart are each applied at once instead of waiting
out the 30 s restart pacing (the restart command is the tests' recording stub). A background writer updates
status columns and unwatched tables all the time, as the master does. Each change is committed on the master
connection at a random phase against the poll; the latency ends when ``modems-host.conf`` is replaced (its inode
changes, watched with ``stat`` every 2 ms) and the new MAC is checked to be in it. Peak RSS is the daemon
process's ``VmHWM`` after its start-up full rebuild and again at the end.
"""

from __future__ import annotations

import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.master import Master, background_writer
from benchmarks.plantgen import OWN_IP, PEER_IP, BenchPlant
from benchmarks.stats import Series
from tests.helpers import write_config
from tests.service import Daemon

SERVICE_SETTINGS = "min_restart_interval = 0.0\n"
# The DHCP half: the TFTP configs are the TFTP work's own benchmark (benchmarks/tftp_rebuild.py).
TFTP_SETTINGS = "enabled = false\n"
CHANGE_TIMEOUT = 120.0


@dataclass(slots=True)
class ServiceFigures:
    """What the service run measured."""

    latency: Series = field(default_factory=Series)  # s
    rss_startup_mb: float = float("nan")
    rss_peak_mb: float = float("nan")
    startup_rebuild_ms: float = float("nan")
    rebuild_ms: Series = field(default_factory=Series)  # the service's own rebuild.done total_ms per change
    periodic_ms: float = float("nan")  # with TFTP: the cyclic full rebuild's total_ms (nothing changed)
    poll_interval: float = 2.0
    quiet_period: float = 2.0
    writes: int = 0


def provha_top(own_ip: str = OWN_IP, peer_ip: str = PEER_IP) -> str:
    """The ``[provha]`` table that pins the slave's own and the peer's address."""
    return f'[provha]\nown_ip = "{own_ip}"\npeer_ip = "{peer_ip}"\n'


def vm_hwm_mb(pid: int) -> float:
    """Peak resident set size of a process (``VmHWM``), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def _wait_replaced(path: Path, inode: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if path.stat().st_ino != inode:
                return
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} was not replaced within {timeout} s")
        time.sleep(0.002)


def measure_service(
    plant: BenchPlant, base: Path, runs: int, seed: int = 4491, tftp: bool = False, periodic_now: bool = False
) -> ServiceFigures:
    """Start the service on the plant, time ``runs`` one-modem changes, read its peak RSS, stop it.

    With ``tftp`` the service also builds the TFTP configs, each change also moves the modem to another QoS row,
    and the change counts as applied when both modems-host.conf and the modem's ``.cfg`` were swapped.
    """
    figures = ServiceFigures()
    base.mkdir(parents=True, exist_ok=True)
    # With TFTP, a cyclic full rebuild (the full check of every file) a minute after start-up: after the changes,
    # the run waits for it, so the peak RSS includes it.
    setup = write_config(
        base,
        plant.db,
        extra_top=provha_top(),
        service=SERVICE_SETTINGS + ("rebuild_interval = 60\n" if tftp else ""),
        extra_tftp="" if tftp else TFTP_SETTINGS,
    )
    hosts = setup.dhcp_dir / "modems-host.conf"
    watched = [hosts]
    if tftp:
        name = plant.db.execute(f"SELECT hostname FROM modem WHERE id = {plant.modem_ids[0]}")[0][0]
        watched.append(setup.tftp_dir / "cm" / f"{name}.cfg")
    rng = random.Random(seed)
    daemon = Daemon(setup.config)
    master = Master(plant)
    try:
        first = daemon.wait_event("rebuild.done", timeout=600)[0]
        if first.get("result") != "ok" or not all(path.exists() for path in watched):
            raise RuntimeError(f"the service's first rebuild did not apply: {first}\n{daemon.tail()}")
        figures.startup_rebuild_ms = float(first.get("total_ms", float("nan")))
        figures.rss_startup_mb = vm_hwm_mb(daemon.proc.pid)
        with background_writer(plant) as writer:
            for _ in range(runs):
                done = len(daemon.events("rebuild.done"))
                time.sleep(rng.uniform(0, figures.poll_interval))  # a random phase against the poll
                inodes = [path.stat().st_ino for path in watched]
                mac = master.change_modem_mac(qos=tftp)
                committed = time.monotonic()
                for path, inode in zip(watched, inodes, strict=True):  # the last one swapped ends the wait
                    _wait_replaced(path, inode, CHANGE_TIMEOUT)
                figures.latency.add(time.monotonic() - committed)
                if f"hardware ethernet {mac};".encode() not in hosts.read_bytes():
                    raise RuntimeError(f"the swapped {hosts} lacks the new MAC {mac}")
                event = daemon.wait_event("rebuild.done", count=done + 1, timeout=CHANGE_TIMEOUT)[-1]
                if event.get("result") != "ok":
                    raise RuntimeError(f"the service's rebuild did not succeed: {event}")
                figures.rebuild_ms.add(float(event["total_ms"]))
            figures.writes = writer.writes
        if tftp:
            done = len(daemon.events("rebuild.done"))
            if periodic_now:  # a reload makes the next rebuild the full one, without the minute's wait
                daemon.signal(signal.SIGHUP)
            while True:
                event = daemon.wait_event("rebuild.done", count=done + 1, timeout=240)[-1]
                done += 1
                if event.get("trigger") == ["periodic"]:
                    break
            if event.get("result") != "ok" or event.get("tftp_written"):
                raise RuntimeError(f"the cyclic full rebuild did not check cleanly: {event}")
            figures.periodic_ms = float(event["total_ms"])
        figures.rss_peak_mb = max(figures.rss_startup_mb, vm_hwm_mb(daemon.proc.pid))
    finally:
        master.close()
        code = daemon.stop()
        if code != 0:
            raise RuntimeError(f"the service exited {code}:\n{daemon.tail()}")
    return figures
