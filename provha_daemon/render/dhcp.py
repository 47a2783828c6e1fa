"""The slave's ISC dhcpd file set, as NMS Prime's ``nms:dhcp`` writes it on a ProvHA slave.

Pure: ``render_dhcp(plant, settings)`` returns the artifacts and the warnings to log; nothing here does I/O
beyond loading templates.
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from provha_daemon.artifact import MODE_PUBLIC, MODE_SECRET, Artifact
from provha_daemon.errors import RenderError
from provha_daemon.records import Gateway, Plant, Pool, network_access
from provha_daemon.render import environment

FAILOVER_PEER = "dhcpd-failover"
# The statements NMS Prime writes into a pool, by pool type, when the pool is active.
POOL_ACCESS = {
    "CM": ('allow members of "CM";', "deny unknown-clients;"),
    "CPEPriv": ('allow members of "Client";', 'deny members of "Client-Public";'),
    "CPEPub": ('allow members of "Client-Public";',),
    "MTA": ('allow members of "MTA";',),
    "STB": ('allow members of "STB";',),
}
STATIC_FILES = ("log.conf",)
# Every file this renderer owns in the DHCP directory (all of them dhcpd inputs). Anything else there, an
# operator's note or NMS Prime's OMAPI K* key files, is never touched.
MANAGED = (
    "dhcpd.conf",
    "global.conf",
    "default-network.conf",
    "modems-host.conf",
    "modems-clients-public.conf",
    "blocked.conf",
    "ignore-cpe.conf",
    "endpoints-host.conf",
    "mta.conf",
    "cmts_gws.conf",
    "failover.conf",
    *STATIC_FILES,
    "cmts_gws/*.conf",
)


@dataclass(frozen=True, slots=True)
class DhcpSettings:
    """What the slave's files need beyond the database."""

    directory: str
    own_ip: str
    peer_ip: str
    dns_secret: str | None
    server_fqdn: str
    time_offset: int
    omapi_key_name: str
    omapi_secret: str | None
    failover_port: int = 647
    peer_port: int = 647
    omapi_port: int = 7911
    templates: Path | None = None
    primary: bool = False  # the master's files (render only): primary, with mclt and split
    max_response_delay: int = 60
    max_unacked_updates: int = 10
    load_balance_max_seconds: int = 5
    mclt: int = 1800
    split: int = 128
    auto_partner_down: int = 0


@dataclass(slots=True)
class DhcpRender:
    """The rendered set plus the warnings the caller should log."""

    artifacts: list[Artifact]
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def split_of(load_ratio_master: float) -> int:
    """dhcpd's ``split`` for NMS Prime's ``provha.load_ratio_master`` (its help: 1 = the master does all, 0 = the
    slaves do all, 0.5 = half): the share of the 256 hash buckets the primary answers (NMS Prime writes 128 always)."""
    return min(256, max(0, round(load_ratio_master * 256)))


def vivso_tftp_servers(ips: Iterable[str]) -> str:
    """``option vivso`` with CableLabs (4491) sub-option 2, the TFTP server list, as colon-separated hex."""
    octets = [f"{b:02x}" for ip in ips for b in ipaddress.IPv4Address(ip).packed]
    count = len(octets)
    return ":".join(["00:00:11:8b", f"{count + 2:02x}", "02", f"{count:02x}", *octets])


def encode_fqdn(fqdn: str) -> str:
    """A DNS name in dhcpd string escapes: each label as backslash + 3-digit octal length + label, then \\000."""
    return "".join(f"\\{len(label):03o}{label}" for label in fqdn.split(".") if label) + "\\000"


def _ipv4_int(address: str) -> int:
    """A validated dotted quad as an integer (ipaddress is several times slower, for thousands of endpoints)."""
    a, b, c, d = address.split(".")
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


def _vendor_match(vendor_class: str, op: str) -> str:
    return f'substring(option vendor-class-identifier,0,{len(vendor_class)}) {op} "{vendor_class}"'


