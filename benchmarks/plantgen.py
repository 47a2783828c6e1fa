"""A cable plant of any size in a fresh database of a throwaway MariaDB, shaped like a real NMS Prime one.

The schema is the tests' ``schema_netgw.sql``; the rows are generated here. Ids follow NMS Prime's start ids
(modems from 100000, endpoints from 200000, MTAs from 300000, contracts from 500000), host names are ``cm-<id>``,
MACs are unique, and the wide columns carry realistic filler (customer and address fields, a ~550-character
description, coordinates, physical values), so a row is as wide as in a production table (about 1.1 KB per modem).
Big tables are loaded with ``LOAD DATA LOCAL INFILE``, the small ones with multi-row INSERTs.

Shape for ``modems`` = N live modems:

- unique MACs (a per-kind prefix and the scrambled id);
- N live modems plus 3 % soft-deleted rows between them (a real table keeps them), 5 % public, 2 % without
  internet access (blocked);
- one contract per modem (``modem.contract_id`` is NOT NULL in NMS Prime, and the daemon reads the table);
- MTAs for 20 % of the modems (70 % SIP, 30 % PacketCable);
- endpoints: 5 % of N, each behind a public modem, with a fixed address inside its CMTS's CPEPub pool
  (so the pool's range is cut around it), 80 % with a MAC of their own;
- 50 CMTSs with 8 pools each (3 CM, 2 CPEPriv, 1 CPEPub, 2 MTA: 400 pools of 655 addresses, 262k in all),
  20 configfiles (CM and MTA trees with parents), 10 qos rows, one provbase/provvoip/provha/global_config row;
- ``guilog``, a table NMS Prime writes on every GUI change and the daemon does not watch, for the background
  writer.
"""

from __future__ import annotations

import ipaddress
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql

from tests.dbserver import FIXTURES, MariaDBServer, PlantDB

MODEM_START, ENDPOINT_START, MTA_START, CONTRACT_START = 100000, 200000, 300000, 500000
POOL_TYPES = ("CM", "CM", "CM", "CPEPriv", "CPEPriv", "CPEPub", "MTA", "MTA")
POOL_SIZE = 655  # addresses per pool range: 400 pools x 655 = 262k, the pool size of limits.md
OWN_IP, PEER_IP = "10.99.0.2", "10.99.0.3"  # the slave (this host, in the dhcpd namespace) and the master

_FIRST = (
    "Anna",
    "Bernd",
    "Claudia",
    "Dieter",
    "Elke",
    "Frank",
    "Gisela",
    "Heinz",
    "Ilse",
    "Jürgen",
    "Karin",
    "Lothar",
    "Monika",
    "Norbert",
    "Petra",
    "Rainer",
    "Sabine",
    "Thomas",
    "Ursula",
    "Werner",
)
_LAST = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
)
_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenstraße",
    "Dorfstraße",
    "Schulstraße",
    "Lindenstraße",
    "Bergstraße",
    "Kirchstraße",
    "Waldstraße",
    "Ringstraße",
    "Am Markt",
    "Friedrich-Ebert-Straße",
)
_CITIES = (
    ("09111", "Chemnitz"),
    ("08056", "Zwickau"),
    ("09599", "Freiberg"),
    ("04109", "Leipzig"),
    ("01067", "Dresden"),
    ("09456", "Annaberg-Buchholz"),
    ("08523", "Plauen"),
    ("09337", "Hohenstein-Ernstthal"),
)
_MODELS = (
    ("ARRIS TG3442DE", "AR01.02.068.11_030321_711.PC20.10"),
    ("AVM FRITZ!Box 6591 Cable", "7.29"),
    ("Technicolor TC4400", "SR70.12.42-190604"),
    ("Hitron CODA-4582", "7.1.1.32"),
    ("Sagemcom F@st 3896", "SG4K10002816t"),
)
_DESCRIPTION = (
    "Installed by field service team {team} on {day}. Customer requested installation in the basement next to "
    "the house connection amplifier; signal levels checked after installation (downstream within range, upstream "
    "transmit level acceptable). Previous device was replaced because of a defective power supply, serial number "
    "noted in the inventory. Customer prefers appointments in the afternoon; call before visiting, the doorbell "
    "does not work. Contract migrated from the old billing system, tariff checked against the order form. "
    "Technician note {note}: splitter in the stairwell replaced, cable run along the facade to the first floor. "
    "Keep the modem on the wall mount, the customer's router behind it uses bridge mode."
)
# Configfile texts in NMS Prime's format (no Main wrapper; placeholders {table.column.N}): a root CM config with
# QoS and privacy, children that add a line naming the modem's street, an MTA config.
_CM_TEMPLATE = (
    "NetworkAccess {contract.internet_access.0};\nMaxCPE {provbase.max_cpe.0};\nGlobalPrivacyEnable 1;\n"
    "BaselinePrivacy\n{\n\tAuthTimeout 10;\n\tReAuthTimeout 10;\n\tAuthGraceTime 600;\n}\n"
    "UsServiceFlow\n{\n\tUsServiceFlowRef 1;\n\tQosParamSetType 7;\n\tMaxRateSustained {qos.us_rate_max_help.0};\n"
    "\tSchedulingType 2;\n}\n"
    "DsServiceFlow\n{\n\tDsServiceFlowRef 2;\n\tQosParamSetType 7;\n\tMaxRateSustained {qos.ds_rate_max_help.0};\n}\n"
    'SnmpMibObject sysContact.0 String "noc@nmsprime.test";\n'
)
_CM_CHILD_TEMPLATE = 'SnmpMibObject sysLocation.0 String "{modem.street.0}";\n'
_MTA_TEMPLATE = (
    "MtaConfigDelimiter 1;\nSnmpMibObject pktcMtaDevEnabled.0 Integer 1;\n"
    'SnmpMibObject sysContact.0 String "noc@nmsprime.test";\nMtaConfigDelimiter 255;\n'
)


