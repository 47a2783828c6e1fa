"""Our own symbolic OID table: MIB object names to numeric OIDs, and the enumeration labels the decoder shows.

The classic tool resolves names through net-snmp and the MIB files NMS Prime installs; we carry the part of that
tree that operators' templates use instead, so that no MIB parsing happens at run time:

* SNMPv2-SMI roots (``iso``, ``mib-2``, ``enterprises``, …), SNMPv2-MIB (``sys*``, ``snmp*``) and IF-MIB (``if*``);
* DOCS-IF-MIB (``docsIf*``, RFC 4546) and DOCS-CABLE-DEVICE-MIB (``docsDev*``, RFC 4639);
* CableLabs PacketCable: CLAB-DEF-MIB, PKTC-MTA-MIB (``pktcMta*``), PKTC-SIG-MIB (``pktcSig*``, ``pktcNcs*``) and
  PKTC-EVENT-MIB (``pktcDevEv*``), all under 1.3.6.1.4.1.4491, as NMS Prime resolves them; the IETF PKTC MIBs
  (mib-2.140) are deliberately absent, so ``pktcMtaDevEnabled`` is the CableLabs object.

A name may carry a numeric suffix (``ifAdminStatus.1``, ``sysContact.0``, ``enterprises.32473.1.0``) or be a path
of names and numbers (``iso.3.6.1.2.1.1.4.0``); see ``resolve``. Decoding prints the deepest named node plus the
remaining arcs, as net-snmp does, and an enumeration label as a comment. In numeric mode (``-o``) the tool loads
only net-snmp's default MIBs, which include SNMPv2-MIB and IF-MIB but none of the DOCSIS or PacketCable ones, so
only the labels of those two modules are shown there.

The tables are data transcribed from those published MIB modules (RFC 3418, RFC 2863, RFC 4546, RFC 4639 and
the CableLabs PKTC/CLAB modules): one ``OID name`` line per node grouped under ``@ MODULE`` headers, the INTEGER
enumerations (also those of textual conventions such as RowStatus and TruthValue), and the SIZE limits of string
objects, which the tool enforces when its MIBs are loaded (as in NMS Prime) and so do we (``size_limits``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Modules net-snmp loads without MIBS=ALL; their enum labels also show in numeric decodes.
_DEFAULT_MODULES = frozenset({"SNMPv2-SMI", "SNMPv2-MIB", "IF-MIB"})

_TABLE = """
@ SNMPv2-SMI
1 iso
1.3 org
1.3.6 dod
1.3.6.1 internet
1.3.6.1.1 directory
1.3.6.1.2 mgmt
1.3.6.1.2.1 mib-2
1.3.6.1.2.1.10 transmission
1.3.6.1.3 experimental
1.3.6.1.4 private
1.3.6.1.4.1 enterprises
1.3.6.1.5 security
1.3.6.1.6 snmpV2
1.3.6.1.6.1 snmpDomains
1.3.6.1.6.2 snmpProxys
1.3.6.1.6.3 snmpModules
@ SNMPv2-MIB
1.3.6.1.2.1.1 system
1.3.6.1.2.1.1.1 sysDescr
1.3.6.1.2.1.1.2 sysObjectID
1.3.6.1.2.1.1.3 sysUpTime
1.3.6.1.2.1.1.4 sysContact
1.3.6.1.2.1.1.5 sysName
1.3.6.1.2.1.1.6 sysLocation
1.3.6.1.2.1.1.7 sysServices
1.3.6.1.2.1.1.8 sysORLastChange
1.3.6.1.2.1.1.9 sysORTable
1.3.6.1.2.1.1.9.1 sysOREntry
1.3.6.1.2.1.1.9.1.2 sysORID
1.3.6.1.2.1.1.9.1.3 sysORDescr
1.3.6.1.2.1.1.9.1.4 sysORUpTime
1.3.6.1.2.1.11 snmp
1.3.6.1.2.1.11.1 snmpInPkts
1.3.6.1.2.1.11.2 snmpOutPkts
1.3.6.1.2.1.11.3 snmpInBadVersions
1.3.6.1.2.1.11.4 snmpInBadCommunityNames
1.3.6.1.2.1.11.5 snmpInBadCommunityUses
1.3.6.1.2.1.11.6 snmpInASNParseErrs
1.3.6.1.2.1.11.8 snmpInTooBigs
1.3.6.1.2.1.11.9 snmpInNoSuchNames
1.3.6.1.2.1.11.10 snmpInBadValues
1.3.6.1.2.1.11.11 snmpInReadOnlys
1.3.6.1.2.1.11.12 snmpInGenErrs
1.3.6.1.2.1.11.13 snmpInTotalReqVars
1.3.6.1.2.1.11.14 snmpInTotalSetVars
1.3.6.1.2.1.11.15 snmpInGetRequests
1.3.6.1.2.1.11.16 snmpInGetNexts
1.3.6.1.2.1.11.17 snmpInSetRequests
1.3.6.1.2.1.11.18 snmpInGetResponses
1.3.6.1.2.1.11.19 snmpInTraps
1.3.6.1.2.1.11.20 snmpOutTooBigs
1.3.6.1.2.1.11.21 snmpOutNoSuchNames
1.3.6.1.2.1.11.22 snmpOutBadValues
1.3.6.1.2.1.11.24 snmpOutGenErrs
1.3.6.1.2.1.11.25 snmpOutGetRequests
1.3.6.1.2.1.11.26 snmpOutGetNexts
1.3.6.1.2.1.11.27 snmpOutSetRequests
1.3.6.1.2.1.11.28 snmpOutGetResponses
1.3.6.1.2.1.11.29 snmpOutTraps
1.3.6.1.2.1.11.30 snmpEnableAuthenTraps
1.3.6.1.2.1.11.31 snmpSilentDrops
1.3.6.1.2.1.11.32 snmpProxyDrops
1.3.6.1.6.3.1 snmpMIB
1.3.6.1.6.3.1.1 snmpMIBObjects
1.3.6.1.6.3.1.1.4 snmpTrap
1.3.6.1.6.3.1.1.4.1 snmpTrapOID
1.3.6.1.6.3.1.1.4.3 snmpTrapEnterprise
1.3.6.1.6.3.1.1.5 snmpTraps
1.3.6.1.6.3.1.1.5.1 coldStart
1.3.6.1.6.3.1.1.5.2 warmStart
1.3.6.1.6.3.1.1.5.5 authenticationFailure
1.3.6.1.6.3.1.1.6 snmpSet
1.3.6.1.6.3.1.1.6.1 snmpSetSerialNo
1.3.6.1.6.3.1.2 snmpMIBConformance
1.3.6.1.6.3.1.2.1 snmpMIBCompliances
1.3.6.1.6.3.1.2.1.2 snmpBasicCompliance
1.3.6.1.6.3.1.2.1.3 snmpBasicComplianceRev2
1.3.6.1.6.3.1.2.2 snmpMIBGroups
1.3.6.1.6.3.1.2.2.5 snmpSetGroup
1.3.6.1.6.3.1.2.2.6 systemGroup
1.3.6.1.6.3.1.2.2.7 snmpBasicNotificationsGroup
1.3.6.1.6.3.1.2.2.8 snmpGroup
1.3.6.1.6.3.1.2.2.9 snmpCommunityGroup
1.3.6.1.6.3.1.2.2.10 snmpObsoleteGroup
1.3.6.1.6.3.1.2.2.11 snmpWarmStartNotificationGroup
1.3.6.1.6.3.1.2.2.12 snmpNotificationGroup
@ IF-MIB
1.3.6.1.2.1.2 interfaces
1.3.6.1.2.1.2.1 ifNumber
1.3.6.1.2.1.2.2 ifTable
1.3.6.1.2.1.2.2.1 ifEntry
1.3.6.1.2.1.2.2.1.2 ifDescr
1.3.6.1.2.1.2.2.1.3 ifType
1.3.6.1.2.1.2.2.1.4 ifMtu
1.3.6.1.2.1.2.2.1.5 ifSpeed
1.3.6.1.2.1.2.2.1.6 ifPhysAddress
1.3.6.1.2.1.2.2.1.7 ifAdminStatus
1.3.6.1.2.1.2.2.1.8 ifOperStatus
1.3.6.1.2.1.2.2.1.9 ifLastChange
1.3.6.1.2.1.2.2.1.10 ifInOctets
1.3.6.1.2.1.2.2.1.11 ifInUcastPkts
1.3.6.1.2.1.2.2.1.12 ifInNUcastPkts
1.3.6.1.2.1.2.2.1.13 ifInDiscards
1.3.6.1.2.1.2.2.1.14 ifInErrors
1.3.6.1.2.1.2.2.1.15 ifInUnknownProtos
1.3.6.1.2.1.2.2.1.16 ifOutOctets
1.3.6.1.2.1.2.2.1.17 ifOutUcastPkts
1.3.6.1.2.1.2.2.1.18 ifOutNUcastPkts
1.3.6.1.2.1.2.2.1.19 ifOutDiscards
1.3.6.1.2.1.2.2.1.20 ifOutErrors
1.3.6.1.2.1.2.2.1.21 ifOutQLen
1.3.6.1.2.1.2.2.1.22 ifSpecific
1.3.6.1.2.1.31 ifMIB
1.3.6.1.2.1.31.1 ifMIBObjects
1.3.6.1.2.1.31.1.1 ifXTable
1.3.6.1.2.1.31.1.1.1 ifXEntry
1.3.6.1.2.1.31.1.1.1.1 ifName
1.3.6.1.2.1.31.1.1.1.2 ifInMulticastPkts
1.3.6.1.2.1.31.1.1.1.3 ifInBroadcastPkts
1.3.6.1.2.1.31.1.1.1.4 ifOutMulticastPkts
1.3.6.1.2.1.31.1.1.1.5 ifOutBroadcastPkts
1.3.6.1.2.1.31.1.1.1.6 ifHCInOctets
1.3.6.1.2.1.31.1.1.1.7 ifHCInUcastPkts
1.3.6.1.2.1.31.1.1.1.8 ifHCInMulticastPkts
1.3.6.1.2.1.31.1.1.1.9 ifHCInBroadcastPkts
1.3.6.1.2.1.31.1.1.1.10 ifHCOutOctets
1.3.6.1.2.1.31.1.1.1.11 ifHCOutUcastPkts
1.3.6.1.2.1.31.1.1.1.12 ifHCOutMulticastPkts
1.3.6.1.2.1.31.1.1.1.13 ifHCOutBroadcastPkts
1.3.6.1.2.1.31.1.1.1.14 ifLinkUpDownTrapEnable
1.3.6.1.2.1.31.1.1.1.15 ifHighSpeed
1.3.6.1.2.1.31.1.1.1.16 ifPromiscuousMode
1.3.6.1.2.1.31.1.1.1.17 ifConnectorPresent
1.3.6.1.2.1.31.1.1.1.18 ifAlias
1.3.6.1.2.1.31.1.1.1.19 ifCounterDiscontinuityTime
1.3.6.1.2.1.31.1.2 ifStackTable
1.3.6.1.2.1.31.1.2.1 ifStackEntry
1.3.6.1.2.1.31.1.2.1.1 ifStackHigherLayer
1.3.6.1.2.1.31.1.2.1.2 ifStackLowerLayer
1.3.6.1.2.1.31.1.2.1.3 ifStackStatus
1.3.6.1.2.1.31.1.3 ifTestTable
1.3.6.1.2.1.31.1.3.1 ifTestEntry
1.3.6.1.2.1.31.1.3.1.2 ifTestStatus
1.3.6.1.2.1.31.1.3.1.3 ifTestType
1.3.6.1.2.1.31.1.3.1.4 ifTestResult
1.3.6.1.2.1.31.1.3.1.5 ifTestCode
1.3.6.1.2.1.31.1.3.1.6 ifTestOwner
1.3.6.1.2.1.31.1.4 ifRcvAddressTable
1.3.6.1.2.1.31.1.4.1 ifRcvAddressEntry
1.3.6.1.2.1.31.1.4.1.1 ifRcvAddressAddress
1.3.6.1.2.1.31.1.4.1.2 ifRcvAddressStatus
1.3.6.1.2.1.31.1.4.1.3 ifRcvAddressType
1.3.6.1.2.1.31.1.5 ifTableLastChange
1.3.6.1.2.1.31.1.6 ifStackLastChange
1.3.6.1.2.1.31.2 ifConformance
1.3.6.1.2.1.31.2.1 ifGroups
1.3.6.1.2.1.31.2.1.1 ifGeneralGroup
1.3.6.1.2.1.31.2.1.2 ifFixedLengthGroup
1.3.6.1.2.1.31.2.1.3 ifHCFixedLengthGroup
1.3.6.1.2.1.31.2.1.4 ifPacketGroup
1.3.6.1.2.1.31.2.1.5 ifHCPacketGroup
1.3.6.1.2.1.31.2.1.6 ifVHCPacketGroup
1.3.6.1.2.1.31.2.1.7 ifRcvAddressGroup
1.3.6.1.2.1.31.2.1.8 ifTestGroup
1.3.6.1.2.1.31.2.1.9 ifStackGroup
1.3.6.1.2.1.31.2.1.10 ifGeneralInformationGroup
1.3.6.1.2.1.31.2.1.11 ifStackGroup2
1.3.6.1.2.1.31.2.1.12 ifOldObjectsGroup
1.3.6.1.2.1.31.2.1.13 ifCounterDiscontinuityGroup
1.3.6.1.2.1.31.2.1.14 linkUpDownNotificationsGroup
1.3.6.1.2.1.31.2.2 ifCompliances
1.3.6.1.2.1.31.2.2.1 ifCompliance
1.3.6.1.2.1.31.2.2.2 ifCompliance2
1.3.6.1.2.1.31.2.2.3 ifCompliance3
1.3.6.1.6.3.1.1.5.3 linkDown
1.3.6.1.6.3.1.1.5.4 linkUp
@ DOCS-IF-MIB
1.3.6.1.2.1.10.127 docsIfMib
1.3.6.1.2.1.10.127.1 docsIfMibObjects
1.3.6.1.2.1.10.127.1.1 docsIfBaseObjects
1.3.6.1.2.1.10.127.1.1.1 docsIfDownstreamChannelTable
1.3.6.1.2.1.10.127.1.1.1.1 docsIfDownstreamChannelEntry
1.3.6.1.2.1.10.127.1.1.1.1.1 docsIfDownChannelId
1.3.6.1.2.1.10.127.1.1.1.1.2 docsIfDownChannelFrequency
1.3.6.1.2.1.10.127.1.1.1.1.3 docsIfDownChannelWidth
1.3.6.1.2.1.10.127.1.1.1.1.4 docsIfDownChannelModulation
1.3.6.1.2.1.10.127.1.1.1.1.5 docsIfDownChannelInterleave
1.3.6.1.2.1.10.127.1.1.1.1.6 docsIfDownChannelPower
1.3.6.1.2.1.10.127.1.1.1.1.7 docsIfDownChannelAnnex
1.3.6.1.2.1.10.127.1.1.1.1.8 docsIfDownChannelStorageType
1.3.6.1.2.1.10.127.1.1.2 docsIfUpstreamChannelTable
1.3.6.1.2.1.10.127.1.1.2.1 docsIfUpstreamChannelEntry
1.3.6.1.2.1.10.127.1.1.2.1.1 docsIfUpChannelId
1.3.6.1.2.1.10.127.1.1.2.1.2 docsIfUpChannelFrequency
1.3.6.1.2.1.10.127.1.1.2.1.3 docsIfUpChannelWidth
1.3.6.1.2.1.10.127.1.1.2.1.4 docsIfUpChannelModulationProfile
1.3.6.1.2.1.10.127.1.1.2.1.5 docsIfUpChannelSlotSize
1.3.6.1.2.1.10.127.1.1.2.1.6 docsIfUpChannelTxTimingOffset
1.3.6.1.2.1.10.127.1.1.2.1.7 docsIfUpChannelRangingBackoffStart
1.3.6.1.2.1.10.127.1.1.2.1.8 docsIfUpChannelRangingBackoffEnd
1.3.6.1.2.1.10.127.1.1.2.1.9 docsIfUpChannelTxBackoffStart
1.3.6.1.2.1.10.127.1.1.2.1.10 docsIfUpChannelTxBackoffEnd
1.3.6.1.2.1.10.127.1.1.2.1.11 docsIfUpChannelScdmaActiveCodes
1.3.6.1.2.1.10.127.1.1.2.1.12 docsIfUpChannelScdmaCodesPerSlot
1.3.6.1.2.1.10.127.1.1.2.1.13 docsIfUpChannelScdmaFrameSize
1.3.6.1.2.1.10.127.1.1.2.1.14 docsIfUpChannelScdmaHoppingSeed
1.3.6.1.2.1.10.127.1.1.2.1.15 docsIfUpChannelType
1.3.6.1.2.1.10.127.1.1.2.1.16 docsIfUpChannelCloneFrom
1.3.6.1.2.1.10.127.1.1.2.1.17 docsIfUpChannelUpdate
1.3.6.1.2.1.10.127.1.1.2.1.18 docsIfUpChannelStatus
1.3.6.1.2.1.10.127.1.1.2.1.19 docsIfUpChannelPreEqEnable
1.3.6.1.2.1.10.127.1.1.3 docsIfQosProfileTable
1.3.6.1.2.1.10.127.1.1.3.1 docsIfQosProfileEntry
1.3.6.1.2.1.10.127.1.1.3.1.1 docsIfQosProfIndex
1.3.6.1.2.1.10.127.1.1.3.1.2 docsIfQosProfPriority
1.3.6.1.2.1.10.127.1.1.3.1.3 docsIfQosProfMaxUpBandwidth
1.3.6.1.2.1.10.127.1.1.3.1.4 docsIfQosProfGuarUpBandwidth
1.3.6.1.2.1.10.127.1.1.3.1.5 docsIfQosProfMaxDownBandwidth
1.3.6.1.2.1.10.127.1.1.3.1.6 docsIfQosProfMaxTxBurst
1.3.6.1.2.1.10.127.1.1.3.1.7 docsIfQosProfBaselinePrivacy
1.3.6.1.2.1.10.127.1.1.3.1.8 docsIfQosProfStatus
1.3.6.1.2.1.10.127.1.1.3.1.9 docsIfQosProfMaxTransmitBurst
1.3.6.1.2.1.10.127.1.1.3.1.10 docsIfQosProfStorageType
1.3.6.1.2.1.10.127.1.1.4 docsIfSignalQualityTable
1.3.6.1.2.1.10.127.1.1.4.1 docsIfSignalQualityEntry
1.3.6.1.2.1.10.127.1.1.4.1.1 docsIfSigQIncludesContention
1.3.6.1.2.1.10.127.1.1.4.1.2 docsIfSigQUnerroreds
1.3.6.1.2.1.10.127.1.1.4.1.3 docsIfSigQCorrecteds
1.3.6.1.2.1.10.127.1.1.4.1.4 docsIfSigQUncorrectables
1.3.6.1.2.1.10.127.1.1.4.1.5 docsIfSigQSignalNoise
1.3.6.1.2.1.10.127.1.1.4.1.6 docsIfSigQMicroreflections
1.3.6.1.2.1.10.127.1.1.4.1.7 docsIfSigQEqualizationData
1.3.6.1.2.1.10.127.1.1.4.1.8 docsIfSigQExtUnerroreds
1.3.6.1.2.1.10.127.1.1.4.1.9 docsIfSigQExtCorrecteds
1.3.6.1.2.1.10.127.1.1.4.1.10 docsIfSigQExtUncorrectables
1.3.6.1.2.1.10.127.1.1.5 docsIfDocsisBaseCapability
1.3.6.1.2.1.10.127.1.2 docsIfCmObjects
1.3.6.1.2.1.10.127.1.2.1 docsIfCmMacTable
1.3.6.1.2.1.10.127.1.2.1.1 docsIfCmMacEntry
1.3.6.1.2.1.10.127.1.2.1.1.1 docsIfCmCmtsAddress
1.3.6.1.2.1.10.127.1.2.1.1.2 docsIfCmCapabilities
1.3.6.1.2.1.10.127.1.2.1.1.3 docsIfCmRangingRespTimeout
1.3.6.1.2.1.10.127.1.2.1.1.4 docsIfCmRangingTimeout
1.3.6.1.2.1.10.127.1.2.2 docsIfCmStatusTable
1.3.6.1.2.1.10.127.1.2.2.1 docsIfCmStatusEntry
1.3.6.1.2.1.10.127.1.2.2.1.1 docsIfCmStatusValue
1.3.6.1.2.1.10.127.1.2.2.1.2 docsIfCmStatusCode
1.3.6.1.2.1.10.127.1.2.2.1.3 docsIfCmStatusTxPower
1.3.6.1.2.1.10.127.1.2.2.1.4 docsIfCmStatusResets
1.3.6.1.2.1.10.127.1.2.2.1.5 docsIfCmStatusLostSyncs
1.3.6.1.2.1.10.127.1.2.2.1.6 docsIfCmStatusInvalidMaps
1.3.6.1.2.1.10.127.1.2.2.1.7 docsIfCmStatusInvalidUcds
1.3.6.1.2.1.10.127.1.2.2.1.8 docsIfCmStatusInvalidRangingResponses
1.3.6.1.2.1.10.127.1.2.2.1.9 docsIfCmStatusInvalidRegistrationResponses
1.3.6.1.2.1.10.127.1.2.2.1.10 docsIfCmStatusT1Timeouts
1.3.6.1.2.1.10.127.1.2.2.1.11 docsIfCmStatusT2Timeouts
1.3.6.1.2.1.10.127.1.2.2.1.12 docsIfCmStatusT3Timeouts
1.3.6.1.2.1.10.127.1.2.2.1.13 docsIfCmStatusT4Timeouts
1.3.6.1.2.1.10.127.1.2.2.1.14 docsIfCmStatusRangingAborteds
1.3.6.1.2.1.10.127.1.2.2.1.15 docsIfCmStatusDocsisOperMode
1.3.6.1.2.1.10.127.1.2.2.1.16 docsIfCmStatusModulationType
1.3.6.1.2.1.10.127.1.2.2.1.17 docsIfCmStatusEqualizationData
1.3.6.1.2.1.10.127.1.2.2.1.18 docsIfCmStatusUCCs
1.3.6.1.2.1.10.127.1.2.2.1.19 docsIfCmStatusUCCFails
1.3.6.1.2.1.10.127.1.2.3 docsIfCmServiceTable
1.3.6.1.2.1.10.127.1.2.3.1 docsIfCmServiceEntry
1.3.6.1.2.1.10.127.1.2.3.1.1 docsIfCmServiceId
1.3.6.1.2.1.10.127.1.2.3.1.2 docsIfCmServiceQosProfile
1.3.6.1.2.1.10.127.1.2.3.1.3 docsIfCmServiceTxSlotsImmed
1.3.6.1.2.1.10.127.1.2.3.1.4 docsIfCmServiceTxSlotsDed
1.3.6.1.2.1.10.127.1.2.3.1.5 docsIfCmServiceTxRetries
1.3.6.1.2.1.10.127.1.2.3.1.6 docsIfCmServiceTxExceededs
1.3.6.1.2.1.10.127.1.2.3.1.7 docsIfCmServiceRqRetries
1.3.6.1.2.1.10.127.1.2.3.1.8 docsIfCmServiceRqExceededs
1.3.6.1.2.1.10.127.1.2.3.1.9 docsIfCmServiceExtTxSlotsImmed
1.3.6.1.2.1.10.127.1.2.3.1.10 docsIfCmServiceExtTxSlotsDed
1.3.6.1.2.1.10.127.1.3 docsIfCmtsObjects
1.3.6.1.2.1.10.127.1.3.1 docsIfCmtsMacTable
1.3.6.1.2.1.10.127.1.3.1.1 docsIfCmtsMacEntry
1.3.6.1.2.1.10.127.1.3.1.1.1 docsIfCmtsCapabilities
1.3.6.1.2.1.10.127.1.3.1.1.2 docsIfCmtsSyncInterval
1.3.6.1.2.1.10.127.1.3.1.1.3 docsIfCmtsUcdInterval
1.3.6.1.2.1.10.127.1.3.1.1.4 docsIfCmtsMaxServiceIds
1.3.6.1.2.1.10.127.1.3.1.1.5 docsIfCmtsInsertionInterval
1.3.6.1.2.1.10.127.1.3.1.1.6 docsIfCmtsInvitedRangingAttempts
1.3.6.1.2.1.10.127.1.3.1.1.7 docsIfCmtsInsertInterval
1.3.6.1.2.1.10.127.1.3.1.1.8 docsIfCmtsMacStorageType
1.3.6.1.2.1.10.127.1.3.2 docsIfCmtsStatusTable
1.3.6.1.2.1.10.127.1.3.2.1 docsIfCmtsStatusEntry
1.3.6.1.2.1.10.127.1.3.2.1.1 docsIfCmtsStatusInvalidRangeReqs
1.3.6.1.2.1.10.127.1.3.2.1.2 docsIfCmtsStatusRangingAborteds
1.3.6.1.2.1.10.127.1.3.2.1.3 docsIfCmtsStatusInvalidRegReqs
1.3.6.1.2.1.10.127.1.3.2.1.4 docsIfCmtsStatusFailedRegReqs
1.3.6.1.2.1.10.127.1.3.2.1.5 docsIfCmtsStatusInvalidDataReqs
1.3.6.1.2.1.10.127.1.3.2.1.6 docsIfCmtsStatusT5Timeouts
1.3.6.1.2.1.10.127.1.3.3 docsIfCmtsCmStatusTable
1.3.6.1.2.1.10.127.1.3.3.1 docsIfCmtsCmStatusEntry
1.3.6.1.2.1.10.127.1.3.3.1.1 docsIfCmtsCmStatusIndex
1.3.6.1.2.1.10.127.1.3.3.1.2 docsIfCmtsCmStatusMacAddress
1.3.6.1.2.1.10.127.1.3.3.1.3 docsIfCmtsCmStatusIpAddress
1.3.6.1.2.1.10.127.1.3.3.1.4 docsIfCmtsCmStatusDownChannelIfIndex
1.3.6.1.2.1.10.127.1.3.3.1.5 docsIfCmtsCmStatusUpChannelIfIndex
1.3.6.1.2.1.10.127.1.3.3.1.6 docsIfCmtsCmStatusRxPower
1.3.6.1.2.1.10.127.1.3.3.1.7 docsIfCmtsCmStatusTimingOffset
1.3.6.1.2.1.10.127.1.3.3.1.8 docsIfCmtsCmStatusEqualizationData
1.3.6.1.2.1.10.127.1.3.3.1.9 docsIfCmtsCmStatusValue
1.3.6.1.2.1.10.127.1.3.3.1.10 docsIfCmtsCmStatusUnerroreds
1.3.6.1.2.1.10.127.1.3.3.1.11 docsIfCmtsCmStatusCorrecteds
1.3.6.1.2.1.10.127.1.3.3.1.12 docsIfCmtsCmStatusUncorrectables
1.3.6.1.2.1.10.127.1.3.3.1.13 docsIfCmtsCmStatusSignalNoise
1.3.6.1.2.1.10.127.1.3.3.1.14 docsIfCmtsCmStatusMicroreflections
1.3.6.1.2.1.10.127.1.3.3.1.15 docsIfCmtsCmStatusExtUnerroreds
1.3.6.1.2.1.10.127.1.3.3.1.16 docsIfCmtsCmStatusExtCorrecteds
1.3.6.1.2.1.10.127.1.3.3.1.17 docsIfCmtsCmStatusExtUncorrectables
1.3.6.1.2.1.10.127.1.3.3.1.18 docsIfCmtsCmStatusDocsisRegMode
1.3.6.1.2.1.10.127.1.3.3.1.19 docsIfCmtsCmStatusModulationType
1.3.6.1.2.1.10.127.1.3.3.1.20 docsIfCmtsCmStatusInetAddressType
1.3.6.1.2.1.10.127.1.3.3.1.21 docsIfCmtsCmStatusInetAddress
1.3.6.1.2.1.10.127.1.3.3.1.22 docsIfCmtsCmStatusValueLastUpdate
1.3.6.1.2.1.10.127.1.3.3.1.23 docsIfCmtsCmStatusHighResolutionTimingOffset
1.3.6.1.2.1.10.127.1.3.4 docsIfCmtsServiceTable
1.3.6.1.2.1.10.127.1.3.4.1 docsIfCmtsServiceEntry
1.3.6.1.2.1.10.127.1.3.4.1.1 docsIfCmtsServiceId
1.3.6.1.2.1.10.127.1.3.4.1.2 docsIfCmtsServiceCmStatusIndex
1.3.6.1.2.1.10.127.1.3.4.1.3 docsIfCmtsServiceAdminStatus
1.3.6.1.2.1.10.127.1.3.4.1.4 docsIfCmtsServiceQosProfile
1.3.6.1.2.1.10.127.1.3.4.1.5 docsIfCmtsServiceCreateTime
1.3.6.1.2.1.10.127.1.3.4.1.6 docsIfCmtsServiceInOctets
1.3.6.1.2.1.10.127.1.3.4.1.7 docsIfCmtsServiceInPackets
1.3.6.1.2.1.10.127.1.3.4.1.8 docsIfCmtsServiceNewCmStatusIndex
1.3.6.1.2.1.10.127.1.3.5 docsIfCmtsModulationTable
1.3.6.1.2.1.10.127.1.3.5.1 docsIfCmtsModulationEntry
1.3.6.1.2.1.10.127.1.3.5.1.1 docsIfCmtsModIndex
1.3.6.1.2.1.10.127.1.3.5.1.2 docsIfCmtsModIntervalUsageCode
1.3.6.1.2.1.10.127.1.3.5.1.3 docsIfCmtsModControl
1.3.6.1.2.1.10.127.1.3.5.1.4 docsIfCmtsModType
1.3.6.1.2.1.10.127.1.3.5.1.5 docsIfCmtsModPreambleLen
1.3.6.1.2.1.10.127.1.3.5.1.6 docsIfCmtsModDifferentialEncoding
1.3.6.1.2.1.10.127.1.3.5.1.7 docsIfCmtsModFECErrorCorrection
1.3.6.1.2.1.10.127.1.3.5.1.8 docsIfCmtsModFECCodewordLength
1.3.6.1.2.1.10.127.1.3.5.1.9 docsIfCmtsModScramblerSeed
1.3.6.1.2.1.10.127.1.3.5.1.10 docsIfCmtsModMaxBurstSize
1.3.6.1.2.1.10.127.1.3.5.1.11 docsIfCmtsModGuardTimeSize
1.3.6.1.2.1.10.127.1.3.5.1.12 docsIfCmtsModLastCodewordShortened
1.3.6.1.2.1.10.127.1.3.5.1.13 docsIfCmtsModScrambler
1.3.6.1.2.1.10.127.1.3.5.1.14 docsIfCmtsModByteInterleaverDepth
1.3.6.1.2.1.10.127.1.3.5.1.15 docsIfCmtsModByteInterleaverBlockSize
1.3.6.1.2.1.10.127.1.3.5.1.16 docsIfCmtsModPreambleType
1.3.6.1.2.1.10.127.1.3.5.1.17 docsIfCmtsModTcmErrorCorrectionOn
1.3.6.1.2.1.10.127.1.3.5.1.18 docsIfCmtsModScdmaInterleaverStepSize
1.3.6.1.2.1.10.127.1.3.5.1.19 docsIfCmtsModScdmaSpreaderEnable
1.3.6.1.2.1.10.127.1.3.5.1.20 docsIfCmtsModScdmaSubframeCodes
1.3.6.1.2.1.10.127.1.3.5.1.21 docsIfCmtsModChannelType
1.3.6.1.2.1.10.127.1.3.5.1.22 docsIfCmtsModStorageType
1.3.6.1.2.1.10.127.1.3.6 docsIfCmtsQosProfilePermissions
1.3.6.1.2.1.10.127.1.3.7 docsIfCmtsMacToCmTable
1.3.6.1.2.1.10.127.1.3.7.1 docsIfCmtsMacToCmEntry
1.3.6.1.2.1.10.127.1.3.7.1.1 docsIfCmtsCmMac
1.3.6.1.2.1.10.127.1.3.7.1.2 docsIfCmtsCmPtr
1.3.6.1.2.1.10.127.1.3.8 docsIfCmtsChannelUtilizationInterval
1.3.6.1.2.1.10.127.1.3.9 docsIfCmtsChannelUtilizationTable
1.3.6.1.2.1.10.127.1.3.9.1 docsIfCmtsChannelUtilizationEntry
1.3.6.1.2.1.10.127.1.3.9.1.1 docsIfCmtsChannelUtIfType
1.3.6.1.2.1.10.127.1.3.9.1.2 docsIfCmtsChannelUtId
1.3.6.1.2.1.10.127.1.3.9.1.3 docsIfCmtsChannelUtUtilization
1.3.6.1.2.1.10.127.1.3.10 docsIfCmtsDownChannelCounterTable
1.3.6.1.2.1.10.127.1.3.10.1 docsIfCmtsDownChannelCounterEntry
1.3.6.1.2.1.10.127.1.3.10.1.1 docsIfCmtsDownChnlCtrId
1.3.6.1.2.1.10.127.1.3.10.1.2 docsIfCmtsDownChnlCtrTotalBytes
1.3.6.1.2.1.10.127.1.3.10.1.3 docsIfCmtsDownChnlCtrUsedBytes
1.3.6.1.2.1.10.127.1.3.10.1.4 docsIfCmtsDownChnlCtrExtTotalBytes
1.3.6.1.2.1.10.127.1.3.10.1.5 docsIfCmtsDownChnlCtrExtUsedBytes
1.3.6.1.2.1.10.127.1.3.11 docsIfCmtsUpChannelCounterTable
1.3.6.1.2.1.10.127.1.3.11.1 docsIfCmtsUpChannelCounterEntry
1.3.6.1.2.1.10.127.1.3.11.1.1 docsIfCmtsUpChnlCtrId
1.3.6.1.2.1.10.127.1.3.11.1.2 docsIfCmtsUpChnlCtrTotalMslots
1.3.6.1.2.1.10.127.1.3.11.1.3 docsIfCmtsUpChnlCtrUcastGrantedMslots
1.3.6.1.2.1.10.127.1.3.11.1.4 docsIfCmtsUpChnlCtrTotalCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.5 docsIfCmtsUpChnlCtrUsedCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.6 docsIfCmtsUpChnlCtrExtTotalMslots
1.3.6.1.2.1.10.127.1.3.11.1.7 docsIfCmtsUpChnlCtrExtUcastGrantedMslots
1.3.6.1.2.1.10.127.1.3.11.1.8 docsIfCmtsUpChnlCtrExtTotalCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.9 docsIfCmtsUpChnlCtrExtUsedCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.10 docsIfCmtsUpChnlCtrCollCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.11 docsIfCmtsUpChnlCtrTotalCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.12 docsIfCmtsUpChnlCtrUsedCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.13 docsIfCmtsUpChnlCtrCollCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.14 docsIfCmtsUpChnlCtrTotalCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.15 docsIfCmtsUpChnlCtrUsedCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.16 docsIfCmtsUpChnlCtrCollCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.17 docsIfCmtsUpChnlCtrTotalCntnInitMaintMslots
1.3.6.1.2.1.10.127.1.3.11.1.18 docsIfCmtsUpChnlCtrUsedCntnInitMaintMslots
1.3.6.1.2.1.10.127.1.3.11.1.19 docsIfCmtsUpChnlCtrCollCntnInitMaintMslots
1.3.6.1.2.1.10.127.1.3.11.1.20 docsIfCmtsUpChnlCtrExtCollCntnMslots
1.3.6.1.2.1.10.127.1.3.11.1.21 docsIfCmtsUpChnlCtrExtTotalCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.22 docsIfCmtsUpChnlCtrExtUsedCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.23 docsIfCmtsUpChnlCtrExtCollCntnReqMslots
1.3.6.1.2.1.10.127.1.3.11.1.24 docsIfCmtsUpChnlCtrExtTotalCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.25 docsIfCmtsUpChnlCtrExtUsedCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.26 docsIfCmtsUpChnlCtrExtCollCntnReqDataMslots
1.3.6.1.2.1.10.127.1.3.11.1.27 docsIfCmtsUpChnlCtrExtTotalCntnInitMaintMslots
1.3.6.1.2.1.10.127.1.3.11.1.28 docsIfCmtsUpChnlCtrExtUsedCntnInitMaintMslots
1.3.6.1.2.1.10.127.1.3.11.1.29 docsIfCmtsUpChnlCtrExtCollCntnInitMaintMslots
1.3.6.1.2.1.10.127.2 docsIfNotification
1.3.6.1.2.1.10.127.3 docsIfConformance
1.3.6.1.2.1.10.127.3.1 docsIfCompliances
1.3.6.1.2.1.10.127.3.1.1 docsIfBasicCompliance
1.3.6.1.2.1.10.127.3.1.2 docsIfBasicComplianceV2
1.3.6.1.2.1.10.127.3.2 docsIfGroups
1.3.6.1.2.1.10.127.3.2.1 docsIfBasicGroup
1.3.6.1.2.1.10.127.3.2.2 docsIfCmGroup
1.3.6.1.2.1.10.127.3.2.3 docsIfCmtsGroup
1.3.6.1.2.1.10.127.3.2.4 docsIfObsoleteGroup
1.3.6.1.2.1.10.127.3.2.5 docsIfBasicGroupV2
1.3.6.1.2.1.10.127.3.2.6 docsIfCmGroupV2
1.3.6.1.2.1.10.127.3.2.7 docsIfCmtsGroupV2
@ DOCS-CABLE-DEVICE-MIB
1.3.6.1.2.1.69 docsDev
1.3.6.1.2.1.69.0 docsDevNotifications
1.3.6.1.2.1.69.1 docsDevMIBObjects
1.3.6.1.2.1.69.1.1 docsDevBase
1.3.6.1.2.1.69.1.1.1 docsDevRole
1.3.6.1.2.1.69.1.1.2 docsDevDateTime
1.3.6.1.2.1.69.1.1.3 docsDevResetNow
1.3.6.1.2.1.69.1.1.4 docsDevSerialNumber
1.3.6.1.2.1.69.1.1.5 docsDevSTPControl
1.3.6.1.2.1.69.1.1.6 docsDevIgmpModeControl
1.3.6.1.2.1.69.1.1.7 docsDevMaxCpe
1.3.6.1.2.1.69.1.2 docsDevNmAccessTable
1.3.6.1.2.1.69.1.2.1 docsDevNmAccessEntry
1.3.6.1.2.1.69.1.2.1.1 docsDevNmAccessIndex
1.3.6.1.2.1.69.1.2.1.2 docsDevNmAccessIp
1.3.6.1.2.1.69.1.2.1.3 docsDevNmAccessIpMask
1.3.6.1.2.1.69.1.2.1.4 docsDevNmAccessCommunity
1.3.6.1.2.1.69.1.2.1.5 docsDevNmAccessControl
1.3.6.1.2.1.69.1.2.1.6 docsDevNmAccessInterfaces
1.3.6.1.2.1.69.1.2.1.7 docsDevNmAccessStatus
1.3.6.1.2.1.69.1.2.1.8 docsDevNmAccessTrapVersion
1.3.6.1.2.1.69.1.3 docsDevSoftware
1.3.6.1.2.1.69.1.3.1 docsDevSwServer
1.3.6.1.2.1.69.1.3.2 docsDevSwFilename
1.3.6.1.2.1.69.1.3.3 docsDevSwAdminStatus
1.3.6.1.2.1.69.1.3.4 docsDevSwOperStatus
1.3.6.1.2.1.69.1.3.5 docsDevSwCurrentVers
1.3.6.1.2.1.69.1.3.6 docsDevSwServerAddressType
1.3.6.1.2.1.69.1.3.7 docsDevSwServerAddress
1.3.6.1.2.1.69.1.3.8 docsDevSwServerTransportProtocol
1.3.6.1.2.1.69.1.4 docsDevServer
1.3.6.1.2.1.69.1.4.1 docsDevServerBootState
1.3.6.1.2.1.69.1.4.2 docsDevServerDhcp
1.3.6.1.2.1.69.1.4.3 docsDevServerTime
1.3.6.1.2.1.69.1.4.4 docsDevServerTftp
1.3.6.1.2.1.69.1.4.5 docsDevServerConfigFile
1.3.6.1.2.1.69.1.4.6 docsDevServerDhcpAddressType
1.3.6.1.2.1.69.1.4.7 docsDevServerDhcpAddress
1.3.6.1.2.1.69.1.4.8 docsDevServerTimeAddressType
1.3.6.1.2.1.69.1.4.9 docsDevServerTimeAddress
1.3.6.1.2.1.69.1.4.10 docsDevServerConfigTftpAddressType
1.3.6.1.2.1.69.1.4.11 docsDevServerConfigTftpAddress
1.3.6.1.2.1.69.1.5 docsDevEvent
1.3.6.1.2.1.69.1.5.1 docsDevEvControl
1.3.6.1.2.1.69.1.5.2 docsDevEvSyslog
1.3.6.1.2.1.69.1.5.3 docsDevEvThrottleAdminStatus
1.3.6.1.2.1.69.1.5.4 docsDevEvThrottleInhibited
1.3.6.1.2.1.69.1.5.5 docsDevEvThrottleThreshold
1.3.6.1.2.1.69.1.5.6 docsDevEvThrottleInterval
1.3.6.1.2.1.69.1.5.7 docsDevEvControlTable
1.3.6.1.2.1.69.1.5.7.1 docsDevEvControlEntry
1.3.6.1.2.1.69.1.5.7.1.1 docsDevEvPriority
1.3.6.1.2.1.69.1.5.7.1.2 docsDevEvReporting
1.3.6.1.2.1.69.1.5.8 docsDevEventTable
1.3.6.1.2.1.69.1.5.8.1 docsDevEventEntry
1.3.6.1.2.1.69.1.5.8.1.1 docsDevEvIndex
1.3.6.1.2.1.69.1.5.8.1.2 docsDevEvFirstTime
1.3.6.1.2.1.69.1.5.8.1.3 docsDevEvLastTime
1.3.6.1.2.1.69.1.5.8.1.4 docsDevEvCounts
1.3.6.1.2.1.69.1.5.8.1.5 docsDevEvLevel
1.3.6.1.2.1.69.1.5.8.1.6 docsDevEvId
1.3.6.1.2.1.69.1.5.8.1.7 docsDevEvText
1.3.6.1.2.1.69.1.5.9 docsDevEvSyslogAddressType
1.3.6.1.2.1.69.1.5.10 docsDevEvSyslogAddress
1.3.6.1.2.1.69.1.5.11 docsDevEvThrottleThresholdExceeded
1.3.6.1.2.1.69.1.6 docsDevFilter
1.3.6.1.2.1.69.1.6.1 docsDevFilterLLCUnmatchedAction
1.3.6.1.2.1.69.1.6.2 docsDevFilterLLCTable
1.3.6.1.2.1.69.1.6.2.1 docsDevFilterLLCEntry
1.3.6.1.2.1.69.1.6.2.1.1 docsDevFilterLLCIndex
1.3.6.1.2.1.69.1.6.2.1.2 docsDevFilterLLCStatus
1.3.6.1.2.1.69.1.6.2.1.3 docsDevFilterLLCIfIndex
1.3.6.1.2.1.69.1.6.2.1.4 docsDevFilterLLCProtocolType
1.3.6.1.2.1.69.1.6.2.1.5 docsDevFilterLLCProtocol
1.3.6.1.2.1.69.1.6.2.1.6 docsDevFilterLLCMatches
1.3.6.1.2.1.69.1.6.3 docsDevFilterIpDefault
1.3.6.1.2.1.69.1.6.4 docsDevFilterIpTable
1.3.6.1.2.1.69.1.6.4.1 docsDevFilterIpEntry
1.3.6.1.2.1.69.1.6.4.1.1 docsDevFilterIpIndex
1.3.6.1.2.1.69.1.6.4.1.2 docsDevFilterIpStatus
1.3.6.1.2.1.69.1.6.4.1.3 docsDevFilterIpControl
1.3.6.1.2.1.69.1.6.4.1.4 docsDevFilterIpIfIndex
1.3.6.1.2.1.69.1.6.4.1.5 docsDevFilterIpDirection
1.3.6.1.2.1.69.1.6.4.1.6 docsDevFilterIpBroadcast
1.3.6.1.2.1.69.1.6.4.1.7 docsDevFilterIpSaddr
1.3.6.1.2.1.69.1.6.4.1.8 docsDevFilterIpSmask
1.3.6.1.2.1.69.1.6.4.1.9 docsDevFilterIpDaddr
1.3.6.1.2.1.69.1.6.4.1.10 docsDevFilterIpDmask
1.3.6.1.2.1.69.1.6.4.1.11 docsDevFilterIpProtocol
1.3.6.1.2.1.69.1.6.4.1.12 docsDevFilterIpSourcePortLow
1.3.6.1.2.1.69.1.6.4.1.13 docsDevFilterIpSourcePortHigh
1.3.6.1.2.1.69.1.6.4.1.14 docsDevFilterIpDestPortLow
1.3.6.1.2.1.69.1.6.4.1.15 docsDevFilterIpDestPortHigh
1.3.6.1.2.1.69.1.6.4.1.16 docsDevFilterIpMatches
1.3.6.1.2.1.69.1.6.4.1.17 docsDevFilterIpTos
1.3.6.1.2.1.69.1.6.4.1.18 docsDevFilterIpTosMask
1.3.6.1.2.1.69.1.6.4.1.19 docsDevFilterIpContinue
1.3.6.1.2.1.69.1.6.4.1.20 docsDevFilterIpPolicyId
1.3.6.1.2.1.69.1.6.5 docsDevFilterPolicyTable
1.3.6.1.2.1.69.1.6.5.1 docsDevFilterPolicyEntry
1.3.6.1.2.1.69.1.6.5.1.1 docsDevFilterPolicyIndex
1.3.6.1.2.1.69.1.6.5.1.2 docsDevFilterPolicyId
1.3.6.1.2.1.69.1.6.5.1.5 docsDevFilterPolicyStatus
1.3.6.1.2.1.69.1.6.5.1.6 docsDevFilterPolicyPtr
1.3.6.1.2.1.69.1.6.6 docsDevFilterTosTable
1.3.6.1.2.1.69.1.6.6.1 docsDevFilterTosEntry
1.3.6.1.2.1.69.1.6.6.1.1 docsDevFilterTosIndex
1.3.6.1.2.1.69.1.6.6.1.2 docsDevFilterTosStatus
1.3.6.1.2.1.69.1.6.6.1.3 docsDevFilterTosAndMask
1.3.6.1.2.1.69.1.6.6.1.4 docsDevFilterTosOrMask
1.3.6.1.2.1.69.1.7 docsDevCpe
1.3.6.1.2.1.69.1.7.1 docsDevCpeEnroll
1.3.6.1.2.1.69.1.7.2 docsDevCpeIpMax
1.3.6.1.2.1.69.1.7.3 docsDevCpeTable
1.3.6.1.2.1.69.1.7.3.1 docsDevCpeEntry
1.3.6.1.2.1.69.1.7.3.1.1 docsDevCpeIp
1.3.6.1.2.1.69.1.7.3.1.2 docsDevCpeSource
1.3.6.1.2.1.69.1.7.3.1.3 docsDevCpeStatus
1.3.6.1.2.1.69.1.7.4 docsDevCpeInetTable
1.3.6.1.2.1.69.1.7.4.1 docsDevCpeInetEntry
1.3.6.1.2.1.69.1.7.4.1.1 docsDevCpeInetType
1.3.6.1.2.1.69.1.7.4.1.2 docsDevCpeInetAddr
1.3.6.1.2.1.69.1.7.4.1.3 docsDevCpeInetSource
1.3.6.1.2.1.69.1.7.4.1.4 docsDevCpeInetRowStatus
1.3.6.1.2.1.69.2 docsDevNotification
1.3.6.1.2.1.69.3 docsDevConformance
1.3.6.1.2.1.69.3.1 docsDevGroups
1.3.6.1.2.1.69.3.1.1 docsDevBaseGroup
1.3.6.1.2.1.69.3.1.2 docsDevNmAccessGroup
1.3.6.1.2.1.69.3.1.3 docsDevSoftwareGroup
1.3.6.1.2.1.69.3.1.4 docsDevServerGroup
1.3.6.1.2.1.69.3.1.5 docsDevEventGroup
1.3.6.1.2.1.69.3.1.6 docsDevFilterGroup
1.3.6.1.2.1.69.3.1.7 docsDevCpeGroup
1.3.6.1.2.1.69.3.2 docsDevCompliances
1.3.6.1.2.1.69.3.2.1 docsDevBasicCompliance
1.3.6.1.2.1.69.3.3 docsDevGroupsV2
1.3.6.1.2.1.69.3.3.1 docsDevBaseIgmpGroup
1.3.6.1.2.1.69.3.3.2 docsDevBaseMaxCpeGroup
1.3.6.1.2.1.69.3.3.3 docsDevNmAccessExtGroup
1.3.6.1.2.1.69.3.3.4 docsDevSoftwareGroupV2
1.3.6.1.2.1.69.3.3.5 docsDevServerGroupV2
1.3.6.1.2.1.69.3.3.6 docsDevEventGroupV2
1.3.6.1.2.1.69.3.3.7 docsDevFilterLLCGroup
1.3.6.1.2.1.69.3.3.8 docsDevInetCpeGroup
1.3.6.1.2.1.69.3.4 docsDevCompliancesV2
1.3.6.1.2.1.69.3.4.1 docsDevCmCompliance
1.3.6.1.2.1.69.3.4.2 docsDevCmtsCompliance
@ CLAB-DEF-MIB
1.3.6.1.4.1.4491 cableLabs
1.3.6.1.4.1.4491.1 clabFunction
1.3.6.1.4.1.4491.1.1 clabFuncMib2
1.3.6.1.4.1.4491.1.2 clabFuncProprietary
1.3.6.1.4.1.4491.2 clabProject
1.3.6.1.4.1.4491.2.1 clabProjDocsis
1.3.6.1.4.1.4491.2.2 clabProjPacketCable
1.3.6.1.4.1.4491.2.2.4 pktcSecurity
1.3.6.1.4.1.4491.2.2.5 pktcLawfulIntercept
1.3.6.1.4.1.4491.2.2.6 pktcEnhancements
1.3.6.1.4.1.4491.2.2.7 pktcPACMMibs
1.3.6.1.4.1.4491.2.2.7.1 pktcPACMTC
1.3.6.1.4.1.4491.2.2.7.2 pktcPACMUEMib
1.3.6.1.4.1.4491.2.2.7.3 pktcPACMUserMib
1.3.6.1.4.1.4491.2.2.8 pktcApplicationMibs
1.3.6.1.4.1.4491.2.2.9 pktcSupportMibs
1.3.6.1.4.1.4491.2.2.9.1 pktcESSupportMibs
1.3.6.1.4.1.4491.2.2.10 pktcEUEMibs
1.3.6.1.4.1.4491.2.2.10.1 pktcEUEDeviceMibs
1.3.6.1.4.1.4491.2.2.11 pktcSMAMibs
1.3.6.1.4.1.4491.2.3 clabProjOpenCable
1.3.6.1.4.1.4491.2.4 clabProjCableHome
1.3.6.1.4.1.4491.2.5 clabProjWireless
1.3.6.1.4.1.4491.3 clabSecurity
1.3.6.1.4.1.4491.3.1 clabSecCertObject
1.3.6.1.4.1.4491.3.1.1 clabSrvcPrvdrRootCACert
1.3.6.1.4.1.4491.3.1.2 clabCVCRootCACert
1.3.6.1.4.1.4491.3.1.3 clabCVCCACert
1.3.6.1.4.1.4491.3.1.4 clabMfgCVCCert
1.3.6.1.4.1.4491.3.1.5 clabMfgCACert
1.3.6.1.4.1.4491.3.2 clabSecOlcaObject
1.3.6.1.4.1.4491.4 clabCommonMibs
1.3.6.1.4.1.4491.4.1 clabUpsMib
1.3.6.1.4.1.4491.4.2 clabTopoMib
1.3.6.1.4.1.4491.4.3 clabGREMib
1.3.6.1.4.1.4491.4.4 clabMAPMib
1.3.6.1.4.1.4491.4.5 clabDNSMib
1.3.6.1.4.1.4491.4.6 clabGWMib
1.3.6.1.4.1.4491.4.7 clabAniDevMib
@ PKTC-MTA-MIB
1.3.6.1.4.1.4491.2.2.1 pktcMtaMib
1.3.6.1.4.1.4491.2.2.1.1 pktcMtaMibObjects
1.3.6.1.4.1.4491.2.2.1.1.1 pktcMtaDevBase
1.3.6.1.4.1.4491.2.2.1.1.1.1 pktcMtaDevResetNow
1.3.6.1.4.1.4491.2.2.1.1.1.2 pktcMtaDevSerialNumber
1.3.6.1.4.1.4491.2.2.1.1.1.3 pktcMtaDevHardwareVersion
1.3.6.1.4.1.4491.2.2.1.1.1.4 pktcMtaDevMacAddress
1.3.6.1.4.1.4491.2.2.1.1.1.5 pktcMtaDevFQDN
1.3.6.1.4.1.4491.2.2.1.1.1.6 pktcMtaDevEndPntCount
1.3.6.1.4.1.4491.2.2.1.1.1.7 pktcMtaDevEnabled
1.3.6.1.4.1.4491.2.2.1.1.1.8 pktcMtaDevTypeIdentifier
1.3.6.1.4.1.4491.2.2.1.1.1.9 pktcMtaDevProvisioningState
1.3.6.1.4.1.4491.2.2.1.1.1.10 pktcMtaDevHttpAccess
1.3.6.1.4.1.4491.2.2.1.1.1.11 pktcMtaDevProvisioningTimer
1.3.6.1.4.1.4491.2.2.1.1.1.12 pktcMtaDevProvisioningCounter
1.3.6.1.4.1.4491.2.2.1.1.1.13 pktcMtaDevErrorOidsTable
1.3.6.1.4.1.4491.2.2.1.1.1.13.1 pktcMtaDevErrorOidsEntry
1.3.6.1.4.1.4491.2.2.1.1.1.13.1.1 pktcMtaDevErrorOidIndex
1.3.6.1.4.1.4491.2.2.1.1.1.13.1.2 pktcMtaDevErrorOid
1.3.6.1.4.1.4491.2.2.1.1.1.13.1.3 pktcMtaDevErrorGiven
1.3.6.1.4.1.4491.2.2.1.1.1.13.1.4 pktcMtaDevErrorReason
1.3.6.1.4.1.4491.2.2.1.1.1.14 pktcMtaDevSwCurrentVers
1.3.6.1.4.1.4491.2.2.1.1.2 pktcMtaDevServer
1.3.6.1.4.1.4491.2.2.1.1.2.1 pktcMtaDevServerBootState
1.3.6.1.4.1.4491.2.2.1.1.2.2 pktcMtaDevServerDhcp
1.3.6.1.4.1.4491.2.2.1.1.2.3 pktcMtaDevServerDns1
1.3.6.1.4.1.4491.2.2.1.1.2.4 pktcMtaDevServerDns2
1.3.6.1.4.1.4491.2.2.1.1.2.5 pktcMtaDevConfigFile
1.3.6.1.4.1.4491.2.2.1.1.2.6 pktcMtaDevSnmpEntity
1.3.6.1.4.1.4491.2.2.1.1.2.7 pktcMtaDevProvConfigHash
1.3.6.1.4.1.4491.2.2.1.1.2.8 pktcMtaDevProvConfigKey
1.3.6.1.4.1.4491.2.2.1.1.2.9 pktcMtaDevProvSolicitedKeyTimeout
1.3.6.1.4.1.4491.2.2.1.1.2.10 pktcMtaDevProvUnsolicitedKeyMaxTimeout
1.3.6.1.4.1.4491.2.2.1.1.2.11 pktcMtaDevProvUnsolicitedKeyNomTimeout
1.3.6.1.4.1.4491.2.2.1.1.2.12 pktcMtaDevProvUnsolicitedKeyMeanDev
1.3.6.1.4.1.4491.2.2.1.1.2.13 pktcMtaDevProvUnsolicitedKeyMaxRetries
1.3.6.1.4.1.4491.2.2.1.1.2.14 pktcMtaDevProvKerbRealmName
1.3.6.1.4.1.4491.2.2.1.1.2.15 pktcMtaDevProvState
1.3.6.1.4.1.4491.2.2.1.1.2.16 pktcMtaDevServerDhcp1
1.3.6.1.4.1.4491.2.2.1.1.2.17 pktcMtaDevServerDhcp2
1.3.6.1.4.1.4491.2.2.1.1.2.18 pktcMtaDevTimeServer
1.3.6.1.4.1.4491.2.2.1.1.3 pktcMtaDevSecurity
1.3.6.1.4.1.4491.2.2.1.1.3.1 pktcMtaDevManufacturerCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.2 pktcMtaDevCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.3 pktcMtaDevSignature
1.3.6.1.4.1.4491.2.2.1.1.3.4 pktcMtaDevCorrelationId
1.3.6.1.4.1.4491.2.2.1.1.3.5 pktcMtaDevSecurityTable
1.3.6.1.4.1.4491.2.2.1.1.3.5.1 pktcMtaDevSecurityEntry
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.1 pktcMtaDevServProviderCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.2 pktcMtaDevTelephonyCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.3 pktcMtaDevKerberosRealm
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.4 pktcMtaDevKerbPrincipalName
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.5 pktcMtaDevServGracePeriod
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.6 pktcMtaDevLocalSystemCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.7 pktcMtaDevKeyMgmtTimeout1
1.3.6.1.4.1.4491.2.2.1.1.3.5.1.8 pktcMtaDevKeyMgmtTimeout2
1.3.6.1.4.1.4491.2.2.1.1.3.8 pktcMtaDevTgsTable
1.3.6.1.4.1.4491.2.2.1.1.3.8.1 pktcMtaDevTgsEntry
1.3.6.1.4.1.4491.2.2.1.1.3.8.1.1 pktcMtaDevTgsIndex
1.3.6.1.4.1.4491.2.2.1.1.3.8.1.2 pktcMtaDevTgsLocation
1.3.6.1.4.1.4491.2.2.1.1.3.8.1.3 pktcMtaDevTgsStatus
1.3.6.1.4.1.4491.2.2.1.1.3.9 pktcMtaDevTelephonyRootCertificate
1.3.6.1.4.1.4491.2.2.1.1.3.16 pktcMtaDevRealmTable
1.3.6.1.4.1.4491.2.2.1.1.3.16.1 pktcMtaDevRealmEntry
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.1 pktcMtaDevRealmName
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.2 pktcMtaDevRealmPkinitGracePeriod
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.3 pktcMtaDevRealmTgsGracePeriod
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.4 pktcMtaDevRealmOrgName
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.5 pktcMtaDevRealmUnsolicitedKeyMaxTimeout
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.6 pktcMtaDevRealmUnsolicitedKeyNomTimeout
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.7 pktcMtaDevRealmUnsolicitedKeyMeanDev
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.8 pktcMtaDevRealmUnsolicitedKeyMaxRetries
1.3.6.1.4.1.4491.2.2.1.1.3.16.1.9 pktcMtaDevRealmStatus
1.3.6.1.4.1.4491.2.2.1.1.3.17 pktcMtaDevCmsTable
1.3.6.1.4.1.4491.2.2.1.1.3.17.1 pktcMtaDevCmsEntry
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.1 pktcMtaDevCmsFqdn
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.2 pktcMtaDevCmsKerbRealmName
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.3 pktcMtaDevCmsMaxClockSkew
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.4 pktcMtaDevCmsSolicitedKeyTimeout
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.5 pktcMtaDevCmsUnsolicitedKeyMaxTimeout
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.6 pktcMtaDevCmsUnsolicitedKeyNomTimeout
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.7 pktcMtaDevCmsUnsolicitedKeyMeanDev
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.8 pktcMtaDevCmsUnsolicitedKeyMaxRetries
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.9 pktcMtaDevCmsStatus
1.3.6.1.4.1.4491.2.2.1.1.3.17.1.10 pktcMtaDevCmsIpsecCtrl
1.3.6.1.4.1.4491.2.2.1.1.3.18 pktcMtaCmsMapTable
1.3.6.1.4.1.4491.2.2.1.1.3.18.1 pktcMtaCmsMapEntry
1.3.6.1.4.1.4491.2.2.1.1.3.18.1.1 pktcMtaCmsMapCmsFqdn
1.3.6.1.4.1.4491.2.2.1.1.3.18.1.2 pktcMtaCmsMapOperStatus
1.3.6.1.4.1.4491.2.2.1.1.3.18.1.3 pktcMtaCmsMapAdminStatus
1.3.6.1.4.1.4491.2.2.1.1.3.18.1.4 pktcMtaCmsMapRowStatus
1.3.6.1.4.1.4491.2.2.1.1.3.19 pktcMtaDevResetKrbTickets
1.3.6.1.4.1.4491.2.2.1.2 pktcMtaNotificationPrefix
1.3.6.1.4.1.4491.2.2.1.2.0 pktcMtaNotification
1.3.6.1.4.1.4491.2.2.1.2.0.1 pktcMtaDevProvisioningEnrollment
1.3.6.1.4.1.4491.2.2.1.2.0.2 pktcMtaDevProvisioningStatus
1.3.6.1.4.1.4491.2.2.1.3 pktcMtaConformance
1.3.6.1.4.1.4491.2.2.1.3.1 pktcMtaCompliances
1.3.6.1.4.1.4491.2.2.1.3.1.3 pktcMtaBasicCompliance
1.3.6.1.4.1.4491.2.2.1.3.2 pktcMtaGroups
1.3.6.1.4.1.4491.2.2.1.3.2.1 pktcMtaGroup
1.3.6.1.4.1.4491.2.2.1.3.2.2 pktcMtaNotificationGroup
1.3.6.1.4.1.4491.2.2.1.3.2.3 pktcMtaObsoleteGroup
@ PKTC-SIG-MIB
1.3.6.1.4.1.4491.2.2.2 pktcSigMib
1.3.6.1.4.1.4491.2.2.2.1 pktcSigMibObjects
1.3.6.1.4.1.4491.2.2.2.1.1 pktcSigDevConfigObjects
1.3.6.1.4.1.4491.2.2.2.1.1.1 pktcSigDevCodecTable
1.3.6.1.4.1.4491.2.2.2.1.1.1.1 pktcSigDevCodecEntry
1.3.6.1.4.1.4491.2.2.2.1.1.1.1.1 pktcSigDevCodecIndex
1.3.6.1.4.1.4491.2.2.2.1.1.1.1.2 pktcSigDevCodecType
1.3.6.1.4.1.4491.2.2.2.1.1.1.1.3 pktcSigDevCodecMax
1.3.6.1.4.1.4491.2.2.2.1.1.2 pktcSigDevEchoCancellation
1.3.6.1.4.1.4491.2.2.2.1.1.3 pktcSigDevSilenceSuppression
1.3.6.1.4.1.4491.2.2.2.1.1.4 pktcSigDevConnectionMode
1.3.6.1.4.1.4491.2.2.2.1.1.5 pktcSigDevR0Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.6 pktcSigDevR6Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.7 pktcSigDevR7Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.8 pktcSigDefCallSigTos
1.3.6.1.4.1.4491.2.2.2.1.1.9 pktcSigDefMediaStreamTos
1.3.6.1.4.1.4491.2.2.2.1.1.10 pktcSigTosFormatSelector
1.3.6.1.4.1.4491.2.2.2.1.1.11 pktcSigCapabilityTable
1.3.6.1.4.1.4491.2.2.2.1.1.11.1 pktcSigCapabilityEntry
1.3.6.1.4.1.4491.2.2.2.1.1.11.1.1 pktcSignalingIndex
1.3.6.1.4.1.4491.2.2.2.1.1.11.1.2 pktcSignalingType
1.3.6.1.4.1.4491.2.2.2.1.1.11.1.3 pktcSignalingVersion
1.3.6.1.4.1.4491.2.2.2.1.1.11.1.4 pktcSignalingVendorExtension
1.3.6.1.4.1.4491.2.2.2.1.1.12 pktcSigDefNcsReceiveUdpPort
1.3.6.1.4.1.4491.2.2.2.1.1.13 pktcSigServiceClassNameUS
1.3.6.1.4.1.4491.2.2.2.1.1.14 pktcSigServiceClassNameDS
1.3.6.1.4.1.4491.2.2.2.1.1.15 pktcSigServiceClassNameMask
1.3.6.1.4.1.4491.2.2.2.1.1.16 pktcSigNcsServiceFlowState
1.3.6.1.4.1.4491.2.2.2.1.1.17 pktcSigDevR1Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.18 pktcSigDevR2Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.19 pktcSigDevR3Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.20 pktcSigDevR4Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.21 pktcSigDevR5Cadence
1.3.6.1.4.1.4491.2.2.2.1.1.22 pktcSigDevRgCadence
1.3.6.1.4.1.4491.2.2.2.1.1.23 pktcSigDevRsCadence
1.3.6.1.4.1.4491.2.2.2.1.1.24 pktcSigDevRtCadence
1.3.6.1.4.1.4491.2.2.2.1.2 pktcNcsEndPntConfigObjects
1.3.6.1.4.1.4491.2.2.2.1.2.1 pktcNcsEndPntConfigTable
1.3.6.1.4.1.4491.2.2.2.1.2.1.1 pktcNcsEndPntConfigEntry
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.1 pktcNcsEndPntConfigCallAgentId
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.2 pktcNcsEndPntConfigCallAgentUdpPort
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.3 pktcNcsEndPntConfigPartialDialTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.4 pktcNcsEndPntConfigCriticalDialTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.5 pktcNcsEndPntConfigBusyToneTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.6 pktcNcsEndPntConfigDialToneTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.7 pktcNcsEndPntConfigMessageWaitingTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.8 pktcNcsEndPntConfigOffHookWarnToneTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.9 pktcNcsEndPntConfigRingingTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.10 pktcNcsEndPntConfigRingBackTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.11 pktcNcsEndPntConfigReorderToneTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.12 pktcNcsEndPntConfigStutterDialToneTO
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.13 pktcNcsEndPntConfigTSMax
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.14 pktcNcsEndPntConfigMax1
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.15 pktcNcsEndPntConfigMax2
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.16 pktcNcsEndPntConfigMax1QEnable
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.17 pktcNcsEndPntConfigMax2QEnable
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.18 pktcNcsEndPntConfigMWD
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.19 pktcNcsEndPntConfigTdinit
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.20 pktcNcsEndPntConfigTdmin
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.21 pktcNcsEndPntConfigTdmax
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.22 pktcNcsEndPntConfigRtoMax
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.23 pktcNcsEndPntConfigRtoInit
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.24 pktcNcsEndPntConfigLongDurationKeepAlive
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.25 pktcNcsEndPntConfigThist
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.26 pktcNcsEndPntConfigStatus
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.27 pktcNcsEndPntConfigCallWaitingMaxRep
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.28 pktcNcsEndPntConfigCallWaitingDelay
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.29 pktcNcsEndPntStatusCallIpAddress
1.3.6.1.4.1.4491.2.2.2.1.2.1.1.30 pktcNcsEndPntStatusError
1.3.6.1.4.1.4491.2.2.2.1.3 pktcSigEndPntConfigObjects
1.3.6.1.4.1.4491.2.2.2.1.3.1 pktcSigEndPntConfigTable
1.3.6.1.4.1.4491.2.2.2.1.3.1.1 pktcSigEndPntConfigEntry
1.3.6.1.4.1.4491.2.2.2.1.3.1.1.1 pktcSigEndPntCapabilityIndex
1.3.6.1.4.1.4491.2.2.2.1.4 pktcDcsEndPntConfigObjects
1.3.6.1.4.1.4491.2.2.2.2 pktcSigNotificationPrefix
1.3.6.1.4.1.4491.2.2.2.2.0 pktcSigNotification
1.3.6.1.4.1.4491.2.2.2.3 pktcSigConformance
1.3.6.1.4.1.4491.2.2.2.3.1 pktcSigCompliances
1.3.6.1.4.1.4491.2.2.2.3.1.1 pktcSigBasicCompliance
1.3.6.1.4.1.4491.2.2.2.3.2 pktcSigGroups
1.3.6.1.4.1.4491.2.2.2.3.2.1 pktcSigGroup
1.3.6.1.4.1.4491.2.2.2.3.2.2 pktcNcsGroup
@ PKTC-EVENT-MIB
1.3.6.1.4.1.4491.2.2.3 pktcEventMib
1.3.6.1.4.1.4491.2.2.3.1 pktcDevEventControl
1.3.6.1.4.1.4491.2.2.3.1.1 pktcDevEvControl
1.3.6.1.4.1.4491.2.2.3.1.2 pktcDevEvControlState
1.3.6.1.4.1.4491.2.2.3.1.3 pktcDevEvSyslogAddressType
1.3.6.1.4.1.4491.2.2.3.1.4 pktcDevEvSyslogAddress
1.3.6.1.4.1.4491.2.2.3.1.5 pktcDevEvSyslogUdpPort
1.3.6.1.4.1.4491.2.2.3.2 pktcDevEventConfig
1.3.6.1.4.1.4491.2.2.3.2.1 pktcDevEvProgrammableTable
1.3.6.1.4.1.4491.2.2.3.2.1.1 pktcDevEvProgrammableEntry
1.3.6.1.4.1.4491.2.2.3.2.1.1.1 pktcDevEvProgrammableId
1.3.6.1.4.1.4491.2.2.3.2.1.1.2 pktcDevEvProgrammableEnterprise
1.3.6.1.4.1.4491.2.2.3.2.1.1.3 pktcDevEvProgrammableLevel
1.3.6.1.4.1.4491.2.2.3.2.1.1.4 pktcDevEvProgrammableReporting
1.3.6.1.4.1.4491.2.2.3.2.1.1.5 pktcDevEvProgrammableText
1.3.6.1.4.1.4491.2.2.3.2.2 pktcDevEvFixedTable
1.3.6.1.4.1.4491.2.2.3.2.2.1 pktcDevEvFixedEntry
1.3.6.1.4.1.4491.2.2.3.2.2.1.1 pktcDevEvFixedId
1.3.6.1.4.1.4491.2.2.3.2.2.1.2 pktcDevEvFixedEnterprise
1.3.6.1.4.1.4491.2.2.3.2.2.1.3 pktcDevEvFixedLevel
1.3.6.1.4.1.4491.2.2.3.2.2.1.4 pktcDevEvFixedReporting
1.3.6.1.4.1.4491.2.2.3.2.2.1.5 pktcDevEvFixedText
1.3.6.1.4.1.4491.2.2.3.3 pktcDevEventThrottle
1.3.6.1.4.1.4491.2.2.3.3.1 pktcDevEvThrottleAdminStatus
1.3.6.1.4.1.4491.2.2.3.3.2 pktcDevEvThrottleInhibited
1.3.6.1.4.1.4491.2.2.3.3.3 pktcDevEvThrottleThreshold
1.3.6.1.4.1.4491.2.2.3.3.4 pktcDevEvThrottleInterval
1.3.6.1.4.1.4491.2.2.3.4 pktcDevEventLocal
1.3.6.1.4.1.4491.2.2.3.4.1 pktcDevEventTable
1.3.6.1.4.1.4491.2.2.3.4.1.1 pktcDevEventEntry
1.3.6.1.4.1.4491.2.2.3.4.1.1.1 pktcDevEvIndex
1.3.6.1.4.1.4491.2.2.3.4.1.1.2 pktcDevEvTime
1.3.6.1.4.1.4491.2.2.3.4.1.1.3 pktcDevEvLevel
1.3.6.1.4.1.4491.2.2.3.4.1.1.4 pktcDevEvEnterprise
1.3.6.1.4.1.4491.2.2.3.4.1.1.5 pktcDevEvId
1.3.6.1.4.1.4491.2.2.3.4.1.1.6 pktcDevEvText
1.3.6.1.4.1.4491.2.2.3.4.1.1.7 pktcDevEvMacAddress
1.3.6.1.4.1.4491.2.2.3.4.1.1.8 pktcDevEvEndpointName
1.3.6.1.4.1.4491.2.2.3.5 pktcDevEventNotify
1.3.6.1.4.1.4491.2.2.3.5.1 pktcDevEvReportIndex
1.3.6.1.4.1.4491.2.2.3.5.2 pktcDevEvReportTime
1.3.6.1.4.1.4491.2.2.3.5.3 pktcDevEvReportLevel
1.3.6.1.4.1.4491.2.2.3.5.4 pktcDevEvReportEnterprise
1.3.6.1.4.1.4491.2.2.3.5.5 pktcDevEvReportId
1.3.6.1.4.1.4491.2.2.3.5.6 pktcDevEvReportText
1.3.6.1.4.1.4491.2.2.3.5.7 pktcDevEvReportMacAddress
1.3.6.1.4.1.4491.2.2.3.5.8 pktcDevEvReportEndpointName
1.3.6.1.4.1.4491.2.2.3.6.0 pktcDevEvNotification
1.3.6.1.4.1.4491.2.2.3.6.0.1 pktcDevEvInform
1.3.6.1.4.1.4491.2.2.3.6.0.2 pktcDevEvTrap
1.3.6.1.4.1.4491.2.2.3.7 pktcEventConformance
1.3.6.1.4.1.4491.2.2.3.7.1 pktcEventCompliances
1.3.6.1.4.1.4491.2.2.3.7.1.3 pktcEventBasicCompliance
1.3.6.1.4.1.4491.2.2.3.7.2 pktcEventGroups
1.3.6.1.4.1.4491.2.2.3.7.2.1 pktcEventGroup
1.3.6.1.4.1.4491.2.2.3.7.2.2 pktcEventNotificationGroup
"""

# name label(value) …; a line starting with spaces continues the previous one.
_ENUMS = """
snmpEnableAuthenTraps enabled(1) disabled(2)
ifAdminStatus up(1) down(2) testing(3)
ifOperStatus up(1) down(2) testing(3) unknown(4) dormant(5) notPresent(6) lowerLayerDown(7)
ifLinkUpDownTrapEnable enabled(1) disabled(2)
ifPromiscuousMode true(1) false(2)
ifConnectorPresent true(1) false(2)
ifStackStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
ifTestStatus notInUse(1) inUse(2)
ifTestResult none(1) success(2) inProgress(3) notSupported(4) unAbleToRun(5) aborted(6) failed(7)
ifRcvAddressStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
ifRcvAddressType other(1) volatile(2) nonVolatile(3)
docsIfDownChannelModulation unknown(1) other(2) qam64(3) qam256(4)
docsIfDownChannelInterleave unknown(1) other(2) taps8Increment16(3) taps16Increment8(4) taps32Increment4(5)
    taps64Increment2(6) taps128Increment1(7) taps12increment17(8)
