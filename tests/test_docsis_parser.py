"""The parser: the tool's grammar and keyword forms, and the typed errors naming line and keyword."""

from __future__ import annotations

import pytest

from provha_daemon.docsis import (
    BadValueError,
    DocsisError,
    DocsisSyntaxError,
    LexicalError,
    UnknownKeywordError,
    UnknownOidError,
    ValueRangeError,
    WrongBlockError,
    parse,
)
from provha_daemon.docsis.keywords import MAIN
from provha_daemon.docsis.parser import parse_fragment


def fails(text: str) -> DocsisError:
    """The error ``parse`` raises for ``text``."""
    with pytest.raises(DocsisError) as caught:
        parse(text)
    return caught.value


def test_items_keep_order_type_and_line() -> None:
    """Top-level settings come out in input order as (type, value, line)."""
    assert parse("Main\n{\n\tMaxCPE 2;\n\tNetworkAccess 1;\n}\n") == [(18, b"\x02", 3), (3, b"\x01", 4)]


def test_main_is_case_insensitive_and_layout_free() -> None:
    """``main`` in any case; statements may share a line or spread over several."""
    assert parse("main{NetworkAccess\n1\n;MaxCPE 2;}") == [(3, b"\x01", 1), (18, b"\x02", 3)]


def test_unknown_keyword_names_line_and_keyword() -> None:
    """An unknown keyword is an UnknownKeywordError (exit 255) naming its line and suggesting the real one."""
    error = fails("Main\n{\n\tNetworkAccess 1;\n\tMaxCpe 4;\n}")
    assert type(error) is UnknownKeywordError
    assert (error.line, error.keyword, error.exit_code) == (4, "MaxCpe", 255)
    assert "did you mean MaxCPE" in str(error)


def test_keyword_in_the_wrong_block_is_rejected() -> None:
    """MaxDsLatency inside UsServiceFlow (the tool would write MaxConcatenatedBurst) is a WrongBlockError."""
    error = fails("Main {\nUsServiceFlow {\nUsServiceFlowRef 1;\nMaxDsLatency 10;\n}\n}")
    assert type(error) is WrongBlockError
    assert (error.line, error.keyword) == (4, "MaxDsLatency")
    assert "DsServiceFlow" in str(error)


def test_keyword_of_another_block_meaning_the_same_here_is_taken() -> None:
    """ClassifierRef (sub-type 1, one byte) inside the drop classifier is its ClassifierReference, as in the tool."""
    borrowed = parse("Main { UpstreamDropPacketClassification { ClassifierRef 7; IpPacketClassifier { IpProto 6; } } }")
    own = parse(
        "Main { UpstreamDropPacketClassification { ClassifierReference 7; "
        "IPv4PacketClassification { IPProtocol 6; } } }"
    )
    assert borrowed == own == [(60, bytes.fromhex("0101070904 020200 06".replace(" ", "")), 1)]


def test_top_level_keyword_inside_a_block_is_rejected() -> None:
    """SnmpMibObject and MaxCPE belong at the top level only."""
    assert isinstance(fails("Main { DsServiceFlow { MaxCPE 3; } }"), WrongBlockError)
    assert isinstance(fails('Main { PHS { SnmpMibObject sysContact.0 String "x"; } }'), WrongBlockError)


def test_value_out_of_range_is_rejected_not_wrapped() -> None:
    """MaxCPE 300 is a ValueRangeError (exit 241) naming line and keyword."""
    error = fails("Main\n{\n\tNetworkAccess 1;\n\tMaxCPE 300;\n}")
    assert type(error) is ValueRangeError
    assert (error.line, error.keyword, error.exit_code) == (4, "MaxCPE", 241)
    assert "1-254" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "TftpTimestamp 4294967296;",  # one over 32 bits: the tool's atoi would wrap it
        "MaxRateSustained -1;",
        "MaxClassifiers 65536;",
        "UpstreamChannelId 256;",
        "NetworkAccess 2;",
        "SnmpMibObject sysServices.0 Integer 2147483648;",
        "SnmpMibObject sysServices.0 Integer -2147483649;",
        "SnmpMibObject sysServices.0 Gauge32 4294967296;",
        "SnmpMibObject sysServices.0 Counter32 -1;",
        "GenericTLV TlvCode 256 TlvLength 1 TlvValue 0x00;",
        "GenericTLV TlvCode 150 TlvType Char TlvValue 256;",
    ],
)
def test_numbers_never_wrap(text: str) -> None:
    """Numbers beyond their field or range raise ValueRangeError instead of wrapping."""
    wrapped = text if "MaxRate" not in text else f"UsServiceFlow {{ {text} }}"
    assert isinstance(fails(f"Main {{ {wrapped} }}"), ValueRangeError)