@dataclass(frozen=True, slots=True)
class PlantSpec:
    """How big the plant is; everything but ``modems`` has the issue's defaults."""

    modems: int
    mta_share: float = 0.20
    public_share: float = 0.05
    blocked_share: float = 0.02
    deleted_share: float = 0.03
    endpoint_share: float = 0.05
    cmts: int = 50
    pools_per_cmts: int = len(POOL_TYPES)
    configfiles: int = 20
    qos: int = 10

    @property
    def endpoints(self) -> int:
        """Number of endpoints."""
        return round(self.modems * self.endpoint_share)


@dataclass(slots=True)
class BenchPlant:
    """A generated plant: its database, what was generated, and handles for the measurements."""

    db: PlantDB
    spec: PlantSpec
    counts: dict[str, int] = field(default_factory=dict)
    modem_ids: list[int] = field(default_factory=list)  # live ones
    mta_ids: list[int] = field(default_factory=list)
    endpoint_ids: list[int] = field(default_factory=list)
    pools: list[tuple[str, ipaddress.IPv4Address, ipaddress.IPv4Address]] = field(default_factory=list)
    table_bytes: dict[str, int] = field(default_factory=dict)  # data_length per table
    avg_row: dict[str, int] = field(default_factory=dict)


def _ts(day: int, second: int = 0) -> str:
    """A timestamp ``day`` days after 2019-01-01 (all in the past: none is in the database's current second)."""
    year, rest = 2019 + day // 365, day % 365
    month, mday = 1 + rest // 31 % 12, 1 + rest % 28
    return f"{year:04d}-{month:02d}-{mday:02d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"


def _mac(prefix: int, number: int) -> str:
    """A unique MAC per (prefix, number): the number scrambled by an odd multiplier (a bijection on 32 bits), so
    consecutive rows do not get consecutive MACs (a plant is installed from many batches)."""
    n = (number * 2654435761) & 0xFFFFFFFF
    return f"{prefix >> 8:02x}:{prefix & 255:02x}:{n >> 24:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"


