"""dhcpd's rules for host declarations, applied to the plant before anything is rendered from it.

One declaration per host name (dhcpd rejects a second) and one host per MAC (two would hand one device the
other's config). What a rule leaves out is named in ``plant.skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from provha_daemon.records import Plant, Skipped

_LIVE_HOST = re.compile(rb"host (\S+) \{ hardware ethernet ([0-9a-f:]{17});")


def live_host_macs(files: Iterable[bytes | None]) -> dict[str, str]:
    """MAC → host name of the ``host … { hardware ethernet …`` lines of the live DHCP files."""
    found: dict[str, str] = {}
    for data in files:
        for m in _LIVE_HOST.finditer(data or b""):
            found.setdefault(m.group(2).decode(), m.group(1).decode())
    return found


def drop_duplicate_macs(plant: Plant, live: Callable[[], Mapping[str, str]]) -> None:
    """Two DHCP hosts with one MAC would hand one device the other's config: keep one, skip the others naming both.

    The kept one is the host the live files already give that MAC (``live()``, read only when there is a
    duplicate), else the first of modems, MTAs and endpoints in that order, the oldest (lowest id) within a table.
    Endpoints known by their modem's MAC as ``agent.remote-id`` have no MAC of their own and are no duplicates.
    """
    hosts: list[tuple[str, int, str, str]] = []  # (table, id, host name, mac) in keeping order
    hosts += [
        ("modem", m.id, m.hostname, m.mac)
        for m in sorted(plant.modems, key=lambda m: m.id)
        if m.mac and not m.mac.startswith("ff:")
    ]
    hosts += [("mta", t.id, t.hostname, t.mac or "") for t in sorted(plant.mtas, key=lambda t: t.id) if t.has_host]
    hosts += [("endpoint", e.id, e.hostname, e.mac) for e in sorted(plant.endpoints, key=lambda e: e.id) if e.mac]
    by_mac: dict[str, list[tuple[str, int, str, str]]] = {}
    for host in hosts:
        by_mac.setdefault(host[3], []).append(host)
    duplicates = {mac: same for mac, same in by_mac.items() if len(same) > 1}
    if not duplicates:
        return
    live_hosts = live()
    dropped: dict[str, set[int]] = {}
    for mac, same in duplicates.items():
        keep = next((h for h in same if h[2] == live_hosts.get(mac)), same[0])
        for table, row_id, name, _ in same:
            if (table, row_id) != keep[:2]:
                dropped.setdefault(table, set()).add(row_id)
                plant.skipped.append(
                    Skipped(
                        table,
                        row_id,
                        f"MAC {mac} is also {keep[0]} {keep[1]} ({keep[2]}), which keeps it; {name} is left out",
                    )
                )
    plant.modems = [m for m in plant.modems if m.id not in dropped.get("modem", ())]
    plant.mtas = [t for t in plant.mtas if t.id not in dropped.get("mta", ())]
    plant.endpoints = [e for e in plant.endpoints if e.id not in dropped.get("endpoint", ())]


def drop_duplicate_names(plant: Plant) -> None:
    """dhcpd rejects two host declarations of one name; keep the oldest row and name the others."""
    names = [modem.hostname for modem in plant.modems if modem.mac is not None]
    seen = set(names)
    if len(seen) < len(names):  # the rare plant with a duplicate: find it in order (two C passes otherwise)
        seen = set()
        modems = []
        for modem in plant.modems:
            if modem.mac is not None and modem.hostname in seen:
                plant.skipped.append(Skipped("modem", modem.id, f"host name {modem.hostname} already used"))
                continue
            if modem.mac is not None:
                seen.add(modem.hostname)
            modems.append(modem)
        plant.modems = modems
    endpoints = []
    for endpoint in plant.endpoints:
        if endpoint.hostname in seen:
            plant.skipped.append(Skipped("endpoint", endpoint.id, f"host name {endpoint.hostname} already used"))
            continue
        seen.add(endpoint.hostname)
        endpoints.append(endpoint)
    plant.endpoints = endpoints
    # mta.conf declares mta-<id>, after the modems and endpoints: a modem or endpoint of that name keeps it. This
    # also keeps dhcpd -t in parts exact (``parts``): no name is declared twice, within a part or across parts.
    if any(mta.hostname in seen for mta in plant.mtas):
        mtas = []
        for mta in plant.mtas:
            if mta.has_host and mta.hostname in seen:
                plant.skipped.append(Skipped("mta", mta.id, f"host name {mta.hostname} already used"))
                continue
            mtas.append(mta)
        plant.mtas = mtas