def _ranges(pool: Pool, fixed: list[int]) -> list[tuple[str, str]]:
    """The pool's range, with CPEPub pools split around fixed endpoint addresses (``fixed`` sorted, unique)."""
    start, end = int(ipaddress.IPv4Address(pool.start)), int(ipaddress.IPv4Address(pool.end))
    cuts = fixed[bisect.bisect_left(fixed, start) : bisect.bisect_right(fixed, end)] if pool.type == "CPEPub" else []
    spans: list[tuple[int, int]] = []
    low = start
    for ip in cuts:
        if ip > low:
            spans.append((low, ip - 1))
        low = ip + 1
    if low <= end:
        spans.append((low, end))
    return [(str(ipaddress.IPv4Address(a)), str(ipaddress.IPv4Address(b))) for a, b in spans]


def _gateway_subnets(pools: list[Pool], fixed: list[int], mta_domain: str | None) -> list[dict[str, Any]]:
    subnets = []
    routers: set[str] = set()
    for pool in pools:
        ranges = _ranges(pool, fixed)
        subnets.append(
            {
                "net": str(pool.network.network_address),
                "netmask": str(pool.network.netmask),
                "router": pool.router,
                "broadcast": pool.broadcast,
                "dns": pool.dns,
                "domain": mta_domain if pool.type == "MTA" else None,
                "ranges": ranges,
                "access": POOL_ACCESS[pool.type] if pool.active else ("deny all clients;",),
                "optional": pool.optional,
                # One leasequery /32 per router address: dhcpd warns about a second identical subnet.
                "leasequery": pool.router not in routers,
            }
        )
        routers.add(pool.router)
    return subnets


class _Renderer:
    def __init__(self, settings: DhcpSettings) -> None:
        self.settings = settings
        self.env = environment(settings.templates)

    def file(self, template: str, path: str, mode: int = MODE_PUBLIC, **context: Any) -> Artifact:
        try:
            text = self.env.get_template(f"dhcp/{template}").render(**context)
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {template}: {exc}") from exc
        return Artifact(path, text.encode("utf-8"), mode)


def _modem_rows(
    plant: Plant, ccc_modems: set[int | None]
) -> tuple[list[tuple[str, str, bool]], list[tuple[int, str]], list[tuple[int, str]]]:
    """Host lines, public and blocked modems, in one pass over the modems (at 100k every pass counts)."""
    hosts: list[tuple[str, str, bool]] = []
    public: list[tuple[int, str]] = []
    blocked: list[tuple[int, str]] = []
    for m in plant.modems:
        if not m.mac:
            continue
        if not m.internet_access:
            blocked.append((m.id, m.mac))
        if m.mac.startswith("ff:"):
            continue
        hosts.append((m.hostname, m.mac, m.id in ccc_modems))
        if m.public:
            public.append((m.id, m.mac))
    return hosts, public, blocked


