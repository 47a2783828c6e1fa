"""OIDs as the classic docsis tool resolves them with net-snmp and NMS Prime's MIBs, checked against the tool itself.

The expected values are the reference tool's output (tests/fixtures/docsis/oids/, made by
scripts/make-docsis-oid-vectors; the lists below were read from the same tool) or the MIB text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from provha_daemon.docsis import ber, oids
from provha_daemon.docsis.oids import OidError, enum_label, name_of, resolve, size_limits

VECTORS = Path(__file__).parent / "fixtures" / "docsis" / "oids"


def _rows(name: str) -> list[list[str]]:
    lines = (VECTORS / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


ENCODE_ROWS = _rows("oids.tsv")
DECODE_ROWS = _rows("decode.tsv")
_UNSIGNED_TAGS = {
    "Unsigned32": ber.GAUGE32,
    "Gauge32": ber.GAUGE32,
    "Gauge": ber.GAUGE32,
    "Counter32": ber.COUNTER32,
    "TimeTicks": ber.TIMETICKS,
}


def _content(type_: str, value: str) -> tuple[int, bytes]:
    """The BER tag and content of a value as the config text writes it."""
    if type_ == "Integer":
        return ber.INTEGER, ber.signed(int(value))
    if type_ in _UNSIGNED_TAGS:
        return _UNSIGNED_TAGS[type_], ber.unsigned(int(value))
    if type_ == "IPAddress":
        return ber.IP_ADDRESS, bytes(int(part) for part in value.split("."))
    if type_ == "String":
        return ber.OCTET_STRING, value[1:-1].encode()
    if type_ == "HexString":
        return ber.OCTET_STRING, bytes.fromhex(value[2:])
    assert type_ == "ObjectID", type_
    return ber.OBJECT_ID, ber.oid_content(resolve(value, rooted=True, label_oid=True))


def _encode(text: str, type_: str, value: str) -> bytes:
    """What our resolver and BER writer make of one statement (the varbind, or TLV 10's value)."""
    if type_ == "SnmpWriteControl":
        return ber.oid_tlv(resolve(text, rooted=True, label_oid=True)) + bytes((int(value),))
    arcs = resolve(text, label_oid=True)
    tag, content = _content(type_, value)
    limits = size_limits(arcs)
    if tag == ber.OCTET_STRING and limits is not None and not any(lo <= len(content) <= hi for lo, hi in limits[1]):
        raise OidError(f"{text}: {len(content)} bytes is outside {limits}")
    return ber.varbind(arcs, tag, content)


@pytest.mark.parametrize(
    ("text", "type_", "value", "expected"), ENCODE_ROWS, ids=[f"{i}:{row[0][:40]}" for i, row in enumerate(ENCODE_ROWS)]
)
def test_encode_vectors(text: str, type_: str, value: str, expected: str) -> None:
    """Every statement of the tool's vectors gives the tool's bytes, and every one the tool refused is refused."""
    if expected.startswith("!"):
        with pytest.raises(OidError):
            _encode(text, type_, value)
    else:
        assert _encode(text, type_, value).hex() == expected


def test_encode_vectors_cover_the_table() -> None:
    """The vectors sample hundreds of names of many modules, every value type, long varbinds and refusals."""
    names = {row[0].lstrip(".").split(".")[0] for row in ENCODE_ROWS}
    tree = oids.load()
    modules = {tree.by_label[name].modules.split(",")[0] for name in names if name in tree.by_label}
    assert len(names) >= 300
    assert len(modules) >= 60
    assert {row[1] for row in ENCODE_ROWS} >= {
        "Integer",
        "Unsigned32",
        "Gauge32",
        "Counter32",
        "TimeTicks",
        "IPAddress",
        "String",
        "HexString",
        "ObjectID",
        "SnmpWriteControl",
    }
    assert any(row[3].startswith("3082") for row in ENCODE_ROWS)
    assert sum(row[3].startswith("!") for row in ENCODE_ROWS) >= 40


@pytest.mark.parametrize(
    ("dotted", "value", "name", "label", "numeric_name", "numeric_label"),
    DECODE_ROWS,
    ids=[row[0] for row in DECODE_ROWS],
)
def test_decode_vectors(dotted: str, value: str, name: str, label: str, numeric_name: str, numeric_label: str) -> None:
    """Decoded OIDs are named and their Integer values labelled as the tool prints them, with and without -o."""
    arcs = tuple(int(arc) for arc in dotted.split("."))
    assert name_of(arcs) == name
    assert (enum_label(arcs, int(value)) or "") == label
    assert name_of(arcs, numeric=True) == numeric_name
    assert (enum_label(arcs, int(value), numeric=True) or "") == numeric_label


@pytest.mark.parametrize(
    ("text", "dotted"),
    [
        ("sysContact.0", "1.3.6.1.2.1.1.4.0"),  # SNMPv2-MIB
        ("ifAdminStatus.1", "1.3.6.1.2.1.2.2.1.7.1"),  # IF-MIB
        ("ifAlias.2", "1.3.6.1.2.1.31.1.1.1.18.2"),
        ("ipForwarding.0", "1.3.6.1.2.1.4.1.0"),  # IP-MIB
        ("hrSystemUptime.0", "1.3.6.1.2.1.25.1.1.0"),  # HOST-RESOURCES-MIB
        ("hrStorageDescr.1", "1.3.6.1.2.1.25.2.3.1.3.1"),
        ("snmpTargetAddrTAddress.'nms'", "1.3.6.1.6.3.12.1.2.1.3.110.109.115"),  # SNMP-TARGET-MIB
        ("snmpNotifyTag.'n1'", "1.3.6.1.6.3.13.1.1.1.2.110.49"),  # SNMP-NOTIFICATION-MIB
        (
            'usmUserStatus."engid"."user"',  # SNMP-USER-BASED-SM-MIB
            "1.3.6.1.6.3.15.1.2.2.1.13.5.101.110.103.105.100.4.117.115.101.114",
        ),
        ('vacmGroupName.3."user"', "1.3.6.1.6.3.16.1.2.1.3.3.4.117.115.101.114"),  # SNMP-VIEW-BASED-ACM-MIB
        ('vacmSecurityToGroupStatus.3."user"', "1.3.6.1.6.3.16.1.2.1.5.3.4.117.115.101.114"),
        ("snmpCommunityName.'public'", "1.3.6.1.6.3.18.1.1.1.2.112.117.98.108.105.99"),  # SNMP-COMMUNITY-MIB
        ("memTotalReal.0", "1.3.6.1.4.1.2021.4.5.0"),  # UCD-SNMP-MIB
        ("laLoad.1", "1.3.6.1.4.1.2021.10.1.3.1"),
        ("dskPath.1", "1.3.6.1.4.1.2021.9.1.2.1"),
        ('nsExtendStatus."x"', "1.3.6.1.4.1.8072.1.3.2.2.1.21.1.120"),  # NET-SNMP-EXTEND-MIB
        ("docsDevNmAccessIp.1", "1.3.6.1.2.1.69.1.2.1.2.1"),  # DOCS-CABLE-DEVICE-MIB
        ("docsDevSwFilename.0", "1.3.6.1.2.1.69.1.3.2.0"),
        ("docsIfDownChannelFrequency.3", "1.3.6.1.2.1.10.127.1.1.1.1.2.3"),  # DOCS-IF-MIB
        ("docsIfCmtsCmPtr.'00:11:22:33:44:55'", "1.3.6.1.2.1.10.127.1.3.7.1.2.0.17.34.51.68.85"),  # by its 1x: hint
        ("docsIf3CmStatusValue.2", "1.3.6.1.4.1.4491.2.1.20.1.1.1.1.2"),  # DOCS-IF3-MIB
        ("docsIf31CmDsOfdmChanChannelId.2", "1.3.6.1.4.1.4491.2.1.28.1.9.1.1.2"),  # DOCS-IF31-MIB
        ("docsQosServiceFlowSID.2.7", "1.3.6.1.2.1.10.127.7.1.3.1.6.2.7"),  # DOCS-QOS-MIB
        ("docsBpi2CmPrivacyEnable.2", "1.3.6.1.2.1.10.127.6.1.1.1.1.1.2"),  # DOCS-BPI2-MIB (over DOCS-IETF-BPI2-MIB)
        ("docsBpi2CmtsAuthCmBpiVersion.2", "1.3.6.1.2.1.10.127.6.1.2.2.1.2.2"),
        ("docsPnmCmDsOfdmRxMerFileName.3", "1.3.6.1.4.1.4491.2.1.27.1.2.5.1.8.3"),  # DOCS-PNM-MIB
        ("docsMcastCmtsGrpCfgRulePriority.1", "1.3.6.1.4.1.4491.2.1.18.1.1.1.2.1"),  # DOCS-MCAST-MIB
        ("pktcMtaDevEnabled.0", "1.3.6.1.4.1.4491.2.2.1.1.1.7.0"),  # PKTC-MTA-MIB: CableLabs, no IETF MTA MIB loaded
        ("pktcMtaDevProvConfigHash.0", "1.3.6.1.4.1.4491.2.2.1.1.2.7.0"),
        ("pktcNcsEndPntConfigCallAgentId.9", "1.3.6.1.4.1.4491.2.2.2.1.2.1.1.1.9"),  # PKTC-SIG-MIB
        ("pktcSigDevCodecType.1.1", "1.3.6.1.2.1.169.1.1.1.1.2.1.1"),  # also in PKTC-IETF-SIG-MIB, which wins
        ("pktcDevEvProgrammableLevel.1.1", "1.3.6.1.4.1.4491.2.2.3.2.1.1.3.1.1"),  # PKTC-EVENT-MIB
        ("clabProjDocsis.1.0", "1.3.6.1.4.1.4491.2.1.1.0"),  # CLAB-DEF-MIB
        ("igmpInterfaceVersion.1", "1.3.6.1.2.1.85.1.1.1.4.1"),  # IGMP-STD-MIB
        ("diffServDataPathStatus.1.1", "1.3.6.1.2.1.97.1.1.1.1.4.1.1"),  # DIFFSERV-MIB
        ("intSrvIfAttribAllocatedBits.1", "1.3.6.1.2.1.52.1.1.1.1.1"),  # INTEGRATED-SERVICES-MIB
        ("tokenRingMLStatsDropEvents.1", "1.3.6.1.2.1.16.1.2.1.3.1"),  # TOKEN-RING-RMON-MIB
        ("linux.0", "1.3.6.1.4.1.8072.3.2.10.0"),  # NET-SNMP-TC's, not UCD-SNMP-MIB's linux
        ("snmpCommunityGroup.0", "1.3.6.1.6.3.18.2.2.1.0"),  # SNMP-COMMUNITY-MIB's, not SNMPv2-MIB's
        ("system.sysContact.0", "1.3.6.1.2.1.1.4.0"),
        ("iso.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.4.0"),
        (".iso.org.dod.internet.mgmt.mib-2.system.sysContact.0", "1.3.6.1.2.1.1.4.0"),
        (".1.3.6.1.4.1.4491.2.2.1.1.2.7.0", "1.3.6.1.4.1.4491.2.2.1.1.2.7.0"),
        ("enterprises.32473.1.0", "1.3.6.1.4.1.32473.1.0"),
        ("system.sysContact", "1.3.6.1.2.1.1.4"),
    ],
)
def test_resolve(text: str, dotted: str) -> None:
    """Names of every module, with numeric, enumerated, string and IMPLIED indexes, resolve as in the tool."""
    assert resolve(text, label_oid=True) == tuple(int(arc) for arc in dotted.split("."))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('snmpCommunityName."public"', "IMPLIED string: write it in single quotes"),
        ("vacmGroupName.3.'user'", "variable-length string: write it in double quotes"),
        ("docsIfCmtsCmPtr.'ab'", "is 6 octets long, not 1"),  # 'ab' read by MacAddress's 1x: hint is one octet
        ("snmpCommunityName.'" + "x" * 40 + "'", "outside its SIZE (1..32)"),
        ("snmpCommunityName.300", "300 is more than a byte"),
        ("ifDescr.0", "index ifIndex out of range: 0"),
        (".1.3.6.1.2.1.2.2.1.2.0", "index ifIndex out of range: 0"),
        ("docsDevNmAccessIp.a", "index docsDevNmAccessIndex has no value 'a'"),
        ("fooBarUnknown.0", "no MIB object is called 'fooBarUnknown'"),
        ("sysContactt.0", "no MIB object is called 'sysContactt'"),
        ("interfaces.sysContact.0", "no 'sysContact' under interfaces"),
        ("iso.3.6.1.2.1.2.sysName.0", "no 'sysName' under interfaces"),
        ("1.sysContact.0", "no 'sysContact' under iso"),  # mib-2-relative: the tool's fallback for it never works
        ("1.3.6.1.2.1.2.2.1.2.0", "index ifIndex out of range: 0"),
        ("sysUp.ime", "no MIB object is called 'sysUp'"),  # nor does its regular-expression search
        ("sysContact", "at least two parts"),
        ("1.3.6.1", "four numbers as an IP address"),
        ("SNMPv2-MIB::sysContact.0", "MODULE::name"),
        ("usmUserStatus.'e'.'u'", "not an OID the tool can read"),
        ("mteTriggerEnabled.\"o\".'t'", "not an OID the tool can read"),
        ("sysContact..0", "an empty part"),
        ("", "empty OID"),
    ],
)
def test_resolve_refuses(text: str, reason: str) -> None:
    """What the tool refuses (or would turn into another OID) is an OidError naming the part and the reason."""
    with pytest.raises(OidError, match=None) as caught:
        resolve(text, label_oid=True)
    assert reason in str(caught.value)
    assert text.partition("::")[0][:8] in str(caught.value)


