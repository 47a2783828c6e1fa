"""TFTP rebuild times on disk: everything new, a full rebuild with nothing changed, an incremental one.

Runs the daemon's own TFTP stage (``TftpStage.write``: encode, compare, temp + rename, one syncfs) on an
in-memory plant (``benchmarks.tftp_speed.plant``) into ``--dir`` (default: a temporary directory on the
filesystem of /tmp). Each figure is the median of ``--runs`` runs with min-max.

    .venv/bin/python -m benchmarks.tftp_rebuild --modems 20000 --runs 3 [--dir /mnt/journaled-ext4]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.tftp_speed import plant  # noqa: E402
from provha_daemon.config import load_config  # noqa: E402
from provha_daemon.rebuild import Rebuilder, RebuildResult  # noqa: E402
from provha_daemon.stages import TftpStage  # noqa: E402


def _timed(rebuilder: Rebuilder, loaded: object, full: bool) -> tuple[float, dict[str, int]]:
    result = RebuildResult()
    started = time.perf_counter()
    rebuilder.stage(TftpStage).write(loaded, full, result)  # type: ignore[arg-type]
    return time.perf_counter() - started, result.tftp


def main() -> int:
    """Print the three figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modems", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    loaded = plant(args.modems)
    figures: dict[str, list[float]] = {"all new": [], "full, nothing changed": [], "incremental, nothing changed": []}
    for _ in range(args.runs):
        base = Path(tempfile.mkdtemp(prefix="provha-tftp-", dir=args.dir))
        try:
            (base / "tftpboot").mkdir()
            (base / "tftpboot" / "keyfile").write_text("provha-test-secret\n")
            config_path = base / "c.toml"
            config_path.write_text(
                f'role = "slave"\n[dhcp]\ndir = "{base}/dhcp"\n[tftp]\ndir = "{base}/tftpboot"\n'
                f'[nmsprime]\nenv_dir = "{base}"\n[time]\nenabled = false\n[dns]\nenabled = false\n'  # never the host's
            )
            rebuilder = Rebuilder(load_config(config_path), frozenset())
            for name, full in (
                ("all new", True),
                ("full, nothing changed", True),
                ("incremental, nothing changed", False),
            ):
                seconds, counts = _timed(rebuilder, loaded, full)
                figures[name].append(seconds)
                print(f"  {name}: {seconds:.2f} s {counts}", flush=True)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    print(f"{args.modems} modems, each a .conf and a .cfg:")
    for name, values in figures.items():
        print(f"  {name:30s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
