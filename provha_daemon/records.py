"""The plant: typed, validated records of one database snapshot; ``loader`` builds them, ``render`` reads them.

Rows that cannot be written safely are left out and named as ``Skipped`` (table, id, reason). The rule that
decides a modem's network access lives here with the records it reads.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from provha_daemon.errors import RowError
from provha_daemon.schema import Schema

POOL_TYPES = frozenset({"CM", "CPEPub", "CPEPriv", "MTA", "STB"})
# ``Modem.columns`` holds the modem columns TFTP templates name, as read: joined with U+001F (``loader`` packs so).
SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row left out because a value failed validation."""

    table: str
    id: int | str
    reason: str


@dataclass(frozen=True, slots=True)
class Gateway:
    """A CMTS (``netgw`` with type cmts, or an old ``cmts`` row)."""

    id: int
    hostname: str
    ip: str | None = None  # its address (chrony serves it NTP); None when the row has none or a bad one
    ip_problem: str | None = None  # why a present ``ip`` was not taken; the gateway itself stays in the plant


@dataclass(frozen=True, slots=True)
class Pool:
    """An IPv4 ``ippool`` row of a rendered gateway."""

    id: int
    gateway_id: int
    type: str
    network: ipaddress.IPv4Network
    router: str
    broadcast: str | None
    dns: tuple[str, ...]
    start: str
    end: str
    optional: str
    active: bool
    vendor_class: str | None


class Modem(NamedTuple):
    """A live modem; ``mac`` is None when the row has none (no DHCP host then).

    Modems, MTAs and endpoints are named tuples: immutable like the frozen records, and built 4 times faster
    (100k+ of them per snapshot).
    """

    id: int
    hostname: str
    mac: str | None
    public: bool
    internet_access: bool
    configfile_id: int | None
    contract_id: int | None
    qos_id: int | None = None
    # The columns TFTP templates name (``TftpInputs.modem_columns``), packed as read: split only when encoded.
    columns: str = ""


class Mta(NamedTuple):
    """A live MTA (ProvVoip)."""

    id: int
    modem_id: int | None
    mac: str | None
    type: str
    configfile_id: int | None = None

    @property
    def hostname(self) -> str:
        """The host name mta.conf declares it by (NMS Prime's ``mta-<id>``)."""
        return f"mta-{self.id}"

    @property
    def has_host(self) -> bool:
        """Whether mta.conf declares it: a usable MAC (NMS Prime's ff:… placeholder is none)."""
        return bool(self.mac and not self.mac.startswith("ff:"))


class Endpoint(NamedTuple):
    """A live IPv4 endpoint behind a modem."""

    id: int
    hostname: str
    mac: str | None
    modem_id: int | None
    fixed_ip: bool
    ip: str | None


class Contract(NamedTuple):
    """The parts of a contract that decide a modem's network access."""

    id: int
    internet_access: bool
    has_telephony: bool


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A live ``configfile`` row: a DOCSIS text template, its parent and firmware."""

    id: int
    name: str
    text: str
    device: str
    parent_id: int | None
    firmware: str | None


@dataclass(slots=True)
class TftpInputs:
    """What the TFTP configs need beyond the DHCP plant: templates and the rows their placeholders name."""

    configfiles: dict[int, ConfigFile] = field(default_factory=dict)
    qos: dict[int, dict[str, object]] = field(default_factory=dict)
    provbase: dict[str, object] = field(default_factory=dict)
    modem_columns: tuple[str, ...] = ()  # the modem columns templates name, packed in each ``Modem.columns``
    mtas: dict[int, dict[str, object]] = field(default_factory=dict)
    phonenumbers: dict[int, dict[int, dict[str, object]]] = field(default_factory=dict)  # mta id -> port -> row
    modem_options: dict[int, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProvBase:
    """The global provisioning settings (``provbase`` row). A column whose value cannot be used holds a harmless
    stand-in and is named in ``problems`` (column → why; ``""`` for a missing row): a stage that needs it is
    refused (``require``), the others are not."""

    provisioning_server: str
    domain_name: str
    default_lease_time: int
    max_lease_time: int
    max_cpe: int | None
    multiple_provisioning_systems: bool
    id: int | None = None
    problems: Mapping[str, str] = field(default_factory=dict)

    def require(self, columns: Iterable[str]) -> None:
        """Raise ``RowError`` naming the first of ``columns`` whose value is unusable (or the missing row)."""
        if "" in self.problems:
            raise RowError("provbase", None, "", self.problems[""])
        for column in columns:
            if column in self.problems:
                raise RowError("provbase", self.id, column, self.problems[column])


@dataclass(frozen=True, slots=True)
class ProvHA:
    """The ``provha`` row: who is master, who is slave, their DNS secrets, the rebuild interval. A secret that is
    there but malformed is None here and named in ``problems``: a stage that writes it is refused (``require``);
    NULL or '' is simply no secret."""

    master: str
    slaves: tuple[str, ...]
    master_dns_password: str | None
    slave_dns_password: str | None
    rebuild_interval: int | None
    id: int | None = None
    problems: Mapping[str, str] = field(default_factory=dict)
    load_ratio_master: float = 0.5  # share of new clients the master answers (the failover split)

    def require(self, columns: Iterable[str]) -> None:
        """Raise ``RowError`` naming the first of ``columns`` whose value is present but unusable."""
        for column in columns:
            if column in self.problems:
                raise RowError("provha", self.id, column, self.problems[column])


@dataclass(slots=True)
class Plant:
    """Everything one rebuild renders from, read in one snapshot."""

    schema: Schema
    provbase: ProvBase
    provha: ProvHA | None
    mta_domain: str | None
    gateways: list[Gateway] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    modems: list[Modem] = field(default_factory=list)
    mtas: list[Mta] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    contracts: dict[int, Contract] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    tftp: TftpInputs | None = None

    @property
    def has_mta_table(self) -> bool:
        """Whether the ProvVoip module's ``mta`` table exists (then mta.conf is included)."""
        return self.schema.has_table("mta")

    def counts(self) -> dict[str, int]:
        """Row counts for the rebuild summary."""
        return {
            "gateways": len(self.gateways),
            "pools": len(self.pools),
            "modems": len(self.modems),
            "mtas": len(self.mtas),
            "endpoints": len(self.endpoints),
            "skipped": len(self.skipped),
        }


def modem_access(modem: Modem, contract: Contract | None, mta_count: int, max_cpe: int | None) -> tuple[bool, int]:
    """``(NetworkAccess, MaxCPE)`` of a modem's config by NMS Prime's rule: MTAs keep telephony alive."""
    cpes = max_cpe or 2
    access = True
    if mta_count:
        contract_internet = bool(contract and contract.internet_access)
        telephony = bool(contract and contract.has_telephony)
        if modem.internet_access or telephony or contract_internet:
            if not modem.internet_access:
                cpes = 0
                access = telephony
            cpes += mta_count
        else:
            access, cpes = False, 0
    elif not modem.internet_access:
        access = False
    if cpes < 1:  # the standard allows 1..254
        return False, 1
    return access, min(cpes, 254)


def network_access(modem: Modem, contract: Contract | None, mta_count: int, max_cpe: int | None) -> bool:
    """Whether the modem's config gets ``NetworkAccess 1``."""
    return modem_access(modem, contract, mta_count, max_cpe)[0]
