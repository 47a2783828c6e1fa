"""Tests of provha-time: the pure NTP and RFC 868 parts, then the real program, socket-activated by hand, asking real
chronyd processes of the test's own (``chronyd -d -x``: in the foreground, never touching the clock)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from provha_daemon.timeserver import (
    SyncState,
    Verdict,
    check,
    listen_fds,
    ntp_request,
    ntp_timestamp,
    parse_address,
    rfc868,
    verdict,
)
from tests.chrony import Chronyd, chrony_directory, free_udp_port, reference_and_client
from tests.service import WAIT, wait_until

PROGRAM = Path(sys.executable).with_name("provha-time")
EPOCH_1900 = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)  # RFC 868: seconds since 00:00 1 January 1900 GMT
# Puts the given fds on 3, 4, ..., sets LISTEN_PID to its own pid (unknown before exec) and LISTEN_FDS, execs the
# program: what systemd does for a socket-activated service.
ACTIVATE = """
import fcntl, os, sys
given = [int(fd) for fd in sys.argv[1].split(",")]
high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in given]
for fd in given:
    os.close(fd)
for target, fd in enumerate(high, start=3):
    os.dup2(fd, target)
    os.close(fd)
os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS=str(len(high)))
os.execv(sys.argv[2], sys.argv[2:])
"""


def _rfc868_now() -> int:
    """The test's own clock by the RFC's definition."""
    return int((dt.datetime.now(dt.UTC) - EPOCH_1900).total_seconds()) % 2**32


def _free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 a moment ago."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
            udp.bind(("127.0.0.1", 0))
            port: int = udp.getsockname()[1]
            try:
                tcp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _udp_time(port: int, timeout: float = 1.0) -> bytes | None:
    """One RFC 868 UDP exchange (an empty datagram, as the RFC says); None if no reply within ``timeout``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(b"", ("127.0.0.1", port))
        try:
            return sock.recv(64)
        except TimeoutError:
            return None


def _tcp_time(port: int) -> bytes:
    """One RFC 868 TCP exchange: connect, read to EOF."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        while chunk := sock.recv(64):
            data += chunk
    return data


def _assert_now(answer: bytes | None) -> None:
    assert answer is not None and len(answer) == 4, answer
    (value,) = struct.unpack("!I", answer)
    assert abs(value - _rfc868_now()) <= 2, (value, _rfc868_now())


# --- chronyd ------------------------------------------------------------------------------------------------------


@dataclass
class Chronies:
    """The module's chronyds: a reference, one synchronised to it, one that never gets a source."""

    directory: Path
    reference: Chronyd
    synced: Chronyd
    unsynced: Chronyd


def _address(chronyd: Chronyd) -> str:
    return f"127.0.0.1:{chronyd.port}"


@pytest.fixture(scope="module")
def chronies() -> Iterator[Chronies]:
    """Three running chronyds (about half a second until the client is synchronised); stopped at teardown."""
    if shutil.which("chronyd") is None or shutil.which("chronyc") is None:
        pytest.skip("chrony is not installed (scripts/install-system-packages)")
    if os.geteuid() != 0:
        pytest.skip("chronyd drops privileges to _chrony: the tests must run as root")
    with chrony_directory() as directory, reference_and_client(directory, ["allow 127.0.0.0/8"]) as (ref, synced):
        # a source nobody answers for: chronyd replies LI 3 (alarm), stratum 0
        source = f"server 127.0.0.1 port {free_udp_port()} minpoll -4 maxpoll -4 iburst"
        unsynced = Chronyd(directory, "unsynced", [source, "allow 127.0.0.0/8"]).start()
        try:
            yield Chronies(directory, ref, synced, unsynced)
        finally:
            unsynced.stop()


# --- provha-time as a process -------------------------------------------------------------------------------------


