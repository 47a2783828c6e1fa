"""Our own name→OID table: the names operators' templates use resolve to the right OIDs, decodes name them back."""

from __future__ import annotations

import pytest

from provha_daemon.docsis.oids import ENUMS, NAME_TO_OID, OidError, enum_label, name_of, resolve


@pytest.mark.parametrize(("text", "dotted"), [
    ("sysContact.0", "1.3.6.1.2.1.1.4.0"),
    ("sysLocation.0", "1.3.6.1.2.1.1.6.0"),
    ("ifAdminStatus.1", "1.3.6.1.2.1.2.2.1.7.1"),
    ("ifAlias.2", "1.3.6.1.2.1.31.1.1.1.18.2"),
    ("docsDevNmAccessIp.1", "1.3.6.1.2.1.69.1.2.1.2.1"),
    ("docsDevNmAccessStatus.1", "1.3.6.1.2.1.69.1.2.1.7.1"),
    ("docsDevSwFilename.0", "1.3.6.1.2.1.69.1.3.2.0"),
    ("docsDevSwAdminStatus.0", "1.3.6.1.2.1.69.1.3.3.0"),
    ("docsDevFilterIpStatus.10", "1.3.6.1.2.1.69.1.6.4.1.2.10"),
    ("docsIfDownChannelFrequency.3", "1.3.6.1.2.1.10.127.1.1.1.1.2.3"),
    ("docsIfCmStatusValue.2", "1.3.6.1.2.1.10.127.1.2.2.1.1.2"),
    ("pktcMtaDevEnabled.0", "1.3.6.1.4.1.4491.2.2.1.1.1.7.0"),  # CableLabs, not the IETF mib-2.140 one
    ("pktcMtaDevProvConfigHash.0", "1.3.6.1.4.1.4491.2.2.1.1.2.7.0"),
    ("pktcNcsEndPntConfigCallAgentId.9", "1.3.6.1.4.1.4491.2.2.2.1.2.1.1.1.9"),
    ("enterprises.32473.1.0", "1.3.6.1.4.1.32473.1.0"),
    ("iso.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.4.0"),
    ("system.sysContact.0", "1.3.6.1.2.1.1.4.0"),
    (".1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.4.0"),
    ("1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.4.0"),
])
def test_resolve(text: str, dotted: str) -> None:
    """Names with numeric suffixes, label paths and numeric OIDs resolve to the MIBs' OIDs."""
    assert resolve(text) == tuple(int(arc) for arc in dotted.split("."))


@pytest.mark.parametrize("text", [
    "noSuchObject.0", "sysContact..0", "interfaces.sysContact.0", "1", ".3.6.1", "1.40.1", f"1.3.{2**32}", "",
    ".".join(["1"] * 129),
])
def test_resolve_refuses(text: str) -> None:
    """Unknown names, misplaced names and OIDs BER cannot encode are refused with a reason."""
    with pytest.raises(OidError):
        resolve(text)


def test_table_covers_the_prefixes_templates_use() -> None:
    """The table holds docsDev*, docsIf*, sys*, if* and pktcMta* names, all pktc* under CableLabs' 4491."""
    for prefix in ("docsDev", "docsIf", "sys", "if", "pktcMta"):
        assert sum(name.startswith(prefix) for name in NAME_TO_OID) >= 10, prefix
    assert all(NAME_TO_OID[n][:7] == (1, 3, 6, 1, 4, 1, 4491) for n in NAME_TO_OID if n.startswith("pktc"))


def test_name_of_uses_the_deepest_known_node() -> None:
    """Decoding prints the deepest named node plus the remaining arcs, or the numeric form."""
    arcs = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 0)
    assert name_of(arcs) == "enterprises.32473.1.1.0"
    assert name_of(arcs, numeric=True) == ".1.3.6.1.4.1.32473.1.1.0"
    assert name_of((1, 3, 6, 1, 2, 1, 140, 1, 2, 11, 0)) == "mib-2.140.1.2.11.0"
    assert name_of(resolve("docsDevNmAccessCommunity.2")) == "docsDevNmAccessCommunity.2"
    assert name_of((2, 5, 4)) == ".2.5.4"


def test_enum_labels() -> None:
    """Enum labels come from the object's SYNTAX; numeric decodes show only net-snmp's default modules' ones."""
    assert ENUMS["docsDevNmAccessStatus"][4] == "createAndGo"  # RowStatus
    assert enum_label(resolve("docsDevNmAccessControl.1"), 3) == "readWrite"
    assert enum_label(resolve("docsDevNmAccessControl.1"), 3, numeric=True) is None
    assert enum_label(resolve("ifAdminStatus.9"), 1, numeric=True) == "up"
    assert enum_label(resolve("pktcMtaDevEnabled.0"), 1) == "true"
    assert enum_label(resolve("sysContact.0"), 1) is None
