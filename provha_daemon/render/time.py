"""chrony's part of the slave's time service: whom it asks (sources) and whom it serves NTP (access).

Pure: ``render_time(plant, settings)`` returns the two files and the warnings to log. The access file goes into
chrony's ``confdir``, the sources file into its ``sourcedir``, each in its own directory (``stages.time``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provha_daemon.artifact import MODE_PUBLIC, Artifact
from provha_daemon.records import Plant
from provha_daemon.render import environment

# The pools whose devices take time from the slave: modems (RFC 868 via option time-servers) and MTAs. CPEs and
# set-top boxes get the time servers their own networks name.
SERVED_POOLS = ("CM", "MTA")
# The local time service (provha-time) asks chronyd whether it is synchronised with one NTP request to localhost.
LOCAL_TIME_SERVICE = ipaddress.IPv4Network("127.0.0.1/32")


@dataclass(frozen=True, slots=True)
class TimeSettings:
    """What the time files need beyond the database."""

    access_name: str  # file names in their directories
    sources_name: str
    peer_ip: str
    servers: tuple[str, ...]  # upstream, validated host names or addresses
    templates: Path | None = None


@dataclass(slots=True)
class TimeRender:
    """The access file (confdir), the sources file (sourcedir), and the warnings the caller should log."""

    access: Artifact
    sources: Artifact
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def allowed(
    plant: Plant, peer_ip: str
) -> tuple[list[tuple[ipaddress.IPv4Network, str]], list[tuple[str, dict[str, Any]]]]:
    """Every network chrony serves, sorted, each once with why (the first reason found), plus the warnings."""
    reasons: dict[ipaddress.IPv4Network, str] = {
        LOCAL_TIME_SERVICE: "the local time service (provha-time)",
    }
    reasons.setdefault(ipaddress.IPv4Network(f"{peer_ip}/32"), "the ProvHA peer")
    warnings: list[tuple[str, dict[str, Any]]] = []
    table = plant.schema.gateway_table if plant.schema is not None else "netgw"
    for gateway in plant.gateways:
        if gateway.ip is not None:
            reasons.setdefault(
                ipaddress.IPv4Network(f"{gateway.ip}/32"), f"CMTS {gateway.hostname} ({table} {gateway.id})"
            )
        elif gateway.ip_problem is not None:
            warnings.append(
                ("time.cmts_address_invalid", {"table": table, "id": gateway.id, "error": gateway.ip_problem})
            )
    for pool in plant.pools:
        if pool.type in SERVED_POOLS and pool.active:
            reasons.setdefault(pool.network, f"{pool.type} pool (ippool {pool.id})")
    return sorted(reasons.items(), key=lambda item: (int(item[0].network_address), item[0].prefixlen)), warnings


def render_time(plant: Plant, settings: TimeSettings) -> TimeRender:
    """chrony's access and sources files for this plant."""
    env = environment(settings.templates)
    networks, warnings = allowed(plant, settings.peer_ip)
    servers = [settings.peer_ip, *(s for s in settings.servers if s != settings.peer_ip)]
    access = env.get_template("chrony/access.conf.j2").render(allowed=[(str(n), why) for n, why in networks])
    sources = env.get_template("chrony/servers.sources.j2").render(servers=servers)
    return TimeRender(
        Artifact(settings.access_name, access.encode(), MODE_PUBLIC),
        Artifact(settings.sources_name, sources.encode(), MODE_PUBLIC),
        warnings,
    )


def allowed_networks(access: bytes) -> set[str]:
    """The networks an access file (as rendered here) allows; for the runtime allow/deny commands."""
    found = set()
    for line in access.decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "allow":
            found.add(parts[1])
    return found
