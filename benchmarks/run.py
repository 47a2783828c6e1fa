"""``make bench``: the daemon measured at 10k / 50k / 100k modems, written to BENCHMARKS.md.

For each size: a plant is generated in a fresh database of one throwaway MariaDB (``--innodb-buffer-pool-size=1G``,
as on a production node), then, on the daemon's real code paths, each as ``--runs`` samples:

1. the full DHCP rebuild and each stage on its own, alternating with the limits (``benchmarks/dhcp.py``);
2. a profile of one rebuild and the raw fetch with aiomysql and asyncmy (``benchmarks/profiling.py``);
3. the poll cost per cycle, quiet and under a background writer, without and with ``updated_at`` indexes
   (``benchmarks/polling.py``);
4. the running service: one-modem change → files swapped, and its peak RSS (``benchmarks/latency.py``);
5. dhcpd cold start and restart outage in a network namespace with a realistic leases file
   (``benchmarks/dhcpd_start.py``);
6. the TFTP stage (everything changed, nothing changed, encoding rate) against the raw write of the same files on
   a journaled ext4 (``benchmarks/tftp.py``), and the service with TFTP: one-modem change → both sets swapped.

    .venv/bin/python -m benchmarks.run                                  # 10k, 50k, 100k; 7 runs; BENCHMARKS.md
    .venv/bin/python -m benchmarks.run --modems 10000 --runs 5 --out /tmp/B.md
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import structlog

from benchmarks.dhcp import DhcpFigures, measure_dhcp
from benchmarks.dhcpd_start import measure_start
from benchmarks.latency import SERVICE_SETTINGS, TFTP_SETTINGS, measure_service, provha_top
from benchmarks.machine import describe
from benchmarks.master import GLOBAL_CONFIG_UPDATES_PER_S, GUILOG_INSERTS_PER_S, STATUS_UPDATES_PER_S
from benchmarks.plantgen import BenchPlant, PlantSpec, create_plant, drop_plant
from benchmarks.polling import IDLE_AFTER, PollFigures, measure_polls
from benchmarks.profiling import ProfileFigures, compare_drivers, profile_rebuild
from benchmarks.report import SizeResult, render
from benchmarks.tftp import journaled_filesystem, measure_tftp
from provha_daemon.config import load_config
from tests.dbserver import MariaDBServer, free_port
from tests.helpers import write_config

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (10_000, 50_000, 100_000)
SERVER_OPTIONS = ("--innodb-buffer-pool-size=1G", "--local-infile=1")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--modems",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="plant sizes in live modems (default: 10000 50000 100000)",
    )
    parser.add_argument("--runs", type=int, default=7, help="samples per figure (default 7)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report file (default BENCHMARKS.md)")
    parser.add_argument("--poll-samples", type=int, default=32, help="polls per polling phase (default 32)")
    parser.add_argument(
        "--poll-spacing",
        type=float,
        default=0.5,
        help="seconds between polls under the background writer (default 0.5)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where the throwaway files go (default: /tmp)")
    parser.add_argument(
        "--periodic-now",
        action="store_true",
        help="bring the service's cyclic full rebuild at once with a SIGHUP (the same full check) "
        "instead of waiting its 60 s rebuild_interval; for quick runs (the test of this tool)",
    )
    return parser


def _quiet_logs() -> None:
    """The in-process rebuilds log through structlog; the benchmark's own output is the progress lines."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


