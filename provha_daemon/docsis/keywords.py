"""The keyword table: each setting of the text syntax, its TLV type (sub-type in a block), value kind and limits.

Names are the classic ``docsis`` tool's (they are the interface operators' templates are written in); types and
widths come from the DOCSIS 3.0/3.1 MULPI and SEC specs, annex C; the limits are those the tool checks, so a
value the tool accepts is accepted here, except that we never let a number wrap. Unlike the tool, a keyword is
looked up in the block it is written in only: the tool takes the first table entry of that name anywhere, so
``MaxDsLatency`` inside ``UsServiceFlow`` silently becomes ``MaxConcatenatedBurst``; here it is an error.

``SnmpMibObject``, ``SnmpWriteControl`` and ``GenericTLV`` have their own grammar (see ``parser``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class Kind(enum.Enum):
    """How a keyword's value is written and encoded."""

    UCHAR = "uchar"  # unsigned integer, 1 byte
    USHORT = "ushort"  # unsigned integer, 2 bytes big-endian
    UINT = "uint"  # unsigned integer, 4 bytes big-endian
    IP = "ip"  # dotted quad, 4 bytes
    IP6 = "ip6"  # IPv6 address, 16 bytes
    IP_PORT = "ip_port"  # address/port: 4 or 16 address bytes, then the port in 2 bytes
    IP_LIST = "ip_list"  # comma-separated dotted quads, 4 bytes each
    MAC = "mac"  # aa:bb:cc:dd:ee:ff, 6 bytes
    ETHERMASK = "ethermask"  # MAC/MASK, 12 bytes
    HEX = "hex"  # 0x…, raw bytes; lo/hi limit the byte count
    STRING = "string"  # "…", raw bytes; lo/hi limit the byte count
    STRZERO = "strzero"  # "…" plus a terminating zero byte; lo/hi limit the characters
    CHAR_LIST = "char_list"  # comma-separated numbers, 1 byte each
    USHORT_LIST = "ushort_list"  # comma-separated numbers, 2 bytes each; lo/hi limit the count
    OID = "oid"  # an OID, encoded as a complete BER OBJECT IDENTIFIER (06 len …)
    BLOCK = "block"  # Name { … } with sub-settings
    SNMP_OBJECT = "snmp_object"  # SnmpMibObject OID TYPE VALUE;
    SNMP_WRITE = "snmp_write"  # SnmpWriteControl OID 0|1;


INT_WIDTH: Mapping[Kind, int] = MappingProxyType({Kind.UCHAR: 1, Kind.USHORT: 2, Kind.UINT: 4})


@dataclass(frozen=True)
class Keyword:
    """One setting. For blocks, ``children`` are the settings allowed inside."""

    name: str
    code: int
    kind: Kind
    lo: int | None = None
    hi: int | None = None
    children: tuple[Keyword, ...] = ()
    by_name: Mapping[str, Keyword] = field(init=False, repr=False, compare=False)
    by_code: Mapping[int, Keyword] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, Keyword] = {}
        codes: dict[int, Keyword] = {}
        for child in self.children:
            # a duplicate would make decoding or lookup ambiguous; the table is static, so fail at import
            if child.name in names or child.code in codes:
                raise ValueError(f"duplicate sub-setting {child.name}/{child.code} in {self.name}")
            names[child.name] = child
            codes[child.code] = child
        object.__setattr__(self, "by_name", MappingProxyType(names))
        object.__setattr__(self, "by_code", MappingProxyType(codes))

    @property
    def limits(self) -> tuple[int, int]:
        """The inclusive (low, high) limits with the kind's defaults filled in."""
        if self.kind in INT_WIDTH:
            top = (1 << (8 * INT_WIDTH[self.kind])) - 1
            return (self.lo if self.lo is not None else 0, self.hi if self.hi is not None else top)
        if self.kind is Kind.STRZERO:
            return (self.lo or 0, self.hi if self.hi is not None else 254)
        return (self.lo or 0, self.hi if self.hi is not None else 255)


def _u8(name: str, code: int, lo: int | None = None, hi: int | None = None) -> Keyword:
    return Keyword(name, code, Kind.UCHAR, lo, hi)


def _u16(name: str, code: int, lo: int | None = None, hi: int | None = None) -> Keyword:
    return Keyword(name, code, Kind.USHORT, lo, hi)


