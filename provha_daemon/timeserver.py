"""``provha-time``: RFC 868 time of day (port 37, UDP and TCP) for cable modems, answered only while the local clock
is synchronised.

DOCSIS modems ask the time servers DHCP names them (``option time-servers <own>,<peer>``) in turn. A server that
stays silent sends them on to the next one; a wrong time breaks their BPI+ certificate checks. So a request is
answered only while the local chronyd, asked by one standard NTP client request, reports a synchronised clock
whose estimated error is within ``--max-error`` and agrees with the system clock; otherwise a datagram is dropped
and a TCP connection closed without a byte. The verdict is cached for ``--check-interval`` seconds and shared by
concurrent requests, so a boot storm of modems costs one NTP exchange per interval.

A process of its own, socket-activated by systemd (provha-time.socket), so it keeps answering while provha-daemon
restarts or rebuilds; ``--listen HOST:PORT`` binds sockets itself instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import socket
import struct
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import structlog

from provha_daemon import __version__
from provha_daemon.log import configure
from provha_daemon.notify import take_systemd_environment

RFC868_EPOCH = 2_208_988_800  # seconds from 1900-01-01T00:00Z (RFC 868's and NTP's epoch) to the Unix epoch
NTP_LENGTH = 48
NTP_VERSION = 4
MODE_CLIENT = 3
MODE_SERVER = 4
LEAP_ALARM = 3  # LI 3: the server's clock is not synchronised
SD_LISTEN_FDS_START = 3  # sd_listen_fds(3): systemd passes the sockets from fd 3 on

log = structlog.get_logger("provha_daemon.timeserver")


class Verdict(NamedTuple):
    """What one NTP exchange with chronyd says about the local clock."""

    synchronised: bool
    reason: str  # "synchronised", or why not: "no reply", "leap alarm", "stratum 0", "error 1.2 s > 1 s", ...
    error: float | None = None  # estimated error of the system clock in seconds, when the reply was usable


@dataclass(frozen=True, slots=True)
class Settings:
    """The command line, checked."""

    chrony: tuple[str, int]
    max_error: float
    timeout: float
    check_interval: float


# --- pure functions -----------------------------------------------------------------------------------------------


def rfc868(now: float) -> bytes:
    """The RFC 868 reply for Unix time ``now``: seconds since 1900-01-01T00:00Z, 32-bit big-endian (wraps in 2036)."""
    return struct.pack("!I", (math.floor(now) + RFC868_EPOCH) % 2**32)


def ntp_timestamp(now: float) -> bytes:
    """Unix time ``now`` as a 64-bit NTP timestamp (32.32 fixed point seconds since 1900)."""
    seconds = math.floor(now)
    fraction = min(int((now - seconds) * 2**32), 2**32 - 1)
    return struct.pack("!II", (seconds + RFC868_EPOCH) % 2**32, fraction)


def ntp_to_unix(raw: bytes, near: float) -> float:
    """An NTP timestamp as Unix time, in the 2**32 s era nearest to ``near`` (era 1 begins in 2036)."""
    seconds, fraction = struct.unpack("!II", raw)
    value: float = seconds + fraction / 2**32 - RFC868_EPOCH
    return value + round((near - value) / 2**32) * 2**32


def ntp_request(transmit: float) -> bytes:
    """An NTP client request (RFC 5905: LI 0, version 4, mode 3) whose transmit timestamp is ``transmit``; the
    server copies it into its reply's origin timestamp, which ties the reply to this request."""
    return bytes([NTP_VERSION << 3 | MODE_CLIENT]) + bytes(39) + ntp_timestamp(transmit)