async def _in_process(
    plant: BenchPlant, config_path: Path, args: argparse.Namespace, base: Path, seconds: dict[str, float]
) -> tuple[DhcpFigures, ProfileFigures, PollFigures]:
    """The measurements that drive the daemon's code in this process."""
    config = load_config(config_path)
    t = time.perf_counter()
    dhcp = await measure_dhcp(plant, config, args.runs, base)
    seconds["rebuild+stages+limits"] = time.perf_counter() - t
    _say(
        f"  rebuild {dhcp.rebuild.median:.0f} ms (limit {dhcp.limit.median:.0f} ms), read {dhcp.read.median:.0f}, "
        f"render {dhcp.render.median:.0f}, dhcpd -t {dhcp.dhcpd_t.median:.0f}, dump {dhcp.dump.median:.0f} ms"
    )
    t = time.perf_counter()
    profile = await profile_rebuild(plant, config)
    await compare_drivers(plant, dhcp.statements, args.runs, profile)
    seconds["profile+drivers"] = time.perf_counter() - t
    _say(f"  raw fetch: aiomysql {profile.aiomysql_ms.median:.0f} ms, asyncmy {profile.asyncmy_ms.median:.0f} ms")
    t = time.perf_counter()
    polls = await measure_polls(plant, config, args.poll_samples, args.poll_spacing)
    seconds["polls"] = time.perf_counter() - t
    _say(
        "  polls: "
        + ", ".join(
            f"{name} {(p.moved_ms if p.moved_ms else p.idle_ms).median:.1f} ms" for name, p in polls.phases.items()
        )
    )
    return dhcp, profile, polls


def run_size(
    server: MariaDBServer, modems: int, args: argparse.Namespace, work: Path, tftp_fs: tuple[Path, str]
) -> SizeResult:
    """Every measurement at one size; the plant is dropped afterwards."""
    seconds: dict[str, float] = {}
    _say(f"{modems:,} modems: generating the plant")
    t = time.perf_counter()
    plant = create_plant(server, PlantSpec(modems), work)
    seconds["plant"] = time.perf_counter() - t
    base = work / f"size-{modems}"
    try:
        (base / "inproc").mkdir(parents=True)
        setup = write_config(
            base / "inproc", plant.db, extra_top=provha_top(), service=SERVICE_SETTINGS, extra_tftp=TFTP_SETTINGS
        )
        dhcp, profile, polls = asyncio.run(_in_process(plant, setup.config, args, base / "inproc", seconds))
        _say("  the service: one-modem changes and peak RSS")
        t = time.perf_counter()
        service = measure_service(plant, base / "service", args.runs)
        seconds["service"] = time.perf_counter() - t
        _say(f"  change → swapped {service.latency.median:.2f} s, peak RSS {service.rss_peak_mb:.0f} MB")
        _say("  dhcpd cold start and restart in a network namespace")
        t = time.perf_counter()
        start = measure_start(
            plant, load_config(setup.config).dhcp.dhcpd, setup.dhcp_dir / "dhcpd.conf", base / "inproc", args.runs
        )
        seconds["dhcpd start"] = time.perf_counter() - t
        _say(
            f"  cold start {start.cold_start.median:.2f} s, restart {start.restart.median:.2f} s"
            if not start.skipped
            else f"  dhcpd start not measured: {start.skipped}"
        )
        tftp_base = tftp_fs[0] / f"size-{modems}"
        try:
            _say(f"  TFTP on {tftp_fs[1]}")
            t = time.perf_counter()
            tftp_setup = write_config(tftp_base / "stage", plant.db, extra_top=provha_top(), service=SERVICE_SETTINGS)
            tftp = asyncio.run(measure_tftp(plant, load_config(tftp_setup.config), args.runs, tftp_fs[1]))
            seconds["tftp"] = time.perf_counter() - t
            _say(
                f"  TFTP everything changed {tftp.changed.median / 1000:.1f} s "
                f"(raw {tftp.changed_limit.median / 1000:.1f} s), "
                f"all new {tftp.all_new.median / 1000:.1f} s (raw {tftp.limit.median / 1000:.1f} s), "
                f"nothing changed {tftp.unchanged_full.median:.0f} ms, {tftp.encode_rate.median:,.0f} configs/s"
            )
            shutil.rmtree(tftp_base / "stage")
            _say("  the service with TFTP: one-modem changes and peak RSS")
            t = time.perf_counter()
            service_tftp = measure_service(
                plant, tftp_base / "service", args.runs, tftp=True, periodic_now=args.periodic_now
            )
            seconds["service with TFTP"] = time.perf_counter() - t
            _say(
                f"  change → both swapped {service_tftp.latency.median:.2f} s, "
                f"peak RSS {service_tftp.rss_peak_mb:.0f} MB"
            )
        finally:
            shutil.rmtree(tftp_base, ignore_errors=True)
    finally:
        drop_plant(plant)
    return SizeResult(modems, plant, dhcp, polls, service, start, profile, tftp, service_tftp, seconds)


