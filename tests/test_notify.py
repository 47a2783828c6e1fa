"""Tests of the systemd notifier against a real AF_UNIX datagram socket."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from provha_daemon.notify import Notifier, take_systemd_environment
from tests.service import NotifySocket


@pytest.fixture
def sock(tmp_path: Path) -> Iterator[NotifySocket]:
    """A bound notify socket."""
    s = NotifySocket(tmp_path / "n.sock")
    yield s
    s.close()


def test_messages_arrive_and_env_is_cleaned(sock: NotifySocket) -> None:
    """READY/STATUS/RELOADING/STOPPING reach the socket; NOTIFY_SOCKET and WATCHDOG_* leave the environment."""
    env = {"NOTIFY_SOCKET": str(sock.path), "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid())}
    n = Notifier(env)
    assert env == {}
    assert n.watchdog_interval == 1.0
    n.ready("starting")
    n.status("one")
    n.status("one")  # unchanged: not sent again
    n.reloading()
    n.stopping()
    n.close()
    sock.wait_for(lambda lines: any(line == "STOPPING=1" for _, line in lines))
    assert [line for _, line in sock.lines()] == [
        "READY=1",
        "STATUS=starting",
        "STATUS=one",
        "RELOADING=1",
        "STOPPING=1",
    ]


def test_watchdog_is_rate_limited_to_half_the_timeout(sock: NotifySocket) -> None:
    """WATCHDOG=1 goes out after a completed iteration, but not more often than every half WATCHDOG_USEC."""
    n = Notifier({"NOTIFY_SOCKET": str(sock.path), "WATCHDOG_USEC": "10000000"})
    assert n.iteration_completed(now=100.0)
    assert not n.iteration_completed(now=104.0)
    assert n.iteration_completed(now=105.0)
    n.close()
    sock.wait_for(lambda lines: len(lines) == 2)
    assert sock.values("WATCHDOG") == ["1", "1"]


def test_watchdog_for_another_pid_is_ignored(sock: NotifySocket) -> None:
    """WATCHDOG_PID naming another process means the watchdog is not ours."""
    n = Notifier({"NOTIFY_SOCKET": str(sock.path), "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
    assert n.watchdog_interval is None
    assert not n.iteration_completed()
    n.close()


def test_without_notify_socket_everything_is_a_no_op() -> None:
    """No NOTIFY_SOCKET: nothing is sent and nothing fails."""
    n = Notifier({})
    assert not n.enabled
    n.ready("x")
    n.status("y")
    n.stopping()
    assert not n.iteration_completed()


def test_systemd_variables_are_taken_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """At start every systemd per-process variable leaves os.environ, so a command the daemon runs inherits none
    (moved here from the config test of the per-command scrubbing this replaces)."""
    import subprocess
    import sys

    for name, value in (("NOTIFY_SOCKET", "/run/x"), ("WATCHDOG_USEC", "1000"), ("LISTEN_FDS", "2")):
        monkeypatch.setenv(name, value)
    taken = take_systemd_environment()
    assert taken == {"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000", "LISTEN_FDS": "2"}
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(sorted(os.environ))"], capture_output=True, text=True, check=True
    ).stdout
    assert not any(name in child for name in taken)
