"""Both nodes' dynamic zones kept the same: what either named registers, the other gets.

Each node's named is the primary of its own copy of the dynamic zones (``<domain>`` and ``in-addr.arpa``): dhcpd's
DDNS reaches only its local named, and the master's dhcpd and named belong to NMS Prime. So the slave's daemon
carries each change across. Every pass (``dns.sync_interval``) asks both nameds for the zones' SOA serials; when one
moved, it asks each for what changed since the serial it last synced (IXFR, signed with that node's key; a node
without the history answers with the whole zone), and for every name and type changed on one side it copies that
side's records to the other (a delete, then the records), signed with the other node's key. A name changed on both
sides since the last pass keeps the master's records (NMS Prime's node wins a conflict). Without any history (the
first pass, a lost journal) nothing is deleted: names missing on one side are added there.

While the master is down nothing can be compared: the slave's named keeps answering what it had and registering
what the slave's dhcpd grants; when the master is back, the next pass carries the slave's changes of the outage
over (and the master's, if it had any), so both converge within one pass of the master's return.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.update

KEY_NAME = dns.name.from_text("dhcpupdate")  # NMS Prime's key name on both nodes, each with its own secret
Key = tuple[str, str]  # (absolute owner name, record type)
Value = tuple[int, frozenset[str]]  # (TTL, records) of one name and type; absent: no such records


@dataclass(frozen=True, slots=True)
class Node:
    """One named: where it answers, and the secret its updates and transfers are signed with (never logged)."""

    role: str  # "slave" (this node) or "master"
    address: str
    port: int
    secret: str

    def __repr__(self) -> str:
        return f"Node({self.role}, {self.address}:{self.port})"


@dataclass(frozen=True, slots=True)
class Target:
    """What the sync keeps equal: these zones on these two nodes."""

    zones: tuple[str, ...]
    slave: Node
    master: Node
    timeout: float = 5.0


@dataclass(slots=True)
class Pass:
    """What one pass did: records copied each way, conflicts the master won, and the node that did not answer."""

    to_master: int = 0
    to_slave: int = 0
    conflicts: int = 0
    unreachable: str | None = None  # "master" or "slave", with why
    zones: list[str] = field(default_factory=list)  # the zones whose serial had moved

    @property
    def copied(self) -> int:
        """Names and types copied in either direction."""
        return self.to_master + self.to_slave


@dataclass(slots=True)
class Transfer:
    """One node's changes of a zone since a serial: the keys touched (``full``: a whole zone, then ``values`` holds
    every record set, else only the keys are known and their values are asked for), and its serial now."""

    serial: int
    keys: set[Key]
    full: bool
    values: dict[Key, Value] = field(default_factory=dict)


class Unreachable(Exception):
    """A node did not answer or refused (its role and the reason)."""


def transfer_changes(rrsets: Iterable[dns.rrset.RRset], zone: str, since: int | None) -> Transfer:
    """The changes an IXFR (or AXFR) answer carries: its record sets in order, as the server sent them.

    An incremental answer is the new SOA, then for each step the old SOA and what it deleted and the new SOA and what
    it added, then the new SOA again; one with only the SOA means nothing changed; anything else is a whole zone.
    The zone's apex SOA and NS are the nodes' own and never compared.
    """
    sets = list(rrsets)
    if not sets or sets[0].rdtype != dns.rdatatype.SOA:
        raise ValueError(f"zone transfer of {zone} does not start with its SOA")
    serial = int(sets[0][0].serial)
    apex = dns.name.from_text(zone)
    body = sets[1:-1] if len(sets) > 1 and sets[-1].rdtype == dns.rdatatype.SOA else sets[1:]
    incremental = since is not None and bool(body) and body[0].rdtype == dns.rdatatype.SOA
    if since is not None and not body:
        return Transfer(serial, set(), full=False)
    keys: set[Key] = set()
    values: dict[Key, Value] = {}
    for rrset in body:
        if rrset.name == apex and rrset.rdtype in (dns.rdatatype.SOA, dns.rdatatype.NS):
            continue
        key = (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype))
        keys.add(key)
        if not incremental:
            ttl, records = values.get(key, (rrset.ttl, frozenset()))
            values[key] = (ttl, records | {r.to_text() for r in rrset})
    return Transfer(serial, keys, full=not incremental, values=values)


def direction(master: Value | None, slave: Value | None, master_changed: bool, slave_changed: bool) -> str | None:
    """Which way a name and type must be copied: "to_master", "to_slave", or None (equal, or nothing to say).

    A side that changed it since the last pass wins; both changed: the master wins; neither known to have changed
    (no history): a set missing on one side is added there, and where both have one the master's stays.
    """
    if _records(master) == _records(slave):
        return None
    if slave_changed and not master_changed:
        return "to_master"
    if master_changed:
        return "to_slave"
    if master is None:
        return "to_master"
    return "to_slave"


def _ours(written: dict[Key, Value | None], key: Key, now: Value | None) -> bool:
    """Whether a node's record set is still what the sync itself wrote there last (then it is no change of its)."""
    return key in written and _records(written[key]) == _records(now)


