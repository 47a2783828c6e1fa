"""The loader on its own: packed rows, the modem fast path, and the rows it skips."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

import pytest

from provha_daemon import loader as p
from provha_daemon import records
from provha_daemon.schema import detect

# Candidate values per packed modem field: canonical ones, and spellings only the validators accept or reject.
IDS = ["1", "100011", "0", "", "007", "-3", "12a", "99999999999999999999"]
NAMES = ["cm-1", "", "CM-Upper.example", "a" * 64, "a." * 126 + "a", "-bad", "x y", "cm_1", "name.", "é"]
MACS = ["00:1e:66:0f:b4:a0", "", "00:1E:66:0F:B4:A0", "00-1e-66-0f-b4-a0", "0", "00:1e:66:0f:b4", "zz:1e:66:0f:b4:a0"]
FLAGS = ["1", "0", "", "yes", "no", " 1", "2"]


def _schema() -> Any:
    columns = {
        "modem": [
            "id",
            "hostname",
            "mac",
            "public",
            "internet_access",
            "configfile_id",
            "contract_id",
            "qos_id",
            "deleted_at",
        ],
        "contract": ["id", "internet_access", "has_telephony", "deleted_at"],
        "netgw": ["id", "hostname", "deleted_at"],
        "ippool": ["id", "netgw_id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end"],
        "provbase": ["provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time"],
    }
    return detect((table, column) for table, names in columns.items() for column in names)


SCHEMA = _schema()


def _empty_plant() -> records.Plant:
    """A plant with only the schema set: the modem loader fills in modems, contracts and skipped rows."""
    return records.Plant(schema=SCHEMA, provbase=None, provha=None, mta_domain=None)  # type: ignore[arg-type]


def _load(rows: Sequence[str]) -> tuple[list[records.Modem], dict[int, records.Contract], list[records.Skipped]]:
    plant = _empty_plant()
    result: list[Sequence[Any]] = [(row,) for row in rows]

    async def fetch(sql: str) -> Sequence[Sequence[Any]]:
        assert "CONCAT_WS(CHAR(31 USING utf8mb4)" in sql and "LEFT JOIN contract c" in sql
        return result

    modems, contracts = asyncio.run(p._fetch_modems(fetch, SCHEMA, p._Rows(plant)))
    return modems, contracts, plant.skipped


def _slow(text: str) -> tuple[list[records.Modem], dict[int, records.Contract], list[records.Skipped]]:
    plant = _empty_plant()
    modems: list[records.Modem] = []
    contracts: dict[int, records.Contract] = {}
    p._slow_modem(text, "", modems, contracts, p._Rows(plant))
    return modems, contracts, plant.skipped


def test_fast_path_decides_every_row_as_the_validators_do() -> None:
    """Random rows over canonical and odd spellings: the fast path and the validators give the same result."""
    rng = random.Random(20261125)

    def pick(values: list[str], canonical: int) -> str:  # mostly the canonical spellings (the first ones)
        return rng.choice(values[:canonical] if rng.random() < 0.85 else values)

    fast_hits = 0
    for _ in range(20_000):
        fields = [
            pick(IDS, 2),
            pick(NAMES, 2),
            pick(MACS, 2),
            pick(FLAGS, 3),
            pick(FLAGS, 3),
            pick(IDS, 4),
            pick(IDS, 4),
            pick(IDS, 4),
            pick(IDS, 4),
            pick(FLAGS, 3),
            pick(FLAGS, 3),
        ]
        text = "\x1f".join(fields)
        fast_hits += p._CANONICAL_MODEM.fullmatch(text) is not None
        assert _load([text]) == _slow(text), text
    assert fast_hits > 1000  # the fast path was really exercised, not only the fallback


def test_canonical_rows_take_the_fast_path() -> None:
    """A modem row as NMS Prime stores it matches the fast path and gives the expected record and contract."""
    text = "\x1f".join(["100011", "cm-100011", "00:1e:66:0f:b4:a0", "0", "1", "3", "500001", "2", "500001", "1", "0"])
    assert p._CANONICAL_MODEM.fullmatch(text)
    modems, contracts, skipped = _load([text])
    assert modems == [records.Modem(100011, "cm-100011", "00:1e:66:0f:b4:a0", False, True, 3, 500001, 2)]
    assert contracts == {500001: records.Contract(500001, True, False)}
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
