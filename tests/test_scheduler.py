"""The loop's decisions with a fake clock: coalescing, max wait, pacing, full rebuilds, backoff, health, STATUS."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from provha_daemon.backoff import backoff
from provha_daemon.config import ServiceConfig
from provha_daemon.scheduler import Outcome, Scheduler, next_offset_change, rebuild_interval

SETTINGS = ServiceConfig(
    poll_interval=0.2,
    quiet_period=0.3,
    max_wait=2.0,
    min_restart_interval=30.0,
    rebuild_interval=600,
    retry_initial=0.5,
    retry_max=5.0,
)
OK = Outcome("ok", 1.5, counts={"modems": 3, "skipped": 0})


def _slave(settings: ServiceConfig = SETTINGS, random: float = 0.0) -> Scheduler:
    """A scheduler for a slave whose first (full) rebuild at t=0 took 1.5 s, with the jitter fixed."""
    s = Scheduler(settings, random=lambda: random)
    s.state.role = "slave"
    decision = s.decide(0.0, changed=False, settled=True)
    assert decision is not None and decision.full and decision.trigger == ["periodic"]
    s.rebuilt(0.0, 1000.0, OK)
    return s


def _run(
    s: Scheduler, start: float, end: float, changes: dict[float, set[str]] | None = None, restart: bool = False
) -> list[tuple[float, list[str], bool]]:
    """Poll every poll interval from ``start`` to ``end``, feeding ``changes`` at their times; every decision
    is carried out at once (0.1 s, restarting dhcpd when it may and ``restart``); returns (time, trigger,
    allow_restart) per rebuild."""
    changes = changes or {}
    done = []
    now = start
    while now <= end + 1e-9:
        assert s.begin(now)
        seen = set().union(*(t for at, t in changes.items() if now - s.settings.poll_interval < at <= now))
        s.changes(seen, now)
        decision = s.decide(now, changed=bool(seen), settled=True)
        if decision is not None:
            done.append((round(now, 3), decision.trigger, decision.allow_restart))
            restarted = restart and decision.allow_restart
            deferred = restart and not decision.allow_restart
            s.rebuilt(
                now,
                2000.0 + now,
                Outcome(
                    "deferred" if deferred else "ok",
                    0.1,
                    counts={},
                    restarted=restarted,
                    restart_seconds=0.1 if restarted else None,
                ),
            )
        now = round(now + s.settings.poll_interval, 6)
    return done


def test_a_burst_is_one_rebuild_after_it_goes_quiet() -> None:
    """A hundred changes within a second (moved here from the service test of a burst) are one rebuild, once the
    polls have been quiet for the quiet period, with every changed table as its trigger."""
    s = _slave()
    burst = {10.0 + i * 0.01: {"modem" if i % 2 else "endpoint"} for i in range(100)}
    done = _run(s, 10.0, 20.0, burst)
    assert done == [(11.4, ["endpoint", "modem"], True)]  # last change seen at 11.0, quiet from 11.0 + 0.3 on


def test_a_change_that_never_goes_quiet_waits_at_most_max_wait() -> None:
    """Changes seen at every poll still rebuild max_wait after the first one, and again after each max_wait."""
    s = _slave(replace(SETTINGS, poll_interval=0.25))
    steady = {10.0 + i * 0.25: {"modem"} for i in range(40)}
    done = _run(s, 10.0, 17.0, steady)
    assert [at for at, _, _ in done] == [12.0, 14.25, 16.5]


def test_changes_wait_for_the_database_second_to_settle() -> None:
    """A due rebuild waits while the database's hot second is not over, then runs."""
    s = _slave()
    s.changes({"modem"}, 10.0)
    assert s.decide(10.5, changed=False, settled=False) is None
    decision = s.decide(10.7, changed=False, settled=True)
    assert decision is not None and decision.trigger == ["modem"] and not decision.full


def test_only_a_slave_rebuilds() -> None:
    """Nothing is rebuilt while the role is unknown, however much changed."""
    s = Scheduler(SETTINGS)
    s.changes({"modem"}, 0.0)
    assert s.decide(60.0, changed=False, settled=True) is None
    s.state.role = "slave"
    assert s.decide(60.0, changed=False, settled=True) is not None


def test_restarts_are_paced_and_a_deferred_change_runs_when_allowed() -> None:
    """Within min_restart_interval a change is rebuilt without restart permission (deferred); the deferral alone
    brings the next rebuild as soon as a restart is allowed, and then nothing more (moved here from the service
    test of restart pacing)."""
    s = _slave()
    first = _run(s, 10.0, 10.6, {10.0: {"modem"}}, restart=True)  # the first restart at 10.3
    assert first == [(10.4, ["modem"], True)]
    assert s.last_restart == pytest.approx(10.5)
    done = _run(s, 20.0, 45.0, {20.0: {"modem"}}, restart=True)
    # the change waits for the quiet period, is deferred, and is applied 30 s after the restart that ended at 10.5
    assert done == [(20.4, ["modem"], False), (40.6, ["deferred"], True)]
    assert not s.deferred and s.last_restart == pytest.approx(40.7)


