"""The decoder: text the encoder accepts again (exact round trip), MIC checks, and fallbacks for odd bytes."""

from __future__ import annotations

import pytest

from provha_daemon.docsis import DecodeError, MtaHash, decode, encode

KEY = b"decoder-key"
EVERYTHING = """Main
{
\tDownstreamFrequency 555000000;
\tUpstreamChannelId 3;
\tNetworkAccess 1;
\tClassOfService
\t{
\t\tClassID 1;
\t\tMaxRateDown 20000000;
\t\tMaxRateUp 1000000;
\t\tPriorityUp 3;
\t\tGuaranteedUp 0;
\t\tMaxBurstUp 1522;
\t\tPrivacyEnable 1;
\t}
\tSwUpgradeFilename "fw/cm-1.2.bin";
\tSnmpWriteControl .1.3.6.1.2.1.69.1.3 0;
\tModemIPAddress 10.1.1.9;
\tCpeMacAddress 02:00:5e:10:00:01;
\tBaselinePrivacy
\t{
\t\tAuthTimeout 10;
\t\tSAMapMaxRetries 4;
\t}
\tMaxCPE 16;
\tTftpTimestamp 1700000000;
\tTftpModemAddress 10.1.1.10;
\tSwUpgradeServer 192.0.2.1;
\tUsPacketClass
\t{
\t\tClassifierRef 1;
\t\tServiceFlowRef 1;
\t\tRulePriority 64;
\t\tActivationState 1;
\t\tIpPacketClassifier
\t\t{
\t\t\tIpTos 0x00ff20;
\t\t\tIpProto 17;
\t\t\tIpSrcAddr 10.0.0.0;
\t\t\tIpSrcMask 255.0.0.0;
\t\t\tSrcPortStart 5060;
\t\t\tSrcPortEnd 5061;
\t\t}
\t\tLLCPacketClassifier
\t\t{
\t\t\tDstMacAddress 01:00:5e:00:00:00/ff:ff:ff:00:00:00;
\t\t\tEtherType 0x030800;
\t\t}
\t\tIEEE802Classifier
\t\t{
\t\t\tUserPriority 0,7;
\t\t\tVlanID 100;
\t\t}
\t\tPcIPv6PacketClassification
\t\t{
\t\t\tPcIPv6SourceAddress 2001:db8::;
\t\t\tPcIPv6SourcePrefixLength 32;
\t\t}
\t}
\tUsServiceFlow
\t{
\t\tUsServiceFlowRef 1;
\t\tServiceClassName "gold";
\t\tQosParamSetType 7;
\t\tMaxRateSustained 4294967295;
\t\tRequestOrTxPolicy 0x0000008a;
\t\tBufferControl
\t\t{
\t\t\tTargetBuffer 65535;
\t\t}
\t}
\tDsServiceFlow
\t{
\t\tDsServiceFlowRef 2;
\t\tMaxDsLatency 1000;
\t\tDsResequencing 1;
\t}
\tPHS
\t{
\t\tPHSClassifierRef 1;
\t\tPHSField 0xaabbcc;
\t\tPHSSize 3;
\t}
\tMaxClassifiers 20;
\tGlobalPrivacyEnable 1;
\tMfgCVCData 0x3082037f30820267;
\tCoSignerCVCData 0x3082;
\tSubMgmtControl 0x010203;
\tSubscriberManagementCPEIPTable 10.0.0.1,10.0.0.2;
\tSubMgmtFilters 1,2,3,4;
\tSnmpV3TrapReceiver
\t{
\t\tSnmpV3TrapRxIP 10.9.9.9;
\t\tSnmpV3TrapRxPort 162;
\t\tSnmpV3TrapRxFilterOID .1.3.6.1.6.3.1.1.5;
\t\tSnmpV3TrapRxSecurityName "trap";
\t}
\tDocsisTwoEnable 1;
\tVendorSpecific
\t{
\t\tVendorIdentifier 0xffffff;
\t\tCMLoadBalancingGroupID 7;
\t\tServiceTypeIdentifier "residential";
\t}
\tSNMPv1v2cCoexistenceConfig
\t{
\t\tSNMPv1v2cCommunityName "public";
\t\tSNMPv1v2cTransportAddressAccess
\t\t{
\t\t\tSNMPv1v2cTransportAddress 10.0.0.0/0;
\t\t\tSNMPv1v2cTransportAddressMask 2001:db8::/0;
\t\t}
\t\tSNMPv1v2cAccessViewType 1;
\t}
\tSNMPCPEAccessControl 0;
\tSwUpgradeServer6 2001:db8::5;
\tSnmpMibObject sysContact.0 String "noc@example.net";
\tSnmpMibObject docsDevNmAccessControl.1 Integer 3; /* readWrite */
\tSnmpMibObject ifAdminStatus.2 Integer 2; /* down */
\tSnmpMibObject enterprises.32473.1.0 Gauge32 3000000000;
\tSnmpMibObject enterprises.32473.2.0 Counter32 7;
\tSnmpMibObject enterprises.32473.3.0 TimeTicks 100;
\tSnmpMibObject enterprises.32473.4.0 IPAddress 198.51.100.1;
\tSnmpMibObject enterprises.32473.5.0 HexString 0x00ff;
\tSnmpMibObject enterprises.32473.6.0 ObjectID .1.3.6.1.4.1.32473;
\tSnmpMibObject enterprises.32473.7.0 Integer -5;
\tGenericTLV TlvCode 150 TlvString "opaque"; /* tlv length = 6 */
\tGenericTLV TlvCode 151 TlvLength 1 TlvValue 0x07;
"""


