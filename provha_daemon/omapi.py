"""dhcpd's failover state, read over OMAPI (ISC's object management protocol, TCP, HMAC-MD5 signed).

One short session: the startup handshake, an authenticator opened with the OMAPI key of ``failover.conf``, then one
signed OPEN of the ``failover-state`` object named after the failover peer. What dhcpd answers is its own view:
``local-state`` and ``partner-state`` (e.g. normal, communications-interrupted, partner-down). The frame encoding
and decoding are pure functions; ``read_failover_state`` is the I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

PROTOCOL_VERSION = 100
HEADER_SIZE = 24
OPEN, REFRESH, UPDATE, NOTIFY, STATUS, DELETE = 1, 2, 3, 4, 5, 6
HMAC_MD5 = b"hmac-md5.SIG-ALG.REG.INT."  # dhcpd knows no other OMAPI algorithm
MD5_SIZE = 16
# ISC dhcpd's enum failover_state (server/failover.c, includes/failover.h)
STATES = {
    0: "unknown",
    1: "startup",
    2: "normal",
    3: "communications-interrupted",
    4: "partner-down",
    5: "potential-conflict",
    6: "recover",
    7: "paused",
    8: "shut-down",
    9: "recover-done",
    10: "resolution-interrupted",
    11: "conflict-done",
    254: "recover-wait",
}


class OmapiError(Exception):
    """dhcpd did not answer, refused the key, or has no such object."""


@dataclass(frozen=True, slots=True)
class Message:
    """One OMAPI message: header fields, message values, object values (names and values are bytes)."""

    opcode: int
    handle: int = 0
    id: int = 0
    rid: int = 0
    message: Mapping[bytes, bytes] = field(default_factory=dict)
    obj: Mapping[bytes, bytes] = field(default_factory=dict)
    authid: int = 0


@dataclass(frozen=True, slots=True)
class FailoverState:
    """What dhcpd says of its failover peer."""

    local: str
    partner: str

    def __str__(self) -> str:
        return f"{self.local}, partner {self.partner}"


def _values(values: Mapping[bytes, bytes]) -> bytes:
    out = b"".join(struct.pack("!H", len(k)) + k + struct.pack("!I", len(v)) + v for k, v in values.items())
    return out + b"\0\0"


def encode(message: Message, key: bytes | None = None) -> bytes:
    """The wire form of ``message``, signed with ``key`` (HMAC-MD5) if given."""
    body = struct.pack("!IIII", message.opcode, message.handle, message.id, message.rid)
    body += _values(message.message) + _values(message.obj)
    if key is None:
        return struct.pack("!II", message.authid, 0) + body
    # the signature covers the signature's length field and everything after it, not the authenticator's handle
    signed = struct.pack("!I", MD5_SIZE) + body
    return struct.pack("!I", message.authid) + signed + hmac.new(key, signed, hashlib.md5).digest()


def decode(data: bytes) -> tuple[Message, int]:
    """One message from the start of ``data`` and its length; ValueError while incomplete."""
    if len(data) < HEADER_SIZE:
        raise ValueError("incomplete header")
    authid, authlen, opcode, handle, ident, rid = struct.unpack("!IIIIII", data[:HEADER_SIZE])
    offset = HEADER_SIZE
    sections: list[dict[bytes, bytes]] = []
    for _ in range(2):
        values: dict[bytes, bytes] = {}
        while True:
            if len(data) < offset + 2:
                raise ValueError("incomplete values")
            (name_length,) = struct.unpack("!H", data[offset : offset + 2])
            offset += 2
            if name_length == 0:
                break
            name = data[offset : offset + name_length]
            offset += name_length
            if len(data) < offset + 4:
                raise ValueError("incomplete value")
            (value_length,) = struct.unpack("!I", data[offset : offset + 4])
            offset += 4
            if len(data) < offset + value_length:
                raise ValueError("incomplete value")
            values[name] = data[offset : offset + value_length]
            offset += value_length
        sections.append(values)
    offset += authlen
    if len(data) < offset:
        raise ValueError("incomplete signature")
    return Message(opcode, handle, ident, rid, sections[0], sections[1], authid), offset


def _status(answer: Message) -> str:
    """A STATUS answer's result code and text (a signature dhcpd rejects has no text, only the code)."""
    result = answer.message.get(b"result", b"")
    code = struct.unpack("!I", result)[0] if len(result) == 4 else None
    text = answer.message.get(b"message", b"").decode(errors="replace")
    return f"result {code}" + (f": {text}" if text else " (a wrong OMAPI key?)")


def _state(value: bytes | None) -> str:
    if value is None or len(value) != 4:
        return "unknown"
    (number,) = struct.unpack("!I", value)
    return STATES.get(number, f"state {number}")


class _Session:
    """A connected OMAPI session (blocking, with a timeout on every read)."""

    def __init__(self, address: str, port: int, timeout: float) -> None:
        self.sock = socket.create_connection((address, port), timeout)
        self.buffer = b""
        self.next_id = 1
        self.sock.sendall(struct.pack("!II", PROTOCOL_VERSION, HEADER_SIZE))
        version, header = struct.unpack("!II", self._read(8))
        if (version, header) != (PROTOCOL_VERSION, HEADER_SIZE):
            raise OmapiError(f"not an OMAPI server (protocol {version}, header {header})")

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OmapiError("dhcpd closed the OMAPI connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out

    def ask(self, message: Message, key: bytes | None = None) -> Message:
        ident = self.next_id
        self.next_id += 1
        request = Message(message.opcode, message.handle, ident, 0, message.message, message.obj, message.authid)
        self.sock.sendall(encode(request, key))
        while True:
            try:
                answer, used = decode(self.buffer)
            except ValueError:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OmapiError("dhcpd closed the OMAPI connection") from None
                self.buffer += chunk
                continue
            self.buffer = self.buffer[used:]
            if answer.rid == ident:
                return answer

    def close(self) -> None:
        self.sock.close()


def read_failover_state(
    address: str, port: int, key_name: str, secret: str, peer: str = "dhcpd-failover", timeout: float = 2.0
) -> FailoverState:
    """dhcpd's failover state for ``peer``, asked at ``address``:``port`` with the OMAPI key (blocking)."""
    key = base64.b64decode(secret)
    try:
        session = _Session(address, port, timeout)
    except OSError as exc:
        raise OmapiError(f"OMAPI {address}:{port}: {exc.strerror or exc}") from exc
    try:
        auth = session.ask(
            Message(OPEN, message={b"type": b"authenticator"}, obj={b"name": key_name.encode(), b"algorithm": HMAC_MD5})
        )
        if auth.opcode != UPDATE:
            raise OmapiError(f"dhcpd refused the OMAPI key {key_name}")
        answer = session.ask(
            Message(OPEN, message={b"type": b"failover-state"}, obj={b"name": peer.encode()}, authid=auth.handle),
            key,
        )
        if answer.opcode != UPDATE:
            raise OmapiError(f"dhcpd answered no failover state for {peer}: {_status(answer)}")
        return FailoverState(_state(answer.obj.get(b"local-state")), _state(answer.obj.get(b"partner-state")))
    except OSError as exc:
        raise OmapiError(f"OMAPI {address}:{port}: {exc.strerror or exc}") from exc
    finally:
        session.close()