def _u32(name: str, code: int, lo: int | None = None, hi: int | None = None) -> Keyword:
    return Keyword(name, code, Kind.UINT, lo, hi)


def _hex(name: str, code: int, lo: int | None = None, hi: int | None = None) -> Keyword:
    return Keyword(name, code, Kind.HEX, lo, hi)


def _str(name: str, code: int, lo: int | None = None, hi: int | None = None) -> Keyword:
    return Keyword(name, code, Kind.STRING, lo, hi)


def _block(name: str, code: int, *children: Keyword) -> Keyword:
    return Keyword(name, code, Kind.BLOCK, children=children)


def _kw(name: str, code: int, kind: Kind) -> Keyword:
    return Keyword(name, code, kind)


# TLV 43 in its DOCSIS 3.0 "general extension" meaning; the decoder switches to GenericTLV after a real vendor ID.
def _vendor_specific() -> Keyword:
    return _block(
        "VendorSpecific", 43,
        _u32("CMLoadBalancingPolicyID", 1),
        _u32("CMLoadBalancingPriority", 2),
        _u32("CMLoadBalancingGroupID", 3),
        _u16("CMRangingClassIDExtension", 4),
        _hex("VendorIdentifier", 8, 3, 3),
        _str("ServiceTypeIdentifier", 11, 1, 16),
    )


def _classifier(name: str, code: int) -> Keyword:
    """TLV 22 / 23 (MULPI C.2.1.4 ff.): both directions share their sub-settings."""
    return _block(
        name, code,
        _u8("ClassifierRef", 1, 1, 255),
        _u16("ClassifierId", 2, 1, 65535),
        _u16("ServiceFlowRef", 3, 1, 65535),
        _u32("ServiceFlowId", 4, 1),
        _u8("RulePriority", 5),
        _u8("ActivationState", 6, 0, 1),
        _u8("DscAction", 7, 0, 2),
        _block(
            "IpPacketClassifier", 9,
            _hex("IpTos", 1, 3, 3),
            _u16("IpProto", 2, 0, 257),
            _kw("IpSrcAddr", 3, Kind.IP),
            _kw("IpSrcMask", 4, Kind.IP),
            _kw("IpDstAddr", 5, Kind.IP),
            _kw("IpDstMask", 6, Kind.IP),
            _u16("SrcPortStart", 7),
            _u16("SrcPortEnd", 8),
            _u16("DstPortStart", 9),
            _u16("DstPortEnd", 10),
        ),
        _block(
            "LLCPacketClassifier", 10,
            _kw("DstMacAddress", 1, Kind.ETHERMASK),
            _kw("SrcMacAddress", 2, Kind.MAC),
            _hex("EtherType", 3, 3, 3),
        ),
        _block(
            "IEEE802Classifier", 11,
            _kw("UserPriority", 1, Kind.CHAR_LIST),
            _u16("VlanID", 2, 0, 4096),
        ),
        _block(
            "PcIPv6PacketClassification", 12,
            _hex("PcIPv6TrafficClassRangeAndMask", 1, 3, 3),
            _hex("PcIPv6FlowLabel", 2, 4, 4),
            _u16("PcIPv6NextHeaderType", 3, 0, 257),
            _kw("PcIPv6SourceAddress", 4, Kind.IP6),
            _u8("PcIPv6SourcePrefixLength", 5, 0, 128),
            _kw("PcIPv6DestAddress", 6, Kind.IP6),
            _u8("PcIPv6DestPrefixLength", 7, 0, 128),
        ),
        _vendor_specific(),
    )