def notes(args: argparse.Namespace) -> list[str]:
    """The method, for the report."""
    return [
        "The DHCP figures: their configs say `[tftp] enabled = false`, so those rebuilds read, render and apply "
        "the DHCP set only; the TFTP figures and the second service run have TFTP enabled (the default).",
        "One throwaway MariaDB (`--innodb-buffer-pool-size=1G`); a fresh database per size, read over TCP "
        "127.0.0.1 by a SELECT-only user, as the daemon reads its local replica. Changes are committed as root on "
        '"the master connection" of the same server.',
        "Full rebuild: `Rebuilder(config).rebuild()` in-process after a one-modem MAC change was committed, so "
        "every run reads, renders, stages, runs `dhcpd -t` and swaps; its time excludes the restart command "
        "(the tests' recording stub). The dump and `dhcpd -t` alone run right after each rebuild, alternately. "
        "`gc.collect()` (untimed) before each sample, so every sample starts from a heap like the service's "
        "between two rebuilds.",
        "Stages on their own: `Database.read()`, `render_dhcp()` (with `resolve_pair`/`dhcp_settings`), "
        "`Target.plan()` against live files where only modems-host.conf differs, `Target.stage()`, "
        "`Rebuilder.validate()` on the staged set, `Target.swap()` of that plan. `Rebuilder.validate()` runs "
        "`dhcpd -t` as parallel parts, one per core, from 10k hosts on (`validate_jobs = 0`, the default; README, "
        '"Applying"); the limit `dhcpd -t` alone is one process on the whole set.',
        "The limit dump runs the statements recorded from the daemon's own snapshot read (between `START "
        "TRANSACTION WITH CONSISTENT SNAPSHOT` and `ROLLBACK`) with `mariadb --batch --skip-column-names` over TCP "
        "into a file; `dhcpd -t -4 -cf` runs on the live generated tree.",
        f"Polls: `ChangeDetector.poll()` on a `Database.open_session()` session, with its scan connection while a "
        f"large table has no `updated_at` index (as the service polls), {args.poll_samples} polls per phase; rows "
        "examined from `SHOW SESSION STATUS LIKE 'Handler_read%'` before and after each poll on the session and "
        "its scan connection, minus the SHOWs' own reads. A real change (modem MAC update, endpoint soft delete, "
        "MTA hard delete, ippool update, MTA insert, in turn) is committed before every 8th poll, changes of one "
        "table at least 1.1 s apart (`updated_at` has one-second resolution; within a second the service relies "
        "on its settle rule instead); after its first poll the harness waits, as the service's start-up rebuild "
        "does, until no watched table's newest `updated_at` is the database's current second. An idle poll (nothing "
        f"changed in the watched data) is one that starts {IDLE_AFTER:g} s or more after the last watched change "
        "was committed; the polls between a change's own poll and recheck and that moment are reported apart "
        '("after a change"): they may re-read the changed table, since `UPDATE_TIME` has one-second resolution.',
        f"Background writer (master's all-day writes): {STATUS_UPDATES_PER_S:g}/s single-row updates of modem "
        f"status columns (`us_pwr`, `us_snr`, `ds_pwr`, `ds_snr`, `phy_updated_at`), {GUILOG_INSERTS_PER_S:g}/s "
        f"inserts into `guilog`, {GLOBAL_CONFIG_UPDATES_PER_S:g}/s updates of `global_config`; running during the "
        f"busy poll phases (polls {args.poll_spacing:g} s apart) and during the service's change latency.",
        "Change latency: `python -m provha_daemon` with default polling (poll 2 s, quiet period one poll) and "
        "`min_restart_interval = 0` (changes are seconds apart; pacing would only add waiting); the commit comes "
        "at a random phase against the poll; the end is the rename of modems-host.conf (inode watched every "
        "2 ms), then the new MAC is checked in the file.",
        "Peak RSS: `VmHWM` of the service process after its start-up full rebuild and after the changes.",
        "TFTP: the tree on a journaled ext4 in a loop-mounted image (`mkfs.ext4 -i 4096`, 4 GB), as a server's "
        "`/tftpboot` would be; the machine's root filesystem has no journal. Per sample: an empty tree and a new "
        "`Rebuilder` (a fresh process's state), `Database.read(tftp=True)`, the text and encoding of every device "
        "without the disk (configs/s), `TftpStage.write(full=True)` into the empty tree (a first start), its "
        "limit (the same files in the same order, temp + rename each and one `syncfs`, into an empty directory of "
        "the same filesystem), `TftpStage.write(full=True)` again (nothing changed: every file stat-ed, nothing "
        "re-encoded or read back) and `TftpStage.write(full=False)`; then every configfile's text is edited in the "
        "database (a new sysContact), the snapshot read again and `TftpStage.write(full=False)` rewrites every file "
        "over the old one (everything changed), against the limit rewriting the same new files over its copy.",
        "Service with TFTP: as the change latency above, with TFTP enabled and `rebuild_interval = 60`; each change "
        "gives the modem a new MAC and the next QoS row in one commit, so both modems-host.conf and the modem's "
        "`.cfg` must be swapped; the end is the later of the two renames. After the changes the run waits for the "
        "cyclic full rebuild (every file checked), so the peak RSS includes it.",
        "dhcpd: a netns with a veth pair, 10.99.0.2/22 on one end (the generated default-network.conf's subnet), "
        "the failover peer 10.99.0.3 never configured; a leases file synthesized in dhcpd's format (failover "
        "state normal, 60 % active, the rest free/backup, ≈ 2.6 leases per modem), copied afresh per cold start; "
        '`dhcpd -f -d -4` until "Server starting service."; the restart outage is SIGTERM → exit → new dhcpd → '
        "ready, on the leases file the previous one rewrote. The namespace is deleted afterwards.",
    ]