def verdict(reply: bytes, sent: bytes, received_at: float, max_error: float) -> Verdict:
    """Judge chronyd's ``reply`` to the request ``sent``, received at Unix time ``received_at``.

    Synchronised iff the reply answers our request, chronyd's leap indicator is not the alarm, its stratum is 1..15
    and the estimated error of the system clock is at most ``max_error``: chronyd's own bound on its error
    (root delay / 2 + root dispersion) plus how far the system clock is from chronyd's time, with the uncertainty
    of that measurement (half the round trip).
    """
    if len(reply) < NTP_LENGTH:
        return Verdict(False, f"short reply ({len(reply)} bytes)")
    leap, mode, stratum = reply[0] >> 6, reply[0] & 0b111, reply[1]
    if mode != MODE_SERVER:
        return Verdict(False, f"not a server reply (mode {mode})")
    if reply[24:32] != sent[40:48]:
        return Verdict(False, "origin mismatch")
    if leap == LEAP_ALARM:
        return Verdict(False, "leap alarm")
    if not 1 <= stratum <= 15:
        return Verdict(False, f"stratum {stratum}")
    root_delay, root_dispersion = (value / 2**16 for value in struct.unpack("!II", reply[4:12]))
    t1 = ntp_to_unix(sent[40:48], received_at)  # our send time, as we wrote it into the request
    t2 = ntp_to_unix(reply[32:40], received_at)  # chronyd's receive time
    t3 = ntp_to_unix(reply[40:48], received_at)  # chronyd's transmit time
    t4 = received_at
    offset = ((t2 - t1) + (t3 - t4)) / 2  # chronyd's time minus ours at the midpoint of the exchange
    delay = max((t4 - t1) - (t3 - t2), 0.0)
    error = root_delay / 2 + root_dispersion + abs(offset) + delay / 2
    if error > max_error:
        return Verdict(False, f"error {error:.3g} s > {max_error:g} s", error)
    return Verdict(True, "synchronised", error)


def listen_fds(environ: Mapping[str, str], pid: int) -> list[int]:
    """The file descriptors systemd passed to process ``pid`` (sd_listen_fds(3)): none unless LISTEN_PID is it."""
    count = environ.get("LISTEN_FDS", "")
    if environ.get("LISTEN_PID") != str(pid) or not count.isdigit():
        return []
    return list(range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + int(count)))


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (an IPv6 address in brackets: ``[::1]:37``) as (host, port); ValueError if malformed."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not HOST:PORT")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"{text!r}: an IPv6 address goes in brackets, [ADDRESS]:PORT")
    if not host:
        raise ValueError(f"{text!r} has no host")
    return host, int(port)


def format_address(host: str, port: int) -> str:
    """(host, port) as ``HOST:PORT``, an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# --- chronyd ------------------------------------------------------------------------------------------------------


class _Exchange(asyncio.DatagramProtocol):
    """One NTP request's socket: the first datagram back (or the ICMP error) settles ``reply``."""

    def __init__(self) -> None:
        self.reply: asyncio.Future[tuple[bytes, float]] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        if not self.reply.done():
            self.reply.set_result((data, time.time()))

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable on the connected socket: chronyd is not running, no need to wait for the timeout.
        if not self.reply.done():
            self.reply.set_exception(exc)


async def check(chrony: tuple[str, int], timeout: float, max_error: float) -> Verdict:
    """One NTP exchange with chronyd at ``chrony``, judged; no reply within ``timeout`` seconds: not synchronised."""
    loop = asyncio.get_running_loop()
    try:
        transport, exchange = await loop.create_datagram_endpoint(_Exchange, remote_addr=chrony)
    except OSError as exc:
        return Verdict(False, f"no reply ({exc.strerror or exc})")
    try:
        sent = ntp_request(time.time())
        transport.sendto(sent)
        reply, received_at = await asyncio.wait_for(exchange.reply, timeout)
    except TimeoutError:
        return Verdict(False, "no reply")
    except OSError as exc:
        return Verdict(False, f"no reply ({exc.strerror or exc})")
    finally:
        transport.close()
    return verdict(reply, sent, received_at, max_error)


