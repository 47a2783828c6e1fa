"""BER for SNMP varbinds (TLV 11 / 64) and OIDs, byte-compatible with the classic tool.

A varbind is ``30 len 06 oidlen oid <value>``. Integers are minimal two's complement; Gauge32/Unsigned32,
Counter32 and TimeTicks are minimal unsigned (a leading ``00`` when the top bit is set). The tool builds the
SEQUENCE header itself (``30 ll``) unless the value is a string and ``string length + number of OID arcs + 8``
reaches 127: then net-snmp builds it, always in the long form ``30 82 hh ll``, while the inner lengths stay
minimal (``04 81 ll``, ``04 82 hh ll``). Where the tool's short form could not hold the length (a sequence over
127 bytes that the rule above leaves short, only possible with very long OIDs), the tool writes an invalid
header; we write the long form instead.
"""

from __future__ import annotations

from typing import NamedTuple

INTEGER = 0x02
OCTET_STRING = 0x04
OBJECT_ID = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42  # also Unsigned32: same tag
TIMETICKS = 0x43

LONG_FORM_THRESHOLD = 127  # the tool: short header only while len + arcs + 8 < 0x7f


def length(n: int) -> bytes:
    """A minimal BER length."""
    if n < 0x80:
        return bytes((n,))
    if n <= 0xFF:
        return bytes((0x81, n))
    return bytes((0x82, n >> 8, n & 0xFF))


def oid_content(arcs: tuple[int, ...]) -> bytes:
    """The content octets of an OBJECT IDENTIFIER (the first two arcs share one sub-identifier)."""
    out = bytearray()
    for sub in (arcs[0] * 40 + arcs[1], *arcs[2:]):
        if sub < 0x80:
            out.append(sub)
            continue
        chunk = bytearray((sub & 0x7F,))
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        chunk.reverse()
        out += chunk
    return bytes(out)


def oid_tlv(arcs: tuple[int, ...]) -> bytes:
    """A complete BER OBJECT IDENTIFIER (``06 len …``)."""
    content = oid_content(arcs)
    return bytes((OBJECT_ID,)) + length(len(content)) + content


def signed(value: int) -> bytes:
    """Minimal two's complement content octets."""
    size = ((value if value >= 0 else ~value).bit_length() + 8) // 8
    return value.to_bytes(size, "big", signed=True)


def unsigned(value: int) -> bytes:
    """Minimal unsigned content octets, with a leading 00 when the top bit would be set."""
    return value.to_bytes((value.bit_length() + 8) // 8, "big")


def varbind(arcs: tuple[int, ...], tag: int, content: bytes) -> bytes:
    """The varbind SEQUENCE for ``arcs`` = (``tag``, ``content``), with the tool's header rule."""
    inner = oid_tlv(arcs) + bytes((tag,)) + length(len(content)) + content
    size = len(inner)
    string_long = tag == OCTET_STRING and len(content) + len(arcs) + 8 >= LONG_FORM_THRESHOLD
    if string_long or size > 0x7F:
        return bytes((SEQUENCE, 0x82, size >> 8, size & 0xFF)) + inner
    return bytes((SEQUENCE, size)) + inner


class Varbind(NamedTuple):
    """A parsed varbind."""

    arcs: tuple[int, ...]
    tag: int
    content: bytes


class BerError(ValueError):
    """Bytes that are not the BER this module writes."""


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise BerError("truncated length")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 2 or pos + 1 + count > len(data):
        raise BerError("unsupported length form")
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def _read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    if pos >= len(data):
        raise BerError("truncated")
    tag = data[pos]
    size, start = _read_length(data, pos + 1)
    if start + size > len(data):
        raise BerError("value runs past its container")
    return tag, data[start : start + size], start + size


def decode_oid(content: bytes) -> tuple[int, ...]:
    """The arcs of OBJECT IDENTIFIER content octets."""
    if not content or content[-1] & 0x80:
        raise BerError("empty or unterminated OID")
    subs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            subs.append(value)
            value = 0
    first = subs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return (*head, *subs[1:])


def parse_varbind(data: bytes) -> Varbind:
    """A varbind SEQUENCE that fills ``data`` exactly."""
    tag, body, end = _read_tlv(data, 0)
    if tag != SEQUENCE or end != len(data):
        raise BerError("not a single SEQUENCE")
    oid_tag, oid, pos = _read_tlv(body, 0)
    if oid_tag != OBJECT_ID:
        raise BerError("the SEQUENCE does not start with an OID")
    value_tag, content, pos = _read_tlv(body, pos)
    if pos != len(body):
        raise BerError("bytes after the value")
    return Varbind(decode_oid(oid), value_tag, content)
