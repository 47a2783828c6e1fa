"""The zone sync: which way a change goes (pure), and both nodes' real named converging — while both are up, while
the master is down, and after it returns — with the time it takes measured."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import dns.rrset
import pytest

from provha_daemon.stages import DnsStage
from provha_daemon.zonesync import Node, Target, Transfer, ZoneSync, direction, transfer_changes
from tests.dbserver import PlantFactory
from tests.named import Named, Pair, dns_pair, free_port, start_pair

ZONE = "nmsprime.test"
SOA = "ns.nmsprime.test. hostmaster.nmsprime.test. {} 3600 600 604800 3600"


def _soa(serial: int) -> dns.rrset.RRset:
    return dns.rrset.from_text(f"{ZONE}.", 3600, "IN", "SOA", SOA.format(serial))


def _a(name: str, address: str) -> dns.rrset.RRset:
    return dns.rrset.from_text(f"{name}.{ZONE}.", 3600, "IN", "A", address)


def test_an_incremental_transfer_names_the_changed_records_only() -> None:
    """IXFR: the new SOA, then (old SOA, deleted, new SOA, added) per step, then the new SOA: the keys of what was
    deleted and added, nothing else; apex SOA and NS are never keys."""
    answer = [_soa(7), _soa(5), _a("old", "10.10.0.5"), _soa(6), _a("new", "10.10.0.6"), _soa(6), _soa(7), _soa(7)]
    changes = transfer_changes(answer, ZONE, since=5)
    assert changes == Transfer(7, {(f"old.{ZONE}.", "A"), (f"new.{ZONE}.", "A")}, full=False)


def test_a_whole_zone_answer_carries_every_record_and_nothing_new_carries_nothing() -> None:
    """An AXFR (or an IXFR answered with the whole zone) gives every record set with its records; an answer of
    just the SOA means no change since that serial."""
    ns = dns.rrset.from_text(f"{ZONE}.", 3600, "IN", "NS", "ns.nmsprime.test.")
    full = transfer_changes([_soa(9), ns, _a("cm-1", "10.10.0.20"), _a("cm-2", "10.10.0.21"), _soa(9)], ZONE, None)
    assert full.full and full.serial == 9
    assert full.values == {
        (f"cm-1.{ZONE}.", "A"): (3600, frozenset({"10.10.0.20"})),
        (f"cm-2.{ZONE}.", "A"): (3600, frozenset({"10.10.0.21"})),
    }
    assert transfer_changes([_soa(9)], ZONE, since=9) == Transfer(9, set(), full=False)


def test_the_side_that_changed_wins_and_the_master_wins_a_tie() -> None:
    """A set changed on one side goes to the other (a removal too); changed on both: the master's stays; with no
    history a missing set is added and nothing is removed."""
    a, b = (3600, frozenset({"10.10.0.20"})), (3600, frozenset({"10.10.0.99"}))
    assert direction(a, a, True, True) is None
    assert direction(a, b, False, True) == "to_master"
    assert direction(None, b, False, True) == "to_master"
    assert direction(a, None, False, True) == "to_master"  # the slave removed it: remove it on the master
    assert direction(a, b, True, False) == "to_slave"
    assert direction(a, b, True, True) == "to_slave"
    assert direction(None, b, False, False) == "to_master"
    assert direction(a, None, False, False) == "to_slave"
    assert direction(a, b, False, False) == "to_slave"


@pytest.fixture
def pair(tmp_path: Path, plant_db: PlantFactory) -> Iterator[Pair]:
    """Both nodes' named serving the rendered configs (``tests.named.dns_pair``)."""
    with dns_pair(tmp_path, plant_db) as both:
        yield both


def _register(named: Named, key: Path, host: str, address: str) -> None:
    reverse = ".".join(reversed(address.split("."))) + ".in-addr.arpa."
    done = named.nsupdate(
        key,
        f"update add {host}.{ZONE}. 3600 A {address}\nsend\nupdate add {reverse} 3600 PTR {host}.{ZONE}.",
    )
    assert done.returncode == 0, done.stderr


