"""An independent decoder, pydocsis from PyPI, reads our files and accepts our CM MIC.

pydocsis cannot read TLV 43 sub-TLVs or long varbinds and decodes only some SNMP types (multi-byte integers only
where no byte is below 0x10), so the files here stay within what it handles. It reads ``~/.mibs.json`` for MIB
names: each test gets a temporary HOME holding an empty one, never the real home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from provha_daemon.docsis import MtaHash, encode

pydocsis = pytest.importorskip("pydocsis")

KEY = b"pydocsis-check"
# pydocsis opens ~/.mibs.json without closing it: that ResourceWarning is its own, not ours
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")

CM_TEXT = """Main
{
\tNetworkAccess 1;
\tMaxCPE 5;
\tMaxClassifiers 20;
\tGlobalPrivacyEnable 1;
\tBaselinePrivacy
\t{
\t\tAuthTimeout 10;
\t\tAuthGraceTime 600;
\t}
\tUsServiceFlow
\t{
\t\tUsServiceFlowRef 1;
\t\tServiceClassName "up-gold";
\t\tQosParamSetType 7;
\t\tMaxRateSustained 5120000;
\t\tMaxConcatenatedBurst 1522;
\t}
\tDsServiceFlow
\t{
\t\tDsServiceFlowRef 2;
\t\tQosParamSetType 7;
\t\tMaxRateSustained 51200000;
\t\tMaxDsLatency 0;
\t}
\tSwUpgradeFilename "fw/modem.bin";
\tSnmpMibObject docsDevNmAccessIp.1 IPAddress 10.64.0.10;
\tSnmpMibObject docsDevNmAccessCommunity.1 String "provha";
\tSnmpMibObject docsDevNmAccessControl.1 Integer 3;
\tSnmpMibObject enterprises.32473.1.0 Integer 5060;
\tSnmpMibObject enterprises.32473.2.0 Gauge32 200;
}
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary HOME with the empty ``.mibs.json`` pydocsis insists on reading."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".mibs.json").write_text("{}")
    monkeypatch.setenv("HOME", str(home))
    return home


def read(path: Path) -> Any:
    """pydocsis's config object for a file, parsed."""
    config = pydocsis.ConfigFile()
    config.configFilePath = str(path)
    parsed = config.get_config()
    parsed.tlvs = parsed.parse()
    return parsed


def test_pydocsis_reads_our_cm_file_and_accepts_the_cm_mic(home: Path, tmp_path: Path) -> None:
    """pydocsis parses every TLV of our CM file, finds our values, and says TLV 6 is correct."""
    path = tmp_path / "cm.cfg"
    path.write_bytes(encode(CM_TEXT, KEY))
    parsed = read(path)
    report = parsed.toJSON()
    assert {"MIC": "TLV6 is correct"} in report
    flat = {code: entry for item in report for code, entry in item.items() if code != "MIC"}
    assert flat["03"]["value"] == "1"
    assert flat["18"]["value"] == "5"
    assert flat["28"]["value"] == "20"
    assert flat["09"]["value"] == "fw/modem.bin"[:-1]  # pydocsis drops the last character of strings
    flows = {tlv.tag: {sub.tag: sub.get_value() for sub in tlv.subTLVs} for tlv in parsed.tlvs if tlv.subTLVs}
    assert flows["24"] == {"01": 1, "04": "up-gold", "06": 7, "08": 5120000, "14": 1522}
    assert flows["25"] == {"01": 2, "06": 7, "08": 51200000, "14": 0}
    assert flows["17"] == {"01": 10, "03": 600}
    snmp = [(m.oid, m.dataType, m.value) for m in (t.get_value() for t in parsed.tlvs if t.tag == "11")]
    assert snmp == [
        (".1.3.6.1.2.1.69.1.2.1.2.1", "IPAddress", "10.64.0.10"),
        (".1.3.6.1.2.1.69.1.2.1.4.1", "HexString", "provha"),
        (".1.3.6.1.2.1.69.1.2.1.5.1", "Integer32", "3"),
        (".1.3.6.1.4.1.32473.1.0", "Integer32", "5060"),
        (".1.3.6.1.4.1.32473.2.0", "UInt32", "200"),
    ]


def test_pydocsis_reads_our_mta_file(home: Path, tmp_path: Path) -> None:
    """pydocsis parses our hashed MTA file: delimiters, SNMP objects and the 20-byte hash object."""
    text = (
        "Main { MtaConfigDelimiter 1; SnmpMibObject pktcMtaDevEnabled.0 Integer 1; "
        'SnmpMibObject enterprises.32473.7.1.1.0 String "sip:+4930@voice.example"; MtaConfigDelimiter 255; }'
    )
    path = tmp_path / "mta.cfg"
    path.write_bytes(encode(text, mta=True, mta_hash=MtaHash.NA))
    parsed = read(path)
    assert [tlv.tag for tlv in parsed.tlvs] == ["254", "11", "11", "11", "254"]
    objects = [tlv.get_value() for tlv in parsed.tlvs if tlv.tag == "11"]
    assert [(m.oid, m.value) for m in objects[:2]] == [
        (".1.3.6.1.4.1.4491.2.2.1.1.1.7.0", "1"),
        (".1.3.6.1.4.1.32473.7.1.1.0", "sip:+4930@voice.example"),
    ]
    assert objects[2].oid == ".1.3.6.1.4.1.4491.2.2.1.1.2.7.0"