class TimeService:
    """``provha-time`` as a real process, its JSON log in a file: socket-activated as systemd would (a UDP and a
    TCP socket on 127.0.0.1:``port`` passed as fds 3 and 4), or with the arguments alone (``activate=False``)."""

    def __init__(self, directory: Path, *args: str, activate: bool = True) -> None:
        self.log = directory / f"provha-time-{time.monotonic_ns()}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
        with (
            self.log.open("wb") as out,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
            socket.socket() as tcp,
        ):
            argv: list[str] = [str(PROGRAM), *args]
            fds: tuple[int, ...] = ()
            self.port = 0
            if activate:
                self.port = _free_port()
                udp.bind(("127.0.0.1", self.port))
                tcp.bind(("127.0.0.1", self.port))
                tcp.listen()
                fds = (udp.fileno(), tcp.fileno())
                argv = [sys.executable, "-c", ACTIVATE, ",".join(map(str, fds)), *argv]
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, pass_fds=fds)
        try:
            self.wait_event("rfc868.serving")  # the parent's copies of the sockets are closed: the child's alone serve
        except BaseException:
            self.proc.kill()  # a start that failed leaves no process behind
            self.proc.wait()
            raise

    def events(self, name: str) -> list[dict[str, Any]]:
        """The log events named ``name`` so far."""
        lines = self.log.read_text().splitlines()
        return [e for e in (json.loads(line) for line in lines if line.startswith("{")) if e["event"] == name]

    def wait_event(self, name: str, count: int = 1) -> list[dict[str, Any]]:
        """Wait until ``count`` events named ``name`` were logged."""

        def seen() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"provha-time exited {self.proc.returncode}:\n{self.log.read_text()}")
            return len(self.events(name)) >= count

        wait_until(seen, what=f"{count} x {name}")
        return self.events(name)

    def stop(self) -> int:
        """SIGTERM and wait; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def stop_cleanly(self) -> None:
        """Stop; it exits 0 and printed no traceback or warning."""
        code = self.stop()
        text = self.log.read_text()
        assert code == 0, text
        assert "Traceback" not in text and "Warning" not in text, text


# --- pure parts ---------------------------------------------------------------------------------------------------


def test_request_layout() -> None:
    """The NTP request is 48 bytes: LI 0, version 4, mode 3, zeros, and the transmit timestamp at bytes 40..48."""
    instant = dt.datetime(2026, 12, 7, 12, 30, 15, 250000, tzinfo=dt.UTC)
    request = ntp_request(instant.timestamp())
    assert len(request) == 48
    assert request[0] >> 6 == 0 and (request[0] >> 3) & 0b111 == 4 and request[0] & 0b111 == 3
    assert request[1:40] == bytes(39)
    seconds, fraction = struct.unpack("!II", request[40:48])
    assert seconds == int((instant - EPOCH_1900).total_seconds())
    assert fraction == 2**30  # .25 s


def test_rfc868_value_of_a_known_instant() -> None:
    """2026-12-07T00:00:00Z is the number of seconds since 1900-01-01T00:00:00Z, 4 bytes big-endian."""
    instant = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    expected = int((instant - EPOCH_1900).total_seconds())
    assert rfc868(instant.timestamp()) == expected.to_bytes(4, "big")
    assert rfc868(instant.timestamp() + 0.999) == expected.to_bytes(4, "big")  # whole seconds, not rounded


def test_rfc868_wraps_in_2036() -> None:
    """The 32-bit value wraps on 2036-02-07T06:28:16Z, as the RFC's field does."""
    wrap = dt.datetime(2036, 2, 7, 6, 28, 16, tzinfo=dt.UTC)
    assert int((wrap - EPOCH_1900).total_seconds()) == 2**32
    assert rfc868(wrap.timestamp() + 5) == (5).to_bytes(4, "big")


SENT_AT = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC).timestamp()


def _reply(
    sent: bytes,
    *,
    leap: int = 0,
    mode: int = 4,
    stratum: int = 4,
    root_delay: float = 0.001,
    root_dispersion: float = 0.002,
    offset: float = 0.0,
    origin: bytes | None = None,
) -> bytes:
    """A server reply to ``sent``, its clock ``offset`` seconds from ours, processed 1 ms after we sent."""
    served = ntp_timestamp(SENT_AT + 0.001 + offset)
    return (
        bytes([leap << 6 | 4 << 3 | mode, stratum, 0, 0xEC])
        + struct.pack("!II", int(root_delay * 2**16), int(root_dispersion * 2**16))
        + b"\x7f\x00\x00\x01"
        + served
        + (sent[40:48] if origin is None else origin)
        + served
        + served
    )


def test_verdict_of_a_good_reply() -> None:
    """A stratum-4 reply to our request with small root distance and no offset is synchronised, error estimated."""
    sent = ntp_request(SENT_AT)
    result = verdict(_reply(sent), sent, SENT_AT + 0.002, max_error=1.0)
    assert result.synchronised and result.reason == "synchronised"
    # root delay / 2 + root dispersion + half the 2 ms round trip, to the 16.16 fields' resolution
    assert result.error == pytest.approx(0.0005 + 0.002 + 0.001, abs=1e-4)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"leap": 3}, "leap alarm"),
        ({"stratum": 0}, "stratum 0"),
        ({"stratum": 16}, "stratum 16"),
        ({"mode": 3}, "not a server reply (mode 3)"),
        ({"mode": 5}, "not a server reply (mode 5)"),
        ({"origin": ntp_timestamp(SENT_AT - 1)}, "origin mismatch"),
        ({"root_dispersion": 1.5}, "error 1.5 s > 1 s"),
        ({"root_delay": 2.5}, "error 1.25 s > 1 s"),
        ({"offset": 2.0}, "error 2 s > 1 s"),  # chronyd is synchronised, but the system clock is not its time
        ({"offset": -2.0}, "error 2 s > 1 s"),
    ],
    ids=[
        "leap-alarm",
        "stratum-0",
        "stratum-16",
        "mode-3",
        "mode-5",
        "origin",
        "dispersion",
        "delay",
        "ahead",
        "behind",
    ],
)
def test_verdict_rejects(changes: dict[str, Any], reason: str) -> None:
    """Each way a reply can fail the check makes the verdict unsynchronised, with the reason."""
    sent = ntp_request(SENT_AT)
    result = verdict(_reply(sent, **changes), sent, SENT_AT + 0.002, max_error=1.0)
    assert not result.synchronised
    assert result.reason == reason