def test_32_bit_fields_accept_their_maximum() -> None:
    """4294967295 is accepted by 32-bit fields (MaxRateSustained, TftpTimestamp)."""
    items = parse("Main { TftpTimestamp 4294967295; DsServiceFlow { MaxRateSustained 4294967295; } }")
    assert items[0][1] == b"\xff\xff\xff\xff"
    assert items[1][1] == b"\x08\x04\xff\xff\xff\xff"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("MaxCPE abc;", "decimal number"),
        ('MaxCPE "3";', "decimal number"),
        ("MaxCPE 0x03;", "decimal number"),
        ("CpeMacAddress 00:11:22:33:44;", "MAC address"),
        ("SwUpgradeServer 10.0.0.256;", "IPv4"),
        ("SwUpgradeServer 10.0.0.010;", "IPv4"),  # inet_aton would read octal
        ("SwUpgradeFilename fw.bin;", '"string"'),
        ("MfgCVCData 0x123;", "odd number of hex digits"),
        ("MfgCVCData 12ab;", "0x"),
        ("VendorSpecific { VendorIdentifier 0x0010; }", "3-3 bytes"),
        ('UsServiceFlow { ServiceClassName "a"; }', "2-16 characters"),
        ('UsServiceFlow { ServiceClassName "seventeen-chars-x"; }', "2-16 characters"),
        ("SnmpMibObject sysContact.0 Float 1;", "not supported"),
        ("SnmpMibObject sysContact.0 String 12;", '"string"'),
        ("SnmpMibObject sysContact.0 Integer 1.5;", "decimal number"),
        ("SnmpWriteControl sysContact.0 1;", "only numeric OIDs and paths from iso"),
        ("GenericTLV TlvCode 99 TlvLength 3 TlvValue 0xbeef;", "does not match"),
        ("GenericTLV TlvCode 6 TlvLength 1 TlvValue 0x00;", "encoder adds it"),
        ("GenericTLV TlvCode 99 TlvType Float TlvValue 1;", "TlvType"),
        ("SubMgmtFilters 1;", "at least two numbers"),  # the tool's list encoders crash on one number
        ("SubMgmtCPEIPv6PrefixList 2001:db8::/129;", "0-128"),
        ("SubscriberManagementCPEIPv6Table 2001:db8::1,10.0.0.1;", "IPv6"),
        ("PTPAddressConfigurations { PTPSourceIPAddressConfiguration 10.0.0.256; }", "IPv4"),
        ('DigitMap "dial.txt";', "files are not read"),
        ("DigitMap dial.txt;", "file name"),
    ],
)
def test_bad_values(text: str, fragment: str) -> None:
    """A value of the wrong form is a BadValueError (exit 255) whose message says what was expected."""
    error = fails(f"Main {{\n{text}\n}}")
    assert isinstance(error, BadValueError)
    assert error.exit_code in (255, 241)
    assert error.line == 2
    assert fragment in str(error)


