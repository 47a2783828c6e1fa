"""The keyword table: each setting of the text syntax, its TLV type (sub-type in a block), value kind and limits.

The table is the classic ``docsis`` tool's whole table, kept as data in ``keywords.tsv`` (one row per row of the
tool's ``symtable``, written by ``scripts/gen-docsis-keywords``), so every keyword the tool accepts is accepted
here, with the tool's TLV codes and the limits it checks; a value the tool accepts is accepted here, except that
we never let a number wrap. The tool looks a keyword up by name alone, anywhere, and encodes it with the first
table row of that name: so does our parser, but only inside a block whose table rows list that name (the tool
would also take ``MaxDsLatency`` inside ``UsServiceFlow`` and silently write sub-type 14 there, a different
setting; here it is an error). Where the tool's table names one keyword twice with different codes or limits,
the first row wins as in the tool (``UpstreamEHQoSASF`` is always TLV 93; ``VlanID`` has 0..4096 everywhere).

``SnmpMibObject``, ``SnmpWriteControl``, ``GenericTLV``, ``DigitMap`` and the CVC file keywords have their own
grammar (see ``parser``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

TABLE_FILE = Path(__file__).with_name("keywords.tsv")


class Kind(enum.Enum):
    """How a keyword's value is written and encoded (named after the tool's encode functions)."""

    UCHAR = "uchar"  # unsigned integer, 1 byte
    USHORT = "ushort"  # unsigned integer, 2 bytes big-endian
    UINT24 = "uint24"  # unsigned integer, 3 bytes big-endian (the tool checks no limits here)
    UINT = "uint"  # unsigned integer, 4 bytes big-endian
    IP = "ip"  # dotted quad, 4 bytes
    IP6 = "ip6"  # IPv6 address, 16 bytes
    IP_IP6 = "ip_ip6"  # an IPv4 (4 bytes) or IPv6 (16 bytes) address
    CHAR_IP_IP6 = "char_ip_ip6"  # 1 (IPv4) or 2 (IPv6), then the address
    IP_PORT = "ip_port"  # address/port: 4 or 16 address bytes, then the port in 2 bytes
    IP_LIST = "ip_list"  # comma-separated dotted quads, 4 bytes each
    IP6_LIST = "ip6_list"  # comma-separated IPv6 addresses, 16 bytes each
    IP6_PREFIX_LIST = "ip6_prefix_list"  # comma-separated ADDRESS/LENGTH, 17 bytes each
    MAC = "mac"  # aa:bb:cc:dd:ee:ff, 6 bytes
    ETHERMASK = "ethermask"  # MAC/MASK, 12 bytes
    HEX = "hex"  # 0x…, raw bytes; lo/hi limit the byte count
    STRING = "string"  # "…", raw bytes; lo/hi limit the byte count
    STRZERO = "strzero"  # "…" plus a terminating zero byte; lo/hi limit the characters
    CHAR_LIST = "char_list"  # comma-separated numbers, 1 byte each
    USHORT_LIST = "ushort_list"  # comma-separated numbers, 2 bytes each; lo/hi limit the count
    DUAL_QTAG = "dual_qtag"  # OUTER,INNER VLAN tags, 2 bytes each
    LENZERO = "lenzero"  # any one value; the TLV has length 0
    OID = "oid"  # an OID, encoded as a complete BER OBJECT IDENTIFIER (06 len …)
    BLOCK = "block"  # Name { … } with sub-settings
    SNMP_OBJECT = "snmp_object"  # SnmpMibObject OID TYPE VALUE;
    SNMP_WRITE = "snmp_write"  # SnmpWriteControl OID 0|1;
    DIGITMAP = "digitmap"  # DigitMap "FILE"; the file's text as a PacketCable digit-map SNMP object
    CVC_FILE = "cvc_file"  # ManufacturerCVC "FILE"; the file's bytes as TLVs of at most 254 bytes
    COMPUTED = "computed"  # CmMic, CmtsMic: written by the encoder, never by a text
    GENERIC = "generic"  # GenericTLV (parser)
    MARKER = "marker"  # the pad and end-of-data rows the tool's decoder prints as comments


INT_WIDTH: Mapping[Kind, int] = MappingProxyType({Kind.UCHAR: 1, Kind.USHORT: 2, Kind.UINT24: 3, Kind.UINT: 4})
STATEMENT_KINDS = frozenset(Kind) - {Kind.COMPUTED, Kind.GENERIC, Kind.MARKER}
"""Kinds of rows that a text may write by name."""


@dataclass(frozen=True)
class Row:
    """One row of the table as the tool has it (``parent`` 0 is the top level)."""

    id: int
    name: str
    code: int
    parent: int
    kind: Kind
    lo: int
    hi: int


@dataclass(frozen=True, eq=False)
class Keyword:
    """One setting. For blocks, ``children`` are the table rows inside; ``by_name`` is what a statement of that
    name encodes as in this block (the tool's first row of the name), ``by_code`` what a sub-type decodes as."""

    name: str
    code: int
    kind: Kind
    lo: int = 0
    hi: int = 0
    children: tuple[Keyword, ...] = ()
    row: int = -1
    by_name: Mapping[str, Keyword] = field(default_factory=dict, repr=False)
    by_code: Mapping[int, Keyword] = field(default_factory=dict, repr=False)

    @property
    def limits(self) -> tuple[int, int]:
        """The inclusive (low, high) limits: the tool's, where it checks them, within the field's width."""
        checked = bool(self.lo or self.hi)
        if self.kind in INT_WIDTH:
            top = (1 << (8 * INT_WIDTH[self.kind])) - 1
            if not checked or self.kind is Kind.UINT24:  # the tool checks no limits on 3-byte fields
                return (0, top)
            return (self.lo, min(self.hi, top))
        if self.kind is Kind.STRZERO:
            return (self.lo, min(self.hi, 254)) if checked else (0, 254)
        if self.kind is Kind.USHORT_LIST:
            return (self.lo, self.hi) if checked else (1, 127)
        return (self.lo, min(self.hi, 255)) if checked else (0, 255)


def read_table(path: Path = TABLE_FILE) -> tuple[Row, ...]:
    """The rows of ``keywords.tsv`` in the tool's order."""
    rows: list[Row] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line and not line.startswith("#")]
    for line in header[1:]:
        ident, name, code, parent, kind, lo, hi = line.split("\t")
        rows.append(Row(int(ident), name, int(code), int(parent), Kind(kind), int(lo), int(hi)))
    return tuple(rows)