@pytest.mark.parametrize(
    "text", ["sysContact.0", "system.sysContact.0", "docsDevNmAccessIp.1", "mib-2.system.sysContact.0"]
)
def test_rooted_refuses_short_names(text: str) -> None:
    """SnmpWriteControl, ObjectID values and OID keywords take only numbers and paths from iso, as the tool."""
    assert resolve(text)  # SnmpMibObject takes it
    with pytest.raises(OidError, match="only numeric OIDs and paths from iso"):
        resolve(text, rooted=True)


def test_four_numbers_are_an_oid_only_for_oid_keywords() -> None:
    """``1.3.6.1`` is an IP address to the tool's lexer: an OID keyword's value, never an SnmpMibObject's OID."""
    assert resolve("1.3.6.1", rooted=True) == (1, 3, 6, 1)
    with pytest.raises(OidError):
        resolve("1.3.6.1", rooted=True, label_oid=True)


def test_numeric_oids_go_through_the_index_checks() -> None:
    """A numeric OID of a table column is checked like a named one (the tool's read_objid walks the MIB tree)."""
    assert resolve(".1.3.6.1.6.3.18.1.1.1.2.112.117.98") == (1, 3, 6, 1, 6, 3, 18, 1, 1, 1, 2, 112, 117, 98)
    with pytest.raises(OidError, match="is more than a byte"):
        resolve(".1.3.6.1.6.3.18.1.1.1.2.300")
    assert resolve(".1.3.6.1.4.1.32473.99999.7") == (1, 3, 6, 1, 4, 1, 32473, 99999, 7)


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("sysContact.0", ((0, 255),)),  # DisplayString's own SIZE: the tool enforces a convention's SIZE
        (".1.3.6.1.2.1.1.4.0", ((0, 255),)),  # numeric OIDs too
        ("docsDevSwFilename.0", ((0, 64),)),  # the object's (SIZE (0..64)) replaces the convention's
        ("snmpCommunitySecurityName.'public'", ((1, 32),)),  # SnmpAdminString (SIZE(1..32))
        ("pktcMtaDevProvConfigHash.0", ((16, 16), (20, 20))),
        ("sysServices.0", ((0, 127),)),  # an INTEGER's range, which the tool applies to a String's length all the same
        ('docsIf3MdNodeStatusMdCmSgId.1."ab".3', ((1, -1),)),  # Unsigned32 (1..4294967295) in a C int: nothing fits
    ],
)
def test_size_limits(text: str, ranges: tuple[tuple[int, int], ...]) -> None:
    """The ranges the tool checks a String/HexString value's length against are the MIB's, as net-snmp keeps them."""
    limits = size_limits(resolve(text))
    assert limits is not None
    assert limits[1] == ranges