def render_dhcp(plant: Plant, settings: DhcpSettings) -> DhcpRender:
    """Render every dhcpd file of the slave from one plant."""
    r = _Renderer(settings)
    s = settings
    result = DhcpRender(artifacts=[])
    warn = result.warnings.append
    out = result.artifacts.append
    pb = plant.provbase

    if not s.dns_secret:
        # the one warning for DHCP and DNS alike (the DNS stage leaves its grants out silently)
        detail = "no DDNS: no key dhcpupdate or zone statements for dhcpd, no dynamic updates in named"
        warn(("ddns.secret_missing", {"column": "provha.slave_dns_password", "detail": detail}))
    if not s.omapi_secret:
        warn(("dhcp.omapi_key_missing", {"detail": "failover.conf written without OMAPI key"}))

    out(
        r.file(
            "dhcpd.conf.j2",
            "dhcpd.conf",
            MODE_SECRET,
            dir=s.directory,
            dns_secret=s.dns_secret,
            mta=plant.has_mta_table,
        )
    )

    stb_classes = sorted({p.vendor_class for p in plant.pools if p.type == "STB" and p.vendor_class})
    non_cpe = ["docsis", "pktc", *stb_classes]
    out(
        r.file(
            "global.conf.j2",
            "global.conf",
            domain=pb.domain_name,
            own_ip=s.own_ip,
            peer_ip=s.peer_ip,
            default_lease_time=pb.default_lease_time,
            max_lease_time=pb.max_lease_time,
            vivso=vivso_tftp_servers([s.own_ip, s.peer_ip]),
            time_offset=s.time_offset,
            ddns=bool(s.dns_secret),
            provision_fqdn=encode_fqdn(s.server_fqdn),
            lease_limit=pb.max_cpe or 4,
            cpe_match=") and (".join(_vendor_match(vc, "!=") for vc in non_cpe),
            stb_match=") and (".join(_vendor_match(vc, "=") for vc in stb_classes),
        )
    )

    listen = ipaddress.IPv4Network(f"{s.own_ip}/22", strict=False)
    out(
        r.file(
            "default-network.conf.j2",
            "default-network.conf",
            network=str(listen.network_address),
            netmask=str(listen.netmask),
        )
    )

    # MTAs without a usable MAC get no host entry and give their modem no ccc options.
    mtas_with_mac = [m for m in plant.mtas if m.has_host]
    ccc_modems = {m.modem_id for m in mtas_with_mac}
    hosts, public, blocked = _modem_rows(plant, ccc_modems)
    out(r.file("modems-host.conf.j2", "modems-host.conf", own_ip=s.own_ip, peer_ip=s.peer_ip, modems=hosts))
    out(r.file("modems-clients-public.conf.j2", "modems-clients-public.conf", modems=public))
    out(r.file("blocked.conf.j2", "blocked.conf", modems=blocked))

    macs: list[str] = []
    if pb.multiple_provisioning_systems:
        mta_count: dict[int | None, int] = {}
        for mta in plant.mtas:
            mta_count[mta.modem_id] = mta_count.get(mta.modem_id, 0) + 1
        macs = sorted(
            {
                m.mac
                for m in plant.modems
                if m.mac
                and m.configfile_id is not None
                and network_access(m, plant.contracts.get(m.contract_id or 0), mta_count.get(m.id, 0), pb.max_cpe)
            }
        )
    out(r.file("ignore-cpe.conf.j2", "ignore-cpe.conf", enabled=pb.multiple_provisioning_systems, macs=macs))

    modem_by_id = {m.id: m for m in plant.modems}
    endpoints = []
    for ep in plant.endpoints:
        modem = modem_by_id.get(ep.modem_id or 0)
        if modem is None:
            continue  # its modem is deleted: the endpoint goes with it
        if ep.mac is None and modem.mac is None:
            warn(
                (
                    "dhcp.endpoint_unidentifiable",
                    {"table": "endpoint", "id": ep.id, "detail": "no MAC and its modem has none"},
                )
            )
            continue
        endpoints.append((ep.hostname, ep.mac, modem.mac, ep.ip if ep.fixed_ip else None))
    out(r.file("endpoints-host.conf.j2", "endpoints-host.conf", endpoints=endpoints))

    out(
        r.file(
            "mta.conf.j2",
            "mta.conf",
            mtas=[
                (m.hostname, m.mac, (m.mac or "").replace(":", "") if m.type == "packetcable" else str(m.id))
                for m in mtas_with_mac
            ],
        )
    )

    out(r.file("cmts_gws.conf.j2", "cmts_gws.conf", dir=s.directory, gateway_ids=[g.id for g in plant.gateways]))
    fixed = sorted({_ipv4_int(ep.ip) for ep in plant.endpoints if ep.fixed_ip and ep.ip})
    for gateway in plant.gateways:
        out(_gateway_file(r, gateway, [p for p in plant.pools if p.gateway_id == gateway.id], fixed, plant.mta_domain))

    out(
        r.file(
            "failover.conf.j2",
            "failover.conf",
            MODE_SECRET,
            own_ip=s.own_ip,
            peer_ip=s.peer_ip,
            port=s.failover_port,
            peer_port=s.peer_port,
            omapi_port=s.omapi_port,
            omapi_key_name=s.omapi_key_name,
            omapi_secret=s.omapi_secret,
            primary=s.primary,
            max_response_delay=s.max_response_delay,
            max_unacked_updates=s.max_unacked_updates,
            load_balance_max_seconds=s.load_balance_max_seconds,
            mclt=s.mclt,
            split=s.split,
            auto_partner_down=s.auto_partner_down,
        )
    )
    for name in STATIC_FILES:
        out(r.file(f"{name}.j2", name))
    return result


def _gateway_file(
    r: _Renderer, gateway: Gateway, pools: list[Pool], fixed: list[int], mta_domain: str | None
) -> Artifact:
    return r.file(
        "cmts_gw.conf.j2",
        f"cmts_gws/{gateway.id}.conf",
        hostname=gateway.hostname,
        subnets=_gateway_subnets(pools, fixed, mta_domain),
    )