def _effective(local: Row, first: Row) -> tuple[int, Kind, int, int]:
    if first.kind is not local.kind:  # the generator's data never has this; a mixed row would be ambiguous
        raise ValueError(f"keyword {local.name}: rows {first.id} and {local.id} differ in kind")
    return first.code, first.kind, first.lo, first.hi


def _build(rows: tuple[Row, ...]) -> Keyword:
    """The tree under ``Main``: table rows under their parents, with the tool's by-name lookup per block."""
    by_parent: dict[int, list[Row]] = {}
    first_of: dict[str, Row] = {}
    for row in rows:
        first_of.setdefault(row.name, row)
        if row.kind in STATEMENT_KINDS:
            by_parent.setdefault(row.parent, []).append(row)

    def node(row: Row) -> Keyword:
        return block(row.name, row.code, row.kind, row.lo, row.hi, row.id, by_parent.get(row.id, []))

    def block(name: str, code: int, kind: Kind, lo: int, hi: int, ident: int, inside: list[Row]) -> Keyword:
        children = tuple(node(child) for child in inside)
        by_code: dict[int, Keyword] = {}
        grouped: dict[str, list[Row]] = {}
        for child, keyword in zip(inside, children, strict=True):
            by_code.setdefault(child.code, keyword)
            grouped.setdefault(child.name, []).append(child)
        by_name: dict[str, Keyword] = {}
        for child_name, same in grouped.items():
            wire = _effective(same[0], first_of[child_name])
            local = by_code[same[0].code] if len(same) == 1 else None
            if local is not None and local.row == same[0].id and wire == (local.code, local.kind, local.lo, local.hi):
                by_name[child_name] = local  # the usual case: the row is the tool's first of its name
                continue
            merged = [grand for row in same for grand in by_parent.get(row.id, [])]
            by_name[child_name] = block(child_name, *wire, same[0].id, merged)
        return Keyword(name, code, kind, lo, hi, children, ident, MappingProxyType(by_name), MappingProxyType(by_code))

    return block("Main", 0, Kind.BLOCK, 0, 0, 0, by_parent.get(0, []))