def _flow_common() -> tuple[Keyword, ...]:
    """Sub-settings of TLV 24 and 25 that mean the same in both directions (MULPI C.2.2.5 ff.)."""
    return (
        Keyword("ServiceClassName", 4, Kind.STRZERO, 2, 16),
        _u8("QosParamSetType", 6),
        _u8("TrafficPriority", 7, 0, 7),
        _u32("MaxRateSustained", 8),
        _u32("MaxTrafficBurst", 9),
        _u32("MinReservedRate", 10),
        _u16("MinResPacketSize", 11),
        _u16("ActQosParamsTimeout", 12),
        _u16("AdmQosParamsTimeout", 13),
        _hex("IpTosOverwrite", 23, 2, 2),
        _hex("ServiceFlowRequiredAttributeMask", 31, 4, 4),
        _hex("ServiceFlowForbiddenAttributeMask", 32, 4, 4),
        _hex("ServiceFlowAttributeAggregationRuleMask", 33, 4, 4),
        _u32("ApplicationIdentifier", 34),
        _block("BufferControl", 35, _u32("MinimumBuffer", 1), _u32("TargetBuffer", 2), _u32("MaximumBuffer", 3)),
        _block("AQMEncodings", 40, _u8("SFAQMDisable", 1, 0, 1), _u8("SFAQMLatencyTarget", 2)),
        _u8("DataRateUnitSetting", 41, 0, 3),
        _vendor_specific(),
    )


US_SERVICE_FLOW = _block(
    "UsServiceFlow", 24,
    _u16("UsServiceFlowRef", 1, 1, 65535),
    _u32("UsServiceFlowId", 2, 1),
    _u16("ServiceIdentifier", 3),
    _u16("MaxConcatenatedBurst", 14),
    _u8("SchedulingType", 15, 0, 6),
    _hex("RequestOrTxPolicy", 16, 4, 4),
    _u32("NominalPollInterval", 17),
    _u32("ToleratedPollJitter", 18),
    _u16("UnsolicitedGrantSize", 19),
    _u32("NominalGrantInterval", 20),
    _u32("ToleratedGrantJitter", 21),
    _u8("GrantsPerInterval", 22, 0, 127),
    _u8("MultipliertoNumberofBytesRequested", 26, 1, 16),
    _u32("UpstreamPeakTrafficRate", 27),
    *_flow_common(),
)

DS_SERVICE_FLOW = _block(
    "DsServiceFlow", 25,
    _u16("DsServiceFlowRef", 1, 1, 65535),
    _u32("DsServiceFlowId", 2, 1),
    _u32("MaxDsLatency", 14),
    _u8("DsResequencing", 17, 0, 1),
    _u32("DownstreamPeakTrafficRate", 27),
    *_flow_common(),
)