def with_mics(body: str) -> str:
    """The decoded layout of a CM file: settings, then the MIC comments, end marker and pad lines."""
    data = encode(body + "}\n", KEY)
    pos = 0
    while data[pos] != 6:  # walk the settings up to the CM MIC
        pos += 2 + data[pos + 1]
    lines = [
        f"\t/* CmMic {data[pos + 2 : pos + 18].hex()}; */",
        f"\t/* CmtsMic {data[pos + 20 : pos + 36].hex()}; */",
        "\t/*EndOfDataMkr*/",
        *["\t/* Pad */"] * ((len(data) - pos - 37) // 2),
    ]
    return body.replace("Main\n", "Main \n", 1) + "\n".join(lines) + "\n}\n"


def test_every_keyword_kind_decodes_to_its_own_text() -> None:
    """A config using every value kind decodes to the same text (modulo the tool's layout) and bytes."""
    data = encode(EVERYTHING + "}\n", KEY)
    decoded = decode(data, key=KEY)
    assert decoded.text == with_mics(EVERYTHING)
    assert encode(decoded.text, KEY) == data
    assert (decoded.cm_mic_ok, decoded.cmts_mic_ok, decoded.mta, decoded.warnings) == (True, True, False, ())


def test_numeric_decode_round_trips() -> None:
    """``numeric=True`` prints numeric OIDs (and no DOCSIS enum labels) and still round-trips."""
    data = encode(EVERYTHING + "}\n", KEY)
    text = decode(data, numeric=True).text
    assert "SnmpMibObject .1.3.6.1.2.1.1.4.0 String" in text
    assert "/* readWrite */" not in text
    assert "/* down */" in text  # IF-MIB is one of net-snmp's default modules
    assert encode(text, KEY) == data


def test_out_of_range_value_falls_back_to_generic_tlv() -> None:
    """MaxCPE 0 cannot be written as ``MaxCPE 0;`` (our encoder refuses it): it decodes as GenericTLV, exactly."""
    data = encode("Main { NetworkAccess 1; GenericTLV TlvCode 18 TlvLength 1 TlvValue 0x00; }", KEY)
    text = decode(data).text
    assert "\tGenericTLV TlvCode 18 TlvLength 1 TlvValue 0x00;\n" in text
    assert encode(text, KEY) == data


def test_wrong_length_falls_back_to_generic_tlv() -> None:
    """A known type with the wrong length (MaxClassifiers of 3 bytes) is printed as hex and round-trips."""
    data = encode("Main { GenericTLV TlvCode 28 TlvLength 3 TlvValue 0x000010; }", KEY)
    assert "GenericTLV TlvCode 28 TlvLength 3 TlvValue 0x000010;" in decode(data).text
    assert encode(decode(data).text, KEY) == data


def test_unknown_types_use_the_tools_generic_forms() -> None:
    """Unknown TLVs print as TlvString (printable, >1 byte), TlvStringZero, or TlvLength/TlvValue."""
    data = encode(
        'Main { GenericTLV TlvCode 200 TlvString "ab"; GenericTLV TlvCode 201 TlvStringZero "cd"; '
        'GenericTLV TlvCode 202 TlvLength 1 TlvValue 0x41; GenericTLV TlvCode 203 TlvString ""; }',
        KEY,
    )
    text = decode(data).text
    assert 'GenericTLV TlvCode 200 TlvString "ab"; /* tlv length = 2 */' in text
    assert 'GenericTLV TlvCode 201 TlvStringZero "cd"; /* tlv length = 3 */' in text
    assert "GenericTLV TlvCode 202 TlvLength 1 TlvValue 0x41;" in text
    assert encode(text, KEY) == data


def test_vendor_data_after_a_vendor_id_is_generic() -> None:
    """After a real VendorIdentifier the rest of TLV 43 is vendor data, as the tool decodes it."""
    data = encode(
        "Main { VendorSpecific { VendorIdentifier 0x0010f1; GenericTLV TlvCode 3 TlvLength 4 TlvValue 0x00000007; } }",
        KEY,
    )
    text = decode(data).text
    assert "GenericTLV TlvCode 3 TlvLength 4 TlvValue 0x00000007;" in text
    assert "CMLoadBalancingGroupID" not in text


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "trailing\\", "a\\ b", "tab\there", "ünïcode", ""])
def test_snmp_strings_round_trip(value: str) -> None:
    """Quotes, backslashes and non-printables in SNMP strings come back exactly (HexString where needed)."""
    raw = value.encode()
    data = encode(f"Main {{ SnmpMibObject sysContact.0 HexString 0x{raw.hex() or '00'}; }}", KEY)
    if not raw:
        data = encode('Main { SnmpMibObject sysContact.0 String ""; }', KEY)
    assert encode(decode(data).text, KEY) == data


