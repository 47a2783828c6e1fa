"""The plant loader on its own: packed rows, the modem fast path, and the rows it skips."""

from __future__ import annotations

import asyncio
import gc
import random
from collections.abc import Sequence
from typing import Any

import pytest

from provha_daemon import plant as p
from provha_daemon.schema import detect

# Candidate values per packed modem field: canonical ones, and spellings only the validators accept or reject.
IDS = ["1", "100011", "0", "", "007", "-3", "12a", "99999999999999999999"]
NAMES = ["cm-1", "", "CM-Upper.example", "a" * 64, "a." * 126 + "a", "-bad", "x y", "cm_1", "name.", "é"]
MACS = ["00:1e:66:0f:b4:a0", "", "00:1E:66:0F:B4:A0", "00-1e-66-0f-b4-a0", "0", "00:1e:66:0f:b4", "zz:1e:66:0f:b4:a0"]
FLAGS = ["1", "0", "", "yes", "no", " 1", "2"]


def _schema() -> Any:
    columns = {
        "modem": ["id", "hostname", "mac", "public", "internet_access", "configfile_id", "contract_id", "qos_id",
                  "deleted_at"],
        "contract": ["id", "internet_access", "has_telephony", "deleted_at"],
        "netgw": ["id", "hostname", "deleted_at"],
        "ippool": ["id", "netgw_id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end"],
        "provbase": ["provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time"],
    }
    return detect((table, column) for table, names in columns.items() for column in names)


SCHEMA = _schema()


def _empty_plant() -> p.Plant:
    """A plant with only the schema set: the modem loader fills in modems, contracts and skipped rows."""
    return p.Plant(schema=SCHEMA, provbase=None, provha=None, provha_raw=None, mta_domain=None)  # type: ignore[arg-type]


def _load(rows: Sequence[str]) -> tuple[list[p.Modem], dict[int, p.Contract], list[p.Skipped]]:
    plant = _empty_plant()
    result: list[Sequence[Any]] = [(row,) for row in rows]

    async def fetch(sql: str) -> Sequence[Sequence[Any]]:
        assert "CONCAT_WS(CHAR(31 USING utf8mb4)" in sql and "LEFT JOIN contract c" in sql
        return result

    modems, contracts = asyncio.run(p._fetch_modems(fetch, SCHEMA, p._Rows(plant)))
    return modems, contracts, plant.skipped


def _slow(text: str) -> tuple[list[p.Modem], dict[int, p.Contract], list[p.Skipped]]:
    plant = _empty_plant()
    modems: list[p.Modem] = []
    contracts: dict[int, p.Contract] = {}
    p._slow_modem(text, "", modems, contracts, p._Rows(plant))
    return modems, contracts, plant.skipped


def test_fast_path_decides_every_row_as_the_validators_do() -> None:
    """Random rows over canonical and odd spellings: the fast path and the validators give the same result."""
    rng = random.Random(20261125)

    def pick(values: list[str], canonical: int) -> str:  # mostly the canonical spellings (the first ones)
        return rng.choice(values[:canonical] if rng.random() < 0.85 else values)

    fast_hits = 0
    for _ in range(20_000):
        fields = [pick(IDS, 2), pick(NAMES, 2), pick(MACS, 2), pick(FLAGS, 3), pick(FLAGS, 3), pick(IDS, 4),
                  pick(IDS, 4), pick(IDS, 4), pick(IDS, 4), pick(FLAGS, 3), pick(FLAGS, 3)]
        text = "\x1f".join(fields)
        fast_hits += p._CANONICAL_MODEM.fullmatch(text) is not None
        assert _load([text]) == _slow(text), text
    assert fast_hits > 1000  # the fast path was really exercised, not only the fallback


def test_canonical_rows_take_the_fast_path() -> None:
    """A modem row as NMS Prime stores it matches the fast path and gives the expected record and contract."""
    text = "\x1f".join(["100011", "cm-100011", "00:1e:66:0f:b4:a0", "0", "1", "3", "500001", "2", "500001", "1", "0"])
    assert p._CANONICAL_MODEM.fullmatch(text)
    modems, contracts, skipped = _load([text])
    assert modems == [p.Modem(100011, "cm-100011", "00:1e:66:0f:b4:a0", False, True, 3, 500001, 2)]
    assert contracts == {500001: p.Contract(500001, True, False)}
    assert skipped == []


@pytest.mark.parametrize("value", ["cm-1\x1fx", "00:1e:66:0f:b4:a0\x1f"])
def test_a_value_holding_the_separator_skips_its_row_by_id(value: str) -> None:
    """A value containing U+001F cannot shift the fields: the row is skipped and named by its id."""
    good = "\x1f".join(["7", "cm-7", "00:00:00:00:00:07", "0", "1", "", "", "", "", "", ""])
    bad = "\x1f".join(["8", value, "00:00:00:00:00:08", "0", "1", "", "", "", "", "", ""])
    modems, _, skipped = _load([good, bad])
    assert [m.id for m in modems] == [7]
    assert [(s.table, s.id) for s in skipped] == [("modem", 8)]
    assert "U+001F" in skipped[0].reason


