"""Who this host is in the ProvHA pair, and its own and its peer's address, decided as NMS Prime decides.

Order: the role in the config, else ``PROVHA__OWN_STATE`` from provha.env (both already in ``Config``), else
whether this host's addresses match ``provha.master`` or ``provha.slaves``.
"""

from __future__ import annotations

import ipaddress
import itertools
import socket
from dataclasses import dataclass
from pathlib import Path

from provha_daemon.config import Config
from provha_daemon.errors import MasterRoleError, RoleError
from provha_daemon.records import ProvHA


@dataclass(frozen=True, slots=True)
class Pair:
    """The resolved role and the two addresses every slave file is written with."""

    role: str
    role_source: str
    own_ip: str
    peer_ip: str
    own_dns_secret: str | None


def local_addresses(fib_trie: Path = Path("/proc/net/fib_trie")) -> frozenset[str]:
    """This host's IPv4 addresses and names (what ``hostname -I`` and ``gethostname()`` tell NMS Prime)."""
    found: set[str] = {socket.gethostname()}
    try:
        lines = fib_trie.read_text().splitlines()
    except OSError:
        lines = []
    # In fib_trie a local address is the "|-- a.b.c.d" line followed by "/32 host LOCAL".
    for previous, line in itertools.pairwise(lines):
        if "/32 host LOCAL" in line and "|--" in previous:
            found.add(previous.split("|--", 1)[1].strip())
    return frozenset(found)


def decide_role(config: Config, provha: ProvHA | None, addresses: frozenset[str]) -> tuple[str, str]:
    """``(role, source)``: master, slave or unknown, and what said so."""
    if config.role is not None:
        return config.role, config.role_source
    if provha is None:
        return "unknown", "no provha row and no role configured"
    if provha.master in addresses:
        return "master", f"provha.master {provha.master} is an address of this host"
    if any(slave in addresses for slave in provha.slaves):
        return "slave", "an entry of provha.slaves is an address of this host"
    return "unknown", "no address of this host is provha.master or in provha.slaves"


def _ip(value: str | None, what: str) -> str:
    try:
        return str(ipaddress.IPv4Address(value or ""))
    except ValueError:
        raise RoleError(f"{what} is not an IPv4 address: {value!r}") from None


def resolve_pair(config: Config, provha: ProvHA | None, addresses: frozenset[str], last: Pair | None = None) -> Pair:
    """The slave's own/peer addresses and DNS secret; ``RoleError`` unless this host is the slave.

    Without a provha row (a re-seed, a restore, a moment of an empty table) the configured own/peer addresses
    are used, else ``last``, the pair of the last row read; only if there never was one is it an error.
    """
    if provha is None and last is not None and not (config.own_ip and config.peer_ip) and config.role != "master":
        return Pair(
            "slave",
            "the last provha row read (the table has no live row now)",
            last.own_ip,
            last.peer_ip,
            last.own_dns_secret,
        )
    role, source = decide_role(config, provha, addresses)
    if role == "master":
        raise MasterRoleError(f"this host is the ProvHA master ({source}); provha-daemon runs on the slave only")
    if role != "slave":
        raise RoleError(f"cannot tell whether this host is the ProvHA slave: {source}")
    if provha is None:
        if not (config.own_ip and config.peer_ip):
            raise RoleError("the database has no provha row: set provha.own_ip and provha.peer_ip in the config")
        return Pair(role, source, config.own_ip, config.peer_ip, None)
    own = config.own_ip or _ip(provha.slaves[0] if provha.slaves else None, "provha.slaves (first entry)")
    peer = config.peer_ip or _ip(provha.master, "provha.master")
    return Pair(role, source, own, peer, provha.slave_dns_password)


class Roles:
    """This host's role and pair, decided in one place for the service and for every rebuild.

    The role comes from the config, else from each ``provha`` row read (at a rebuild, and by the service after
    a poll saw the table change). A moment without a row (a re-seed, a restore) keeps the role and the pair last
    read.
    """

    def __init__(self, config: Config, addresses: frozenset[str]) -> None:
        self.config = config
        self.addresses = addresses
        self.role, self.detail = "unknown", ""
        self.last_pair: Pair | None = None  # the slave's addresses from the last provha row read

    def reconfigured(self, config: Config) -> None:
        """New settings (SIGHUP): what was learnt from the database stays."""
        self.config = config

    def configured(self) -> None:
        """At start: a configured role is final; ``MasterRoleError`` if it says master."""
        if self.config.role == "master":
            raise MasterRoleError(f"this host is the ProvHA master (role from {self.config.role_source})")
        if self.config.role == "slave":
            self.role, self.detail = "slave", f"from {self.config.role_source}"

    def judge(self, provha: ProvHA | None) -> bool:
        """Decide the role from a provha row read (nothing to do with a configured role); True when it changed.
        ``MasterRoleError`` when this host is the master."""
        if self.config.role is not None:
            return False
        role, detail = decide_role(self.config, provha, self.addresses)
        if provha is None and self.role == "slave" and self.last_pair is not None:
            role, detail = "slave", "no provha row now; the last one read made this host the slave"
        changed = (role, detail) != (self.role, self.detail)
        self.role, self.detail = role, detail
        if role == "master":
            raise MasterRoleError(f"this host is the ProvHA master ({detail})")
        return changed

    def pair(self, provha: ProvHA | None) -> Pair:
        """The pair a rebuild writes with (``resolve_pair``), remembered for a moment without a row."""
        self.last_pair = resolve_pair(self.config, provha, self.addresses, self.last_pair)
        return self.last_pair