def test_unknown_oid_name() -> None:
    """A symbolic OID outside our table is an UnknownOidError naming the line."""
    error = fails("Main {\nSnmpMibObject fooBarBaz.0 Integer 1;\n}")
    assert isinstance(error, UnknownOidError)
    assert (error.line, error.exit_code) == (2, 255)
    assert "fooBarBaz" in str(error)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Main { NetworkAccess 1 }", 1),  # missing ;
        ("Main {\nNetworkAccess 1;\n", 3),  # missing }
        ("Main {\n}", 2),  # empty Main
        ("Main { UsServiceFlow { } }", 1),  # empty block
        ("NetworkAccess 1;", 1),  # no Main
        ("Main { NetworkAccess 1; } MaxCPE 2;", 1),  # text after Main
        ("Main {\nNetworkAccess ;\n}", 2),  # missing value
        ("Main {\n/* never closed\nNetworkAccess 1;\n}", 2),
        ("Main {\n# comment\nNetworkAccess 1;\n}", 2),
        ("Main {\n// comment\nNetworkAccess 1;\n}", 2),
        ("Main { UsServiceFlow UsServiceFlowRef 1; }", 1),  # block without braces
        ("Main { Main { NetworkAccess 1; } }", 1),
        ("Main { GenericTLV TlvCode 99 TlvBogus 1; }", 1),
    ],
)
def test_grammar_errors(text: str, line: int) -> None:
    """Structural errors are DocsisSyntaxError (exit 2, as the tool's ``LINE:syntax error``) naming the line."""
    error = fails(text)
    assert type(error) is DocsisSyntaxError
    assert (error.line, error.exit_code) == (line, 2)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('Main {\nSwUpgradeFilename "abc\n";\n}', 2),  # line break in a string
        ('Main {\nSwUpgradeFilename "a\tb";\n}', 2),  # tab in a string
        ("Main {\nNetworkAccess 1; \x01\n}", 2),
        ("Main {\rNetworkAccess 1;\r}", 1),  # a lone CR is no line end
        (f'Main {{\nSnmpMibObject sysContact.0 String "{"x" * 2049}";\n}}', 2),
    ],
)
def test_lexical_errors(text: str, line: int) -> None:
    """Characters the tokenizer cannot read are LexicalError (exit 255, as the tool) naming the line."""
    error = fails(text)
    assert type(error) is LexicalError
    assert (error.line, error.exit_code) == (line, 255)


def test_computed_settings_cannot_be_set() -> None:
    """CmMic/CmtsMic are written by the encoder; setting them is an error."""
    assert "computed" in str(fails("Main { CmMic 0x00; }"))


def test_comments_and_crlf() -> None:
    """/* */ comments (also multi-line, also mid-statement) are skipped; CR LF ends lines; lines still count."""
    text = "Main /* a */ {\r\n/* two\r\nlines */ NetworkAccess /* x */ 1;\r\n\tMaxCPE 2;\r\n}\r\n"
    assert parse(text) == [(3, b"\x01", 3), (18, b"\x02", 4)]


def test_string_escapes_follow_the_tool() -> None:
    """Inside a string ``\\"`` is a quote and ``\\ `` a space; other backslashes stay (so ``\\\\"`` is ``\\"``)."""
    items = parse(r'Main { SwUpgradeFilename "a\"b\ c\d\\""; }')
    assert items[0][1] == b'a"b c\\d\\"'


def test_strings_are_utf8_bytes() -> None:
    """Non-ASCII text is encoded as UTF-8, and undecodable input bytes pass through unchanged."""
    assert parse('Main { SwUpgradeFilename "é"; }')[0][1] == "é".encode()
    raw = b'Main { SwUpgradeFilename "\xff"; }'.decode("utf-8", "surrogateescape")
    assert parse(raw)[0][1] == b"\xff"


def test_generic_tlv_forms() -> None:
    """All GenericTLV forms of the tool, plus a nested block and an empty TlvString."""
    text = (
        'Main { GenericTLV TlvCode 150 TlvString "ab"; GenericTLV TlvCode 151 TlvStringZero "ab"; '
        "GenericTLV TlvCode 152 TlvType Integer TlvValue 70000; "
        "GenericTLV TlvCode 153 TlvType Short TlvValue 513; GenericTLV TlvCode 154 TlvType Char TlvValue 7; "
        "GenericTLV TlvCode 155 TlvType IPAddress TlvValue 1.2.3.4; GenericTLV TlvCode 156 { "
        'GenericTLV TlvCode 1 TlvLength 1 TlvValue 0xaa; GenericTLV TlvCode 2 TlvString "x"; } '
        'GenericTLV TlvCode 157 TlvString ""; }'
    )
    assert [(code, value) for code, value, _ in parse(text)] == [
        (150, b"ab"),
        (151, b"ab\0"),
        (152, bytes.fromhex("00011170")),
        (153, b"\x02\x01"),
        (154, b"\x07"),
        (155, bytes([1, 2, 3, 4])),
        (156, bytes.fromhex("0101aa020178")),
        (157, b""),
    ]


