"""The encoder against bytes worked out by hand from the DOCSIS/PacketCable specs and the README's format facts.

Every expected value here is written out literally (type, length, value) or computed with hashlib/hmac from the
spec's rules, never produced by the encoder under test.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from provha_daemon.docsis import BadValueError, DocsisError, MtaHash, encode
from provha_daemon.docsis.encoder import build

KEY = b"shared-secret"
# MULPI C.1.1.6 / the README: the CMTS MIC covers these types, in this order
CMTS_ORDER = [1, 2, 3, 4, 17, 43, 6, 18, 19, 20, 22, 23, 24, 25, 28, 29, 26, 35, 36, 37, 40]
SYS_SERVICES_0 = bytes.fromhex("2b06010201010700")  # 1.3.6.1.2.1.1.7.0: 1*40+3, 6, 1, 2, 1, 1, 7, 0
SYS_LOCATION_0 = bytes.fromhex("2b06010201010600")  # 1.3.6.1.2.1.1.6.0 (9 arcs, 8 content bytes)
EXAMPLE_1_0 = bytes.fromhex("2b0601040181fd590100")  # 1.3.6.1.4.1.32473.1.0: 32473 = 1*128^2 + 125*128 + 89


def settings(text: str) -> bytes:
    """The TLVs of a CM file's settings: everything before the CM MIC (our MIC tests check the MIC itself)."""
    data = encode(f"Main {{ {text} }}", KEY)
    pos = 0
    while data[pos] != 6:
        pos += 2 + data[pos + 1]
    return data[:pos]


def mta(text: str, mta_hash: MtaHash | None = None) -> bytes:
    """An MTA file (no MICs, no end marker, no padding)."""
    return encode(f"Main {{ MtaConfigDelimiter 1; {text} MtaConfigDelimiter 255; }}", mta=True, mta_hash=mta_hash)


def walk(data: bytes) -> list[tuple[int, bytes]]:
    """Top-level (type, whole TLV) pairs of a CM file up to its end marker, read with 1-byte lengths."""
    out = []
    pos = 0
    while data[pos] != 0xFF:
        size = data[pos + 1]
        out.append((data[pos], data[pos : pos + 2 + size]))
        pos += 2 + size
    return out


def test_network_access() -> None:
    """NetworkAccess 1 is TLV 3, length 1, value 1."""
    assert settings("NetworkAccess 1;") == bytes([0x03, 0x01, 0x01])


def test_max_cpe() -> None:
    """MaxCPE 254 is TLV 18 (0x12), length 1, value 0xfe."""
    assert settings("MaxCPE 254;") == bytes([0x12, 0x01, 0xFE])


def test_cpe_mac_address() -> None:
    """CpeMacAddress is TLV 14 with the 6 address bytes, whatever the letter case."""
    assert settings("CpeMacAddress 00:1A:2b:3C:4d:5E;") == bytes([0x0E, 0x06, 0x00, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E])


def test_32_bit_field_takes_its_maximum() -> None:
    """TftpTimestamp 4294967295 (TLV 19) is four 0xff bytes: 32-bit fields go up to 2^32-1."""
    assert settings("TftpTimestamp 4294967295;") == bytes([0x13, 0x04, 0xFF, 0xFF, 0xFF, 0xFF])


def test_ip_and_string_settings() -> None:
    """SwUpgradeServer (TLV 21) is 4 address bytes; SwUpgradeFilename (TLV 9) the name without a terminator."""
    assert settings('SwUpgradeServer 192.0.2.1; SwUpgradeFilename "fw/a.bin";') == (
        bytes([0x15, 0x04, 192, 0, 2, 1]) + bytes([0x09, 0x08]) + b"fw/a.bin"
    )


def test_service_flow_with_sub_tlvs() -> None:
    """UsServiceFlow is TLV 24 (0x18) holding 24.1 (2 bytes), 24.6, 24.7 (1 byte), 24.8 (4 bytes), 24.4 (name+NUL)."""
    text = (
        "UsServiceFlow { UsServiceFlowRef 1; QosParamSetType 7; TrafficPriority 5; MaxRateSustained 1000000; "
        'ServiceClassName "gold"; }'
    )
    subs = (
        bytes([0x01, 0x02, 0x00, 0x01])
        + bytes([0x06, 0x01, 0x07])
        + bytes([0x07, 0x01, 0x05])
        + bytes([0x08, 0x04, 0x00, 0x0F, 0x42, 0x40])
        + bytes([0x04, 0x05])
        + b"gold\0"
    )
    assert settings(text) == bytes([0x18, len(subs)]) + subs