def _on(named: Named, host: str, address: str) -> bool:
    reverse = ".".join(reversed(address.split("."))) + ".in-addr.arpa"
    return named.resolve(f"{host}.{ZONE}") == [address] and named.resolve(reverse, "PTR") == [f"{host}.{ZONE}."]


async def _until(check: object, what: str, timeout: float = 30.0) -> float:
    """Seconds until ``check()`` holds (polled every 50 ms)."""
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_both_nodes_converge_through_a_master_outage(pair: Pair, capsys: pytest.CaptureFixture[str]) -> None:
    """Names registered through either node resolve on both; with the master's named dead the slave's still answers
    every name registered before and registers new ones; after the master's return both converge, deletions
    included. The sync runs as the service runs it, with the defaults (a pass every poll interval, 2 s; a node that
    does not answer costs one sync_timeout, 2 s); the times are printed."""
    await start_pair(pair)
    rebuilder = pair.rebuilder()
    await rebuilder.rebuild(attempts=1)
    stage = rebuilder.stage(DnsStage)
    assert stage.sync.target is not None
    own_key, master_key = pair.ddns / "ddns-own.key", pair.ddns / "ddns-peer.key"

    interval = pair.rebuilder().config.service.poll_interval

    async def sync() -> None:
        while True:
            await stage.tend()
            await asyncio.sleep(interval)

    task = asyncio.create_task(sync())
    timings: dict[str, float] = {}
    try:
        _register(pair.master, master_key, "cm-master", "10.10.0.31")
        timings["master -> slave"] = await _until(lambda: _on(pair.slave, "cm-master", "10.10.0.31"), "to the slave")
        _register(pair.slave, own_key, "cm-slave", "10.10.0.32")
        timings["slave -> master"] = await _until(lambda: _on(pair.master, "cm-slave", "10.10.0.32"), "to the master")
        _register(pair.slave, own_key, "cm-leaving", "10.10.0.33")
        await _until(lambda: _on(pair.master, "cm-leaving", "10.10.0.33"), "the leaving name to the master")

        pair.master.stop()  # the master dies
        for host, address in (("cm-master", "10.10.0.31"), ("cm-slave", "10.10.0.32")):
            assert _on(pair.slave, host, address), host
        _register(pair.slave, own_key, "cm-outage", "10.10.0.34")  # the slave's dhcpd grants a lease alone
        done = pair.slave.nsupdate(own_key, f"update delete cm-leaving.{ZONE}. A")  # a lease expires meanwhile
        assert done.returncode == 0, done.stderr
        await asyncio.sleep(2)  # passes find the master unreachable and change nothing
        assert _on(pair.slave, "cm-outage", "10.10.0.34") and _on(pair.slave, "cm-master", "10.10.0.31")

        pair.master.start()  # the master is back, with its journal
        returned = time.monotonic()
        await _until(
            lambda: (
                _on(pair.master, "cm-outage", "10.10.0.34")
                and pair.master.resolve(f"cm-leaving.{ZONE}") == []
                and all(
                    _on(n, "cm-master", "10.10.0.31") and _on(n, "cm-slave", "10.10.0.32")
                    for n in (pair.slave, pair.master)
                )
            ),
            "convergence after the master's return",
        )
        timings["after the master's return"] = time.monotonic() - returned
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    with capsys.disabled():
        figures = ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
        print(f"\nzone sync convergence (a pass every {interval:g} s): {figures}")


def test_without_its_own_named_the_slave_asks_the_master_nothing(tmp_path: Path) -> None:
    """A pass whose local named does not answer ends there: the master (here an address nothing may be sent to in a
    test) is never asked, nothing is written, and the pass says which node it missed."""
    sync = ZoneSync(tmp_path / "zonesync.json")
    port = free_port()
    sync.configure(
        Target(
            ("nmsprime.test",),
            Node("slave", "127.0.0.1", port, "c2xhdmUtc2VjcmV0LWtleQ=="),
            Node("master", "192.0.2.1", port, "bWFzdGVyLXNlY3JldC1rZXk="),
            timeout=0.5,
        )
    )
    done = sync.run_pass()
    assert done.unreachable is not None and done.unreachable.startswith("slave 127.0.0.1")
    assert done.copied == 0 and sync.serials == {}
