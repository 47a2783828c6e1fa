"""Repeating failures: logged when they start, change or end, and summed up once per round."""

from __future__ import annotations

import structlog

from provha_daemon.failures import EXAMPLES, ROW, TFTP_DEVICE, TFTP_LINE, Failures


def _round(
    failures: Failures, failing: dict[int, str], passing: tuple[int, ...] = (), *, unseen: bool = False
) -> list[dict[str, object]]:
    with structlog.testing.capture_logs() as logs:
        failures.begin()
        for ident, reason in failing.items():
            failures.failed(("cm", ident), reason, f"cm {ident}")
        for ident in passing:
            failures.passed(("cm", ident))
        failures.finish(unseen_recovered=unseen)
    return logs


def test_a_failure_is_logged_when_it_starts_and_when_it_changes() -> None:
    """The same reason again gives only the summary; another reason is logged again."""
    failures = Failures(TFTP_DEVICE)
    first = _round(failures, {1: "line 2: unknown keyword X", 2: "line 2: unknown keyword X"})
    assert [e["event"] for e in first] == ["tftp.device_failed", "tftp.device_failed", "tftp.failures"]
    assert first[0] == {
        "event": "tftp.device_failed",
        "log_level": "warning",
        "kind": "cm",
        "id": 1,
        "reason": "line 2: unknown keyword X",
    }
    again = _round(failures, {1: "line 2: unknown keyword X", 2: "line 2: unknown keyword X"})
    assert [e["event"] for e in again] == ["tftp.failures"]
    changed = _round(failures, {1: "line 2: unknown keyword X", 2: "line 3: bad value"})
    assert [(e["event"], e.get("id")) for e in changed] == [("tftp.device_failed", 2), ("tftp.failures", None)]


def test_summary_counts_per_reason_with_a_few_examples() -> None:
    """One summary per round: the count, each distinct reason's count and at most EXAMPLES ids."""
    failures = Failures(TFTP_DEVICE)
    logs = _round(failures, {i: "broken" for i in range(20)} | {99: "other"})
    (summary,) = [e for e in logs if e["event"] == "tftp.failures"]
    assert summary["count"] == 21
    assert summary["reasons"] == {"broken": 20, "other": 1}
    assert summary["examples"] == {"broken": [f"cm {i}" for i in range(EXAMPLES)], "other": ["cm 99"]}


def test_recovery_is_logged_once_and_nothing_while_all_is_well() -> None:
    """A device that builds again is logged as recovered once; a round without failures logs nothing."""
    failures = Failures(TFTP_DEVICE)
    _round(failures, {1: "broken"})
    assert [(e["event"], e["id"]) for e in _round(failures, {}, (1, 2))] == [("tftp.device_recovered", 1)]
    assert _round(failures, {}, (1, 2)) == []


def test_an_aborted_round_does_not_count() -> None:
    """A round that never finished (a rebuild that failed midway) leaves the last finished round the reference."""
    failures = Failures(TFTP_DEVICE)
    _round(failures, {1: "broken"})
    failures.begin()
    failures.failed(("cm", 2), "other", "cm 2")  # logged, then the rebuild dies before finish()
    assert [e["event"] for e in _round(failures, {1: "broken"})] == ["tftp.failures"]


def test_rows_no_longer_skipped_are_logged_as_recovered() -> None:
    """Callers that only see failures (skipped rows) get row.recovered for a row fixed or deleted since."""
    failures = Failures(ROW)
    with structlog.testing.capture_logs() as logs:
        failures.begin()
        failures.failed(("modem", 7), "invalid MAC", 7)
        failures.finish(unseen_recovered=True)
        failures.begin()
        failures.finish(unseen_recovered=True)
    assert [(e["event"], e.get("table"), e.get("id")) for e in logs] == [
        ("row.skipped", "modem", 7),
        ("rows.skipped", None, None),
        ("row.recovered", "modem", 7),
    ]


def test_failures_of_devices_not_rebuilt_are_carried_silently() -> None:
    """A device whose files were unchanged keeps last round's dropped lines: no recovery, no new event."""
    failures = Failures(TFTP_LINE)
    with structlog.testing.capture_logs() as logs:
        failures.begin()
        failures.failed(("cm", 1, 4, "modem.street"), "cannot be a single word here", "cm 1")
        failures.finish(unseen_recovered=True)
        failures.begin()
        failures.carry(("cm", 1))
        failures.finish(unseen_recovered=True)
    assert [e["event"] for e in logs] == ["tftp.line_dropped", "tftp.lines_dropped", "tftp.lines_dropped"]
    assert logs[-1]["examples"] == {"cannot be a single word here": ["cm 1"]}