docsIfDownChannelAnnex unknown(1) other(2) annexA(3) annexB(4) annexC(5)
docsIfDownChannelStorageType other(1) volatile(2) nonVolatile(3) permanent(4) readOnly(5)
docsIfUpChannelType unknown(0) tdma(1) atdma(2) scdma(3) tdmaAndAtdma(4)
docsIfUpChannelUpdate true(1) false(2)
docsIfUpChannelStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsIfUpChannelPreEqEnable true(1) false(2)
docsIfQosProfBaselinePrivacy true(1) false(2)
docsIfQosProfStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsIfQosProfStorageType other(1) volatile(2) nonVolatile(3) permanent(4) readOnly(5)
docsIfSigQIncludesContention true(1) false(2)
docsIfDocsisBaseCapability docsis10(1) docsis11(2) docsis20(3)
docsIfCmStatusValue other(1) notReady(2) notSynchronized(3) phySynchronized(4) usParametersAcquired(5)
    rangingComplete(6) ipComplete(7) todEstablished(8) securityEstablished(9) paramTransferComplete(10)
    registrationComplete(11) operational(12) accessDenied(13)
docsIfCmStatusDocsisOperMode docsis10(1) docsis11(2)
docsIfCmStatusModulationType unknown(0) tdma(1) atdma(2) scdma(3) tdmaAndAtdma(4)
docsIfCmtsMacStorageType other(1) volatile(2) nonVolatile(3) permanent(4) readOnly(5)
docsIfCmtsCmStatusValue other(1) ranging(2) rangingAborted(3) rangingComplete(4) ipComplete(5)
    registrationComplete(6) accessDenied(7) operational(8) registeredBPIInitializing(9)