def test_ds_service_flow_latency_is_four_bytes() -> None:
    """25.14 MaxDsLatency is 4 bytes while 24.14 MaxConcatenatedBurst is 2: each in its own block."""
    assert settings("DsServiceFlow { DsServiceFlowRef 2; MaxDsLatency 3000; }") == bytes(
        [0x19, 0x0A, 0x01, 0x02, 0x00, 0x02, 0x0E, 0x04, 0x00, 0x00, 0x0B, 0xB8]
    )
    assert settings("UsServiceFlow { UsServiceFlowRef 1; MaxConcatenatedBurst 3000; }") == bytes(
        [0x18, 0x08, 0x01, 0x02, 0x00, 0x01, 0x0E, 0x02, 0x0B, 0xB8]
    )


def test_classifier_with_ip_sub_block() -> None:
    """DsPacketClass (23) nests IpPacketClassifier (23.9) with a destination address and port range."""
    text = (
        "DsPacketClass { ClassifierRef 2; ServiceFlowRef 2; IpPacketClassifier { IpDstAddr 10.1.2.3; "
        "DstPortStart 5060; DstPortEnd 5061; } }"
    )
    ip = bytes([0x05, 0x04, 10, 1, 2, 3, 0x09, 0x02, 0x13, 0xC4, 0x0A, 0x02, 0x13, 0xC5])
    inner = bytes([0x01, 0x01, 0x02, 0x03, 0x02, 0x00, 0x02, 0x09, len(ip)]) + ip
    assert settings(text) == bytes([0x17, len(inner)]) + inner


def test_vendor_specific_and_generic_tlv() -> None:
    """VendorSpecific (43) with the 3-byte vendor ID (43.8) and a GenericTLV sub-TLV."""
    text = "VendorSpecific { VendorIdentifier 0x00deca; GenericTLV TlvCode 1 TlvLength 2 TlvValue 0xbeef; }"
    assert settings(text) == bytes([0x2B, 0x09, 0x08, 0x03, 0x00, 0xDE, 0xCA, 0x01, 0x02, 0xBE, 0xEF])


def varbind_tlv(oid: bytes, value: bytes) -> bytes:
    """TLV 11 around SEQUENCE { OID, value } with short-form lengths, built by hand."""
    inner = bytes([0x06, len(oid)]) + oid + value
    seq = bytes([0x30, len(inner)]) + inner
    return bytes([0x0B, len(seq)]) + seq