class SyncState:
    """The verdict on the local clock: cached for ``interval`` seconds, one check in flight for all requests that
    arrive meanwhile, logged when it turns (never per request)."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[Verdict]],
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self._interval = interval
        self._clock = clock
        self._verdict: Verdict | None = None
        self._checked_at = -math.inf
        self._inflight: asyncio.Task[Verdict] | None = None

    def fresh(self) -> Verdict | None:
        """The cached verdict while it is younger than the interval, else None."""
        if self._verdict is not None and self._clock() - self._checked_at < self._interval:
            return self._verdict
        return None

    async def current(self) -> Verdict:
        """The fresh verdict, checking (or joining the check under way) when the cached one has expired."""
        cached = self.fresh()
        if cached is not None:
            return cached
        if self._inflight is None:
            self._inflight = asyncio.create_task(self._check())
        # shield: one waiting request that goes away must not cancel the check the others wait for
        return await asyncio.shield(self._inflight)

    async def _check(self) -> Verdict:
        try:
            new = await self._probe()
        finally:
            self._inflight = None
        old, self._verdict, self._checked_at = self._verdict, new, self._clock()
        if old is None or old.synchronised != new.synchronised:
            if new.synchronised:
                log.info("rfc868.synchronised", error=new.error)
            else:
                known = {} if new.error is None else {"error": new.error}
                log.warning("rfc868.unsynchronised", reason=new.reason, **known)
        return new

    async def close(self) -> None:
        """Cancel a check under way (at shutdown)."""
        task = self._inflight
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


# --- serving ------------------------------------------------------------------------------------------------------


class TimeServer:
    """Answers each request with the RFC 868 time if the clock is synchronised, else not at all."""

    def __init__(self, sync: SyncState) -> None:
        self.sync = sync
        self._pending: set[asyncio.Task[None]] = set()

    def request(self, send: Callable[[bytes], None], refuse: Callable[[], None]) -> None:
        """Answer one request through ``send`` or drop it through ``refuse``; at once while the verdict is fresh."""
        fresh = self.sync.fresh()
        if fresh is not None:
            self._settle(fresh, send, refuse)
            return
        task = asyncio.create_task(self._later(send, refuse))
        self._pending.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._pending.discard)

    async def _later(self, send: Callable[[bytes], None], refuse: Callable[[], None]) -> None:
        try:
            current = await self.sync.current()
        except asyncio.CancelledError:
            refuse()  # shutting down: a TCP connection is closed, not left to the loop's end
            raise
        self._settle(current, send, refuse)

    @staticmethod
    def _settle(current: Verdict, send: Callable[[bytes], None], refuse: Callable[[], None]) -> None:
        if current.synchronised:
            send(rfc868(time.time()))
        else:
            refuse()

    async def close(self) -> None:
        """Drop the requests still waiting for a verdict."""
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)
        await self.sync.close()


class _Datagram(asyncio.DatagramProtocol):
    """A UDP socket: each datagram, whatever it holds, is a request."""

    def __init__(self, server: TimeServer) -> None:
        self._server = server
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.DatagramTransport) -> None:  # type: ignore[override]
        self._transport = transport

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        transport = self._transport
        if transport is not None:
            self._server.request(lambda payload: transport.sendto(payload, addr), lambda: None)

    def error_received(self, exc: Exception) -> None:
        pass  # an ICMP error for an earlier reply (the modem went away): nothing to do


class _Stream(asyncio.Protocol):
    """A TCP connection: the connection is the request; what the client sends is ignored."""

    def __init__(self, server: TimeServer) -> None:
        self._server = server

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._server.request(lambda payload: _send_and_close(transport, payload), transport.close)


def _send_and_close(transport: asyncio.WriteTransport, payload: bytes) -> None:
    if not transport.is_closing():  # the modem may have hung up while the verdict was pending
        transport.write(payload)
        transport.close()


def describe(sock: socket.socket) -> str:
    """``udp 0.0.0.0:37`` / ``tcp [::]:37`` for the log."""
    kind = "tcp" if sock.type == socket.SOCK_STREAM else "udp"
    name = sock.getsockname()
    return f"{kind} {format_address(str(name[0]), int(name[1]))}" if isinstance(name, tuple) else f"{kind} {name}"


async def serve(sockets: Sequence[socket.socket], settings: Settings) -> None:
    """Serve RFC 868 on ``sockets`` (bound; stream ones listening) until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    sync = SyncState(lambda: check(settings.chrony, settings.timeout, settings.max_error), settings.check_interval)
    server = TimeServer(sync)
    closers: list[Callable[[], None]] = []
    for sock in sockets:
        if sock.type == socket.SOCK_STREAM:
            # backlog: asyncio calls listen() again, and its default of 100 is too short for a boot storm
            stream = await loop.create_server(lambda: _Stream(server), sock=sock, backlog=socket.SOMAXCONN)
            closers.append(stream.close)
        else:
            transport, _ = await loop.create_datagram_endpoint(lambda: _Datagram(server), sock=sock)
            closers.append(transport.close)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info(
        "rfc868.serving",
        listening=[describe(sock) for sock in sockets],
        chrony=format_address(*settings.chrony),
        max_error=settings.max_error,
        check_interval=settings.check_interval,
        timeout=settings.timeout,
    )
    initial = asyncio.create_task(sync.current())  # the journal tells the state at start, before any modem asks
    await stop.wait()
    for close in closers:
        close()
    initial.cancel()
    await asyncio.gather(initial, return_exceptions=True)
    await server.close()