@pytest.mark.parametrize("text", ["docsDevNmAccessCommunity.1", ".1.3.6.1.4.1.32473.1.0", "ifPhysAddress.1"])
def test_no_size_limits(text: str) -> None:
    """Plain OCTET STRINGs without SIZE and OIDs outside the MIBs have no limit."""
    assert size_limits(resolve(text)) is None


def test_name_of_and_enum_labels() -> None:
    """Decoding names the deepest node with its INDEX objects spelled out and labels enumerated Integers."""
    assert name_of(resolve("snmpCommunityName.'public'")) == "snmpCommunityName.'public'"
    assert name_of(resolve('vacmGroupName.3."user"')) == 'vacmGroupName.3."user"'
    assert name_of(resolve("docsIfCmtsModType.1.3")) == "docsIfCmtsModType.1.initialRanging"
    assert name_of((1, 3, 6, 1, 4, 1, 32473, 1, 1, 0)) == "enterprises.32473.1.1.0"
    assert name_of((1, 3, 6, 1, 4, 1, 32473, 1, 1, 0), numeric=True) == ".1.3.6.1.4.1.32473.1.1.0"
    assert name_of((2, 5, 4)) == "joint-iso-ccitt.5.4"
    assert enum_label(resolve("docsDevNmAccessControl.1"), 3) == "readWrite"
    assert enum_label(resolve("docsDevNmAccessControl.1"), 3, numeric=True) is None  # not a default MIB
    assert enum_label(resolve("ifAdminStatus.9"), 1, numeric=True) == "up"
    assert enum_label(resolve("pktcMtaDevEnabled.0"), 1) == "true"
    assert enum_label(resolve("sysContact.0"), 1) is None


def test_table_header_names_modules_commits_and_counts() -> None:
    """The shipped table says which modules and commits it was made from and how many names it holds."""
    header = [line for line in oids.table_path().read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(header)
    assert "v5.9.3" in text
    assert "94e8845" in text
    for module in ("SNMPv2-MIB", "IF-MIB", "UCD-SNMP-MIB", "DOCS-IF-MIB", "PKTC-MTA-MIB", "CLAB-DEF-MIB"):
        assert f" {module}" in text
    assert "94 modules" in text


def test_import_does_not_load_the_table() -> None:
    """Importing the package reads no MIB table; the first OID does."""
    code = (
        "import provha_daemon.docsis as d; from provha_daemon.docsis import oids; assert oids._trees is None; "
        "oids.resolve('sysContact.0'); assert oids._trees is not None"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