@pytest.mark.parametrize(
    ("number", "ber"),
    [
        (0, "020100"),
        (127, "02017f"),
        (128, "02020080"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
        (2147483647, "02047fffffff"),
        (-2147483648, "020480000000"),
    ],
)
def test_snmp_integer_is_minimal_twos_complement(number: int, ber: str) -> None:
    """An SNMP Integer is tag 02 with the fewest two's-complement bytes (128 → 00 80, -129 → ff 7f)."""
    assert settings(f"SnmpMibObject sysServices.0 Integer {number};") == varbind_tlv(SYS_SERVICES_0, bytes.fromhex(ber))


@pytest.mark.parametrize(
    ("typ", "number", "ber"),
    [
        ("Unsigned32", 200, "4202 00c8"),
        ("Gauge32", 200, "4202 00c8"),
        ("Gauge", 5, "4201 05"),
        ("Counter32", 128, "4102 0080"),
        ("TimeTicks", 360000, "4303 057e40"),
        ("Gauge32", 0, "4201 00"),
        ("Gauge32", 4294967295, "4205 00ffffffff"),
    ],
)
def test_snmp_unsigned_gets_a_leading_zero(typ: str, number: int, ber: str) -> None:
    """Gauge32/Unsigned32 share tag 42, Counter32 is 41, TimeTicks 43; a set top bit gets a leading 00."""
    assert settings(f"SnmpMibObject sysServices.0 {typ} {number};") == varbind_tlv(SYS_SERVICES_0, bytes.fromhex(ber))


def test_snmp_other_types() -> None:
    """IPAddress is tag 40 with 4 bytes, HexString/String tag 04, ObjectID tag 06 with BER arcs."""
    assert settings("SnmpMibObject sysServices.0 IPAddress 10.0.0.1;") == varbind_tlv(
        SYS_SERVICES_0, bytes([0x40, 0x04, 10, 0, 0, 1])
    )
    assert settings("SnmpMibObject sysServices.0 HexString 0xc0ff;") == varbind_tlv(
        SYS_SERVICES_0, bytes([0x04, 0x02, 0xC0, 0xFF])
    )
    assert settings('SnmpMibObject sysServices.0 String "a\\"b";') == varbind_tlv(
        SYS_SERVICES_0, bytes([0x04, 0x03]) + b'a"b'
    )
    assert settings("SnmpMibObject sysServices.0 ObjectID .1.3.6.1.4.1.200;") == varbind_tlv(
        SYS_SERVICES_0, bytes([0x06, 0x07, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x81, 0x48])
    )


def test_snmp_write_control() -> None:
    """SnmpWriteControl (TLV 10) is the BER OID (tag and length included) and one flag byte."""
    oid = bytes([0x2B, 0x06, 0x01, 0x02, 0x01, 0x45, 0x01, 0x02])  # 1.3.6.1.2.1.69.1.2 (69 = 0x45)
    assert settings("SnmpWriteControl .1.3.6.1.2.1.69.1.2 1;") == bytes([0x0A, 0x0B, 0x06, 0x08]) + oid + b"\x01"


def test_long_string_varbind_uses_the_long_sequence_header() -> None:
    """String length 120 + 9 OID arcs + 8 ≥ 127: the SEQUENCE header is 30 82 hh ll, the inner length stays 04 78."""
    text = "x" * 120
    inner = bytes([0x06, 0x08]) + SYS_LOCATION_0 + bytes([0x04, 0x78]) + text.encode()
    seq = bytes([0x30, 0x82, 0x00, len(inner)]) + inner
    assert len(seq) == 136
    assert settings(f'SnmpMibObject sysLocation.0 String "{text}";') == bytes([0x0B, len(seq)]) + seq


@pytest.mark.parametrize(("length", "long_form"), [(109, False), (110, True)])
def test_long_form_threshold_counts_arcs(length: int, long_form: bool) -> None:
    """The tool's rule: short header while string length + arcs + 8 < 127 (109 + 9 + 8 = 126 short, 110 long)."""
    data = settings(f'SnmpMibObject sysLocation.0 String "{"y" * length}";')
    assert data[2:4] == (b"\x30\x82" if long_form else bytes([0x30, 10 + 2 + length]))


def test_inner_string_length_is_minimal_over_127_bytes() -> None:
    """A 200-byte string has the inner length 04 81 c8 and the long SEQUENCE header (10 + 3 + 200 = 0xd5)."""
    data = settings(f'SnmpMibObject sysLocation.0 String "{"z" * 200}";')
    assert data[:6] == bytes([0x0B, 0xD9, 0x30, 0x82, 0x00, 0xD5])
    assert data[6 + 10 : 6 + 13] == bytes([0x04, 0x81, 0xC8])


def test_varbind_over_255_bytes_is_tlv_64_in_an_mta_file() -> None:
    """PacketCable: an SNMP object of 300+ bytes is TLV 64 (0x40) with a 2-byte length (here 0x0140)."""
    text = "v" * 300
    inner = bytes([0x06, 0x0A]) + EXAMPLE_1_0 + bytes([0x04, 0x82, 0x01, 0x2C]) + text.encode()
    seq = bytes([0x30, 0x82, 0x01, 0x3C]) + inner
    data = mta(f'SnmpMibObject enterprises.32473.1.0 String "{text}";')
    assert data == bytes([0xFE, 0x01, 0x01, 0x40, 0x01, 0x40]) + seq + bytes([0xFE, 0x01, 0xFF])


def test_varbind_over_255_bytes_is_refused_in_a_cm_file() -> None:
    """A CM file does not get a TLV 64 (DOCSIS 3.0 gives TLV 64 another meaning): the line is named."""
    with pytest.raises(BadValueError) as caught:
        encode(f'Main {{\nNetworkAccess 1;\nSnmpMibObject enterprises.32473.1.0 String "{"v" * 300}";\n}}', KEY)
    assert caught.value.line == 3
    assert "TLV 64" in str(caught.value)


def test_cm_mic_is_md5_of_everything_before_it() -> None:
    """TLV 6 is MD5 over all setting bytes in input order (the tool never sorts)."""
    data = encode("Main { MaxCPE 3; NetworkAccess 1; CpeMacAddress 00:00:5e:00:53:01; }", KEY)
    body = bytes.fromhex("120103 030101 0e0600005e005301")
    assert data[: len(body)] == body
    assert data[len(body) : len(body) + 18] == b"\x06\x10" + hashlib.md5(body).digest()  # noqa: S324


def test_cmts_mic_is_hmac_over_the_ordered_subset() -> None:
    """TLV 7 is HMAC-MD5(key) over whole TLVs of the listed types, type order first, then file order."""
    text = (
        "Main { SnmpMibObject sysServices.0 Integer 1; MaxCPE 3; NetworkAccess 1; "
        "UsServiceFlow { UsServiceFlowRef 1; } CpeMacAddress 00:00:5e:00:53:01; NetworkAccess 0; "
        'GlobalPrivacyEnable 1; SwUpgradeFilename "x"; }'
    )
    data = encode(text, KEY)
    tlvs = walk(data)
    cmts_tlv = next(raw for code, raw in tlvs if code == 7)
    covered = b"".join(raw for code in CMTS_ORDER for c, raw in tlvs if c == code)
    assert [c for code in CMTS_ORDER for c, _ in tlvs if c == code] == [3, 3, 6, 18, 24, 29]
    assert cmts_tlv == b"\x07\x10" + hmac.digest(KEY, covered, "md5")


def test_end_marker_and_padding() -> None:
    """After the MICs comes FF, then 00 bytes up to a multiple of 4."""
    for extra in range(4):
        data = encode(f'Main {{ SwUpgradeFilename "{"f" * extra}"; }}', KEY)
        assert len(data) % 4 == 0
        end = 2 + extra + 18 + 18
        assert data[end] == 0xFF
        assert data[end + 1 :] == b"\0" * (-(end + 1) % 4)


def test_mta_file_has_no_mics_and_no_padding() -> None:
    """An MTA file is its TLVs only, from fe 01 01 to fe 01 ff."""
    assert mta("SnmpMibObject sysServices.0 Integer 1;") == bytes([0xFE, 0x01, 0x01]) + varbind_tlv(
        SYS_SERVICES_0, bytes([0x02, 0x01, 0x01])
    ) + bytes([0xFE, 0x01, 0xFF])


@pytest.mark.parametrize(
    ("flavour", "oid"),
    [
        (MtaHash.EU, "2b06010401ba0801010209 00"),  # 1.3.6.1.4.1.7432.1.1.2.9.0
        (MtaHash.NA, "2b06010401a30b020201010207 00"),  # 1.3.6.1.4.1.4491.2.2.1.1.2.7.0
        (MtaHash.IETF, "2b06010201810c01020b 00"),  # 1.3.6.1.2.1.140.1.2.11.0
    ],
)
def test_mta_hash_is_sha1_of_the_unhashed_file(flavour: MtaHash, oid: str) -> None:
    """The hash object holds SHA-1 of the whole no-hash file and sits right before the final fe 01 ff."""
    plain = mta("SnmpMibObject sysServices.0 Integer 1;")
    digest = hashlib.sha1(plain).digest()  # noqa: S324
    expected = plain[:-3] + varbind_tlv(bytes.fromhex(oid), bytes([0x04, 0x14]) + digest) + plain[-3:]
    assert mta("SnmpMibObject sysServices.0 Integer 1;", flavour) == expected


def test_mta_hash_needs_the_final_delimiter() -> None:
    """Without MtaConfigDelimiter 255 at the end there is nowhere to put the hash (the tool would clobber bytes)."""
    with pytest.raises(DocsisError, match="MtaConfigDelimiter 255"):
        encode("Main { MtaConfigDelimiter 1; NetworkAccess 1; }", mta=True, mta_hash=MtaHash.EU)


def test_first_mta_delimiter_makes_an_mta_file() -> None:
    """As with the tool, ``-e`` on a text starting with MtaConfigDelimiter gives an MTA file (no MICs)."""
    assert encode("Main { MtaConfigDelimiter 1; MtaConfigDelimiter 255; }", KEY) == bytes.fromhex("fe0101fe01ff")


def test_cm_file_needs_a_key_and_takes_no_hash() -> None:
    """A CM file without a key, or with an MTA hash flavour, is a programming error."""
    with pytest.raises(ValueError, match="shared secret"):
        encode("Main { NetworkAccess 1; }")
    with pytest.raises(ValueError, match="MTA hash"):
        encode("Main { NetworkAccess 1; }", KEY, mta_hash=MtaHash.NA)


def test_empty_key_is_allowed() -> None:
    """An empty keyfile gives an empty HMAC key, as with the tool."""
    data = encode("Main { NetworkAccess 1; }", b"")
    assert data[23:39] == hmac.digest(b"", bytes([3, 1, 1]) + data[3:21], "md5")


def test_build_refuses_no_settings() -> None:
    """A file without any setting (only possible from a template) is refused."""
    with pytest.raises(DocsisError, match="no settings"):
        build([], KEY)