def test_the_next_full_rebuild_counts_from_the_end_of_the_last() -> None:
    """A successful rebuild sets the next full one rebuild_interval after it ended; a failed one leaves it due."""
    s = _slave()
    assert s.next_full == pytest.approx(601.5)
    assert s.decide(601.4, changed=False, settled=True) is None
    decision = s.decide(601.5, changed=False, settled=True)
    assert decision is not None and decision.full and decision.trigger == ["periodic"]
    s.rebuilt(601.5, 2000.0, Outcome("rejected", 2.0, "dhcpd -t rejected the staged set"))
    assert s.decide(601.7, changed=False, settled=True) is not None  # tried again at the next poll
    assert s.state.last_result == "rejected" and s.state.last_error.startswith("dhcpd -t")


def test_the_database_interval_is_used_when_none_is_configured() -> None:
    """Without rebuild_interval in the config the provha row's interval, rounded up to a minute, is used."""
    s = _slave(replace(SETTINGS, rebuild_interval=None))
    s.rebuilt(0.0, 1000.0, replace(OK, db_interval=61))
    assert s.next_full == pytest.approx(1.5 + 120)


def test_rebuild_interval_rounds_up_to_a_minute() -> None:
    """The DB's interval is rounded up to a whole minute and kept within 60..604800, as NMS Prime does."""
    assert rebuild_interval(None, 61) == 120
    assert rebuild_interval(None, 10) == 60
    assert rebuild_interval(None, 10**7) == 604800
    assert rebuild_interval(None, None) == 3600
    assert rebuild_interval(90, 3600) == 90


def test_a_reconnect_and_a_reload_ask_for_a_full_rebuild() -> None:
    """After a lost connection or a SIGHUP the next poll rebuilds everything, without any change seen."""
    for event in ("reconnected", "configure"):
        s = _slave()
        assert s.decide(100.0, changed=False, settled=True) is None
        if event == "reconnected":
            s.reconnected()
        else:
            s.configure(SETTINGS)
        decision = s.decide(100.0, changed=False, settled=True)
        assert decision is not None and decision.full, event


def test_backoff_doubles_to_its_cap_with_the_injected_jitter() -> None:
    """Retry delays are initial * 2**(n - 1) plus the jitter drawn, capped at retry_max; the next poll waits for
    them."""
    s = _slave(random=0.5)
    delays = []
    for n in range(6):
        s.begin(100.0 + n)
        s.db_failed(False, "gone", 100.0 + n, 5000.0)
        delays.append(round(s.retry_at - (100.0 + n), 3))
        assert s.next_poll() == s.retry_at
    assert delays == [0.75, 1.25, 2.25, 4.25, 5.0, 5.0]
    assert backoff(10_000, 0.5, 5.0, 0.5, lambda: 0.0) == 5.0  # a days-long outage does not overflow


def test_an_early_wake_while_backing_off_polls_nothing() -> None:
    """Woken (by a SIGHUP) before the retry time, an iteration does nothing; at the retry time it polls."""
    s = _slave()
    s.db_failed(False, "gone", 50.0, 5000.0)
    assert not s.begin(50.2)
    assert s.begin(50.5)


def test_database_health_moves_and_names_each_change_once() -> None:
    """ok → lost (logged once however many retries) → back; a Galera node not synced is its own state."""
    s = Scheduler(SETTINGS, random=lambda: 0.0)
    assert s.db_ok("db1", 1000.0) == "db.ok"
    assert s.db_ok("db1", 1001.0) is None
    assert s.db_failed(False, "connection refused", 10.0, 1010.0) == "db.lost"
    assert s.db_failed(False, "connection refused", 11.0, 1011.0) is None
    assert s.state.db == "stale" and s.state.db_since == 1010.0 and s.failures == 2
    assert s.db_failed(True, "not synced", 12.0, 1012.0) == "db.not_synced"
    assert s.db_ok("db2", 1013.0) == "db.back"
    assert (s.state.db, s.state.db_node, s.state.db_error, s.failures) == ("ok", "db2", "", 0)


def test_dirty_reads_are_their_own_health_logged_once_and_back_when_synced() -> None:
    """Reading a node dirty is logged once (db.dirty_reads) and shown in STATUS; Synced again is db.back."""
    s = Scheduler(SETTINGS, random=lambda: 0.0)
    s.state.role = "slave"
    assert s.db_ok("db2", 1000.0) == "db.ok"
    assert s.db_ok("db2", 1001.0, dirty="outside the Primary component") == "db.dirty_reads"
    assert s.db_ok("db2", 1002.0, dirty="outside the Primary component") is None
    assert (s.state.db, s.state.db_since, s.state.db_error) == ("dirty", 1001.0, "outside the Primary component")
    assert s.status_line(1043.0) == "slave | db not synced, dirty reads (db2) for 42s"
    assert s.db_failed(False, "connection refused", 10.0, 1050.0) == "db.lost"
    assert s.db_ok("db2", 1051.0, dirty="outside the Primary component") == "db.dirty_reads"
    assert s.failures == 0
    assert s.db_ok("db2", 1060.0) == "db.back"
    assert (s.state.db, s.state.db_error) == ("ok", "")
    assert s.status_line(1061.0) == "slave | db ok (db2)"
    # with the role from the database, a dirty node is read like a Synced one: the role is judged, not waited for
    s.state.role, s.state.role_detail = "unknown", "no provha row and no role configured"
    s.db_ok("db2", 1070.0, dirty="outside the Primary component")
    assert s.status_line(1070.0).startswith("role unknown: no provha row and no role configured | db not synced, dirty")