# --- command line -------------------------------------------------------------------------------------------------


def _address(text: str) -> tuple[str, int]:
    try:
        return parse_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(minimum: float, inclusive: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
            raise argparse.ArgumentTypeError(f"{text!r}: must be {'at least' if inclusive else 'above'} {minimum:g}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provha-time",
        description="RFC 868 time of day for cable modems, answered only while chronyd says the clock is "
        "synchronised. Takes its sockets from systemd (provha-time.socket) or binds --listen.",
    )
    parser.add_argument(
        "--listen",
        type=_address,
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="bind UDP and TCP on HOST:PORT (repeatable); in addition to any sockets systemd passes",
    )
    parser.add_argument(
        "--chrony",
        type=_address,
        default=("127.0.0.1", 123),
        metavar="HOST:PORT",
        help="the chronyd to ask by NTP (default 127.0.0.1:123)",
    )
    parser.add_argument(
        "--max-error",
        type=_seconds(0.0, inclusive=False),
        default=1.0,
        metavar="SECONDS",
        help="answer only while the estimated error of the clock is at most this (default 1.0)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds(0.0, inclusive=False),
        default=0.2,
        metavar="SECONDS",
        help="no NTP reply from chronyd within this: not synchronised (default 0.2)",
    )
    parser.add_argument(
        "--check-interval",
        type=_seconds(0.0, inclusive=True),
        default=1.0,
        metavar="SECONDS",
        help="reuse chronyd's verdict for this long (default 1.0)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _inherited(fds: Sequence[int]) -> list[socket.socket]:
    sockets = []
    for fd in fds:
        sock = socket.socket(fileno=fd)
        sockets.append(sock)
        sock.set_inheritable(False)  # as sd_listen_fds does: ours alone
        if sock.type not in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            for each in sockets:
                each.close()
            raise OSError(f"fd {fd} is neither a stream nor a datagram socket")
    return sockets


def _bind(host: str, port: int) -> list[socket.socket]:
    """A UDP and a listening TCP socket on host:port."""
    sockets = []
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        family, _, _, _, address = socket.getaddrinfo(host, port, type=kind, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind)
        try:
            if kind == socket.SOCK_STREAM:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart within TIME_WAIT still binds
            sock.bind(address)
            if kind == socket.SOCK_STREAM:
                sock.listen(socket.SOMAXCONN)
        except OSError:
            sock.close()
            raise
        sockets.append(sock)
    return sockets


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``provha-time`` console script; returns the exit code (2: bad arguments, no sockets)."""
    parser = _parser()
    args = parser.parse_args(argv)
    # sd_listen_fds(3) unsets LISTEN_* after reading them; take_systemd_environment is the package's one place
    fds = listen_fds(take_systemd_environment(), os.getpid())
    configure()
    sockets: list[socket.socket] = []
    where = "the sockets systemd passed"
    try:
        sockets += _inherited(fds)
        for host, port in args.listen:
            where = format_address(host, port)
            sockets += _bind(host, port)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        parser.error(f"cannot listen on {where}: {exc.strerror or exc}")
    if not sockets:
        parser.error("no sockets: start it from provha-time.socket (systemd) or give --listen HOST:PORT")
    settings = Settings(args.chrony, args.max_error, args.timeout, args.check_interval)
    try:
        asyncio.run(serve(sockets, settings))
    finally:
        for sock in sockets:
            sock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
