"""Change-to-swap latency of the running service with its default settings, on the test plant.

A change is committed on the "master" connection; the latency is the time until the slave's modems-host.conf
holds the new value (the file is polled every 5 ms). Changes are spaced by more than the default
min_restart_interval (30 s), with a random phase against the poll, so that every one is applied on its own.
Prints each sample and the median.

    .venv/bin/python -m benchmarks.change_latency --changes 20
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dbserver import MariaDBServer, PlantFactory, free_port  # noqa: E402
from tests.helpers import write_config  # noqa: E402
from tests.service import Daemon  # noqa: E402


def main() -> int:
    """Run the measurement; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=31.0, help="seconds between changes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="provha-latency-") as tmp:
        base = Path(tmp)
        server = MariaDBServer(base / "db", free_port())
        server.start()
        daemon = None
        try:
            db = PlantFactory(server)("netgw")
            setup = write_config(base, db, service="")  # every [service] setting at its default
            daemon = Daemon(setup.config)
            daemon.wait_event("rebuild.done", timeout=60)
            hosts = setup.dhcp_dir / "modems-host.conf"
            samples = []
            rng = random.Random(4491)
            for i in range(args.changes):
                # A random phase against the 2 s poll, so the samples cover the whole poll interval.
                time.sleep(args.spacing + rng.uniform(0, 2.0))
                mac = f"00:11:22:33:{i // 100:02x}:{i % 100:02d}"
                db.execute(f"UPDATE modem SET mac = '{mac}', updated_at = NOW() WHERE id = 100001")
                committed = time.monotonic()
                while mac not in hosts.read_text():
                    time.sleep(0.005)
                samples.append(time.monotonic() - committed)
                print(f"change {i + 1:2d}: {samples[-1]:.3f} s", flush=True)
            print(
                f"median {statistics.median(samples):.3f} s, min {min(samples):.3f} s, max {max(samples):.3f} s, "
                f"n={len(samples)} (poll 2 s, quiet one poll, dhcpd -t on the test plant)"
            )
        finally:
            if daemon is not None:
                daemon.stop()
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