def _tsv(rows: Iterable[Sequence[Any]], path: Path) -> None:
    """Write rows for LOAD DATA: tab-separated, ``\\N`` for NULL; generated values hold no tab, newline or backslash."""
    with open(path, "w", encoding="utf-8") as out:
        out.writelines("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows)


MODEM_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "name",
    "hostname",
    "contract_id",
    "contract_external_id",
    "contract_ext_creation_date",
    "contract_ext_termination_date",
    "salutation",
    "company",
    "department",
    "firstname",
    "lastname",
    "street",
    "house_number",
    "zip",
    "city",
    "district",
    "birthday",
    "country_id",
    "country_code",
    "installation_address_change_date",
    "mac",
    "us_pwr",
    "us_snr",
    "ds_pwr",
    "ds_snr",
    "public",
    "internet_access",
    "serial_num",
    "inventar_num",
    "description",
    "parent",
    "configfile_id",
    "netelement_id",
    "qos_id",
    "lng",
    "lat",
    "geocode_source",
    "number",
    "tdr",
    "fft_max",
    "model",
    "sw_rev",
    "support_state",
    "ppp_username",
    "ppp_password",
    "apartment_nr",
    "next_passive_id",
    "phy_updated_at",
    "ipv4",
    "address_to_invoice",
    "apartment_id",
    "netgw_id",
)
CONTRACT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "number",
    "number2",
    "number3",
    "number4",
    "customer_external_id",
    "company",
    "department",
    "salutation",
    "academic_degree",
    "firstname",
    "lastname",
    "street",
    "house_number",
    "zip",
    "city",
    "district",
    "country_id",
    "country_code",
    "phone",
    "fax",
    "email",
    "birthday",
    "contract_start",
    "contract_end",
    "internet_access",
    "purchase_tariff",
    "next_purchase_tariff",
    "qos_id",
    "next_qos_id",
    "voip_id",
    "next_voip_id",
    "sepa_iban",
    "sepa_bic",
    "sepa_holder",
    "sepa_institute",
    "create_invoice",
    "login",
    "password",
    "net",
    "cluster",
    "description",
    "costcenter_id",
    "salesman_id",
    "has_telephony",
    "apartment_nr",
    "additional",
    "ground_for_dismissal",
    "group_contract",
    "contact",
    "value_date",
    "apartment_id",
    "contact_id",
)
MTA_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "modem_id",
    "mac",
    "hostname",
    "configfile_id",
    "type",
    "is_dummy",
)
ENDPOINT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "hostname",
    "mac",
    "description",
    "fixed_ip",
    "modem_id",
    "ip",
    "add_reverse",
    "version",
    "prefix",
)


