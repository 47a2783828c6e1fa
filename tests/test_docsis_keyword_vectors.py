"""Every keyword of the classic tool's table, against the tool itself (tests/fixtures/docsis/keywords/vectors.tsv):
the tool's bytes where it writes a file, an error where it refuses (or would let a number wrap), its decode text,
and our decode encoding back to the same file."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from provha_daemon.docsis import DocsisError, ValueRangeError, decode, encode, read_keyfile
from provha_daemon.docsis.keywords import INT_WIDTH, TABLE, Kind

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docsis"
HERE = FIXTURES / "keywords"
BY_ID = {row.id: row for row in TABLE}
# Rows the tool's table files under the wrong parent (keywords.tsv header): its decoder cannot name them there and
# prints GenericTLV; ours names them (and the text encodes back to the same bytes).
REPARENTED = {1441, 1495, 1496, 1497, 1498}
CMTS_MIC_TYPES = (1, 2, 3, 4, 17, 43, 6, 18, 19, 20, 22, 23, 24, 25, 28, 29, 26, 35, 36, 37, 40)  # MULPI D.2.1


@dataclass(frozen=True)
class Vector:
    """One config the tool was run on."""

    row: int
    case: str
    config: str
    exit: int
    output: bytes
    decoded: str


def _vectors() -> list[Vector]:
    lines = (HERE / "vectors.tsv").read_text().splitlines()[1:]
    out = []
    for line in lines:
        row, case, config, code, output, decoded = line.split("\t")
        out.append(Vector(int(row), case, config, int(code), bytes.fromhex(output), decoded))
    return out


VECTORS = _vectors()
KEY = read_keyfile(FIXTURES / "keyfile")


def _files(name: str) -> bytes:
    return (HERE / name).read_bytes()


def _body(text: str) -> str:
    """A decode's lines between ``Main {`` and the MIC comments, as the vectors keep them."""
    lines = [line.strip("\t ") for line in text.splitlines()][2:-1]
    return " | ".join(
        line for line in lines if not line.startswith(("/* CmMic", "/* CmtsMic", "/*EndOfDataMkr", "/* Pad"))
    )


def _tlvs(data: bytes) -> list[tuple[int, bytes]]:
    """Top-level TLVs of a CM file up to the end marker, with DOCSIS's one-byte lengths."""
    out, pos = [], 0
    while data[pos] != 0xFF:
        out.append((data[pos], data[pos : pos + 2 + data[pos + 1]]))
        pos += 2 + data[pos + 1]
    return out


def _masked(data: bytes) -> bytes:
    """A CM file with its CMTS MIC (TLV 7) zeroed."""
    pos = sum(len(raw) for code, raw in _tlvs(data)[:-1])
    assert data[pos : pos + 2] == b"\x07\x10"
    return data[: pos + 2] + bytes(16) + data[pos + 18 :]


def _wraps(vector: Vector) -> bool:
    """Whether the vector's value is a number outside its field's width, which the tool wrote modulo the width."""
    row = BY_ID[vector.row]
    if row.kind not in INT_WIDTH:
        return False
    return int(re.findall(r" (-?\d+); ", vector.config)[-1]) > (1 << 8 * INT_WIDTH[row.kind]) - 1


def _vid(vector: Vector) -> str:
    return f"{vector.row}-{BY_ID[vector.row].name}-{vector.case}"


def test_every_keyword_of_the_table_has_vectors() -> None:
    """Each row a text can write by name (SNMP objects aside: the OID vectors) was run through the tool."""
    writable = {
        row.id
        for row in TABLE
        if row.kind not in (Kind.BLOCK, Kind.COMPUTED, Kind.GENERIC, Kind.MARKER, Kind.SNMP_OBJECT)
    }
    assert len(TABLE) == 1548
    assert {vector.row for vector in VECTORS} == writable
    assert sum(vector.exit == 0 for vector in VECTORS) > 2000


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.exit == 0], ids=_vid)
def test_tool_file_is_ours(vector: Vector) -> None:
    """Where the tool writes a file we write the same bytes, or refuse a number the tool would let wrap."""
    if _wraps(vector):
        with pytest.raises(ValueRangeError):
            encode(vector.config, KEY, files=_files)
        return
    ours = encode(vector.config, KEY, files=_files)
    if vector.output[0] == 64:
        # TLV 64 (CMTS static multicast session) has a one-byte length in a CM file; the tool's CMTS MIC walk reads
        # a two-byte one there and so hashes the wrong bytes, which a CMTS rejects. Ours follows MULPI D.2.1.
        assert _masked(ours) == _masked(vector.output)
        tlvs = _tlvs(ours)
        signed = b"".join(raw for code in CMTS_MIC_TYPES for c, raw in tlvs if c == code)
        mic_at = sum(len(raw) for _, raw in tlvs[:-1]) + 2
        assert ours[mic_at : mic_at + 16] == hmac.digest(KEY, signed, "md5")
        return
    assert ours == vector.output


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.exit != 0], ids=_vid)
def test_tool_refusal_is_ours(vector: Vector) -> None:
    """Where the tool refuses a value (out of range, too long, a list it cannot read) we refuse it too."""
    with pytest.raises(DocsisError) as caught:
        encode(vector.config, KEY, files=_files)
    if vector.exit in (241, 255):
        assert caught.value.exit_code == vector.exit


@pytest.mark.parametrize(
    "vector",
    [
        v
        for v in VECTORS
        if v.exit == 0 and not _wraps(v) and v.row not in REPARENTED and BY_ID[v.row].kind is not Kind.DIGITMAP
    ],
    ids=_vid,
)
def test_decode_text_is_the_tools(vector: Vector) -> None:
    """Our decode of the tool's file prints what ``docsis -d`` printed."""
    assert _body(decode(vector.output, key=KEY).text) == vector.decoded


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.exit == 0 and not _wraps(v)], ids=_vid)
def test_decode_encodes_back(vector: Vector) -> None:
    """Every keyword's file decodes to a text that encodes to the same bytes (the tool's CMTS MIC aside)."""
    decoded = decode(vector.output, key=KEY)
    again = encode(decoded.text, KEY, mta=decoded.mta, files=_files)
    assert (_masked(again) == _masked(vector.output)) if vector.output[0] == 64 else again == vector.output