docsIfCmtsCmStatusDocsisRegMode docsis10(1) docsis11(2)
docsIfCmtsCmStatusModulationType unknown(0) tdma(1) atdma(2) scdma(3) tdmaAndAtdma(4)
docsIfCmtsServiceAdminStatus enabled(1) disabled(2) destroyed(3)
docsIfCmtsModIntervalUsageCode request(1) requestData(2) initialRanging(3) periodicRanging(4) shortData(5)
    longData(6) advPhyShortData(9) advPhyLongData(10) ugs(11)
docsIfCmtsModControl active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsIfCmtsModType other(1) qpsk(2) qam16(3) qam8(4) qam32(5) qam64(6) qam128(7)
docsIfCmtsModDifferentialEncoding true(1) false(2)
docsIfCmtsModLastCodewordShortened true(1) false(2)
docsIfCmtsModScrambler true(1) false(2)
docsIfCmtsModPreambleType unknown(0) qpsk0(1) qpsk1(2)
docsIfCmtsModTcmErrorCorrectionOn true(1) false(2)
docsIfCmtsModScdmaSpreaderEnable true(1) false(2)
docsIfCmtsModChannelType unknown(0) tdma(1) atdma(2) scdma(3) tdmaAndAtdma(4)
docsIfCmtsModStorageType other(1) volatile(2) nonVolatile(3) permanent(4) readOnly(5)
docsDevRole cm(1) cmtsActive(2) cmtsBackup(3)
docsDevResetNow true(1) false(2)
docsDevSTPControl stEnabled(1) noStFilterBpdu(2) noStPassBpdu(3)
docsDevIgmpModeControl passive(1) active(2)
docsDevNmAccessControl none(1) read(2) readWrite(3) roWithTraps(4) rwWithTraps(5) trapsOnly(6)
docsDevNmAccessStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevNmAccessTrapVersion disableSNMPv2trap(1) enableSNMPv2trap(2)
docsDevSwAdminStatus upgradeFromMgt(1) allowProvisioningUpgrade(2) ignoreProvisioningUpgrade(3)
docsDevSwOperStatus inProgress(1) completeFromProvisioning(2) completeFromMgt(3) failed(4) other(5)
docsDevSwServerTransportProtocol tftp(1) http(2)
docsDevServerBootState operational(1) disabled(2) waitingForDhcpOffer(3) waitingForDhcpResponse(4)
    waitingForTimeServer(5) waitingForTftp(6) refusedByCmts(7) forwardingDenied(8) other(9) unknown(10)
