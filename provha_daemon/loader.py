"""The loader: reads one snapshot of NMS Prime's tables and builds the plant's records from it.

Rows that cannot be written safely are skipped and reported as ``Skipped`` (table, id, reason); rows that are
soft-deleted, belong to a non-CMTS gateway or an IPv6 pool are simply not part of the DHCP plant.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from provha_daemon import validation as v
from provha_daemon.collector import collector_paused
from provha_daemon.hosts import drop_duplicate_names
from provha_daemon.records import (
    POOL_TYPES,
    SEPARATOR,
    ConfigFile,
    Contract,
    Endpoint,
    Gateway,
    Modem,
    Mta,
    Plant,
    Pool,
    ProvBase,
    ProvHA,
    Skipped,
    TftpInputs,
)
from provha_daemon.schema import Schema

Fetch = Callable[[str], Awaitable[Sequence[Sequence[Any]]]]


class _Rows:
    """Collects skipped rows while records are built."""

    def __init__(self, plant: Plant) -> None:
        self.plant = plant

    def skip(self, table: str, row_id: object, exc: Exception) -> None:
        # Packed rows carry the id as text: name it as the number it is.
        text = str(row_id)
        name: int | str = int(text) if isinstance(row_id, int) or (text.isdecimal() and text.isascii()) else text
        self.plant.skipped.append(Skipped(table, name, str(exc)))


async def _fetch_provbase(fetch: Fetch, schema: Schema) -> ProvBase:
    columns = ["provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time"]
    columns.append(schema.column_or("provbase", "max_cpe", "NULL"))
    columns.append(schema.column_or("provbase", "multiple_provisioning_systems", "0"))
    rows = await fetch(
        f"SELECT id, {', '.join(columns)} FROM provbase WHERE {schema.live('provbase')} ORDER BY id LIMIT 1"
    )
    if not rows:
        return ProvBase("", "invalid", 86400, 172800, None, False, None, {"": "the table has no live row"})
    row_id, server, domain, default_lease, max_lease, max_cpe, multiple = rows[0]
    problems: dict[str, str] = {}

    def checked(column: str, parse: Callable[[object], Any], value: object, stand_in: Any) -> Any:
        try:
            return parse(value)
        except (v.InvalidValue, ValueError, TypeError) as exc:
            problems[column] = str(exc) or f"bad value {value!r}"
            return stand_in

    return ProvBase(
        # the slave serves from its own address: NMS Prime's provisioning_server (the master's) is not used
        provisioning_server=checked("provisioning_server", lambda x: v.ipv4(x, required=False) or "", server, ""),
        domain_name=checked("domain_name", v.hostname, domain, "invalid"),
        default_lease_time=checked("dhcp_def_lease_time", _lease_time, default_lease, 86400),
        max_lease_time=checked("dhcp_max_lease_time", _lease_time, max_lease, 172800),
        max_cpe=checked("max_cpe", _max_cpe, max_cpe, None),
        multiple_provisioning_systems=checked("multiple_provisioning_systems", v.flag, multiple, False),
        id=int(row_id),
        problems=problems,
    )


def _lease_time(value: object) -> int:
    """A lease time in seconds (1 s to 2^31 - 1; NULL gives NMS Prime's default)."""
    number = int(str(value)) if value is not None else 86400
    if not 0 < number < 2**31:
        raise v.InvalidValue(f"not a lease time in seconds: {value!r}")
    return number


def _max_cpe(value: object) -> int | None:
    """NMS Prime's default number of CPEs per modem (NULL or 0: none set)."""
    if value is None:
        return None
    number = int(str(value))
    if not 0 <= number <= 254:
        raise v.InvalidValue(f"not a number of CPEs (0-254): {value!r}")
    return number or None


def _ratio(value: object) -> float:
    """``provha.load_ratio_master`` within 0..1 (NULL or garbage: NMS Prime's default, 0.5)."""
    try:
        ratio = float(str(value))
    except ValueError:
        return 0.5
    return min(1.0, max(0.0, ratio)) if ratio == ratio else 0.5


async def read_provha(fetch: Fetch, schema: Schema) -> ProvHA | None:
    """The live ``provha`` row (the first), or None; a malformed DNS secret is None and named in ``problems``.

    The one reading of the row: the rebuild's snapshot and the service's role check after a change both use it.
    """
    if not schema.has_table("provha"):
        return None
    wanted = ["id", "master", "slaves"]
    for optional in ("master_dns_password", "slave_dns_password", "slave_config_rebuild_interval", "load_ratio_master"):
        wanted.append(schema.column_or("provha", optional, "NULL"))
    result = await fetch(f"SELECT {', '.join(wanted)} FROM provha WHERE {schema.live('provha')} ORDER BY id LIMIT 1")
    if not result:
        return None
    row_id, master, slaves, master_pw, slave_pw, interval, ratio = result[0]
    secrets: list[str | None] = []
    problems: dict[str, str] = {}
    for column, value in (("master_dns_password", master_pw), ("slave_dns_password", slave_pw)):
        try:
            secrets.append(v.base64_secret(value))
        except v.InvalidValue as exc:
            problems[column] = str(exc)  # refuses the stages that write it, never silently "no DDNS"
            secrets.append(None)
    slave_list = tuple(s.strip() for s in str(slaves or "").replace(" ", "").split(",") if s.strip())
    return ProvHA(
        master=str(master or "").strip(),
        slaves=slave_list,
        master_dns_password=secrets[0],
        slave_dns_password=secrets[1],
        rebuild_interval=int(interval) if interval else None,
        id=int(row_id),
        problems=problems,
        load_ratio_master=_ratio(ratio),
    )


async def _fetch_gateways(fetch: Fetch, schema: Schema, rows: _Rows) -> list[Gateway]:
    table = schema.gateway_table
    cmts_only = " AND type = 'cmts'" if table == "netgw" and schema.has("netgw", "type") else ""
    gateways = []
    for row_id, name, address in await fetch(
        f"SELECT id, hostname, ip FROM {table} WHERE {schema.live(table)}{cmts_only} ORDER BY id"
    ):
        try:
            hostname = v.shared_network_name(name)
        except v.InvalidValue as exc:
            rows.skip(table, row_id, exc)
            continue
        # only the time service uses the address: a bad one must not cost the CMTS its DHCP
        try:
            gateways.append(Gateway(int(row_id), hostname, v.ipv4(address, required=False)))
        except v.InvalidValue as exc:
            gateways.append(Gateway(int(row_id), hostname, None, f"ip: {exc}"))
    return gateways


def _pool(row: Sequence[Any]) -> Pool:
    (
        row_id,
        gateway_id,
        kind,
        net,
        netmask,
        router,
        broadcast,
        dns1,
        dns2,
        dns3,
        start,
        end,
        optional,
        active,
        _version,
        vci,
    ) = row
    if kind not in POOL_TYPES:
        raise v.InvalidValue(f"unknown pool type {kind!r}")
    subnet = v.network(net, netmask)
    first, last = v.ipv4(start) or "", v.ipv4(end) or ""
    if ipaddress.IPv4Address(first) not in subnet or ipaddress.IPv4Address(last) not in subnet:
        raise v.InvalidValue(f"range {first} {last} is not inside {subnet}")
    if ipaddress.IPv4Address(first) > ipaddress.IPv4Address(last):
        raise v.InvalidValue(f"range start {first} is after its end {last}")
    dns = tuple(ip for ip in (v.ipv4(d, required=False) for d in (dns1, dns2, dns3)) if ip)
    vendor_class = None
    if kind == "STB" and not v.is_none(vci):
        vendor_class = v.dhcp_string(vci, max_length=64)
    return Pool(
        id=int(row_id),
        gateway_id=int(gateway_id),
        type=kind,
        network=subnet,
        router=v.ipv4(router) or "",
        broadcast=v.ipv4(broadcast, required=False),
        dns=dns,
        start=first,
        end=last,
        # Verbatim by NMS Prime's design: only dhcpd -t can judge it, on the whole staged set.
        optional=str(optional or "").strip(),
        active=v.flag(active, default=True),
        vendor_class=vendor_class,
    )


async def _fetch_pools(fetch: Fetch, schema: Schema, rows: _Rows, gateway_ids: set[int]) -> list[Pool]:
    s = schema
    columns = [
        "id",
        s.pool_gateway_column,
        "type",
        "net",
        "netmask",
        "router_ip",
        s.column_or("ippool", "broadcast_ip", "NULL"),
        s.column_or("ippool", "dns1_ip", "NULL"),
        s.column_or("ippool", "dns2_ip", "NULL"),
        s.column_or("ippool", "dns3_ip", "NULL"),
        "ip_pool_start",
        "ip_pool_end",
        s.column_or("ippool", "optional", "NULL"),
        s.column_or("ippool", "active", "1"),
        s.column_or("ippool", "version", "'4'"),
        s.column_or("ippool", "vendor_class_identifier", "NULL"),
    ]
    pools = []
    for row in await fetch(f"SELECT {', '.join(columns)} FROM ippool WHERE {s.live('ippool')} ORDER BY id"):
        if str(row[14] or "4") != "4" or v.ref(row[1]) not in gateway_ids:
            continue
        try:
            pools.append(_pool(row))
        except v.InvalidValue as exc:
            rows.skip("ippool", row[0], exc)
    return pools


# The driver decodes every field of every row in Python, so the large tables come as one text field per row,
# joined on the server with U+001F: about 2.5 times cheaper to fetch at 100k modems than the columns one by one.
# NULL arrives as '' which every validator reads as "none", as it reads NULL.


def packed(columns: Sequence[str]) -> str:
    """The select expression that packs ``columns`` (names or SQL expressions) into one text field."""
    return "CONCAT_WS(CHAR(31 USING utf8mb4), " + ", ".join(f"IFNULL({c}, '')" for c in columns) + ")"


def unpacked(result: Sequence[Sequence[Any]], width: int, table: str, rows: _Rows) -> list[list[str]]:
    """The fields of packed rows; a row whose values hold the separator itself is skipped and named."""
    out = []
    for (text,) in result:
        fields = str(text).split(SEPARATOR)
        if len(fields) == width:
            out.append(fields)
        else:
            rows.skip(table, fields[0], v.InvalidValue("a value holds the control character U+001F"))
    return out


async def _fetch_modems(
    fetch: Fetch, schema: Schema, rows: _Rows, extra: Sequence[str] = ()
) -> tuple[list[Modem], dict[int, Contract]]:
    """Live modems, and the live contracts they name (joined here: one pass instead of a second 100k-row read).

    ``extra`` columns (those TFTP templates name) come packed in a second field of the same rows, kept as text in
    ``Modem.columns``: a value holding the separator then spoils only that modem's config, never its DHCP host.
    """
    m = _Aliased(schema, "modem", "m")
    columns = [
        "m.id",
        "m.hostname",
        "m.mac",
        "m.public",
        m.first(("internet_access", "network_access"), "1"),
        m.first(("configfile_id",), "NULL"),
        m.first(("contract_id",), "NULL"),
        m.first(("qos_id",), "NULL"),
    ]
    join = ""
    if schema.has_table("contract") and schema.has("modem", "contract_id"):
        c = _Aliased(schema, "contract", "c")
        # c.id is '' when the contract is missing or soft-deleted: the modem then has no contract.
        columns += [
            "c.id",
            c.first(("internet_access", "network_access"), "1"),
            c.first(("has_telephony", "telephony_only"), "0"),
        ]
        join = f" LEFT JOIN contract c ON c.id = m.contract_id AND {schema.live('contract', 'c')}"
    else:
        columns += ["NULL", "NULL", "NULL"]
    second = f", {packed([f'm.{c}' for c in extra])}" if extra else ""
    result = await fetch(
        f"SELECT {packed(columns)}{second} FROM modem m{join} WHERE {schema.live('modem', 'm')} ORDER BY m.id"
    )
    modems: list[Modem] = []
    contracts: dict[int, Contract] = {}
    canonical, append, modem = _CANONICAL_MODEM.fullmatch, modems.append, Modem
    for row in result:
        text = row[0]
        more = _text(row[1]) if extra else ""
        fast = canonical(text)
        if fast is None:
            _slow_modem(str(text), more, modems, contracts, rows)
            continue
        raw_id, name, mac, public, internet, configfile_id, contract_id, qos_id, c_id, c_internet, c_tel = fast.groups()
        row_id = int(raw_id)
        append(
            modem(
                row_id,
                name or f"cm-{row_id}",
                mac or None,
                public == "1",
                internet != "0",
                int(configfile_id) if configfile_id else None,
                int(contract_id) if contract_id else None,
                int(qos_id) if qos_id else None,
                more,
            )
        )
        if c_id:
            key = int(c_id)
            if key not in contracts:
                contracts[key] = Contract(key, c_internet == "1", c_tel == "1")
    return modems, contracts


# The shape nearly every modem row has: positive ids, a plain host name, a lower-case colon MAC, 0/1 flags. It is
# matched in one C call instead of a validator per field (half the load time at 100k modems); any other row goes
# through the validators, which decide such a row the same way (tests/test_plant.py proves it on random rows).
_ID = r"([1-9][0-9]{0,17}|)"
_CANONICAL_MODEM = re.compile(
    r"([1-9][0-9]{0,17})\x1f"
    rf"((?=[^\x1f]{{1,253}}\x1f){v.HOSTNAME_PATTERN}|)\x1f"
    r"([0-9a-f]{2}(?::[0-9a-f]{2}){5}|)\x1f"
    r"([01]?)\x1f([01]?)\x1f" + rf"{_ID}\x1f{_ID}\x1f{_ID}\x1f{_ID}\x1f" + r"([01]?)\x1f([01]?)"
)


def _text(value: object) -> str:
    """A packed field as text: a binary column makes the server's result binary too."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _slow_modem(text: str, more: str, modems: list[Modem], contracts: dict[int, Contract], rows: _Rows) -> None:
    """One packed modem row of any other shape, through the validators: appended, or skipped and named."""
    for fields in unpacked([(text,)], 11, "modem", rows):
        _validated_modem(fields, modems, contracts, rows, more)


def _validated_modem(
    fields: list[str], modems: list[Modem], contracts: dict[int, Contract], rows: _Rows, more: str = ""
) -> None:
    raw_id, name, raw_mac, public, internet, configfile_id, contract_id, qos_id, c_id, c_internet, c_tel = fields
    try:
        row_id = int(raw_id)
        # Old databases leave hostname empty; NMS Prime's own fallback name is cm-<id>.
        record = Modem(
            row_id,
            v.hostname(name) if name else f"cm-{row_id}",
            v.mac(raw_mac),
            v.flag(public),
            v.flag(internet, default=True),
            v.ref(configfile_id),
            v.ref(contract_id),
            v.ref(qos_id),
            more,
        )
        contract = v.ref(c_id)
    except (v.InvalidValue, ValueError) as exc:
        rows.skip("modem", raw_id, exc)
        return
    modems.append(record)
    if contract is not None and contract not in contracts:
        contracts[contract] = Contract(contract, v.flag(c_internet), v.flag(c_tel))


@dataclass(frozen=True, slots=True)
class _Aliased:
    """Columns of one table under an alias in a join."""

    schema: Schema
    table: str
    alias: str

    def first(self, names: Sequence[str], default_sql: str) -> str:
        """The first of ``names`` the table has, qualified; else the literal default standing in for it."""
        return next((f"{self.alias}.{n}" for n in names if self.schema.has(self.table, n)), default_sql)


async def _fetch_mtas(fetch: Fetch, schema: Schema, rows: _Rows) -> list[Mta]:
    if not schema.has_table("mta"):
        return []
    columns = [
        "id",
        "modem_id",
        "mac",
        schema.column_or("mta", "type", "NULL"),
        schema.column_or("mta", "configfile_id", "NULL"),
    ]
    result = await fetch(f"SELECT {packed(columns)} FROM mta WHERE {schema.live('mta')} ORDER BY id")
    mtas = []
    for row_id, modem_id, raw_mac, kind, configfile_id in unpacked(result, 5, "mta", rows):
        try:
            mtas.append(Mta(int(row_id), v.ref(modem_id), v.mac(raw_mac), kind or "sip", v.ref(configfile_id)))
        except (v.InvalidValue, ValueError) as exc:
            rows.skip("mta", row_id, exc)
    return mtas


async def _fetch_endpoints(fetch: Fetch, schema: Schema, rows: _Rows) -> list[Endpoint]:
    if not schema.has_table("endpoint"):
        return []
    version = " AND version = '4'" if schema.has("endpoint", "version") else ""
    columns = [
        "id",
        "hostname",
        "mac",
        "modem_id",
        schema.column_or("endpoint", "fixed_ip", "0"),
        schema.column_or("endpoint", "ip", "NULL"),
    ]
    result = await fetch(f"SELECT {packed(columns)} FROM endpoint WHERE {schema.live('endpoint')}{version} ORDER BY id")
    endpoints = []
    for row_id, name, raw_mac, modem_id, fixed, ip in unpacked(result, 6, "endpoint", rows):
        try:
            endpoints.append(
                Endpoint(
                    int(row_id),
                    v.hostname(name),
                    v.mac(raw_mac),
                    v.ref(modem_id),
                    v.flag(fixed),
                    v.ipv4(ip, required=False),
                )
            )
        except (v.InvalidValue, ValueError) as exc:
            rows.skip("endpoint", row_id, exc)
    return endpoints


async def _fetch_mta_domain(fetch: Fetch, schema: Schema, rows: _Rows) -> str | None:
    if not schema.has("provvoip", "mta_domain"):
        return None
    result = await fetch(f"SELECT id, mta_domain FROM provvoip WHERE {schema.live('provvoip')} ORDER BY id LIMIT 1")
    if not result or v.is_none(result[0][1]):
        return None
    try:
        return v.hostname(result[0][1])
    except v.InvalidValue as exc:
        rows.skip("provvoip", result[0][0], exc)
        return None


async def load_plant(fetch: Fetch, schema: Schema, *, tftp: bool = False) -> Plant:
    """Read every table the DHCP files (and with ``tftp`` the TFTP configs) need through ``fetch``."""
    with collector_paused():
        return await _load_plant(fetch, schema, tftp)


async def _load_plant(fetch: Fetch, schema: Schema, tftp: bool) -> Plant:
    provbase = await _fetch_provbase(fetch, schema)
    plant = Plant(schema=schema, provbase=provbase, provha=None, mta_domain=None)
    rows = _Rows(plant)
    plant.provha = await read_provha(fetch, schema)
    plant.mta_domain = await _fetch_mta_domain(fetch, schema, rows)
    plant.gateways = await _fetch_gateways(fetch, schema, rows)
    plant.pools = await _fetch_pools(fetch, schema, rows, {g.id for g in plant.gateways})
    wanted: dict[str, set[str]] = {}
    if tftp:  # templates first: the modem columns they name come with the modem rows
        plant.tftp, wanted = await _fetch_configfiles(fetch, schema)
        plant.tftp.modem_columns = tuple(_columns(schema, "modem", wanted.get("modem", set())))
    plant.modems, plant.contracts = await _fetch_modems(
        fetch, schema, rows, plant.tftp.modem_columns if plant.tftp else ()
    )
    plant.mtas = await _fetch_mtas(fetch, schema, rows)
    plant.endpoints = await _fetch_endpoints(fetch, schema, rows)
    drop_duplicate_names(plant)
    if plant.tftp is not None:
        await _fetch_tftp(fetch, schema, plant.tftp, wanted)
    return plant


def _columns(schema: Schema, table: str, wanted: set[str]) -> list[str]:
    """The wanted columns that exist in the table, in a stable order (names come from templates: checked)."""
    return sorted(c for c in wanted if schema.has(table, c.lower()))


def _dicts(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, object]]:
    return [dict(zip(names, row, strict=True)) for row in rows]


async def _fetch_configfiles(fetch: Fetch, schema: Schema) -> tuple[TftpInputs, dict[str, set[str]]]:
    """The templates, and per table the columns their placeholders name."""
    from provha_daemon.configtext import placeholders  # here: the DHCP-only path never needs it

    out = TftpInputs()
    wanted: dict[str, set[str]] = {}
    if not schema.has_table("configfile"):
        return out, wanted
    cf = schema.column_or
    device_column = cf("configfile", "device", "'cm'")
    for row_id, name, text, device, parent, firmware in await fetch(
        f"SELECT id, {cf('configfile', 'name', 'NULL')}, text, {device_column}, "
        f"{cf('configfile', 'parent_id', 'NULL')}, {cf('configfile', 'firmware', 'NULL')} FROM configfile "
        f"WHERE {schema.live('configfile')} ORDER BY id"
    ):
        out.configfiles[int(row_id)] = ConfigFile(
            int(row_id),
            str(name or ""),
            str(text or ""),
            str(device or "cm"),
            v.ref(parent),
            str(firmware) if firmware else None,
        )
    for configfile in out.configfiles.values():
        for table, column in placeholders(configfile.text):
            wanted.setdefault(table, set()).add(column)
    return out, wanted


async def _fetch_tftp(fetch: Fetch, schema: Schema, out: TftpInputs, wanted: dict[str, set[str]]) -> None:
    """Of every table besides modem, only the columns some template's placeholders name."""
    if not out.configfiles:
        return

    if schema.has_table("qos"):
        names = sorted(schema.columns["qos"])
        rows = await fetch(f"SELECT {', '.join(names)} FROM qos WHERE {schema.live('qos')}")
        out.qos = {int(r["id"]): r for r in _dicts(names, rows)}  # type: ignore[call-overload]
    names = sorted(schema.columns["provbase"])
    rows = await fetch(f"SELECT {', '.join(names)} FROM provbase WHERE {schema.live('provbase')} ORDER BY id LIMIT 1")
    out.provbase = _dicts(names, rows)[0] if rows else {}

    if schema.has_table("mta"):
        mta_columns = _columns(schema, "mta", wanted.get("mta", set()) | {"id"})
        for row in _dicts(
            mta_columns, await fetch(f"SELECT {', '.join(mta_columns)} FROM mta WHERE {schema.live('mta')}")
        ):
            out.mtas[int(row["id"])] = row  # type: ignore[call-overload]
    if schema.has_table("phonenumber") and "phonenumber" in wanted:
        phone_columns = _columns(schema, "phonenumber", wanted["phonenumber"] | {"id", "mta_id", "port", "active"})
        for row in _dicts(
            phone_columns,
            await fetch(
                f"SELECT {', '.join(phone_columns)} FROM phonenumber WHERE {schema.live('phonenumber')} ORDER BY port"
            ),
        ):
            out.phonenumbers.setdefault(int(row["mta_id"]), {})[int(row["port"])] = row  # type: ignore[call-overload]
    if schema.has("modem_option", "key"):
        for modem_id, key, value in await fetch(
            f"SELECT modem_id, `key`, value FROM modem_option WHERE {schema.live('modem_option')}"
        ):
            out.modem_options.setdefault(int(modem_id), {})[str(key)] = "" if value is None else str(value)
