"""BER helpers: lengths, OIDs, integers and varbind parsing, against hand-computed bytes."""

from __future__ import annotations

import pytest

from provha_daemon.docsis import ber


@pytest.mark.parametrize(("n", "encoded"), [(0, "00"), (127, "7f"), (128, "8180"), (255, "81ff"), (256, "820100")])
def test_length(n: int, encoded: str) -> None:
    """Short form below 128, then 81 ll, then 82 hh ll."""
    assert ber.length(n) == bytes.fromhex(encoded)


@pytest.mark.parametrize(
    ("arcs", "content"),
    [
        ((1, 3, 6, 1), "2b0601"),
        ((1, 3, 6, 1, 4, 1, 4491), "2b06010401a30b"),  # 4491 = 35*128 + 11
        ((1, 3, 6, 1, 4, 1, 32473), "2b0601040181fd59"),
        ((2, 999), "8837"),  # 2*40 + 999 = 1079 = 8*128 + 55
        ((0, 0), "00"),
        ((1, 3, 4294967295), "2b8fffffff7f"),
    ],
)
def test_oid_content_and_back(arcs: tuple[int, ...], content: str) -> None:
    """Base-128 sub-identifiers, the first two arcs combined as 40*a + b; decoding inverts it."""
    assert ber.oid_content(arcs) == bytes.fromhex(content)
    assert ber.decode_oid(bytes.fromhex(content)) == arcs


def test_parse_varbind() -> None:
    """A varbind with a long-form SEQUENCE and a long inner string is read back."""
    data = ber.varbind((1, 3, 6, 1, 2, 1, 1, 6, 0), ber.OCTET_STRING, b"q" * 200)
    assert data[:4] == bytes.fromhex("308200d5")
    assert ber.parse_varbind(data) == ber.Varbind((1, 3, 6, 1, 2, 1, 1, 6, 0), ber.OCTET_STRING, b"q" * 200)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "3000",
        "3003060100",
        "300506012b0201",
        "3006060100020100ff",
        "0403010203",
        "300306032b",
        "3004060180020100"[:8],
    ],
)
def test_parse_varbind_refuses_junk(data: str) -> None:
    """Truncated, mistagged or trailing-byte varbinds raise BerError."""
    with pytest.raises(ber.BerError):
        ber.parse_varbind(bytes.fromhex(data))


def test_non_string_long_sequence_is_valid_ber() -> None:
    """Where the tool would write a 1-byte length over 127 (huge OIDs), we write 30 82 hh ll instead."""
    arcs = (1, 3, *([4294967295] * 30))
    data = ber.varbind(arcs, ber.INTEGER, b"\x01")
    assert data[:2] == b"\x30\x82"
    assert ber.parse_varbind(data).arcs == arcs