docsDevEvControl resetLog(1) useDefaultReporting(2)
docsDevEvThrottleAdminStatus unconstrained(1) maintainBelowThreshold(2) stopAtThreshold(3) inhibited(4)
docsDevEvThrottleInhibited true(1) false(2)
docsDevEvPriority emergency(1) alert(2) critical(3) error(4) warning(5) notice(6) information(7) debug(8)
docsDevEvLevel emergency(1) alert(2) critical(3) error(4) warning(5) notice(6) information(7) debug(8)
docsDevEvThrottleThresholdExceeded true(1) false(2)
docsDevFilterLLCUnmatchedAction discard(1) accept(2)
docsDevFilterLLCStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevFilterLLCProtocolType ethertype(1) dsap(2)
docsDevFilterIpDefault discard(1) accept(2)
docsDevFilterIpStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevFilterIpControl discard(1) accept(2) policy(3)
docsDevFilterIpDirection inbound(1) outbound(2) both(3)
docsDevFilterIpBroadcast true(1) false(2)
docsDevFilterIpContinue true(1) false(2)
docsDevFilterPolicyStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevFilterTosStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevCpeEnroll none(1) any(2)
docsDevCpeSource other(1) manual(2) learned(3)
docsDevCpeStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
docsDevCpeInetSource manual(2) learned(3)
docsDevCpeInetRowStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcMtaDevResetNow true(1) false(2)
pktcMtaDevEnabled true(1) false(2)
pktcMtaDevProvisioningState pass(1) inProgress(2) failConfigFileError(3) passWithWarnings(4)
    passWithIncompleteParsing(5) failureInternalError(6) failOtherReason(7)
