"""dhcpd's host rules on the plant: one declaration per name, one host per MAC."""

from __future__ import annotations

import pytest

from provha_daemon.hosts import drop_duplicate_macs, drop_duplicate_names, live_host_macs
from provha_daemon.records import Endpoint, Modem, Mta, Plant


def _empty_plant() -> Plant:
    """A plant with no rows: each test sets the hosts it needs."""
    return Plant(schema=None, provbase=None, provha=None, mta_domain=None)  # type: ignore[arg-type]


def test_duplicate_host_names_keep_the_oldest_row() -> None:
    """A second modem with a MAC under a host name already used, and an endpoint under a modem's name, are
    skipped and named; a modem without a MAC (no host entry) does not claim its name."""
    plant = _empty_plant()
    plant.modems = [
        Modem(1, "cm-a", "00:00:00:00:00:01", False, True, None, None),
        Modem(2, "cm-b", None, False, True, None, None),
        Modem(3, "cm-a", "00:00:00:00:00:03", False, True, None, None),
        Modem(4, "cm-b", "00:00:00:00:00:04", False, True, None, None),
    ]
    plant.endpoints = [
        Endpoint(7, "cm-b", "00:00:00:00:00:07", 1, False, None),
        Endpoint(8, "ep-8", "00:00:00:00:00:08", 1, False, None),
    ]
    drop_duplicate_names(plant)
    assert [m.id for m in plant.modems] == [1, 2, 4]
    assert [e.id for e in plant.endpoints] == [8]
    assert [(s.table, s.id) for s in plant.skipped] == [("modem", 3), ("endpoint", 7)]
    assert all("already used" in s.reason for s in plant.skipped)


def test_an_mta_whose_host_name_a_modem_or_endpoint_has_is_skipped() -> None:
    """mta.conf declares mta-<id>: a modem or endpoint already declaring that name keeps it, the MTA is skipped and
    named; an MTA without a usable MAC declares nothing and stays."""
    plant = _empty_plant()
    plant.modems = [Modem(1, "mta-30", "00:00:00:00:00:01", False, True, None, None)]
    plant.endpoints = [Endpoint(7, "mta-31", "00:00:00:00:00:07", 1, False, None)]
    plant.mtas = [
        Mta(30, 1, "00:00:00:00:01:30", "packetcable"),
        Mta(31, 1, "00:00:00:00:01:31", "sip"),
        Mta(32, 1, "00:00:00:00:01:32", "packetcable"),
        Mta(30, 1, "ff:ff:ff:ff:ff:ff", "sip"),
    ]
    drop_duplicate_names(plant)
    assert [(m.id, m.mac) for m in plant.mtas] == [(32, "00:00:00:00:01:32"), (30, "ff:ff:ff:ff:ff:ff")]
    assert [(s.table, s.id) for s in plant.skipped] == [("mta", 30), ("mta", 31)]
    assert len(plant.modems) == 1 and len(plant.endpoints) == 1


def test_unique_host_names_keep_every_row() -> None:
    """With no duplicate name every modem and endpoint stays, in order."""
    plant = _empty_plant()
    plant.modems = [Modem(n, f"cm-{n}", f"00:00:00:00:00:{n:02x}", False, True, None, None) for n in range(1, 9)]
    plant.endpoints = [Endpoint(20, "ep-20", "00:00:00:00:01:00", 1, False, None)]
    drop_duplicate_names(plant)
    assert [m.id for m in plant.modems] == list(range(1, 9)) and len(plant.endpoints) == 1 and not plant.skipped


def test_duplicate_macs_without_a_live_host_keep_modems_then_mtas_then_endpoints() -> None:
    """With no live host for a shared MAC the modem keeps it over an MTA and an endpoint, the oldest modem first."""
    plant = _empty_plant()
    mac = "00:11:22:33:44:55"
    plant.modems = [Modem(7, "cm-7", mac, False, True, None, None), Modem(3, "cm-3", mac, False, True, None, None)]
    plant.mtas = [Mta(300001, 3, mac, "sip")]
    plant.endpoints = [Endpoint(200001, "ep", mac, 3, False, None), Endpoint(200002, "ep2", None, 3, True, "1.2.3.4")]
    drop_duplicate_macs(plant, dict)
    assert [m.id for m in plant.modems] == [3] and plant.mtas == [] and [e.id for e in plant.endpoints] == [200002]
    assert sorted((s.table, s.id) for s in plant.skipped) == [("endpoint", 200001), ("modem", 7), ("mta", 300001)]
    drop_duplicate_macs(plant, lambda: pytest.fail("the live files are read only when a MAC is shared"))
    assert live_host_macs([b'host cm-7 { hardware ethernet 00:11:22:33:44:55; filename "cm/cm-7.cfg"; }']) == {
        mac: "cm-7"
    }