def test_verdict_of_a_short_reply() -> None:
    """Fewer than 48 bytes is no NTP reply."""
    sent = ntp_request(SENT_AT)
    assert verdict(_reply(sent)[:47], sent, SENT_AT + 0.002, 1.0) == Verdict(False, "short reply (47 bytes)")


def test_verdict_error_bound_is_inclusive_and_configurable() -> None:
    """The same reply passes a bound above its error and fails one below it."""
    sent = ntp_request(SENT_AT)
    reply = _reply(sent, offset=0.3)
    assert verdict(reply, sent, SENT_AT + 0.002, max_error=0.5).synchronised
    assert not verdict(reply, sent, SENT_AT + 0.002, max_error=0.25).synchronised


def test_listen_fds_follow_sd_listen_fds() -> None:
    """fds 3.. when LISTEN_PID is this process, none for another pid or without LISTEN_FDS."""
    assert listen_fds({"LISTEN_PID": "42", "LISTEN_FDS": "2"}, 42) == [3, 4]
    assert listen_fds({"LISTEN_PID": "41", "LISTEN_FDS": "2"}, 42) == []
    assert listen_fds({"LISTEN_PID": "42"}, 42) == []
    assert listen_fds({}, 42) == []


def test_parse_address() -> None:
    """HOST:PORT and [IPv6]:PORT parse; a missing port, a bare IPv6 address or no host do not."""
    assert parse_address("127.0.0.1:123") == ("127.0.0.1", 123)
    assert parse_address("[::1]:37") == ("::1", 37)
    assert parse_address("localhost:37") == ("localhost", 37)
    for bad in ("127.0.0.1", "::1:37", ":37", "host:port", "host:70000"):
        with pytest.raises(ValueError, match=r"HOST:PORT|brackets|no host"):
            parse_address(bad)