def test_non_canonical_snmp_encoding_is_kept_as_hex() -> None:
    """A varbind with a redundant leading 00 in an Integer would not re-encode the same: it stays GenericTLV."""
    odd = bytes.fromhex("300e0608 2b06010201010700 02020001".replace(" ", ""))
    data = encode(f"Main {{ GenericTLV TlvCode 11 TlvLength {len(odd)} TlvValue 0x{odd.hex()}; }}", KEY)
    text = decode(data).text
    assert "SnmpMibObject" not in text
    assert encode(text, KEY) == data


def test_mic_mismatches_are_reported() -> None:
    """A changed byte breaks the CM MIC; a wrong key breaks the CMTS MIC; both appear as warnings."""
    data = bytearray(encode("Main { NetworkAccess 1; MaxCPE 2; }", KEY))
    assert decode(bytes(data), key=b"other").cmts_mic_ok is False
    data[5] = 3  # MaxCPE 3
    decoded = decode(bytes(data), key=KEY)
    assert (decoded.cm_mic_ok, decoded.cmts_mic_ok) == (False, False)
    assert any("CM MIC" in w for w in decoded.warnings)
    assert decode(bytes(data)).cmts_mic_ok is None  # no key, no verdict


def test_mta_long_varbind_and_hash() -> None:
    """An MTA file with a TLV 64 object and a hash decodes and encodes back; ``nohash`` comments the hash out."""
    text = (
        f'Main {{ MtaConfigDelimiter 1; SnmpMibObject enterprises.32473.9.0 String "{"d" * 300}"; '
        "MtaConfigDelimiter 255; }"
    )
    data = encode(text, mta=True, mta_hash=MtaHash.NA)
    decoded = decode(data)
    assert decoded.mta
    assert "pktcMtaDevProvConfigHash.0 HexString 0x" in decoded.text
    assert encode(decoded.text, mta=True) == data
    unhashed = decode(data, nohash=True).text
    assert "/* SnmpMibObject pktcMtaDevProvConfigHash.0" in unhashed
    assert encode(unhashed, mta=True, mta_hash=MtaHash.NA) == data


def test_pad_lines_follow_the_tool() -> None:
    """After the end marker the tool prints one ``/* Pad */`` per two bytes (its length-byte quirk)."""
    # 0, 1, 3 and 2 pad bytes after FF
    for body, pads in (
        ("NetworkAccess 1;", 0),
        ('SwUpgradeFilename "";', 0),
        ('SwUpgradeFilename "ab";', 1),
        ('SwUpgradeFilename "abc";', 1),
    ):
        data = encode(f"Main {{ {body} }}", KEY)
        assert decode(data).text.count("/* Pad */") == pads == (len(data) - data.rindex(b"\xff") - 1) // 2


def test_truncated_and_empty_files() -> None:
    """A TLV running past the end is reported; an empty file is a DecodeError."""
    decoded = decode(bytes.fromhex("030101120501"))
    assert any("runs past" in w for w in decoded.warnings)
    assert "/* truncated: 0x120501 */" in decoded.text
    with pytest.raises(DecodeError):
        decode(b"")