pktcMtaDevHttpAccess true(1) false(2)
pktcMtaDevServerBootState operational(1) disabled(2) waitingForDhcpOffer(3) waitingForDhcpResponse(4)
    waitingForConfig(5) refusedByCmts(6) other(7) unknown(8)
pktcMtaDevProvState operational(1) waitingForSnmpSetInfo(2) waitingForTftpAddrResponse(3)
    waitingForConfigFile(4)
pktcMtaDevTgsStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcMtaDevRealmStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcMtaDevCmsStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcMtaDevCmsIpsecCtrl true(1) false(2)
pktcMtaCmsMapOperStatus inactive(1) active(2)
pktcMtaCmsMapAdminStatus inhibit(1) allow(2)
pktcMtaCmsMapRowStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcSigDevCodecType other(1) unknown(2) g729(3) reserved(4) g729E(5) pcmu(6) g726at32(7) g728(8) pcma(9)
    g726at16(10) g726at24(11) g726at40(12)
pktcSigDevEchoCancellation true(1) false(2)
pktcSigDevSilenceSuppression true(1) false(2)
pktcSigTosFormatSelector ipv4TOSOctet(1) dscpCodepoint(2)
pktcSignalingType other(1) unknown(2) ncs(3) dcs(4)
pktcSigNcsServiceFlowState notactive(1) active(2) error(3)
pktcNcsEndPntConfigMax1QEnable true(1) false(2)
pktcNcsEndPntConfigMax2QEnable true(1) false(2)
pktcNcsEndPntConfigStatus active(1) notInService(2) notReady(3) createAndGo(4) createAndWait(5) destroy(6)
pktcNcsEndPntStatusError operational(1) noSecurityAssociation(2) disconnected(3)
pktcDevEvControl resetLog(1) setDefaults(2) useConfigured(3)
pktcDevEvControlState logReset(1) defaultsSet(2) userConfigured(3) processing(4)
pktcDevEvProgrammableLevel critical(1) major(2) minor(3) warning(4) information(5)
pktcDevEvFixedLevel critical(1) major(2) minor(3) warning(4) information(5)
pktcDevEvThrottleAdminStatus throttlingInhibited(1) dynamicThresholding(2) manualThresholding(3)
    eventsInhibited(4)