async def test_a_silent_chrony_is_no_reply_after_the_timeout() -> None:
    """A peer that never answers (no ICMP error either) gives "no reply" once the timeout has passed."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        started = time.monotonic()
        result = await check(silent.getsockname(), 0.2, 1.0)
        assert time.monotonic() - started >= 0.2
    assert result == Verdict(False, "no reply")


# --- the cache and its log ----------------------------------------------------------------------------------------


async def test_concurrent_requests_share_one_check_per_interval(chronies: Chronies) -> None:
    """A burst of requests costs one NTP exchange with the real chronyd; the next after the interval costs one more."""
    calls = 0
    now = [100.0]

    async def probe() -> Verdict:
        nonlocal calls
        calls += 1
        return await check(("127.0.0.1", chronies.synced.port), 0.2, 1.0)

    sync = SyncState(probe, interval=1.0, clock=lambda: now[0])
    results = await asyncio.gather(*(sync.current() for _ in range(200)))
    assert calls == 1 and all(r.synchronised for r in results)
    now[0] += 0.9
    assert (await sync.current()).synchronised and calls == 1
    now[0] += 0.2
    assert (await sync.current()).synchronised and calls == 2


async def test_transitions_are_logged_once_each() -> None:
    """rfc868.synchronised / rfc868.unsynchronised are logged when the verdict turns, not for each check."""
    script = iter(
        [
            Verdict(True, "synchronised", 0.001),
            Verdict(True, "synchronised", 0.002),
            Verdict(False, "leap alarm"),
            Verdict(False, "no reply"),
            Verdict(False, "leap alarm"),
            Verdict(True, "synchronised", 0.003),
        ]
    )

    async def probe() -> Verdict:
        return next(script)

    sync = SyncState(probe, interval=0.0)
    with capture_logs() as logs:
        for _ in range(6):
            await sync.current()
    assert [(e["event"], e.get("reason"), e.get("error")) for e in logs] == [
        ("rfc868.synchronised", None, 0.001),
        ("rfc868.unsynchronised", "leap alarm", None),
        ("rfc868.synchronised", None, 0.003),
    ]


# --- the real program ---------------------------------------------------------------------------------------------


def test_answers_udp_and_tcp_while_chrony_is_synchronised(chronies: Chronies, tmp_path: Path) -> None:
    """Socket-activated against a synchronised chronyd: UDP and TCP get 4 bytes, the RFC 868 time of now."""
    service = TimeService(tmp_path, "--chrony", _address(chronies.synced), "--check-interval", "0.2")
    try:
        serving = service.events("rfc868.serving")[0]
        assert serving["listening"] == [f"udp 127.0.0.1:{service.port}", f"tcp 127.0.0.1:{service.port}"]
        assert serving["chrony"] == _address(chronies.synced) and serving["max_error"] == 1.0
        _assert_now(_udp_time(service.port))
        _assert_now(_tcp_time(service.port))
        for _ in range(20):  # the cached verdict answers at once
            _assert_now(_udp_time(service.port))
        assert len(service.wait_event("rfc868.synchronised")) == 1
        assert service.events("rfc868.unsynchronised") == []
    finally:
        service.stop_cleanly()


def test_silent_while_chrony_is_unsynchronised(chronies: Chronies, tmp_path: Path) -> None:
    """Against an unsynchronised chronyd: UDP is dropped, TCP closed without a byte, the process keeps serving,
    and rfc868.unsynchronised is logged once for the whole run of requests."""
    service = TimeService(tmp_path, "--chrony", _address(chronies.unsynced), "--check-interval", "0.2")
    try:
        assert _udp_time(service.port, timeout=1.0) is None
        assert service.proc.poll() is None
        for _ in range(5):  # spread over several check intervals
            assert _tcp_time(service.port) == b""
            time.sleep(0.1)
        assert _udp_time(service.port, timeout=0.3) is None
        events = service.events("rfc868.unsynchronised")
        assert [e["reason"] for e in events] == ["leap alarm"]
        assert service.events("rfc868.synchronised") == []
    finally:
        service.stop_cleanly()


def test_max_error_bound_applies(chronies: Chronies, tmp_path: Path) -> None:
    """With --max-error 1e-9 even the synchronised chronyd's error is too large: no answer, and the log says why."""
    service = TimeService(tmp_path, "--chrony", _address(chronies.synced), "--max-error", "1e-9")
    try:
        assert _udp_time(service.port, timeout=1.0) is None
        assert _tcp_time(service.port) == b""
        (event,) = service.wait_event("rfc868.unsynchronised")
        assert event["reason"].startswith("error ") and event["reason"].endswith(" s > 1e-09 s")
        assert 0 < event["error"] < 0.1
    finally:
        service.stop_cleanly()


def test_stops_answering_while_chrony_is_down_and_resumes(chronies: Chronies, tmp_path: Path) -> None:
    """chronyd killed: no answer (no NTP reply); chronyd back: answers again within the check interval and a bit."""
    # synchronised from its first reply; start() again brings it back on the same port
    chronyd = Chronyd(chronies.directory, "restarted", ["local stratum 5", "allow 127.0.0.0/8"]).start()
    service = TimeService(tmp_path, "--chrony", _address(chronyd), "--check-interval", "0.2")
    try:
        _assert_now(_udp_time(service.port))
        chronyd.stop()
        wait_until(lambda: _udp_time(service.port, timeout=0.5) is None, what="silence without chronyd")
        assert _tcp_time(service.port) == b""
        (down,) = service.wait_event("rfc868.unsynchronised")
        assert down["reason"].startswith("no reply")
        chronyd.start()
        time.sleep(0.3)  # the check interval and a bit
        _assert_now(_udp_time(service.port))
        assert len(service.wait_event("rfc868.synchronised", count=2)) == 2
    finally:
        try:
            service.stop_cleanly()
        finally:
            chronyd.stop()


def test_listen_binds_its_own_sockets(chronies: Chronies, tmp_path: Path) -> None:
    """Without systemd's sockets, --listen HOST:PORT binds UDP and TCP itself."""
    port = _free_port()
    service = TimeService(
        tmp_path, "--listen", f"127.0.0.1:{port}", "--chrony", _address(chronies.reference), activate=False
    )
    try:
        _assert_now(_udp_time(port))
        _assert_now(_tcp_time(port))
    finally:
        service.stop_cleanly()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
    return subprocess.run([str(PROGRAM), *args], capture_output=True, text=True, env=env, timeout=WAIT, check=False)


def test_no_sockets_and_bad_arguments_exit_2() -> None:
    """No sockets at all, a malformed address, a bad bound or a port in use: exit 2 with a message."""
    result = _run()
    assert result.returncode == 2 and "no sockets" in result.stderr
    assert _run("--listen", "127.0.0.1").returncode == 2
    assert _run("--listen", "127.0.0.1:37", "--max-error", "0").returncode == 2
    assert _run("--listen", "127.0.0.1:37", "--check-interval", "nan").returncode == 2
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = _run("--listen", f"127.0.0.1:{port}")
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
