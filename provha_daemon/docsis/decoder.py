"""The decoder: config-file bytes to text in the encoder's syntax, checking the MICs on the way.

The layout follows ``docsis -d`` (``Main`` and a tab per level; MICs, end marker and padding as comments;
``GenericTLV`` for what the table does not know, ``TlvString`` where the bytes are printable; SNMP names from our
table, or numeric with ``numeric=True`` as ``docsis -o -d``), so a decode of a tool-made file reads the same as the
tool's. What differs is a guarantee: every statement printed is re-encoded on the spot and must give back the
exact bytes; where it would not (a value out of range, a wrong length, a string the syntax cannot hold, an SNMP
encoding that is not the canonical one) the TLV is printed as ``GenericTLV`` hex instead. So the encoder turns the
text back into the same file (with the same key for a CM file; the MTA hash stays a plain SNMP object unless
``nohash`` comments it out, as ``docsis -nohash -d`` does).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from provha_daemon.docsis import ber, oids
from provha_daemon.docsis.encoder import CMTS_MIC_ORDER, HASH_OIDS
from provha_daemon.docsis.errors import DecodeError, DocsisError
from provha_daemon.docsis.keywords import (
    CM_MIC_CODE,
    CMTS_MIC_CODE,
    END_CODE,
    INT_WIDTH,
    LONG_SNMP_CODE,
    MAIN,
    MTA_DELIMITER_CODE,
    SNMP_CODE,
    Keyword,
    Kind,
)
from provha_daemon.docsis.parser import parse_fragment

_HASH_ARCS = frozenset(HASH_OIDS.values())
_GENERAL_VENDOR = b"\xff\xff\xff"  # VendorIdentifier of DOCSIS's own TLV 43 extensions


@dataclass(frozen=True)
class Decoded:
    """A decoded file: its text and what the MIC checks found."""

    text: str
    mta: bool
    cm_mic_ok: bool | None = None
    """Whether TLV 6 is the MD5 of everything before it; None if the file has none."""
    cmts_mic_ok: bool | None = None
    """Whether TLV 7 is the HMAC-MD5 with ``key``; None without a key or without TLV 7."""
    warnings: tuple[str, ...] = field(default=())


def _printable(data: bytes) -> bool:
    return all(0x20 <= byte <= 0x7E for byte in data)


def _quote(data: bytes) -> str:
    return '"' + data.decode("ascii").replace('"', '\\"') + '"'


def _reencodes(statement: str, block: Keyword, code: int, value: bytes) -> bool:
    try:
        return parse_fragment(statement, block, 1) == [(code, value, 1)]
    except DocsisError:
        return False


def generic(code: int, value: bytes, block: Keyword) -> tuple[str, bool]:
    """``GenericTLV`` for one TLV, as a string where the bytes allow (as the tool's decoder does).

    The flag says whether the statement re-encodes to the TLV (not so for a type the encoder refuses to write).
    """
    size = len(value)
    forms: list[tuple[str, str]] = []
    if size == 0:
        forms.append((f'GenericTLV TlvCode {code} TlvString "";', ""))
    elif size > 1 and _printable(value):
        forms.append((f"GenericTLV TlvCode {code} TlvString {_quote(value)};", f" /* tlv length = {size} */"))
    elif size > 1 and value[-1] == 0 and _printable(value[:-1]):
        forms.append((f"GenericTLV TlvCode {code} TlvStringZero {_quote(value[:-1])};", f" /* tlv length = {size} */"))
    forms.append((f"GenericTLV TlvCode {code} TlvLength {size} TlvValue 0x{value.hex()};", ""))
    for statement, comment in forms:
        if _reencodes(statement, block, code, value):
            return statement + comment, True
    return forms[-1][0], False


def _int_text(width: int) -> Callable[[bytes], str | None]:
    return lambda v: str(int.from_bytes(v, "big")) if len(v) == width else None


def _mac_text(value: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in value)


def _ip_port_text(value: bytes) -> str | None:
    if len(value) not in (6, 18):
        return None
    return f"{ipaddress.ip_address(value[:-2])}/{int.from_bytes(value[-2:], 'big')}"


def _oid_text(value: bytes) -> str | None:
    if len(value) > 2 and value[0] == ber.OBJECT_ID and value[1] == len(value) - 2:
        return oids.name_of(ber.decode_oid(value[2:]), numeric=True)
    return None


_FORMATS: dict[Kind, Callable[[bytes], str | None]] = {
    **{kind: _int_text(width) for kind, width in INT_WIDTH.items()},
    Kind.IP: lambda v: ".".join(map(str, v)) if len(v) == 4 else None,
    Kind.IP6: lambda v: str(ipaddress.IPv6Address(v)) if len(v) == 16 else None,
    Kind.IP_PORT: _ip_port_text,
    Kind.IP_LIST: lambda v: (
        ",".join(".".join(map(str, v[i : i + 4])) for i in range(0, len(v), 4)) if v and len(v) % 4 == 0 else None
    ),
    Kind.MAC: lambda v: _mac_text(v) if len(v) == 6 else None,
    Kind.ETHERMASK: lambda v: f"{_mac_text(v[:6])}/{_mac_text(v[6:])}" if len(v) == 12 else None,
    Kind.HEX: lambda v: "0x" + v.hex() if v else None,
    Kind.STRING: lambda v: _quote(v) if _printable(v) else None,
    Kind.STRZERO: lambda v: _quote(v[:-1]) if v and v[-1] == 0 and _printable(v[:-1]) else None,
    Kind.CHAR_LIST: lambda v: ",".join(map(str, v)) if v else None,
    Kind.USHORT_LIST: lambda v: (
        ",".join(str(int.from_bytes(v[i : i + 2], "big")) for i in range(0, len(v), 2))
        if v and len(v) % 2 == 0
        else None
    ),
    Kind.OID: _oid_text,
    Kind.IP_IP6: lambda v: str(ipaddress.ip_address(v)) if len(v) in (4, 16) else None,
    Kind.CHAR_IP_IP6: lambda v: str(ipaddress.ip_address(v[1:])) if len(v) in (5, 17) else None,
    Kind.IP6_LIST: lambda v: (
        ",".join(str(ipaddress.IPv6Address(v[i : i + 16])) for i in range(0, len(v), 16))
        if v and len(v) % 16 == 0
        else None
    ),
    Kind.IP6_PREFIX_LIST: lambda v: (
        ",".join(f"{ipaddress.IPv6Address(v[i : i + 16])}/{v[i + 16]}" for i in range(0, len(v), 17))
        if v and len(v) % 17 == 0
        else None
    ),
    Kind.DUAL_QTAG: lambda v: f"{int.from_bytes(v[:2], 'big')},{int.from_bytes(v[2:], 'big')}" if len(v) == 4 else None,
    Kind.LENZERO: lambda v: "0x00" if not v else None,
}
"""Kind → the value as the syntax writes it, or None where the kind cannot show these bytes."""


@dataclass
class _Walk:
    numeric: bool
    nohash: bool
    warnings: list[str] = field(default_factory=list)
    mta: bool = False
    cm_ok: bool | None = None
    cmts_ok: bool | None = None

    def top(self, data: bytes, key: bytes | None) -> list[str]:
        """The lines of the top level; sets ``mta`` and the MIC results."""
        lines: list[str] = []
        seen: list[tuple[int, bytes]] = []  # top-level TLVs before the CMTS MIC, for checking it
        pos = 0
        end = len(data)
        while pos < end:
            code = data[pos]
            if code == END_CODE:
                lines.append("\t/*EndOfDataMkr*/")
                rest = data[pos + 1 :]
                if rest.strip(b"\0"):
                    self.warnings.append(f"{len(rest)} bytes after the end marker are not all padding (ignored)")
                lines += ["\t/* Pad */"] * (len(rest) // 2)  # the tool prints one line per two pad bytes
                break
            self.mta = self.mta or code == MTA_DELIMITER_CODE
            header = 3 if self.mta and code == LONG_SNMP_CODE else 2
            size = int.from_bytes(data[pos + 1 : pos + header], "big") if pos + header <= end else end
            if pos + header + size > end:
                self.warnings.append(f"TLV {code} at byte {pos} runs past the end of the file")
                lines.append(f"\t/* truncated: 0x{data[pos:].hex()} */")
                break
            value = data[pos + header : pos + header + size]
            if code == CM_MIC_CODE and size == 16 and not self.mta:
                self.cm_ok = hashlib.md5(data[:pos]).digest() == value  # noqa: S324  # MD5 is what DOCSIS specifies
                lines.append(f"\t/* CmMic {value.hex()}; */")
            elif code == CMTS_MIC_CODE and size == 16 and not self.mta:
                if key is not None:
                    self.cmts_ok = _cmts_digest(seen, key) == value
                lines.append(f"\t/* CmtsMic {value.hex()}; */")
            elif header == 3:
                lines.append(self.long_snmp(value, pos))
            else:
                lines += self.statement(MAIN, MAIN.by_code.get(code), code, value, 1)
            if code != CMTS_MIC_CODE:
                seen.append((code, data[pos : pos + header + size]))
            pos += header + size
        return lines

    def long_snmp(self, value: bytes, pos: int) -> str:
        """A TLV 64 of an MTA file: an SNMP object longer than 255 bytes."""
        found = self.snmp(value)
        if found is None:
            self.warnings.append(f"TLV 64 at byte {pos} is not an SNMP object this encoder would write")
            return f"\t/* TLV 64: 0x{value.hex()} */"
        return f"\t{found[0]}{found[1]}"

    def snmp(self, value: bytes) -> tuple[str, str] | None:
        """(statement, trailing comment) for an SNMP object, or None if it does not re-encode to ``value``."""
        try:
            vb = ber.parse_varbind(value)
        except ber.BerError:
            return None
        name = oids.name_of(vb.arcs, numeric=self.numeric)
        content = vb.content
        comment = ""
        forms: list[str] = []
        if vb.tag == ber.INTEGER and content:
            number = int.from_bytes(content, "big", signed=True)
            forms.append(f"Integer {number}")
            label = oids.enum_label(vb.arcs, number, numeric=self.numeric)
            comment = f" /* {label} */" if label else ""
        elif vb.tag in _UNSIGNED and content:
            forms.append(f"{_UNSIGNED[vb.tag]} {int.from_bytes(content, 'big')}")
        elif vb.tag == ber.IP_ADDRESS and len(content) == 4:
            forms.append("IPAddress " + ".".join(map(str, content)))
        elif vb.tag == ber.OCTET_STRING:
            if _printable(content):
                forms.append(f"String {_quote(content)}")
            if content:
                forms.append(f"HexString 0x{content.hex()}")
        elif vb.tag == ber.OBJECT_ID and content:
            try:
                forms.append("ObjectID " + oids.name_of(ber.decode_oid(content), numeric=True))
            except ber.BerError:
                return None
        for form in forms:
            statement = f"SnmpMibObject {name} {form};"
            if _reencodes(statement, MAIN, SNMP_CODE, value):
                if self.nohash and vb.arcs in _HASH_ARCS:
                    return f"/* {statement} */", ""
                return statement, comment
        return None

    def statement(self, block: Keyword, keyword: Keyword | None, code: int, value: bytes, depth: int) -> list[str]:
        """The lines for one TLV inside ``block`` (``keyword`` None: print it as GenericTLV)."""
        indent = "\t" * depth
        if keyword is not None and keyword.kind is Kind.BLOCK:
            children = _split(value)
            if children:
                return [
                    f"{indent}{keyword.name}",
                    f"{indent}{{",
                    *self.block(keyword, children, depth + 1),
                    f"{indent}}}",
                ]
        elif keyword is not None and keyword.kind is Kind.SNMP_OBJECT:
            found = self.snmp(value)
            if found is not None:
                return [f"{indent}{found[0]}{found[1]}"]
        elif keyword is not None and keyword.kind is Kind.SNMP_WRITE:
            if len(value) > 3 and value[0] == ber.OBJECT_ID and value[1] == len(value) - 3:
                try:
                    text = f"SnmpWriteControl {oids.name_of(ber.decode_oid(value[2:-1]), numeric=True)} {value[-1]};"
                except ber.BerError:
                    text = ""
                if text and _reencodes(text, block, code, value):
                    return [indent + text]
        elif keyword is not None:
            try:
                shown = _FORMATS[keyword.kind](value)
            except ber.BerError:
                shown = None
            text = f"{keyword.name} {shown};"
            if shown is not None and _reencodes(text, block, code, value):
                return [indent + text]
        text, exact = generic(code, value, block)
        if not exact:
            self.warnings.append(f"TLV {code} in {block.name} cannot be written back: {text}")
        return [indent + text]

    def block(self, block: Keyword, children: list[tuple[int, bytes]], depth: int) -> list[str]:
        """The lines of a block's sub-TLVs; after a real VendorIdentifier the rest is vendor data (GenericTLV)."""
        lines: list[str] = []
        vendor_data = False
        for code, value in children:
            keyword = None if vendor_data else block.by_code.get(code)
            lines += self.statement(block, keyword, code, value, depth)
            if keyword is not None and keyword.name == "VendorIdentifier" and value != _GENERAL_VENDOR:
                vendor_data = True
        return lines


_UNSIGNED = {ber.GAUGE32: "Gauge32", ber.COUNTER32: "Counter32", ber.TIMETICKS: "TimeTicks"}


def _split(value: bytes) -> list[tuple[int, bytes]] | None:
    """The sub-TLVs filling ``value`` exactly, or None."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(value):
        if pos + 2 > len(value) or pos + 2 + value[pos + 1] > len(value):
            return None
        size = value[pos + 1]
        out.append((value[pos], value[pos + 2 : pos + 2 + size]))
        pos += 2 + size
    return out or None


def _cmts_digest(seen: list[tuple[int, bytes]], key: bytes) -> bytes:
    ordered = b"".join(raw for code in CMTS_MIC_ORDER for c, raw in seen if c == code)
    return hmac.digest(key, ordered, "md5")


def decode(data: bytes, *, numeric: bool = False, key: bytes | None = None, nohash: bool = False) -> Decoded:
    """Decode a CM or MTA file; ``key`` lets the CMTS MIC be checked too."""
    if not data:
        raise DecodeError("the file is empty")
    walk = _Walk(numeric, nohash)
    lines = ["Main ", "{", *walk.top(data, key), "}"]
    if not walk.mta and walk.cm_ok is None:
        walk.warnings.append("no CM MIC (TLV 6)")
    if walk.cm_ok is False:
        walk.warnings.append("the CM MIC (TLV 6) does not match the file")
    if walk.cmts_ok is False:
        walk.warnings.append("the CMTS MIC (TLV 7) does not match this key")
    return Decoded("\n".join(lines) + "\n", walk.mta, walk.cm_ok, walk.cmts_ok, tuple(walk.warnings))
