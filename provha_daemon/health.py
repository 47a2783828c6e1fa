"""The daemon's health: a small JSON state file under /run, and its reading in the Nagios plugin convention.

The service rewrites the file (atomically) after every loop iteration; ``provha-daemon --health`` reads it and
prints one line with exit 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN, so existing Icinga/Nagios checks see the
slave's state without parsing logs.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from provha_daemon.writer import write_file

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
LABELS = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
FAILOVER = "dhcpd failover"  # the fact the DHCP stage reports: dhcpd's failover state, read over OMAPI
# STATUS= and --health while a Galera node outside the Primary component is read (database.dirty_reads)
DIRTY_STATUS = "db not synced, dirty reads"
# Results of the last rebuild that mean the live files are not what the database says.
FAILED_RESULTS = frozenset({"rejected", "restart_failed", "refused", "error"})


@dataclass(slots=True)
class State:
    """What the service knows about itself; written as JSON after every loop iteration."""

    pid: int = field(default_factory=os.getpid)
    started: float = field(default_factory=time.time)
    role: str = "unknown"
    role_detail: str = ""
    db: str = "unknown"  # ok | dirty (read with database.dirty_reads) | stale | not_synced | unknown
    db_node: str = ""
    db_error: str = ""
    db_since: float = field(default_factory=time.time)  # when db entered its current state
    last_poll_ok: float | None = None
    last_iteration: float = field(default_factory=time.time)
    last_rebuild: float | None = None
    last_result: str = ""  # ok | skipped_rows | unchanged | deferred | rejected | restart_failed | refused | error
    last_error: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    last_restart: float | None = None
    last_restart_seconds: float | None = None
    pending: list[str] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # what the stages see of their services (dhcpd failover)
    poll_interval: float = 2.0
    stale_warning: float = 30.0
    progress_timeout: float = 300.0

    def write(self, path: Path) -> None:
        """Replace the state file atomically (temp + rename in its directory)."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        write_file(
            str(path.parent), path.name, json.dumps(asdict(self), sort_keys=True).encode(), 0o644, None, chmod=False
        )


def _ago(then: float | None, now: float) -> str:
    if then is None:
        return "never"
    seconds = max(0.0, now - then)
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


def _database(db: str, node: str, seconds: float) -> str:
    """The database's health as the one line shows it."""
    if db == "ok":
        return f"db ok ({node})"
    if db == "dirty":
        return f"{DIRTY_STATUS} ({node}) for {seconds:.0f} s"
    return f"db {db} for {seconds:.0f} s"


def evaluate(data: dict[str, Any], now: float | None = None) -> tuple[int, str]:
    """The Nagios code and one line for a state file's content."""
    now = time.time() if now is None else now
    try:
        counts = data.get("counts") or {}
        since_iteration = now - float(data["last_iteration"])
        result = str(data.get("last_result", ""))
        db = str(data.get("db", "unknown"))
        db_for = now - float(data.get("db_since", now))
        perf = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        restart = data.get("last_restart_seconds")
        facts = (
            f"role {data.get('role', '?')}, {_database(db, str(data.get('db_node', '')), db_for)}"
            + f", last rebuild {_ago(data.get('last_rebuild'), now)} {result or '-'}"
            + (f", last dhcpd restart {_ago(data.get('last_restart'), now)} ({restart:.1f} s)" if restart else "")
            + "".join(f", {k} {v}" for k, v in sorted((data.get("facts") or {}).items()))
        )
        failover = str((data.get("facts") or {}).get(FAILOVER, ""))
        progress_timeout = float(data.get("progress_timeout", 300))
        stale_warning = float(data.get("stale_warning", 30))
    except (KeyError, TypeError, ValueError) as exc:
        return UNKNOWN, f"state file unreadable: {exc}"

    if since_iteration > progress_timeout:
        code, why = CRITICAL, f"no loop progress for {since_iteration:.0f} s (pid {data.get('pid')})"
    elif data.get("role") == "master":
        code, why = CRITICAL, "this host is the master"
    elif result in FAILED_RESULTS:
        code, why = CRITICAL, f"last apply failed: {data.get('last_error', '')}"
    elif db != "ok" and db_for >= stale_warning:
        # read dirty: the files follow the node's last replicated state, not the master's writes since the split
        label = DIRTY_STATUS.removeprefix("db ") if db == "dirty" else db
        code, why = WARNING, f"database {label}: {data.get('db_error', '')}"
    elif data.get("role") != "slave":
        code, why = WARNING, f"role {data.get('role')}: {data.get('role_detail', '')}"
    elif failover and not failover.startswith(("normal", "unknown")):
        # dhcpd's own word (read over OMAPI): the peer is down (communications-interrupted), or a state that serves
        # less; a state it could not be asked for ("unknown (...)") is shown, not judged
        code, why = WARNING, f"dhcpd failover {failover}"
    elif result == "skipped_rows":
        code, why = WARNING, f"{counts.get('skipped', '?')} rows skipped as invalid"
    elif counts.get("tftp_errors"):
        code, why = WARNING, f"{counts['tftp_errors']} device configs failed to build (previous files kept)"
    else:
        code, why = OK, ""
    line = f"PROVHA {LABELS[code]} - " + (f"{why}; " if why else "") + facts
    return code, (f"{line} | {perf}" if perf else line)


def report(path: Path, now: float | None = None) -> tuple[int, str]:
    """Read the state file and evaluate it; UNKNOWN when there is none."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return UNKNOWN, f"PROVHA UNKNOWN - no state file {path} (is provha-daemon running?)"
    except (OSError, ValueError) as exc:
        return UNKNOWN, f"PROVHA UNKNOWN - cannot read {path}: {exc}"
    if not isinstance(data, dict):
        return UNKNOWN, f"PROVHA UNKNOWN - {path} holds no state"
    return evaluate(data, now)


def remove(path: Path) -> None:
    """Remove the state file (clean shutdown): a stopped daemon is UNKNOWN, not stale OK."""
    with contextlib.suppress(OSError):
        path.unlink()
