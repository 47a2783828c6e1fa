"""The TFTP half at scale: the daemon's TFTP stage on the generated plant, against the raw write limit.

Everything runs through the daemon's own code: ``Database.read(tftp=True)`` for the snapshot,
``TftpRenderer`` for text and encoding, ``TftpStage.write`` for the stage a rebuild runs (encode, compare,
temp + rename, one ``syncfs``). The tree lives on a journaled ext4 in a loop-mounted image, like a server's
``/tftpboot`` (the machine's root filesystem has no journal and is several times slower at creating files); the
limit writes exactly the same files in the same order the same way (temp + rename each, one ``syncfs``) into an
empty directory of that filesystem, in the same run.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.plantgen import BenchPlant
from benchmarks.stats import Series, stopwatch
from provha_daemon.apply import syncfs
from provha_daemon.collector import collector_paused
from provha_daemon.config import Config
from provha_daemon.rebuild import Rebuilder, RebuildResult
from provha_daemon.records import Plant
from provha_daemon.stages import TftpStage

IMAGE_GB = 4


@dataclass(slots=True)
class TftpFigures:
    """The TFTP stage's figures at one size."""

    filesystem: str = ""
    devices: int = 0
    files: int = 0
    bytes: int = 0
    read: Series = field(default_factory=Series)  # ms, Database.read(tftp=True)
    encode_rate: Series = field(default_factory=Series)  # configs/s, text + encoding, no disk
    all_new: Series = field(default_factory=Series)  # ms, TftpStage.write into an empty tree (first start)
    limit: Series = field(default_factory=Series)  # ms, temp + rename + one syncfs of the same files
    ratio: Series = field(default_factory=Series)
    unchanged_full: Series = field(default_factory=Series)  # ms, full rebuild, nothing changed
    unchanged_incremental: Series = field(default_factory=Series)  # ms, incremental rebuild, nothing changed
    changed: Series = field(default_factory=Series)  # ms, every template changed: every file rewritten
    changed_limit: Series = field(default_factory=Series)  # ms, the same new files over the old, raw
    changed_ratio: Series = field(default_factory=Series)


@contextlib.contextmanager
def journaled_filesystem(work: Path) -> Iterator[tuple[Path, str]]:
    """A journaled ext4 in a loop-mounted image under ``work``, or ``work`` itself where that cannot be mounted."""
    image, mount = work / "tftpfs.img", work / "tftpfs"
    mount.mkdir(exist_ok=True)
    try:
        with open(image, "wb") as sparse:
            sparse.truncate(IMAGE_GB << 30)
        # One inode per 4 KiB: the tree and the limit's copy are two files per device each.
        subprocess.run(
            ["mkfs.ext4", "-q", "-F", "-i", "4096", "-E", "lazy_itable_init=0,lazy_journal_init=0", str(image)],
            check=True,
            capture_output=True,
        )
        subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (
            exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        )
        image.unlink(missing_ok=True)
        yield work, f"the work directory's own filesystem (no loop-mounted ext4: {detail[:200]})"
        return
    try:
        yield mount, f"ext4 with a journal (mkfs.ext4 defaults, -i 4096), a {IMAGE_GB} GB loop-mounted image"
    finally:
        subprocess.run(["umount", str(mount)], check=False, capture_output=True)
        image.unlink(missing_ok=True)


def _clear(tftp_dir: Path) -> None:
    """Remove the generated tree, keep the keyfile and firmware (untimed)."""
    for sub in ("cm", "mta"):
        shutil.rmtree(tftp_dir / sub, ignore_errors=True)
    syncfs(tftp_dir)


def _encode_all(rebuilder: Rebuilder, plant: Plant) -> int:
    """Text and encoding of every device as ``TftpStage.write`` does it, without touching the disk."""
    renderer = rebuilder.stage(TftpStage).renderer(plant)
    devices = 0
    for record, chain in renderer.modems():
        renderer.encode_modem(renderer.prepare_modem(record, chain), record, chain)
        devices += 1
    for mta, mta_chain in renderer.mtas():
        renderer.encode_mta(renderer.prepare_mta(mta, mta_chain), mta, mta_chain)
        devices += 1
    return devices


