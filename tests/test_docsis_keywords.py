"""The keyword table: the classic tool's whole table as data, its codes and limits, and the tool's lookup rules."""

from __future__ import annotations

from provha_daemon.docsis.keywords import HOMES, MAIN, TABLE, TABLE_FILE, Keyword, Kind, read_table, walk


def find(path: str) -> Keyword:
    """The keyword at a dotted block path, e.g. ``UsServiceFlow.MaxRateSustained``."""
    keyword = MAIN
    for name in path.split("."):
        keyword = keyword.by_name[name]
    return keyword


def test_the_table_is_the_tools_whole_table() -> None:
    """keywords.tsv has one row per row of the tool's symtable (1548 at 94e8845), each with a known kind."""
    assert len(TABLE) == 1548
    assert len({row.id for row in TABLE}) == 1548
    assert "rlaager/docsis 94e8845" in TABLE_FILE.read_text().splitlines()[0]
    assert read_table() == TABLE


def test_every_statement_row_is_in_the_tree() -> None:
    """Every row a text can write sits under its parent block (1548 less pad, end, MICs and GenericTLV)."""
    rows = {keyword.row for _, keyword in walk()}
    skipped = {row.id for row in TABLE if row.kind in (Kind.COMPUTED, Kind.GENERIC, Kind.MARKER)}
    assert rows == {row.id for row in TABLE} - skipped
    assert len(rows) == 1543


def test_top_level_codes() -> None:
    """Top-level types are the MULPI/PacketCable ones, including the families templates use."""
    codes = {
        name: MAIN.by_name[name].code
        for name in (
            "NetworkAccess",
            "ClassOfService",
            "ModemCapabilities",
            "SwUpgradeFilename",
            "SnmpWriteControl",
            "SnmpMibObject",
            "CpeMacAddress",
            "BaselinePrivacy",
            "MaxCPE",
            "TftpTimestamp",
            "TftpModemAddress",
            "UsPacketClass",
            "DsPacketClass",
            "UsServiceFlow",
            "DsServiceFlow",
            "PHS",
            "MaxClassifiers",
            "GlobalPrivacyEnable",
            "MfgCVCData",
            "ManufacturerCVC",
            "CoSignerCVCData",
            "SnmpV3Kickstart",
            "VendorSpecific",
            "eRouter",
            "MtaConfigDelimiter",
            "DigitMap",
        )
    }
    assert codes == {
        "NetworkAccess": 3,
        "ClassOfService": 4,
        "ModemCapabilities": 5,
        "SwUpgradeFilename": 9,
        "SnmpWriteControl": 10,
        "SnmpMibObject": 11,
        "CpeMacAddress": 14,
        "BaselinePrivacy": 17,
        "MaxCPE": 18,
        "TftpTimestamp": 19,
        "TftpModemAddress": 20,
        "UsPacketClass": 22,
        "DsPacketClass": 23,
        "UsServiceFlow": 24,
        "DsServiceFlow": 25,
        "PHS": 26,
        "MaxClassifiers": 28,
        "GlobalPrivacyEnable": 29,
        "MfgCVCData": 32,
        "ManufacturerCVC": 32,
        "CoSignerCVCData": 33,
        "SnmpV3Kickstart": 34,
        "VendorSpecific": 43,
        "eRouter": 202,
        "MtaConfigDelimiter": 254,
        "DigitMap": 11,
    }


def test_same_name_differs_by_block() -> None:
    """Sub-type 14 is MaxConcatenatedBurst (2 bytes) upstream and MaxDsLatency (4 bytes) downstream."""
    assert (find("UsServiceFlow").by_code[14].name, find("UsServiceFlow").by_code[14].kind) == (
        "MaxConcatenatedBurst",
        Kind.USHORT,
    )
    assert (find("DsServiceFlow").by_code[14].name, find("DsServiceFlow").by_code[14].kind) == (
        "MaxDsLatency",
        Kind.UINT,
    )
    assert set(HOMES["MaxDsLatency"]) == {"DsServiceFlow"}


def test_first_row_of_a_name_wins_as_in_the_tool() -> None:
    """A name listed twice encodes as its first row everywhere: the tool looks keywords up by name alone."""
    assert find("UpstreamEHQoSASF").code == 93  # the second top-level row (code 94) is unreachable by name
    assert MAIN.by_code[94].name == "UpstreamEHQoSASF"
    assert find("DsPacketClass.IEEE802Classifier.VlanID").limits == (0, 4096)  # its own row says 0 0
    assert find("DsPacketClass.LLCPacketClassifier.EtherType").limits == (3, 3)


def test_rows_the_tool_files_under_the_wrong_parent_sit_where_they_belong() -> None:
    """SFtoIATCProfileNameReference is a DsServiceFlow setting too; 74.4.2.x sit in their block."""
    assert find("DsServiceFlow.SFtoIATCProfileNameReference").code == 39
    block = find("EnergyManagementParameter.EnergyManagementDLSMode.UpstreamActivityDetectionParameters")
    assert sorted(block.by_name) == [
        "UpstreamEntryBitrateThreshold",
        "UpstreamEntryTimeThreshold",
        "UpstreamExitBitrateThreshold",
        "UpstreamExitTimeThreshold",
    ]


def test_limits_follow_the_tool() -> None:
    """Where the tool checks limits they are ours, within the field; 0 0 (unchecked there) is the field's width."""
    assert find("MaxCPE").limits == (1, 254)
    assert find("NetworkAccess").limits == (0, 1)
    assert find("UsServiceFlow.ServiceClassName").limits == (2, 16)
    assert find("DsServiceFlow.MaxRateSustained").limits == (0, 4294967295)
    assert find("BaselinePrivacy.AuthGraceTime").limits == (1, 6047999)
    assert find("ModemCapabilities.OptionalFilteringSupport").limits == (0, 255)  # the tool would wrap 256 to 0
    assert find("NetworkTimingProfile.NetworkTimingProfileReference").limits == (1, 65535)  # its table says 65536
    # the tool checks no limits on three-byte fields
    assert find("UsPacketClass.VendorSpecific.L2VPNEncoding.L2VPNDSID").limits == (0, 0xFFFFFF)


def test_kinds_cover_the_tools_encoders() -> None:
    """Every kind of value the tool encodes has rows, e.g. dual Q-tags, IPv6 prefix lists, zero-length TLVs."""
    kinds = {row.kind for row in TABLE}
    assert kinds == set(Kind)
    l2vpn = find("UsPacketClass.VendorSpecific.L2VPNEncoding")
    assert l2vpn.by_name["NSIEncapsulation"].by_name["NSIEncapsulationDualQTag"].kind is Kind.DUAL_QTAG
    assert find("SubMgmtCPEIPv6PrefixList").kind is Kind.IP6_PREFIX_LIST
