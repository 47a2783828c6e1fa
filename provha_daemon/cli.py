"""The command line: argument parsing, logging setup, and the one place where errors become exit codes."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import structlog

from provha_daemon import __version__
from provha_daemon.config import load_config
from provha_daemon.daemon import Service
from provha_daemon.errors import (
    ApplyError,
    ConfigError,
    DatabaseError,
    DropGuardError,
    ProvhaError,
    RejectedError,
    RestartError,
    RoleError,
    RowError,
    SchemaError,
)
from provha_daemon.health import UNKNOWN, report
from provha_daemon.log import configure
from provha_daemon.notify import take_systemd_environment
from provha_daemon.rebuild import Rebuilder

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_CONFIG = 2
EXIT_DATABASE = 3
EXIT_SKIPPED = 4
EXIT_VALIDATION = 5
EXIT_RESTART = 6
EXIT_REFUSED = 7
EXIT_FILES = 8
EXIT_ROW = 9

log = structlog.get_logger("provha_daemon.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provha-daemon",
        description="Rebuilds an NMS Prime ProvHA slave's DHCP configuration from its read-only database replica.",
    )
    parser.add_argument(
        "--config", type=Path, help="TOML configuration (default /etc/provha-daemon/provha-daemon.toml)"
    )
    parser.add_argument("--once", action="store_true", help="run one full rebuild, then exit")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="render and validate into a temporary directory, print a diff, change nothing",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="apply the next rebuild even if it drops more than service.max_drop of the modem hosts",
    )
    parser.add_argument(
        "--render-master",
        type=Path,
        metavar="DIR",
        help="render the master's DHCP set (primary, mclt, split) into DIR, checked with dhcpd -t, and exit; "
        "never dhcp.dir: NMS Prime owns the master's files",
    )
    parser.add_argument(
        "--health",
        action="store_true",
        help="print the running service's health in one line (Nagios plugin exit codes) and exit",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug events")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def exit_code(exc: BaseException) -> int:
    """The documented exit code of a typed error."""
    if isinstance(exc, ConfigError | RoleError | SchemaError):
        return EXIT_CONFIG
    if isinstance(exc, DatabaseError):
        return EXIT_DATABASE
    if isinstance(exc, RejectedError):
        return EXIT_VALIDATION
    if isinstance(exc, RestartError):
        return EXIT_RESTART
    if isinstance(exc, DropGuardError):
        return EXIT_REFUSED
    if isinstance(exc, ApplyError):
        return EXIT_FILES
    if isinstance(exc, RowError):
        return EXIT_ROW
    return EXIT_INTERNAL


async def _once(rebuilder: Rebuilder, dry_run: bool, force: bool) -> int:
    started = time.perf_counter()
    result = await rebuilder.rebuild(dry_run=dry_run, force=force)
    result.durations["total"] = time.perf_counter() - started
    log.info("rebuild.done", dry_run=dry_run, **result.summary())
    if dry_run and result.diff is not None:
        sys.stdout.write(result.diff or "# no differences: the live files are what the database says\n")
        sys.stdout.flush()
    # Failed device configs are like skipped rows: named, counted, everything valid still applied.
    return EXIT_SKIPPED if result.skipped or result.tftp_errors else EXIT_OK


async def _render_master(rebuilder: Rebuilder, directory: Path) -> int:
    snapshot = await rebuilder.read()
    written = await rebuilder.dhcp.render_master(snapshot.plant, directory)
    log.info("master.rendered", directory=str(directory), written=written, node=snapshot.node)
    return EXIT_OK


def _health(config_path: Path | None) -> int:
    try:
        state_file = load_config(config_path).service.state_file
    except ConfigError as exc:
        print(f"PROVHA UNKNOWN - configuration: {exc}")
        return UNKNOWN
    code, line = report(state_file)
    print(line)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``provha-daemon`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.health:
        return _health(args.config)
    # With --dry-run stdout carries the diff, so the log goes to stderr.
    configure(verbose=args.verbose, stream=sys.stderr if args.dry_run else sys.stdout)
    try:
        config = load_config(args.config)
        if args.render_master is not None:
            if args.render_master.resolve() == config.dhcp.dir.resolve():
                raise ConfigError(f"--render-master {args.render_master}: that is dhcp.dir, the slave's own files")
            return asyncio.run(_render_master(Rebuilder(config), args.render_master))
        if args.once or args.dry_run:
            take_systemd_environment()  # the service's Notifier takes them; a one-shot run drops them
            return asyncio.run(_once(Rebuilder(config), args.dry_run, args.force))
        return asyncio.run(Service(config, args.config, force=args.force).serve())
    except RejectedError as exc:
        log.error("rebuild.rejected", error=str(exc), dhcpd=exc.output, exit_code=EXIT_VALIDATION)
        return EXIT_VALIDATION
    except ProvhaError as exc:
        code = exit_code(exc)
        log.error("rebuild.failed", error=str(exc), error_type=type(exc).__name__, exit_code=code)
        return code
    except KeyboardInterrupt:
        return 130