TABLE: tuple[Row, ...] = read_table()
"""Every row of the tool's table (also the pad, end, MIC and GenericTLV rows), in its order."""
MAIN = _build(TABLE)
_FIRST: Mapping[str, Row] = MappingProxyType({row.name: row for row in reversed(TABLE)})


def borrowed(block: Keyword, name: str) -> Keyword | None:
    """A keyword of another block that the tool would also take here, where it means the same setting here.

    The tool encodes every name with its first row, wherever it stands: ``ClassifierRef`` inside
    ``UpstreamDropPacketClassification`` is that block's ``ClassifierReference`` (sub-type 1, one byte), so it is
    accepted; ``MaxDsLatency`` (sub-type 14, four bytes) inside ``UsServiceFlow`` would be a malformed
    ``MaxConcatenatedBurst`` and is not. A borrowed block reads its own statements as the block it lands on.
    """
    first = _FIRST.get(name)
    if first is None or first.kind not in STATEMENT_KINDS:
        return None
    here = block.by_code.get(first.code)
    if here is None or here.kind is not first.kind:
        return None
    if first.kind is Kind.BLOCK:
        return here
    return Keyword(name, first.code, first.kind, first.lo, first.hi, row=first.id)


# Top-level types the encoder adds itself; a text that sets them is rejected, as is GenericTLV with these codes.
CM_MIC_CODE = 6
CMTS_MIC_CODE = 7
END_CODE = 255
MTA_DELIMITER_CODE = 254
SNMP_CODE = 11
LONG_SNMP_CODE = 64  # PacketCable: an SNMP object longer than 255 bytes, with a 2-byte length
COMPUTED = MappingProxyType({row.name: row.code for row in TABLE if row.kind is Kind.COMPUTED})
DIGITMAP_OID = (1, 3, 6, 1, 4, 1, 4491, 2, 2, 8, 2, 1, 1, 3, 1, 1, 2, 1)  # the tool's fixed digit-map object
MAX_DIGITMAP = 8192  # the tool's limit for a digit-map file (CL-PKTC-EUE-RST-MIB)
CVC_CHUNK = 254  # the tool splits a CVC file into TLVs of this many bytes


def walk(block: Keyword = MAIN, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Keyword]]:
    """Every table row under ``block`` with the block path it lives in (``("Main", "UsServiceFlow")``)."""
    here = (*path, block.name)
    for child in block.children:
        yield here, child
        if child.kind is Kind.BLOCK:
            yield from walk(child, here)


def _homes() -> Mapping[str, tuple[str, ...]]:
    homes: dict[str, list[str]] = {}
    for path, keyword in walk():
        homes.setdefault(keyword.name, [])
        if path[-1] not in homes[keyword.name]:
            homes[keyword.name].append(path[-1])
    return MappingProxyType({name: tuple(blocks) for name, blocks in homes.items()})


HOMES: Mapping[str, tuple[str, ...]] = _homes()
"""For an error message: which blocks a keyword may appear in."""

ALL_NAMES: frozenset[str] = frozenset(HOMES) | {"GenericTLV"} | set(COMPUTED)
