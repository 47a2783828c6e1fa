"""Tests of the health state file and its Nagios-style evaluation."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from provha_daemon.health import CRITICAL, OK, UNKNOWN, WARNING, State, evaluate, report

NOW = 1_800_000_000.0


def _state(**kw: object) -> dict[str, object]:
    state = State(
        role="slave",
        db="ok",
        db_node="127.0.0.1",
        db_since=NOW - 100,
        last_poll_ok=NOW - 1,
        last_iteration=NOW - 1,
        last_rebuild=NOW - 50,
        last_result="ok",
        counts={"modems": 10, "skipped": 0},
    )
    data = asdict(state)
    data.update(kw)
    return data


def test_ok() -> None:
    """A slave with the database ok and the last rebuild applied is OK, with perfdata."""
    code, line = evaluate(_state(), NOW)
    assert code == OK
    assert line.startswith("PROVHA OK - role slave, db ok (127.0.0.1)")
    assert line.endswith("| modems=10 skipped=0")


def test_stale_database_warns_only_after_the_threshold() -> None:
    """A database away for less than stale_warning is still OK; longer is WARNING."""
    assert evaluate(_state(db="stale", db_since=NOW - 5, stale_warning=30), NOW)[0] == OK
    code, line = evaluate(_state(db="stale", db_since=NOW - 60, db_error="refused", stale_warning=30), NOW)
    assert code == WARNING and "database stale: refused" in line


def test_dirty_reads_are_shown_and_warn_after_the_threshold() -> None:
    """A database read dirty (dirty_reads) is named in the line, OK below stale_warning and WARNING past it."""
    code, line = evaluate(_state(db="dirty", db_since=NOW - 5, stale_warning=30), NOW)
    assert code == OK and "role slave, db not synced, dirty reads (127.0.0.1) for 5 s, last rebuild" in line
    code, line = evaluate(_state(db="dirty", db_since=NOW - 60, db_error="outside the Primary", stale_warning=30), NOW)
    assert code == WARNING
    assert line.startswith("PROVHA WARNING - database not synced, dirty reads: outside the Primary; role slave, db not")


def test_failed_apply_and_no_progress_are_critical() -> None:
    """A rejected/rolled-back/refused apply, or a loop that stopped iterating, is CRITICAL."""
    for result in ("rejected", "restart_failed", "refused"):
        assert evaluate(_state(last_result=result), NOW)[0] == CRITICAL
    code, line = evaluate(_state(last_iteration=NOW - 1000, progress_timeout=300), NOW)
    assert code == CRITICAL and "no loop progress" in line


def test_skipped_rows_warn() -> None:
    """Rows skipped as invalid are a WARNING."""
    assert evaluate(_state(last_result="skipped_rows", counts={"skipped": 3}), NOW)[0] == WARNING


def test_missing_or_broken_file_is_unknown(tmp_path: Path) -> None:
    """No state file, a broken one, or one lacking fields is UNKNOWN."""
    assert report(tmp_path / "none.json")[0] == UNKNOWN
    (tmp_path / "bad.json").write_text("{")
    assert report(tmp_path / "bad.json")[0] == UNKNOWN
    (tmp_path / "partial.json").write_text(json.dumps({"role": "slave"}))
    assert report(tmp_path / "partial.json")[0] == UNKNOWN


def test_state_file_round_trip(tmp_path: Path) -> None:
    """The written state file reads back to the same evaluation."""
    path = tmp_path / "run" / "state.json"
    State(role="slave", db="ok", last_result="ok").write(path)
    assert report(path)[0] == OK
    assert not list(path.parent.glob(".*tmp"))


def test_dhcpds_failover_state_is_shown_and_a_lone_peer_warns() -> None:
    """dhcpd's failover state (read over OMAPI) is in the line; a peer that is not in normal (its partner down, or
    recovering) is a WARNING; a state that could not be read is shown but not judged."""
    code, line = evaluate(_state(facts={"dhcpd failover": "normal, partner normal"}), NOW)
    assert code == OK and line.startswith("PROVHA OK - ") and ", dhcpd failover normal, partner normal" in line
    code, line = evaluate(_state(facts={"dhcpd failover": "communications-interrupted, partner unknown"}), NOW)
    assert code == WARNING
    assert line.startswith("PROVHA WARNING - dhcpd failover communications-interrupted, partner unknown; ")
    code, _ = evaluate(_state(facts={"dhcpd failover": "unknown (no OMAPI key)"}), NOW)
    assert code == OK