pktcDevEvThrottleInhibited true(1) false(2)
pktcDevEvLevel critical(1) major(2) minor(3) warning(4) information(5)
pktcDevEvReportLevel critical(1) major(2) minor(3) warning(4) information(5)
"""

# name SIZE: the string lengths (bytes) the MIB allows, "lo..hi" or a single length, alternatives joined by "|".
# With MIBs loaded the tool refuses a String/HexString value of another length (even under a numeric OID).
_SIZES = """
sysDescr 0..255
sysContact 0..255
sysName 0..255
sysLocation 0..255
sysORDescr 0..255
ifDescr 0..255
docsIfSigQEqualizationData 0|36..260
docsIfCmCmtsAddress 6
docsIfCmStatusCode 0|5|6
docsIfCmStatusEqualizationData 0|36..260
docsIfCmtsCmStatusMacAddress 6
docsIfCmtsCmStatusEqualizationData 0|36..260
docsIfCmtsCmMac 6
ifName 0..255
ifAlias 0..64
ifTestOwner 0..255
docsDevDateTime 8|11
docsDevSerialNumber 0..255
docsDevNmAccessInterfaces 1..32
docsDevSwFilename 0..64
docsDevSwCurrentVers 0..255
docsDevServerConfigFile 0..255
docsDevEvFirstTime 8|11
docsDevEvLastTime 8|11
docsDevEvText 0..255
docsDevFilterIpTos 1
docsDevFilterIpTosMask 1
docsDevFilterTosAndMask 1
docsDevFilterTosOrMask 1
pktcMtaDevSerialNumber 0..128
pktcMtaDevHardwareVersion 0..48
pktcMtaDevMacAddress 6
pktcMtaDevFQDN 0..255
pktcMtaDevTypeIdentifier 0..255
pktcMtaDevErrorOid 0..255
pktcMtaDevErrorGiven 0..255
pktcMtaDevErrorReason 0..255
pktcMtaDevSwCurrentVers 0..255
pktcMtaDevConfigFile 0..255
pktcMtaDevSnmpEntity 0..255
pktcMtaDevProvConfigHash 16|20
pktcMtaDevProvConfigKey 0|8
pktcMtaDevProvKerbRealmName 1..255
pktcMtaDevManufacturerCertificate 0..4096
pktcMtaDevCertificate 0..4096
pktcMtaDevSignature 0..256
pktcMtaDevServProviderCertificate 0..4096
pktcMtaDevTelephonyCertificate 0..4096
pktcMtaDevKerberosRealm 0..1280
pktcMtaDevKerbPrincipalName 0..40
pktcMtaDevLocalSystemCertificate 0..4096
pktcMtaDevTgsLocation 0..255
pktcMtaDevTelephonyRootCertificate 0..4096
pktcMtaDevRealmName 1..255
pktcMtaDevRealmOrgName 1..64
pktcMtaDevCmsFqdn 1..255
pktcMtaDevCmsKerbRealmName 1..255
pktcMtaCmsMapCmsFqdn 1..255
pktcSignalingVersion 0..255
pktcSignalingVendorExtension 0..255
pktcSigServiceClassNameUS 0..15
pktcSigServiceClassNameDS 0..15
pktcNcsEndPntConfigCallAgentId 3..255
pktcDevEvProgrammableText 127
pktcDevEvFixedText 127
pktcDevEvTime 8|11
pktcDevEvText 0..255
pktcDevEvEndpointName 0..255
pktcDevEvReportTime 8|11
pktcDevEvReportText 0..255
pktcDevEvReportEndpointName 0..255
"""

MAX_ARCS = 128  # net-snmp's MAX_OID_LEN
MAX_ARC = 0xFFFFFFFF  # SNMP sub-identifiers are 32-bit


def _load() -> tuple[dict[str, tuple[int, ...]], dict[tuple[int, ...], str], frozenset[str]]:
    by_name: dict[str, tuple[int, ...]] = {}
    by_oid: dict[tuple[int, ...], str] = {}
    default: set[str] = set()
    module = ""
    for line in _TABLE.splitlines():
        if not line:
            continue
        if line.startswith("@ "):
            module = line[2:]
            continue
        dotted, name = line.split()
        arcs = tuple(int(a) for a in dotted.split("."))
        by_name[name] = arcs
        by_oid[arcs] = name
        if module in _DEFAULT_MODULES:
            default.add(name)
    return by_name, by_oid, frozenset(default)


def _load_enums() -> dict[str, Mapping[int, str]]:
    enums: dict[str, dict[int, str]] = {}
    current: dict[int, str] = {}
    for line in _ENUMS.splitlines():
        if not line.strip():
            continue
        words = line.split()
        if not line.startswith(" "):
            current = enums.setdefault(words.pop(0), {})
        for word in words:
            label, _, value = word.rstrip(")").partition("(")
            current[int(value)] = label
    return {name: MappingProxyType(labels) for name, labels in enums.items()}


def _load_sizes() -> dict[str, tuple[tuple[int, int], ...]]:
    sizes: dict[str, tuple[tuple[int, int], ...]] = {}
    for line in _SIZES.splitlines():
        if line:
            name, spec = line.split()
            ranges = (part.partition("..") for part in spec.split("|"))
            sizes[name] = tuple((int(lo), int(hi or lo)) for lo, _, hi in ranges)
    return sizes


_BY_NAME, _BY_OID, _DEFAULT_NAMES = _load()
NAME_TO_OID: Mapping[str, tuple[int, ...]] = MappingProxyType(_BY_NAME)
OID_TO_NAME: Mapping[tuple[int, ...], str] = MappingProxyType(_BY_OID)
ENUMS: Mapping[str, Mapping[int, str]] = MappingProxyType(_load_enums())
SIZES: Mapping[str, tuple[tuple[int, int], ...]] = MappingProxyType(_load_sizes())


class OidError(ValueError):
    """An OID text that cannot be resolved; the message says why."""


def resolve(text: str) -> tuple[int, ...]:
    """The arcs of ``text``: numeric (``.1.3.6.1…`` or ``1.3.6.1…``), a name with a numeric suffix, or a path.

    Every name after the first must be a direct child of what precedes it (``system.sysContact.0``).
    """
    body = text[1:] if text.startswith(".") else text
    if not body:
        raise OidError("empty OID")
    arcs: list[int] = []
    for part in body.split("."):
        if part.isascii() and part.isdigit():
            arcs.append(int(part))
            continue
        if not part:
            raise OidError(f"empty component in OID {text!r}")
        named = NAME_TO_OID.get(part)
        if named is None:
            raise OidError(f"unknown OID name {part!r} in {text!r} (not in our table; use the numeric OID)")
        if arcs and (len(named) != len(arcs) + 1 or list(named[:-1]) != arcs):
            raise OidError(f"{part!r} is not directly under {'.'.join(map(str, arcs))} in {text!r}")
        arcs = list(named)
    return check_arcs(arcs, text)


def check_arcs(arcs: list[int] | tuple[int, ...], text: str) -> tuple[int, ...]:
    """``arcs`` as a tuple if BER can encode them (at least 2 arcs, first 0-2, second < 40 under 0 and 1)."""
    if len(arcs) < 2:
        raise OidError(f"OID {text!r} needs at least two arcs")
    if len(arcs) > MAX_ARCS:
        raise OidError(f"OID {text!r} has more than {MAX_ARCS} arcs")
    if arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise OidError(f"OID {text!r} does not start with 0.x, 1.x (x < 40) or 2.x")
    if max(arcs) > MAX_ARC:
        raise OidError(f"OID {text!r} has an arc above {MAX_ARC}")
    return tuple(arcs)


def _deepest(arcs: tuple[int, ...]) -> tuple[str, int] | None:
    for end in range(len(arcs), 0, -1):
        name = OID_TO_NAME.get(arcs[:end])
        if name is not None:
            return name, end
    return None


def name_of(arcs: tuple[int, ...], *, numeric: bool = False) -> str:
    """The text for ``arcs``: ``.1.3.6…`` if numeric, else the deepest named node and the remaining arcs."""
    found = None if numeric else _deepest(arcs)
    if found is None:
        return "." + ".".join(map(str, arcs))
    name, end = found
    return ".".join([name, *map(str, arcs[end:])])


def enum_label(arcs: tuple[int, ...], value: int, *, numeric: bool = False) -> str | None:
    """The enumeration label of ``value`` for the object ``arcs`` belongs to, if our table knows one."""
    found = _deepest(arcs)
    if found is None:
        return None
    name = found[0]
    if numeric and name not in _DEFAULT_NAMES:
        return None
    labels = ENUMS.get(name)
    return labels.get(value) if labels is not None else None


def size_limits(arcs: tuple[int, ...]) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """(object name, allowed string lengths) of the object ``arcs`` belongs to, where its MIB limits them."""
    found = _deepest(arcs)
    if found is None or found[0] not in SIZES:
        return None
    return found[0], SIZES[found[0]]