def _records(value: Value | None) -> frozenset[str]:
    return value[1] if value is not None else frozenset()


class ZoneSync:
    """The sync's state (each node's last synced serial per zone, kept in ``state_path`` across restarts) and one
    pass at a time (``run_pass``, blocking: the service runs it in a thread)."""

    def __init__(self, state_path: Path | None = None) -> None:
        self.state_path = state_path
        self.target: Target | None = None
        self.serials: dict[str, dict[str, int]] = {}  # zone -> role -> the serial the last pass ended with
        # zone -> role -> what the last pass wrote there: the next pass sees those writes among that node's changes,
        # and a write it made itself must not count as that node's change (it would win a tie it did not make)
        self.written: dict[str, dict[str, dict[Key, Value | None]]] = {}
        self._load()

    def configure(self, target: Target | None) -> None:
        """What to keep equal (a rebuild's); None: nothing (no secrets, DNS off). New nodes start without history."""
        old = self.target
        if target is not None and old is not None and (target.slave, target.master) != (old.slave, old.master):
            self.serials = {}
        self.target = target
        if target is None or not self.serials:
            self.written = {}

    def run_pass(self) -> Pass:
        """One pass over every zone; a node that does not answer ends it (nothing compared, nothing lost)."""
        result = Pass()
        target = self.target
        if target is None:
            return result
        try:
            for zone in target.zones:
                self._zone(target, zone, result)
        except Unreachable as exc:
            result.unreachable = str(exc)
        self._save()
        return result

    def _zone(self, target: Target, zone: str, result: Pass) -> None:
        known = self.serials.get(zone, {})
        # the local node first: without its own named the slave has nothing to compare, and asks the master nothing
        now = {node.role: _serial(node, zone, target.timeout) for node in (target.slave, target.master)}
        if known and all(known.get(role) == serial for role, serial in now.items()):
            return
        result.zones.append(zone)
        master = _transfer(target.master, zone, known.get("master"), target.timeout)
        slave = _transfer(target.slave, zone, known.get("slave"), target.timeout)
        if master.full != slave.full:
            # one side has no history: compare whole zones on both, so nothing needs asking name by name
            master = master if master.full else _transfer(target.master, zone, None, target.timeout)
            slave = slave if slave.full else _transfer(target.slave, zone, None, target.timeout)
        history = not master.full
        ours = self.written.get(zone, {})
        updates: dict[str, dict[Key, Value | None]] = {"to_master": {}, "to_slave": {}}
        for key in sorted(master.keys | slave.keys):
            if history:
                m, s = _ask(target.master, key, target.timeout), _ask(target.slave, key, target.timeout)
            else:
                m, s = master.values.get(key), slave.values.get(key)
            master_changed = history and key in master.keys and not _ours(ours.get("master", {}), key, m)
            slave_changed = history and key in slave.keys and not _ours(ours.get("slave", {}), key, s)
            way = direction(m, s, master_changed, slave_changed)
            if way is None:
                continue
            if master_changed and slave_changed:
                result.conflicts += 1
            updates[way][key] = s if way == "to_master" else m
        written: dict[str, dict[Key, Value | None]] = {}
        try:
            for way, node in (("to_master", target.master), ("to_slave", target.slave)):
                if updates[way]:
                    _update(node, zone, updates[way], target.timeout)
                    written[node.role] = updates[way]
        finally:
            if len(written) < sum(1 for u in updates.values() if u):
                # a side failed: this pass's transfers will be read again, with the writes that did go through
                self.written[zone] = {r: {**ours.get(r, {}), **written.get(r, {})} for r in ("master", "slave")}
        result.to_master += len(updates["to_master"])
        result.to_slave += len(updates["to_slave"])
        # the next pass reads from these serials on, our own writes of this pass among its changes
        self.serials[zone] = {"master": master.serial, "slave": slave.serial}
        self.written[zone] = written

    def _load(self) -> None:
        if self.state_path is None:
            return
        with contextlib.suppress(OSError, ValueError, TypeError):
            data = json.loads(self.state_path.read_text())
            self.serials = {str(z): {str(r): int(s) for r, s in v.items()} for z, v in data["serials"].items()}

    def _save(self) -> None:
        if self.state_path is None:
            return
        with contextlib.suppress(OSError):
            tmp = self.state_path.with_name(f".{self.state_path.name}.tmp")
            tmp.write_text(json.dumps({"serials": self.serials}))
            os.replace(tmp, self.state_path)