def test_generic_block_holds_only_generic_tlvs() -> None:
    """A keyword inside a GenericTLV block is refused."""
    assert isinstance(fails("Main { GenericTLV TlvCode 99 { MaxCPE 1; } }"), WrongBlockError)


def test_block_over_255_bytes_is_refused() -> None:
    """A block that cannot fit a 1-byte length is an error (the tool drops it with a warning)."""
    names = " ".join(f'GenericTLV TlvCode {i} TlvString "{"n" * 60}";' for i in range(1, 6))
    error = fails(f"Main {{\nVendorSpecific {{\nVendorIdentifier 0x000001; {names}\n}}\n}}")
    assert isinstance(error, BadValueError)
    assert error.line == 2
    assert "255" in str(error)


def test_value_kinds() -> None:
    """IPv6, address/port, ethermask, lists and OID values encode as the spec lays them out."""
    text = (
        "Main { SwUpgradeServer6 2001:db8::1; SubMgmtFilters 1,2,3,65535; SubscriberManagementCPEIPTable "
        "10.0.0.1,10.0.0.2; SNMPv1v2cCoexistenceConfig { SNMPv1v2cTransportAddressAccess { "
        "SNMPv1v2cTransportAddress 10.0.0.0/161; } } UsPacketClass { LLCPacketClassifier { DstMacAddress "
        "01:00:5e:00:00:00/ff:ff:ff:00:00:00; } IEEE802Classifier { UserPriority 0,7; } } "
        "SnmpV3TrapReceiver { SnmpV3TrapRxFilterOID .1.3.6.1.6.3.1.1.5; } }"
    )
    values = [value for _, value, _ in parse(text)]
    assert values[0] == bytes.fromhex("20010db8000000000000000000000001")
    assert values[1] == bytes.fromhex("0001 0002 0003 ffff")
    assert values[2] == bytes([10, 0, 0, 1, 10, 0, 0, 2])
    assert values[3] == bytes([0x02, 0x08, 0x01, 0x06, 10, 0, 0, 0, 0x00, 0xA1])
    assert values[4] == bytes.fromhex("0a0e" + "010c01005e000000ffffff000000" + "0b04" + "01020007")
    assert values[5] == bytes.fromhex("060a" + "0608" + "2b06010603010105")


def test_fragment_parses_statements_of_a_block() -> None:
    """A fragment (a template line) is parsed in the context of its block, with its own line number."""
    assert parse_fragment("MaxCPE 2; NetworkAccess 1;", MAIN, 7) == [(18, b"\x02", 7), (3, b"\x01", 7)]
    with pytest.raises(DocsisSyntaxError):
        parse_fragment("MaxCPE 2; }", MAIN, 7)


def test_mib_size_limits_are_enforced() -> None:
    """As the tool with its MIBs: a string outside the object's SIZE is refused, also under a numeric OID."""
    assert parse(f'Main {{ SnmpMibObject docsDevSwFilename.0 String "{"f" * 64}"; }}')
    for oid in ("docsDevSwFilename.0", ".1.3.6.1.2.1.69.1.3.2.0"):
        error = fails(f'Main {{\nSnmpMibObject {oid} String "{"f" * 65}";\n}}')
        assert isinstance(error, BadValueError)
        assert error.line == 2
        assert "SIZE (0..64)" in str(error)
    assert parse("Main { SnmpMibObject pktcMtaDevProvConfigHash.0 HexString 0x" + "ab" * 20 + "; }")
    assert "SIZE (16 | 20)" in str(
        fails("Main { SnmpMibObject pktcMtaDevProvConfigHash.0 HexString 0x" + "ab" * 19 + "; }")
    )