class _Layout:
    """Which modem gets what, decided from its position so that every share is exact and spread out."""

    def __init__(self, spec: PlantSpec) -> None:
        self.spec = spec
        deleted_every = round(1 / spec.deleted_share) if spec.deleted_share else 0
        self.rows: list[tuple[int, bool]] = []  # (id, live)
        live = 0
        next_id = MODEM_START
        while live < spec.modems:
            is_deleted = bool(deleted_every) and (next_id - MODEM_START) % deleted_every == deleted_every - 1
            self.rows.append((next_id, not is_deleted))
            live += not is_deleted
            next_id += 1
        self.live = [mid for mid, alive in self.rows if alive]
        self.public = set(self._every(spec.public_share, 3))
        self.blocked = set(self._every(spec.blocked_share, 7))
        self.with_mta = self._every(spec.mta_share, 1)
        self.cm_configfiles = list(range(1, spec.configfiles - spec.configfiles // 4 + 1))
        self.mta_configfiles = list(range(len(self.cm_configfiles) + 1, spec.configfiles + 1))

    def _every(self, share: float, offset: int) -> list[int]:
        if share <= 0:
            return []
        step = 1 / share
        count = round(len(self.live) * share)
        return [self.live[min(len(self.live) - 1, int(k * step) + offset % max(1, int(step)))] for k in range(count)]


def _modem_rows(layout: _Layout) -> Iterable[tuple[Any, ...]]:
    spec = layout.spec
    contract = CONTRACT_START
    for n, (mid, alive) in enumerate(layout.rows):
        contract += 1
        first, last = _FIRST[n % len(_FIRST)], _LAST[n * 7 % len(_LAST)]
        zipcode, city = _CITIES[n % len(_CITIES)]
        model, sw_rev = _MODELS[n % len(_MODELS)]
        created = _ts(n % 2400, n * 37)
        updated = _ts(n % 2400 + 30, n * 41)
        deleted = None if alive else _ts(n % 2400 + 60, n * 43)
        description = _DESCRIPTION.format(team=n % 17 + 1, day=created[:10], note=f"{mid:07d}")
        cmts = n % spec.cmts
        yield (
            mid,
            created,
            deleted or updated,
            deleted,
            f"{first} {last}",
            f"cm-{mid}",
            contract,
            f"K{contract:07d}",
            created[:10],
            None,
            "Frau" if n % 2 else "Herr",
            None if n % 13 else "Muster GmbH",
            None,
            first,
            last,
            _STREETS[n % len(_STREETS)],
            str(n % 180 + 1),
            zipcode,
            city,
            None if n % 3 else "Zentrum",
            None,
            None,
            "DE",
            None,
            _mac(0x001E, mid),
            38 + n % 12,
            30 + n % 9,
            -4 + n % 9,
            36 + n % 5,
            int(mid in layout.public),
            int(mid not in layout.blocked),
            f"SN{mid:010d}",
            f"INV-{mid}",
            description,
            None,
            layout.cm_configfiles[n % len(layout.cm_configfiles)],
            1000 + cmts,
            1 + n % spec.qos,
            f"{12.9 + (n % 997) / 1000:.6f}",
            f"{50.8 + (n % 991) / 1000:.6f}",
            "OSM Nominatim",
            str(contract),
            f"{(n % 500) / 10:.2f}",
            f"{(n % 300) / 10:.2f}",
            model,
            sw_rev,
            "full-support",
            None,
            None,
            None if n % 5 else f"WE {n % 12 + 1}",
            0,
            _ts(2500, n),
            int(ipaddress.IPv4Address(f"10.{cmts + 1}.0.0")) + n,
            0,
            None,
            None,
        )


def _contract_rows(layout: _Layout) -> Iterable[tuple[Any, ...]]:
    spec = layout.spec
    telephony = set(layout.with_mta)
    for n, (mid, alive) in enumerate(layout.rows):
        cid = CONTRACT_START + n + 1
        first, last = _FIRST[n % len(_FIRST)], _LAST[n * 7 % len(_LAST)]
        zipcode, city = _CITIES[n % len(_CITIES)]
        created = _ts(n % 2400, n * 31)
        deleted = None if alive else _ts(n % 2400 + 60, n * 43)
        yield (
            cid,
            created,
            deleted or _ts(n % 2400 + 20, n * 29),
            deleted,
            str(cid),
            None,
            None,
            None,
            f"C-{cid}",
            None if n % 13 else "Muster GmbH",
            None,
            "Frau" if n % 2 else "Herr",
            None,
            first,
            last,
            _STREETS[n % len(_STREETS)],
            str(n % 180 + 1),
            zipcode,
            city,
            None,
            None,
            "DE",
            f"0371 {n % 999983:06d}",
            None,
            f"{first.lower()}.{last.lower()}{n}@example.net".encode("ascii", "replace").decode(),
            f"19{50 + n % 50}-0{1 + n % 9}-1{n % 9}",
            created[:10],
            None,
            int(mid not in layout.blocked),
            None,
            None,
            1 + n % spec.qos,
            None,
            None,
            None,
            f"DE{n % 97:02d}87050000{cid:010d}",
            "CHEKDE81XXX",
            f"{first} {last}",
            "Sparkasse Chemnitz",
            1,
            None,
            None,
            None,
            None,
            None if n % 4 else "Customer asked for paper invoices; direct debit mandate signed on the order form.",
            1,
            None,
            int(mid in telephony),
            None,
            None,
            None,
            None,
            0,
            None,
            None,
            None,
        )


def _mta_rows(layout: _Layout) -> Iterable[tuple[Any, ...]]:
    for k, modem_id in enumerate(layout.with_mta):
        mta_id = MTA_START + k
        created = _ts(k % 2400, k * 53)
        yield (
            mta_id,
            created,
            created,
            None,
            modem_id,
            _mac(0x001F, mta_id),
            f"mta-{mta_id}",
            layout.mta_configfiles[k % len(layout.mta_configfiles)],
            "packetcable" if k % 10 < 3 else "sip",
            0,
        )


def _pools(spec: PlantSpec) -> list[tuple[int, int, str, ipaddress.IPv4Network]]:
    """(pool id, cmts id, type, network) for every pool: 10.<cmts>.<4k>.0/22."""
    pools = []
    for c in range(1, spec.cmts + 1):
        for k in range(spec.pools_per_cmts):
            net = ipaddress.IPv4Network(f"10.{c}.{4 * k}.0/22")
            pools.append(((c - 1) * spec.pools_per_cmts + k + 1, c, POOL_TYPES[k % len(POOL_TYPES)], net))
    return pools


def _endpoint_rows(
    layout: _Layout, pools: list[tuple[int, int, str, ipaddress.IPv4Network]]
) -> Iterable[tuple[Any, ...]]:
    spec = layout.spec
    public = sorted(layout.public)
    cpepub = [net for _, _, kind, net in pools if kind == "CPEPub"]
    per_pool: dict[int, int] = {}
    for k in range(spec.endpoints):
        ep_id = ENDPOINT_START + k
        pool = k % len(cpepub)
        slot = per_pool.get(pool, 0)
        per_pool[pool] = slot + 1
        ip = cpepub[pool].network_address + 10 + 3 * slot + 1  # inside the range: cut out of it
        created = _ts(k % 2400, k * 59)
        yield (
            ep_id,
            created,
            created,
            None,
            f"ep-{ep_id}",
            None if k % 5 == 4 else _mac(0x0020, ep_id),
            f"Fixed address for customer equipment #{k}",
            1,
            public[k % len(public)] if public else MODEM_START,
            str(ip),
            None,
            "4",
            None,
        )


def _connect(server: MariaDBServer, database: str) -> pymysql.connections.Connection[Any]:
    return pymysql.connect(
        unix_socket=server.socket, user="root", database=database, autocommit=True, charset="utf8mb4", local_infile=True
    )


def _load(
    conn: pymysql.connections.Connection[Any],
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    workdir: Path,
) -> None:
    path = workdir / f"{table}.tsv"
    _tsv(rows, path)
    with conn.cursor() as cur:
        cur.execute(
            f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE `{table}` CHARACTER SET utf8mb4 "
            f"FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' ({', '.join(columns)})"
        )
        cur.execute("SHOW WARNINGS")
        warnings = cur.fetchall()
    path.unlink()
    if warnings:
        raise RuntimeError(f"loading {table}: {warnings[:5]}")


def _insert(
    conn: pymysql.connections.Connection[Any], table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    marks = ", ".join(["%s"] * len(columns))
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO `{table}` ({', '.join(columns)}) VALUES ({marks})", rows)


def _small_tables(
    conn: pymysql.connections.Connection[Any], spec: PlantSpec, pools: list[tuple[int, int, str, ipaddress.IPv4Network]]
) -> None:
    t0 = "2025-06-01 00:00:00"
    _insert(
        conn,
        "global_config",
        (
            "id",
            "created_at",
            "updated_at",
            "name",
            "street",
            "city",
            "phone",
            "mail",
            "log_level",
            "headline1",
            "headline2",
            "default_country_code",
        ),
        [
            (
                1,
                t0,
                t0,
                "Bench Cable GmbH",
                "Hauptstraße 1",
                "Chemnitz",
                "+49 371 123456",
                "noc@nmsprime.test",
                1,
                "NMS Prime",
                "The next Generation NMS",
                "DE",
            )
        ],
    )
    _insert(
        conn,
        "provbase",
        (
            "id",
            "created_at",
            "updated_at",
            "provisioning_server",
            "ro_community",
            "rw_community",
            "domain_name",
            "dns_password",
            "dhcp_def_lease_time",
            "dhcp_max_lease_time",
            "startid_contract",
            "startid_modem",
            "startid_endpoint",
            "max_cpe",
            "ds_rate_coefficient",
            "us_rate_coefficient",
            "multiple_provisioning_systems",
            "additional_modem_reset",
            "modem_edit_page_new_tab",
        ),
        [
            (
                1,
                t0,
                t0,
                PEER_IP,
                "public",
                "private",
                "nmsprime.test",
                "cHJvdmJhc2Vfc2VjcmV0",
                86400,
                172800,
                CONTRACT_START,
                MODEM_START,
                ENDPOINT_START,
                4,
                1.1,
                1.1,
                0,
                0,
                0,
            )
        ],
    )
    _insert(
        conn,
        "provvoip",
        ("id", "created_at", "updated_at", "startid_mta", "mta_domain"),
        [(1, t0, t0, MTA_START, "mta.nmsprime.test")],
    )
    _insert(
        conn,
        "provha",
        (
            "id",
            "created_at",
            "updated_at",
            "master",
            "master_dns_password",
            "slaves",
            "slave_dns_password",
            "load_ratio_master",
            "slave_config_rebuild_interval",
        ),
        [(1, t0, t0, PEER_IP, "bWFzdGVyLXNlY3JldC1rZXk=", OWN_IP, "c2xhdmUtc2VjcmV0LWtleQ==", 0.5, 3600)],
    )
    vendors = (("Cisco", "uBR10k"), ("Casa", "C100G"), ("Arris", "E6000"), ("Harmonic", "CableOS"))
    _insert(
        conn,
        "netgw",
        (
            "id",
            "created_at",
            "updated_at",
            "hostname",
            "series",
            "ip",
            "community_rw",
            "community_ro",
            "company",
            "support_state",
            "type",
        ),
        [
            (
                c,
                t0,
                t0,
                f"cmts-{c:02d}",
                vendors[c % 4][1],
                f"10.98.0.{c}",
                "private",
                "public",
                vendors[c % 4][0],
                "full-support",
                "cmts",
            )
            for c in range(1, spec.cmts + 1)
        ],
    )
    pool_rows = []
    for pool_id, cmts, kind, net in pools:
        start = net.network_address + 10
        pool_rows.append(
            (
                pool_id,
                t0,
                t0,
                cmts,
                kind,
                str(net.network_address),
                str(net.netmask),
                str(start),
                str(start + POOL_SIZE - 1),
                str(net.network_address + 1),
                str(net.broadcast_address),
                PEER_IP,
                OWN_IP,
                None,
                "default-lease-time 3600;" if kind == "CPEPub" else None,
                f"{kind} pool of cmts-{cmts:02d}",
                "4",
                1,
            )
        )
    _insert(
        conn,
        "ippool",
        (
            "id",
            "created_at",
            "updated_at",
            "netgw_id",
            "type",
            "net",
            "netmask",
            "ip_pool_start",
            "ip_pool_end",
            "router_ip",
            "broadcast_ip",
            "dns1_ip",
            "dns2_ip",
            "dns3_ip",
            "optional",
            "description",
            "version",
            "active",
        ),
        pool_rows,
    )
    cm_count = spec.configfiles - spec.configfiles // 4
    configfiles = []
    for cf in range(1, spec.configfiles + 1):
        is_cm = cf <= cm_count
        root = 1 if is_cm else cm_count + 1
        parent = None if cf == root else (root if cf % 3 else cf - 1)
        text = (_CM_TEMPLATE if parent is None else _CM_CHILD_TEMPLATE) if is_cm else _MTA_TEMPLATE
        configfiles.append(
            (cf, t0, t0, f"{'CM' if is_cm else 'MTA'} config {cf}", text, "cm" if is_cm else "mta", "yes", parent, "")
        )
    _insert(
        conn,
        "configfile",
        ("id", "created_at", "updated_at", "name", "text", "device", "public", "parent_id", "firmware"),
        configfiles,
    )
    _insert(
        conn,
        "qos",
        (
            "id",
            "created_at",
            "updated_at",
            "ds_rate_max",
            "us_rate_max",
            "ds_rate_max_help",
            "us_rate_max_help",
            "name",
            "ds_name",
            "us_name",
        ),
        [
            (q, t0, t0, 25.0 * q, 2.5 * q, 25_000_000 * q, 2_500_000 * q, f"{25 * q}/{2.5 * q:g}", f"ds{q}", f"us{q}")
            for q in range(1, spec.qos + 1)
        ],
    )
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE guilog (id INT UNSIGNED NOT NULL AUTO_INCREMENT, created_at TIMESTAMP NULL DEFAULT NULL, "
            "updated_at TIMESTAMP NULL DEFAULT NULL, deleted_at TIMESTAMP NULL DEFAULT NULL, user_id INT UNSIGNED "
            "NOT NULL, username VARCHAR(191) NOT NULL, method VARCHAR(191) NOT NULL, model VARCHAR(191) NOT NULL, "
            "model_id INT UNSIGNED NOT NULL, text TEXT NULL, PRIMARY KEY (id)) "
            "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
        )


def create_plant(server: MariaDBServer, spec: PlantSpec, workdir: Path | None = None) -> BenchPlant:
    """Create a database on ``server`` with the schema and a generated plant, plus a SELECT-only user."""
    suffix = uuid.uuid4().hex[:8]
    db = PlantDB(
        name=f"bench_{suffix}",
        user=f"ro_{suffix}",
        password=secrets.token_urlsafe(16),
        port=server.port,
        socket=server.socket,
        server=server,
    )
    server.execute(f"CREATE DATABASE `{db.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    server.load_file(FIXTURES / "schema_netgw.sql", db.name)
    layout = _Layout(spec)
    pools = _pools(spec)
    plant = BenchPlant(db, spec)
    with tempfile.TemporaryDirectory(prefix="provha-plantgen-", dir=workdir) as tmp:
        conn = _connect(server, db.name)
        try:
            _small_tables(conn, spec, pools)
            _load(conn, "modem", MODEM_COLUMNS, _modem_rows(layout), Path(tmp))
            _load(conn, "contract", CONTRACT_COLUMNS, _contract_rows(layout), Path(tmp))
            _load(conn, "mta", MTA_COLUMNS, _mta_rows(layout), Path(tmp))
            _load(conn, "endpoint", ENDPOINT_COLUMNS, _endpoint_rows(layout, pools), Path(tmp))
            with conn.cursor() as cur:
                cur.execute("ANALYZE TABLE modem, contract, mta, endpoint")
                cur.fetchall()
                cur.execute(
                    "SELECT TABLE_NAME, TABLE_ROWS, AVG_ROW_LENGTH, DATA_LENGTH FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = %s",
                    (db.name,),
                )
                for name, _rows, avg, data in cur.fetchall():
                    plant.avg_row[str(name)], plant.table_bytes[str(name)] = int(avg or 0), int(data or 0)
        finally:
            conn.close()
    grants = []
    for host in ("127.0.0.1", "localhost"):
        grants.append(f"CREATE USER '{db.user}'@'{host}' IDENTIFIED BY '{db.password}'")
        grants.append(f"GRANT SELECT ON `{db.name}`.* TO '{db.user}'@'{host}'")
    server.execute(";\n".join(grants))
    settle(server)
    plant.modem_ids = layout.live
    plant.mta_ids = [MTA_START + k for k in range(len(layout.with_mta))]
    plant.endpoint_ids = [ENDPOINT_START + k for k in range(spec.endpoints)]
    plant.pools = [
        (kind, net.network_address + 10, net.network_address + 10 + POOL_SIZE - 1) for _, _, kind, net in pools
    ]
    plant.counts = {
        "modems": len(layout.live),
        "modem rows (with soft-deleted)": len(layout.rows),
        "public": len(layout.public),
        "blocked": len(layout.blocked),
        "contracts": len(layout.rows),
        "mtas": len(layout.with_mta),
        "endpoints": spec.endpoints,
        "cmts": spec.cmts,
        "pools": len(pools),
        "pool addresses": len(pools) * POOL_SIZE,
        "configfiles": spec.configfiles,
        "qos": spec.qos,
    }
    return plant


def settle(server: MariaDBServer, timeout: float = 120.0) -> int:
    """Let InnoDB write back the freshly loaded pages, so no measurement shares the disk with that flush.

    Returns the dirty pages left (0 unless ``timeout`` ran out).
    """
    names = ("innodb_io_capacity", "innodb_io_capacity_max", "innodb_max_dirty_pages_pct")
    saved = {
        str(k): str(v)
        for k, v in server.execute(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + ", ".join(f"'{n}'" for n in names) + ")"
        )
    }
    server.execute(
        "SET GLOBAL innodb_io_capacity_max = 100000; SET GLOBAL innodb_io_capacity = 50000;"
        "SET GLOBAL innodb_max_dirty_pages_pct = 0"
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            dirty = int(server.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")[0][1])
            if dirty == 0 or time.monotonic() > deadline:
                return dirty
            time.sleep(0.2)
    finally:
        server.execute(
            f"SET GLOBAL innodb_max_dirty_pages_pct = {saved['innodb_max_dirty_pages_pct']}; "
            f"SET GLOBAL innodb_io_capacity = {saved['innodb_io_capacity']}; "
            f"SET GLOBAL innodb_io_capacity_max = {saved['innodb_io_capacity_max']}"
        )


def drop_plant(plant: BenchPlant) -> None:
    """Drop the database and its user."""
    db = plant.db
    db.server.execute(
        f"DROP DATABASE IF EXISTS `{db.name}`;DROP USER IF EXISTS '{db.user}'@'127.0.0.1', '{db.user}'@'localhost'"
    )