def test_packed_select_maps_null_to_empty() -> None:
    """The packed expression joins every column with U+001F and turns NULL into '' (read as "none")."""
    sql = p.packed(["m.id", "m.mac"])
    assert sql == "CONCAT_WS(CHAR(31 USING utf8mb4), IFNULL(m.id, ''), IFNULL(m.mac, ''))"


def test_collector_is_paused_inside_and_restored_after() -> None:
    """The cyclic GC is off while a snapshot is built, and comes back on (also after an error)."""
    assert gc.isenabled()
    with pytest.raises(RuntimeError), p.collector_paused():
        assert not gc.isenabled()
        with p.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not re-enable what it did not disable
        raise RuntimeError
    assert gc.isenabled()



def test_duplicate_host_names_keep_the_oldest_row() -> None:
    """A second modem with a MAC under a host name already used, and an endpoint under a modem's name, are
    skipped and named; a modem without a MAC (no host entry) does not claim its name."""
    plant = _empty_plant()
    plant.modems = [p.Modem(1, "cm-a", "00:00:00:00:00:01", False, True, None, None),
                    p.Modem(2, "cm-b", None, False, True, None, None),
                    p.Modem(3, "cm-a", "00:00:00:00:00:03", False, True, None, None),
                    p.Modem(4, "cm-b", "00:00:00:00:00:04", False, True, None, None)]
    plant.endpoints = [p.Endpoint(7, "cm-b", "00:00:00:00:00:07", 1, False, None),
                       p.Endpoint(8, "ep-8", "00:00:00:00:00:08", 1, False, None)]
    p._drop_duplicates(plant, p._Rows(plant))
    assert [m.id for m in plant.modems] == [1, 2, 4]
    assert [e.id for e in plant.endpoints] == [8]
    assert [(s.table, s.id) for s in plant.skipped] == [("modem", 3), ("endpoint", 7)]
    assert all("already used" in s.reason for s in plant.skipped)


def test_an_mta_whose_host_name_a_modem_or_endpoint_has_is_skipped() -> None:
    """mta.conf declares mta-<id>: a modem or endpoint already declaring that name keeps it, the MTA is skipped and
    named; an MTA without a usable MAC declares nothing and stays."""
    plant = _empty_plant()
    plant.modems = [p.Modem(1, "mta-30", "00:00:00:00:00:01", False, True, None, None)]
    plant.endpoints = [p.Endpoint(7, "mta-31", "00:00:00:00:00:07", 1, False, None)]
    plant.mtas = [p.Mta(30, 1, "00:00:00:00:01:30", "packetcable"), p.Mta(31, 1, "00:00:00:00:01:31", "sip"),
                  p.Mta(32, 1, "00:00:00:00:01:32", "packetcable"), p.Mta(30, 1, "ff:ff:ff:ff:ff:ff", "sip")]
    p._drop_duplicates(plant, p._Rows(plant))
    assert [(m.id, m.mac) for m in plant.mtas] == [(32, "00:00:00:00:01:32"), (30, "ff:ff:ff:ff:ff:ff")]
    assert [(s.table, s.id) for s in plant.skipped] == [("mta", 30), ("mta", 31)]
    assert len(plant.modems) == 1 and len(plant.endpoints) == 1


def test_unique_host_names_keep_every_row() -> None:
    """With no duplicate name every modem and endpoint stays, in order."""
    plant = _empty_plant()
    plant.modems = [p.Modem(n, f"cm-{n}", f"00:00:00:00:00:{n:02x}", False, True, None, None) for n in range(1, 9)]
    plant.endpoints = [p.Endpoint(20, "ep-20", "00:00:00:00:01:00", 1, False, None)]
    p._drop_duplicates(plant, p._Rows(plant))
    assert [m.id for m in plant.modems] == list(range(1, 9)) and len(plant.endpoints) == 1 and not plant.skipped


def test_duplicate_macs_without_a_live_host_keep_modems_then_mtas_then_endpoints() -> None:
    """With no live host for a shared MAC the modem keeps it over an MTA and an endpoint, the oldest modem first."""
    from provha_daemon.plant import Endpoint, Modem, Mta, drop_duplicate_macs, live_host_macs

    plant = _empty_plant()
    mac = "00:11:22:33:44:55"
    plant.modems = [Modem(7, "cm-7", mac, False, True, None, None), Modem(3, "cm-3", mac, False, True, None, None)]
    plant.mtas = [Mta(300001, 3, mac, "sip")]
    plant.endpoints = [Endpoint(200001, "ep", mac, 3, False, None), Endpoint(200002, "ep2", None, 3, True, "1.2.3.4")]
    drop_duplicate_macs(plant, dict)
    assert [m.id for m in plant.modems] == [3] and plant.mtas == [] and [e.id for e in plant.endpoints] == [200002]
    assert sorted((s.table, s.id) for s in plant.skipped) == [("endpoint", 200001), ("modem", 7), ("mta", 300001)]
    drop_duplicate_macs(plant, lambda: pytest.fail("the live files are read only when a MAC is shared"))
    assert live_host_macs([b"host cm-7 { hardware ethernet 00:11:22:33:44:55; filename \"cm/cm-7.cfg\"; }"]) == {
        mac: "cm-7"}