MAIN = _block(
    "Main", 0,
    _u32("DownstreamFrequency", 1, 88000000, 1008000000),
    _u8("UpstreamChannelId", 2),
    _u8("NetworkAccess", 3, 0, 1),
    _block(
        "ClassOfService", 4,
        _u8("ClassID", 1, 1, 16),
        _u32("MaxRateDown", 2, 0, 1334880000),
        _u32("MaxRateUp", 3, 0, 183900000),
        _u8("PriorityUp", 4, 0, 7),
        _u32("GuaranteedUp", 5, 0, 183900000),
        _u16("MaxBurstUp", 6),
        _u8("PrivacyEnable", 7, 0, 1),
    ),
    _str("SwUpgradeFilename", 9),
    _kw("SnmpWriteControl", 10, Kind.SNMP_WRITE),
    _kw("SnmpMibObject", 11, Kind.SNMP_OBJECT),
    _kw("ModemIPAddress", 12, Kind.IP),
    _kw("CpeMacAddress", 14, Kind.MAC),
    _block(
        "BaselinePrivacy", 17,  # SEC annex A.1.1.1
        _u32("AuthTimeout", 1, 1, 30),
        _u32("ReAuthTimeout", 2, 1, 30),
        _u32("AuthGraceTime", 3, 1, 6047999),
        _u32("OperTimeout", 4, 1, 10),
        _u32("ReKeyTimeout", 5, 1, 10),
        _u32("TEKGraceTime", 6, 1, 302399),
        _u32("AuthRejectTimeout", 7, 1, 600),
        _u32("SAMapWaitTimeout", 8, 1, 10),
        _u32("SAMapMaxRetries", 9, 0, 10),
    ),
    _u8("MaxCPE", 18, 1, 254),
    _u32("TftpTimestamp", 19),
    _kw("TftpModemAddress", 20, Kind.IP),
    _kw("SwUpgradeServer", 21, Kind.IP),
    _classifier("UsPacketClass", 22),
    _classifier("DsPacketClass", 23),
    US_SERVICE_FLOW,
    DS_SERVICE_FLOW,
    _block(
        "PHS", 26,
        _u8("PHSClassifierRef", 1, 1, 255),
        _u16("PHSClassifierId", 2, 1, 65535),
        _u16("PHSServiceFlowRef", 3, 1, 65535),
        _u32("PHSServiceFlowId", 4, 1),
        _u8("PHSDSCAction", 5, 0, 3),
        _hex("PHSField", 7, 1, 255),
        _u8("PHSIndex", 8, 1, 255),
        _hex("PHSMask", 9, 1, 255),
        _u8("PHSSize", 10, 1, 255),
        _u8("PHSVerify", 11, 0, 1),
        _u8("PHSDBCAction", 13, 0, 1),
        _vendor_specific(),
    ),
    _u16("MaxClassifiers", 28),
    _u8("GlobalPrivacyEnable", 29, 0, 1),
    _hex("MfgCVCData", 32, 0, 255),
    _hex("CoSignerCVCData", 33, 0, 255),
    _hex("SubMgmtControl", 35, 3, 3),
    _kw("SubscriberManagementCPEIPTable", 36, Kind.IP_LIST),
    Keyword("SubMgmtFilters", 37, Kind.USHORT_LIST, 4, 10),
    _block(
        "SnmpV3TrapReceiver", 38,
        _kw("SnmpV3TrapRxIP", 1, Kind.IP),
        _u16("SnmpV3TrapRxPort", 2),
        _u16("SnmpV3TrapRxType", 3, 1, 5),
        _u16("SnmpV3TrapRxTimeout", 4),
        _u16("SnmpV3TrapRxRetries", 5),
        _kw("SnmpV3TrapRxFilterOID", 6, Kind.OID),
        _str("SnmpV3TrapRxSecurityName", 7, 1, 16),
        _kw("SnmpV3TrapRxIP6", 8, Kind.IP6),
    ),
    _u8("DocsisTwoEnable", 39, 0, 1),
    _u8("EnableTestModes", 40, 0, 1),
    _vendor_specific(),
    _block(
        "SNMPv1v2cCoexistenceConfig", 53,
        _str("SNMPv1v2cCommunityName", 1),
        _block(
            "SNMPv1v2cTransportAddressAccess", 2,
            _kw("SNMPv1v2cTransportAddress", 1, Kind.IP_PORT),
            _kw("SNMPv1v2cTransportAddressMask", 2, Kind.IP_PORT),
        ),
        _u8("SNMPv1v2cAccessViewType", 3, 1, 2),
        _str("SNMPv1v2cAccessViewName", 4),
    ),
    _u8("SNMPCPEAccessControl", 55, 0, 1),
    _kw("SwUpgradeServer6", 58, Kind.IP6),
    _kw("TFTPProvisionedModemIPv6Address", 59, Kind.IP6),
    _u8("MtaConfigDelimiter", 254, 1, 255),
)

# Top-level types the encoder adds itself; a text that sets them is rejected, as is GenericTLV with these codes.
CM_MIC_CODE = 6
CMTS_MIC_CODE = 7
END_CODE = 255
MTA_DELIMITER_CODE = 254
SNMP_CODE = 11
LONG_SNMP_CODE = 64  # PacketCable: an SNMP object longer than 255 bytes, with a 2-byte length
COMPUTED = MappingProxyType({"CmMic": CM_MIC_CODE, "CmtsMic": CMTS_MIC_CODE})


def walk(block: Keyword = MAIN, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Keyword]]:
    """Every keyword under ``block`` with the block path it lives in (``("Main", "UsServiceFlow")``)."""
    here = (*path, block.name)
    for child in block.children:
        yield here, child
        if child.kind is Kind.BLOCK:
            yield from walk(child, here)


def _homes() -> Mapping[str, tuple[str, ...]]:
    homes: dict[str, list[str]] = {}
    for path, keyword in walk():
        homes.setdefault(keyword.name, [])
        if path[-1] not in homes[keyword.name]:
            homes[keyword.name].append(path[-1])
    return MappingProxyType({name: tuple(blocks) for name, blocks in homes.items()})


HOMES: Mapping[str, tuple[str, ...]] = _homes()
"""For an error message: which blocks a keyword may appear in."""

ALL_NAMES: frozenset[str] = frozenset(HOMES) | {"GenericTLV"} | set(COMPUTED)