def _keyring(node: Node) -> dict[dns.name.Name, dns.tsig.Key]:
    return {KEY_NAME: dns.tsig.Key(KEY_NAME, node.secret, dns.tsig.HMAC_MD5)}


def _query(node: Node, name: str, kind: str | dns.rdatatype.RdataType, timeout: float) -> dns.message.Message:
    """One non-recursive question to the node (UDP, TCP when truncated); ``Unreachable`` when it does not answer."""
    query = dns.message.make_query(name, kind)
    query.flags &= ~dns.flags.RD
    try:
        response, _ = dns.query.udp_with_fallback(query, node.address, timeout, port=node.port)
    except (dns.exception.DNSException, OSError) as exc:
        raise Unreachable(f"{node.role} {node.address}: {exc.__class__.__name__}: {exc}") from exc
    return response


def _serial(node: Node, zone: str, timeout: float) -> int:
    response = _query(node, zone, dns.rdatatype.SOA, timeout)
    for rrset in response.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            return int(rrset[0].serial)
    raise Unreachable(f"{node.role} {node.address}: no SOA for {zone} ({dns.rcode.to_text(response.rcode())})")


def _transfer(node: Node, zone: str, since: int | None, timeout: float) -> Transfer:
    kind = dns.rdatatype.IXFR if since is not None else dns.rdatatype.AXFR
    rrsets: list[dns.rrset.RRset] = []
    try:
        for message in dns.query.xfr(
            node.address,
            zone,
            rdtype=kind,
            serial=since or 0,
            port=node.port,
            timeout=timeout,
            lifetime=timeout * 12,
            keyring=_keyring(node),
            keyname=KEY_NAME,
            keyalgorithm=dns.tsig.HMAC_MD5,
            relativize=False,
            raise_on_serial_went_backwards=False,
        ):
            rrsets.extend(message.answer)
    except (dns.exception.DNSException, OSError, EOFError) as exc:
        raise Unreachable(f"{node.role} {node.address}: transfer of {zone}: {exc.__class__.__name__}: {exc}") from exc
    return transfer_changes(rrsets, zone, since)


def _ask(node: Node, key: Key, timeout: float) -> Value | None:
    """The records a node has for a name and type now (None: none)."""
    name, kind = key
    response = _query(node, name, kind, timeout)
    for rrset in response.answer:
        if rrset.name.to_text() == name and dns.rdatatype.to_text(rrset.rdtype) == kind:
            return rrset.ttl, frozenset(r.to_text() for r in rrset)
    return None


def _update(node: Node, zone: str, changes: dict[Key, Value | None], timeout: float) -> None:
    """One signed dynamic update with every change for this node: each name and type replaced (or removed)."""
    update = dns.update.UpdateMessage(zone, keyring=_keyring(node), keyname=KEY_NAME, keyalgorithm=dns.tsig.HMAC_MD5)
    for (name, kind), value in changes.items():
        update.delete(name, kind)
        if value is not None:
            ttl, records = value
            for record in sorted(records):
                update.add(name, ttl, kind, record)
    try:
        response = dns.query.tcp(update, node.address, timeout, port=node.port)
    except (dns.exception.DNSException, OSError, EOFError) as exc:
        raise Unreachable(f"{node.role} {node.address}: update of {zone}: {exc.__class__.__name__}: {exc}") from exc
    if response.rcode() != dns.rcode.NOERROR:
        raise Unreachable(
            f"{node.role} {node.address}: update of {zone} refused: {dns.rcode.to_text(response.rcode())}"
        )