def test_status_line_says_role_database_rebuild_restart_and_pending() -> None:
    """STATUS= reads: role, database health, last poll, last rebuild with its counts, last restart, pending."""
    s = Scheduler(SETTINGS)
    s.state.role, s.state.role_detail = "unknown", "no provha row and no role configured"
    s.db_failed(False, "gone", 0.0, 1000.0)
    assert s.status_line(1042.0) == "role unknown, waiting for database | db stale for 42s"
    s.db_ok("10.0.0.2", 1050.0)
    assert s.status_line(1050.0) == "role unknown: no provha row and no role configured | db ok (10.0.0.2)"
    s.state.role = "slave"
    s.state.last_poll_ok = 1060.0
    s.rebuilt(
        0.0,
        1061.0,
        Outcome(
            "ok",
            0.5,
            counts={"modems": 7, "skipped": 1, "tftp_devices": 9, "tftp_errors": 2},
            restarted=True,
            restart_seconds=0.25,
        ),
    )
    s.changes({"modem"}, 5.0)
    clock = [time.strftime("%H:%M:%S", time.localtime(t)) for t in (1060.0, 1061.5)]
    assert s.status_line(1062.0) == (
        f"slave | db ok (10.0.0.2) | poll {clock[0]} | rebuild {clock[1]} ok (7 modems, 1 skipped, 9 configs, "
        f"2 failed) | dhcpd restart {clock[1]} (0.2s) | pending modem"
    )


def _berlin(wall: float) -> int:
    """Europe/Berlin's UTC offset at ``wall`` from the system's tz database (not the code under test)."""
    offset = dt.datetime.fromtimestamp(wall, ZoneInfo("Europe/Berlin")).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _utc(*args: int) -> float:
    return dt.datetime(*args, tzinfo=dt.UTC).timestamp()


def test_the_next_utc_offset_change_is_found_to_the_second() -> None:
    """The EU switches on the last Sundays of March and October at 01:00 UTC: found to the second from any instant
    before them; a zone without daylight saving time has none."""
    spring, autumn = _utc(2027, 3, 28, 1, 0, 0), _utc(2027, 10, 31, 1, 0, 0)
    assert next_offset_change(_utc(2027, 1, 10, 12, 0, 0), _berlin) == spring
    assert next_offset_change(spring - 0.5, _berlin) == spring
    assert next_offset_change(spring, _berlin) == autumn
    assert next_offset_change(_utc(2027, 1, 10), lambda wall: 0) is None


def test_a_daylight_saving_switch_rebuilds_at_that_instant() -> None:
    """With the offset followed, the first poll at or after the switch rebuilds (trigger utc_offset, no full compare,
    restart allowed), none before it, and the next one waits for the autumn switch."""
    spring = _utc(2027, 3, 28, 1, 0, 0)
    start = spring - 30.0  # the first rebuild at wall = start
    s = Scheduler(SETTINGS, random=lambda: 0.0, utc_offset=_berlin)
    s.state.role = "slave"
    assert s.decide(0.0, changed=False, settled=True, wall=start) is not None
    s.rebuilt(0.0, start, OK)
    assert s.offset_change == spring
    done = []
    now = 2.0
    while now <= 40.0:
        decision = s.decide(now, changed=False, settled=True, wall=start + now)
        if decision is not None:
            done.append((round(start + now - spring, 3), decision.trigger, decision.full, decision.allow_restart))
            s.rebuilt(now, start + now, replace(OK, elapsed=0.1))
        now = round(now + SETTINGS.poll_interval, 6)
    assert done == [(0.0, ["utc_offset"], False, True)]
    assert s.offset_change == _utc(2027, 10, 31, 1, 0, 0)


def test_a_configured_time_offset_is_not_followed() -> None:
    """Without an offset function (dhcp.time_offset set) a switch brings no rebuild."""
    spring = _utc(2027, 3, 28, 1, 0, 0)
    s = _slave()
    assert s.offset_change is None
    assert s.decide(10.0, changed=False, settled=True, wall=spring + 1) is None


def test_status_line_carries_the_stages_facts() -> None:
    """What a stage saw of its service (dhcpd's failover state) is part of STATUS."""
    s = _slave()
    s.state.facts = {"dhcpd failover": "communications-interrupted, partner unknown"}
    assert "dhcpd failover communications-interrupted, partner unknown" in s.status_line(1000.0).split(" | ")
