"""The slave's BIND files: named-nmsprime.conf (and the master's copy), the dynamic zones' first content, and the
CPE DDNS script with its key files.

Pure: ``render_dns(plant, settings)`` returns three groups of artifacts, each for its own directory (``stages.dns``):
named's (group named), the DDNS script's (group dhcpd, which runs it) and the zone skeletons (written only where no
zone file exists yet).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from provha_daemon.artifact import MODE_SECRET, Artifact
from provha_daemon.records import Plant
from provha_daemon.render import environment

CONF = "named-nmsprime.conf"
MASTER_CONF = "master/named-nmsprime.conf"  # for the operator to install on the master (README, "DNS")
SCRIPT = "named-ddns.sh"
OWN_KEY = "ddns-own.key"
PEER_KEY = "ddns-peer.key"
MODE_SCRIPT = 0o750
REVERSE_ZONE = "in-addr.arpa"
# Pools whose devices may recurse through this server (CPEs get the servers their ippool rows name).
RECURSION_POOLS = ("CM", "MTA", "STB")
LOCALHOST = ipaddress.IPv4Network("127.0.0.1/32")


@dataclass(frozen=True, slots=True)
class DnsSettings:
    """What the DNS files need beyond the database."""

    own_ip: str
    peer_ip: str
    own_secret: str | None  # this node's DDNS secret (None: no DDNS)
    peer_secret: str | None
    master_secret: str | None  # provha.master_dns_password, for the master's copy
    zone_dir: str
    ns_name: str
    port: int
    nsupdate: str
    cpe_key: str
    log_file: str
    ddns_dir: str
    templates: Path | None = None


@dataclass(frozen=True, slots=True)
class Zone:
    """One dynamic zone: its name and its file."""

    name: str
    file: str


@dataclass(frozen=True, slots=True)
class DnsRender:
    """named's files, the DDNS script's files, and the zone skeletons by zone file name."""

    named: list[Artifact]
    ddns: list[Artifact]
    skeletons: list[Artifact]
    zones: list[Zone]


def zones(domain: str, zone_dir: str) -> list[Zone]:
    """The dynamic zones, named as NMS Prime names their files: ``<domain>.zone``, ``in-addr.arpa.zone``."""
    return [Zone(name, f"{zone_dir}/{name}.zone") for name in (domain, REVERSE_ZONE)]


def _networks(plant: Plant, own_ip: str, peer_ip: str) -> tuple[list[str], list[str]]:
    """(who may query, who may recurse), sorted, each network once."""
    everyone = {LOCALHOST, ipaddress.IPv4Network(f"{own_ip}/32"), ipaddress.IPv4Network(f"{peer_ip}/32")}
    everyone |= {ipaddress.IPv4Network(f"{g.ip}/32") for g in plant.gateways if g.ip}
    everyone |= {p.network for p in plant.pools}
    recursion = {LOCALHOST} | {p.network for p in plant.pools if p.type in RECURSION_POOLS}

    def ordered(networks: set[ipaddress.IPv4Network]) -> list[str]:
        return [str(n) for n in sorted(networks, key=lambda n: (int(n.network_address), n.prefixlen))]

    return ordered(everyone), ordered(recursion)


def render_dns(plant: Plant, settings: DnsSettings) -> DnsRender:
    """Every DNS file of this plant for the slave (and the master's named-nmsprime.conf)."""
    env = environment(settings.templates)
    s = settings
    domain = plant.provbase.domain_name
    plant_networks, recursion = _networks(plant, s.own_ip, s.peer_ip)
    dynamic = zones(domain, s.zone_dir)
    conf = env.get_template("dns/named-nmsprime.conf.j2")

    def named_conf(role: str, own_ip: str, secret: str | None, column: str) -> bytes:
        return conf.render(
            role=role,
            own_ip=own_ip,
            secret=secret,
            secret_column=column,
            plant=plant_networks,
            recursion=recursion,
            zones=dynamic,
        ).encode()

    named = [
        Artifact(CONF, named_conf("slave", s.own_ip, s.own_secret, "provha.slave_dns_password"), MODE_SECRET),
        Artifact(
            MASTER_CONF,
            named_conf("master", s.peer_ip, s.master_secret, "provha.master_dns_password"),
            MODE_SECRET,
        ),
    ]

    key = env.get_template("dns/key.j2")
    ddns: list[Artifact] = []
    servers = []
    for node, address, secret, name in (
        ("slave (this node)", "127.0.0.1", s.own_secret, OWN_KEY),
        ("master (the peer)", s.peer_ip, s.peer_secret, PEER_KEY),
    ):
        if secret:
            ddns.append(Artifact(name, key.render(node=node, address=address, secret=secret).encode(), MODE_SECRET))
            servers.append({"address": address, "key": f"{s.ddns_dir}/{name}"})
    script = env.get_template("dns/named-ddns.sh.j2").render(
        domain=domain,
        cpe_key=s.cpe_key,
        log_file=s.log_file,
        nsupdate=s.nsupdate,
        port=s.port,
        servers=servers,
    )
    ddns.append(Artifact(SCRIPT, script.encode(), MODE_SCRIPT))

    skeleton = env.get_template("dns/zone.j2")
    glue = s.ns_name.endswith(f".{domain}")
    skeletons = [
        Artifact(
            Path(zone.file).name,
            skeleton.render(
                ns_name=s.ns_name, domain=domain, own_ip=s.own_ip, glue=glue and zone.name == domain
            ).encode(),
            0o664,
        )
        for zone in dynamic
    ]
    return DnsRender(named, ddns, skeletons, dynamic)
