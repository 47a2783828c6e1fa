"""The keyword table: consistent codes, the blocks NMS Prime templates use, and the limits the tool checks."""

from __future__ import annotations

from provha_daemon.docsis.keywords import HOMES, MAIN, Keyword, Kind, walk


def find(path: str) -> Keyword:
    """The keyword at a dotted block path, e.g. ``UsServiceFlow.MaxRateSustained``."""
    keyword = MAIN
    for name in path.split("."):
        keyword = keyword.by_name[name]
    return keyword


def test_top_level_codes() -> None:
    """Top-level types are the MULPI/PacketCable ones."""
    codes = {name: MAIN.by_name[name].code for name in (
        "NetworkAccess", "ClassOfService", "SwUpgradeFilename", "SnmpWriteControl", "SnmpMibObject", "ModemIPAddress",
        "CpeMacAddress", "BaselinePrivacy", "MaxCPE", "TftpTimestamp", "TftpModemAddress", "SwUpgradeServer",
        "UsPacketClass", "DsPacketClass", "UsServiceFlow", "DsServiceFlow", "MaxClassifiers", "GlobalPrivacyEnable",
        "MfgCVCData", "CoSignerCVCData", "DocsisTwoEnable", "VendorSpecific", "MtaConfigDelimiter")}
    assert codes == {
        "NetworkAccess": 3, "ClassOfService": 4, "SwUpgradeFilename": 9, "SnmpWriteControl": 10, "SnmpMibObject": 11,
        "ModemIPAddress": 12, "CpeMacAddress": 14, "BaselinePrivacy": 17, "MaxCPE": 18, "TftpTimestamp": 19,
        "TftpModemAddress": 20, "SwUpgradeServer": 21, "UsPacketClass": 22, "DsPacketClass": 23, "UsServiceFlow": 24,
        "DsServiceFlow": 25, "MaxClassifiers": 28, "GlobalPrivacyEnable": 29, "MfgCVCData": 32, "CoSignerCVCData": 33,
        "DocsisTwoEnable": 39, "VendorSpecific": 43, "MtaConfigDelimiter": 254,
    }


def test_same_name_differs_by_block() -> None:
    """Sub-type 14 is MaxConcatenatedBurst (2 bytes) upstream and MaxDsLatency (4 bytes) downstream."""
    assert (find("UsServiceFlow").by_code[14].name, find("UsServiceFlow").by_code[14].kind) == (
        "MaxConcatenatedBurst", Kind.USHORT)
    assert (find("DsServiceFlow").by_code[14].name, find("DsServiceFlow").by_code[14].kind) == (
        "MaxDsLatency", Kind.UINT)
    assert set(HOMES["MaxDsLatency"]) == {"DsServiceFlow"}


def test_limits_follow_the_tool() -> None:
    """Where the tool's table has limits they are ours; else a field's full width."""
    assert find("MaxCPE").limits == (1, 254)
    assert find("NetworkAccess").limits == (0, 1)
    assert find("UsServiceFlow.ServiceClassName").limits == (2, 16)
    assert find("DsServiceFlow.MaxRateSustained").limits == (0, 4294967295)
    assert find("BaselinePrivacy.AuthGraceTime").limits == (1, 6047999)


def test_every_block_child_has_a_unique_code() -> None:
    """Within a block names and codes are unique (the decoder needs the codes, the parser the names)."""
    for _, keyword in walk():
        if keyword.kind is Kind.BLOCK:
            assert len(keyword.by_code) == len(keyword.children) == len(keyword.by_name)
