"""chrony's access and sources files rendered from the seeded plant, as the real chronyd parses them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from provha_daemon.config import load_config
from provha_daemon.rebuild import Rebuilder
from provha_daemon.records import Plant
from provha_daemon.render.time import TimeSettings, allowed_networks, render_time
from tests.dbserver import PlantFactory
from tests.helpers import write_config

SETTINGS = TimeSettings("provha-daemon.conf", "provha-daemon.sources", "10.0.0.1", ("ntp1.example.net", "10.0.0.1"))


async def _plant(tmp_path: Path, plant_db: PlantFactory, generation: str = "netgw", *sql: str) -> Plant:
    db = plant_db(generation)
    for statement in sql:
        db.execute(statement)
    rebuilder = Rebuilder(load_config(write_config(tmp_path, db).config), frozenset())
    return (await rebuilder.read(attempts=1)).plant


def _chronyd_p(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chronyd", "-p", "-f", str(path)], capture_output=True, text=True, check=False)


def _allow_lines(data: bytes) -> list[str]:
    return [line for line in data.decode().splitlines() if line.startswith("allow ")]


async def test_access_serves_the_peer_every_cmts_and_the_modem_and_mta_pools(
    tmp_path: Path, plant_db: PlantFactory
) -> None:
    """The access file allows localhost (the time service), the peer, each live CMTS's ip and the active CM and MTA
    pools; not CPE or set-top-box pools, not the OLT, not soft-deleted or switched-off rows; sorted, each once."""
    switched_off = (
        "INSERT INTO ippool (id, created_at, updated_at, netgw_id, type, net, netmask, ip_pool_start, ip_pool_end,"
        " router_ip, version, active) VALUES (20, NOW(), NOW(), 2, 'CM', '10.12.0.0', '255.255.255.0', '10.12.0.10',"
        " '10.12.0.20', '10.12.0.1', '4', 0)"
    )
    plant = await _plant(tmp_path, plant_db, "netgw", switched_off)
    rendered = render_time(plant, SETTINGS)
    assert _allow_lines(rendered.access.data) == [
        "allow 10.0.0.1/32",  # the peer (provha.master)
        "allow 10.0.0.11/32",  # cmts-north
        "allow 10.0.0.12/32",  # cmts-south
        "allow 10.10.0.0/24",  # CM pool 1
        "allow 10.20.0.0/24",  # MTA pool 4
        "allow 127.0.0.1/32",  # provha-time asks chronyd
    ]
    assert "# CMTS cmts-north (netgw 1)" in rendered.access.data.decode()
    assert not rendered.warnings
    assert allowed_networks(rendered.access.data) == {line.split()[1] for line in _allow_lines(rendered.access.data)}


async def test_sources_name_the_peer_first_then_the_upstream_servers_once(
    tmp_path: Path, plant_db: PlantFactory
) -> None:
    """The sources file has the peer, then each configured upstream server that is not the peer, with iburst."""
    rendered = render_time(await _plant(tmp_path, plant_db), SETTINGS)
    servers = [line for line in rendered.sources.data.decode().splitlines() if not line.startswith("#")]
    assert servers == ["server 10.0.0.1 iburst", "server ntp1.example.net iburst"]


async def test_chronyd_parses_both_files(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The real ``chronyd -p -f`` accepts both rendered files and prints back every allow and server directive."""
    rendered = render_time(await _plant(tmp_path, plant_db, "cmts"), SETTINGS)
    for artifact in (rendered.access, rendered.sources):
        path = tmp_path / artifact.path
        path.write_bytes(artifact.data)
        parsed = _chronyd_p(path)
        assert parsed.returncode == 0, parsed.stderr
        directives = [line for line in artifact.data.decode().splitlines() if line and not line.startswith("#")]
        assert parsed.stdout.splitlines() == directives


async def test_a_bad_cmts_address_is_named_and_costs_only_its_allow_line(
    tmp_path: Path, plant_db: PlantFactory
) -> None:
    """A CMTS row whose ip is not an address is warned about by table and id; it keeps its DHCP shared network and
    the other rows are still served. NULL and '' mean no address, without a warning."""
    plant = await _plant(
        tmp_path,
        plant_db,
        "netgw",
        "UPDATE netgw SET ip = '10.0.0.300' WHERE id = 1",
        "UPDATE netgw SET ip = '' WHERE id = 2",
    )
    assert [g.id for g in plant.gateways] == [1, 2]
    rendered = render_time(plant, SETTINGS)
    assert rendered.warnings == [
        ("time.cmts_address_invalid", {"table": "netgw", "id": 1, "error": "ip: not an IPv4 address: '10.0.0.300'"})
    ]
    networks = allowed_networks(rendered.access.data)
    assert "10.0.0.11/32" not in networks and "10.0.0.12/32" not in networks and "10.10.0.0/24" in networks