def _command(args: argparse.Namespace, out: Path) -> str:
    """The exact command with every default spelled out, as it can be run again from the repository root."""
    try:
        python = Path(sys.executable).relative_to(ROOT).as_posix()
    except ValueError:
        python = "python"
    try:
        shown = out.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = str(out)
    parts = [
        python,
        "-m",
        "benchmarks.run",
        "--modems",
        *map(str, sorted(args.modems)),
        "--runs",
        str(args.runs),
        "--poll-samples",
        str(args.poll_samples),
        "--poll-spacing",
        f"{args.poll_spacing:g}",
        "--out",
        shown,
        *(["--periodic-now"] if args.periodic_now else []),
    ]
    defaults = _parser().parse_args([])
    is_default = all(
        getattr(args, k) == getattr(defaults, k)
        for k in ("modems", "runs", "poll_samples", "poll_spacing", "out", "periodic_now")
    )
    return ("make bench` = `" if is_default else "") + shlex.join(parts)


def _stop_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM or SIGHUP end the run like Ctrl-C: the finally blocks stop MariaDB and the service, unmount the
    loop filesystem and delete the network namespace instead of leaving them behind."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size, write the report; returns 0."""
    args = _parser().parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    if args.runs < 1 or any(m < 100 for m in args.modems):
        raise SystemExit("--runs must be ≥ 1 and every --modems ≥ 100")
    _quiet_logs()
    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    out = args.out.resolve()
    command = _command(args, out)
    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="provha-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        machine = describe(work, out.parent, ROOT)
        server = MariaDBServer(work / "mariadb", free_port(), options=SERVER_OPTIONS)
        _say(f"starting MariaDB in {work}")
        server.start()
        try:
            with journaled_filesystem(work) as tftp_fs:
                for modems in sorted(args.modems):
                    results.append(run_size(server, modems, args, work, tftp_fs))
        finally:
            server.stop()
    text = render(results, machine, command, args.runs, started_at, time.perf_counter() - started, notes(args))
    out.write_text(text)
    _say(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