def _collect(tftp_dir: Path, order: list[str]) -> list[tuple[str, bytes]]:
    """The written files, in the order the stage wrote them (the order of names matters to ext4's htree)."""
    return [(rel, (tftp_dir / rel).read_bytes()) for rel in order]


def raw_write(files: list[tuple[str, bytes]], target: Path) -> float:
    """The limit: each file written to a temp name and renamed over its own, one syncfs at the end; ms."""
    for sub in {rel.partition("/")[0] for rel, _ in files}:
        (target / sub).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for rel, data in files:
        path = f"{target}/{rel}"
        tmp = f"{path}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    syncfs(target)
    return (time.perf_counter() - started) * 1000


def _stage(rebuilder: Rebuilder, plant: Plant, full: bool) -> tuple[float, dict[str, int]]:
    result = RebuildResult()
    started = time.perf_counter()
    rebuilder.stage(TftpStage).write(plant, full, result)
    return (time.perf_counter() - started) * 1000, result.tftp


CONTACT = "noc@nmsprime.test"  # in every bench template; each sample changes it to change every file


def _change_every_template(plant: BenchPlant, run: int) -> None:
    """A new sysContact in every configfile (as an operator's template edit): every .conf and .cfg changes."""
    plant.db.execute(
        f"UPDATE configfile SET text = REPLACE(REPLACE(text, '{CONTACT}', 'noc-{run}@nmsprime.test'), "
        f"'noc-{run - 1}@nmsprime.test', 'noc-{run}@nmsprime.test'), updated_at = NOW()"
    )


async def measure_tftp(plant: BenchPlant, config: Config, runs: int, filesystem: str) -> TftpFigures:
    """``runs`` samples of each figure; every sample starts from an empty tree and a new ``Rebuilder``."""
    figures = TftpFigures(filesystem=filesystem)
    tftp_dir = config.tftp.dir
    limit_dir = tftp_dir.parent / "limit"
    for run in range(runs):
        _clear(tftp_dir)
        rebuilder = Rebuilder(config)  # a fresh process's state: nothing in the manifest
        gc.collect()
        with collector_paused():  # as inside Rebuilder.rebuild()
            with stopwatch(figures.read):
                snapshot = await rebuilder.db.read(tftp=True)
            started = time.perf_counter()
            devices = _encode_all(rebuilder, snapshot.plant)
            figures.encode_rate.add(devices / (time.perf_counter() - started))
            ms, counts = _stage(rebuilder, snapshot.plant, True)
            if counts["errors"] or counts["written"] != 2 * devices:
                raise RuntimeError(f"the TFTP stage did not write every file: {counts}, {devices} devices")
            figures.all_new.add(ms)
            files = _collect(tftp_dir, list(rebuilder.stage(TftpStage).files.written))
            figures.devices, figures.files, figures.bytes = devices, len(files), sum(len(d) for _, d in files)
            shutil.rmtree(limit_dir, ignore_errors=True)
            limit = raw_write(files, limit_dir)
            figures.limit.add(limit)
            figures.ratio.add(ms / limit)
            ms, counts = _stage(rebuilder, snapshot.plant, True)
            if counts["written"] or counts["encoded"]:
                raise RuntimeError(f"a full rebuild with nothing changed wrote or encoded: {counts}")
            figures.unchanged_full.add(ms)
            ms, counts = _stage(rebuilder, snapshot.plant, False)
            if counts["written"] or counts["encoded"]:
                raise RuntimeError(f"an incremental rebuild with nothing changed wrote or encoded: {counts}")
            figures.unchanged_incremental.add(ms)
            del snapshot, files
            # Everything changed: every template edited, so every device's two files are rewritten over the old
            # ones, by the rebuild a change triggers; the limit rewrites the same new files over its copy.
            _change_every_template(plant, run)
            snapshot = await rebuilder.db.read(tftp=True)
            ms, counts = _stage(rebuilder, snapshot.plant, False)
            if counts["errors"] or counts["written"] != 2 * devices:
                raise RuntimeError(f"a change of every template did not rewrite every file: {counts}")
            figures.changed.add(ms)
            files = _collect(tftp_dir, list(rebuilder.stage(TftpStage).files.written))
            limit = raw_write(files, limit_dir)
            figures.changed_limit.add(limit)
            figures.changed_ratio.add(ms / limit)
            del snapshot, files
    shutil.rmtree(limit_dir, ignore_errors=True)
    return figures
