"""Golden tests of the rendered DHCP set for the test plant, plus unit tests of the render rules."""

from __future__ import annotations

import gc
import ipaddress
from pathlib import Path

import pytest

from provha_daemon.config import load_config
from provha_daemon.rebuild import Rebuilder
from provha_daemon.records import Endpoint, Gateway, Modem, Mta, Plant, Pool, ProvBase
from provha_daemon.render.dhcp import DhcpSettings, encode_fqdn, render_dhcp, split_of, vivso_tftp_servers
from provha_daemon.roles import resolve_pair
from provha_daemon.schema import detect
from provha_daemon.stages.dhcp import dhcp_settings, master_settings
from tests.dbserver import PlantFactory
from tests.helpers import OMAPI_SECRET, tokens, write_config

GOLDEN = Path(__file__).parent / "golden"
GENERATIONS = {"netgw": "", "cmts": '[provha]\nown_ip = "10.0.0.2"\npeer_ip = "10.0.0.1"\n'}


async def _render(tmp_path: Path, plant_db: PlantFactory, generation: str) -> dict[str, bytes]:
    db = plant_db(generation)
    setup = write_config(tmp_path, db, extra_top=GENERATIONS[generation])
    config = load_config(setup.config)
    rebuilder = Rebuilder(config, frozenset())
    snapshot = await rebuilder.read()
    pair = resolve_pair(config, snapshot.plant.provha, frozenset())
    rendered = render_dhcp(snapshot.plant, dhcp_settings(config, snapshot.plant, pair))
    return {a.path: a.data for a in rendered.artifacts}


@pytest.mark.parametrize("generation", ["netgw", "cmts"])
async def test_golden_files(tmp_path: Path, plant_db: PlantFactory, generation: str) -> None:
    """Every rendered file of the seeded plant has the tokens of its hand-written golden file."""
    rendered = await _render(tmp_path, plant_db, generation)
    directory = str(tmp_path / "etc" / "dhcp-nmsprime")
    golden_dir = GOLDEN / generation
    golden = sorted(p.relative_to(golden_dir).as_posix() for p in golden_dir.rglob("*.conf"))
    assert sorted(set(rendered) - {"log.conf"}) == golden
    for name in golden:
        expected = (golden_dir / name).read_text().replace("@DIR@", directory)
        assert tokens(rendered[name].decode()) == tokens(expected), name


async def test_secrets_only_in_secret_files(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The slave's DNS secret and the OMAPI secret appear only in the 0640 files; the master's nowhere."""
    rendered = await _render(tmp_path, plant_db, "netgw")
    for name, data in rendered.items():
        assert b"bWFzdGVyLXNlY3JldC1rZXk=" not in data, name
        if name not in ("dhcpd.conf", "failover.conf"):
            assert b"c2xhdmUtc2VjcmV0LWtleQ==" not in data, name
            assert OMAPI_SECRET.encode() not in data, name
    assert b'secret "c2xhdmUtc2VjcmV0LWtleQ=="' in rendered["dhcpd.conf"]


def _plant(**kw: object) -> Plant:
    schema = detect(
        [
            ("netgw", "id"),
            ("netgw", "hostname"),
            ("ippool", "netgw_id"),
            *[("ippool", c) for c in ("id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end")],
            *[("modem", c) for c in ("id", "hostname", "mac", "public")],
            *[
                ("provbase", c)
                for c in ("provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time")
            ],
            ("mta", "id"),
        ]
    )
    provbase = ProvBase("10.0.0.1", "example.test", 600, 1200, None, bool(kw.pop("multiple", False)))
    plant = Plant(schema=schema, provbase=provbase, provha=None, mta_domain=None)
    for key, value in kw.items():
        setattr(plant, key, value)
    return plant


SETTINGS = DhcpSettings(
    directory="/x",
    own_ip="192.0.2.2",
    peer_ip="192.0.2.1",
    dns_secret=None,
    server_fqdn="slave.example.test",
    time_offset=0,
    omapi_key_name="k",
    omapi_secret=None,
)


def test_vivso_and_fqdn_encoding() -> None:
    """vivso sub-option 2 is CableLabs' enterprise, lengths and both addresses; FQDN labels get octal lengths."""
    assert vivso_tftp_servers(["192.168.0.1", "192.168.0.2"]) == "00:00:11:8b:0a:02:08:c0:a8:00:01:c0:a8:00:02"
    assert encode_fqdn("slave.nmsprime.test") == "\\005slave\\010nmsprime\\004test\\000"


def test_missing_secrets_leave_out_key_and_zones() -> None:
    """Without a DNS secret: no key dhcpupdate, no zone statements, a warning; without OMAPI key: no omapi."""
    out = render_dhcp(_plant(), SETTINGS)
    files = {a.path: tokens(a.data.decode()) for a in out.artifacts}
    assert "dhcpupdate" not in files["dhcpd.conf"]
    assert "zone" not in files["global.conf"]
    assert "omapi-key" not in files["failover.conf"] and "omapi-port" not in files["failover.conf"]
    assert {event for event, _ in out.warnings} == {"ddns.secret_missing", "dhcp.omapi_key_missing"}


def test_failover_is_secondary_without_mclt_or_split() -> None:
    """The slave's failover peer is the secondary: ISC dhcpd forbids mclt and split there."""
    text = next(a.data.decode() for a in render_dhcp(_plant(), SETTINGS).artifacts if a.path == "failover.conf")
    statements = tokens(text)
    assert "secondary" in statements and "primary" not in statements
    assert "mclt" not in statements and "split" not in statements


def test_ignore_cpe_lists_modems_with_network_access() -> None:
    """With multiple provisioning systems, CPEs are ignored unless behind a modem with network access."""
    modems = [
        Modem(1, "cm-1", "00:00:00:00:00:01", False, True, 3, None),
        Modem(2, "cm-2", "00:00:00:00:00:02", False, False, 3, None),  # no internet, no MTA: no access
        Modem(3, "cm-3", "00:00:00:00:00:03", False, True, None, None),  # no configfile: no config, no access
    ]
    plant = _plant(multiple=True, modems=modems)
    text = next(a.data.decode() for a in render_dhcp(plant, SETTINGS).artifacts if a.path == "ignore-cpe.conf")
    assert "option agent.remote-id != 00:00:00:00:00:01" in text
    assert "00:00:00:00:00:02" not in text and "00:00:00:00:00:03" not in text
    assert "ignore booting;" in text


def test_cpepub_range_split_and_single_address() -> None:
    """A CPEPub range is cut around fixed endpoint IPs; a one-address remainder is written as one address."""
    pool = Pool(
        1,
        1,
        "CPEPub",
        ipaddress.IPv4Network("198.51.100.0/24"),
        "198.51.100.1",
        None,
        (),
        "198.51.100.10",
        "198.51.100.13",
        "",
        True,
        None,
    )
    eps = [
        Endpoint(7, "ep", "00:00:00:00:00:07", 1, True, "198.51.100.11"),
        Endpoint(8, "ep2", "00:00:00:00:00:08", 1, True, "198.51.100.13"),
    ]
    modem = Modem(1, "cm-1", "00:00:00:00:00:01", False, True, 3, None)
    plant = _plant(gateways=[Gateway(1, "gw")], pools=[pool], endpoints=eps, modems=[modem])
    text = next(a.data.decode() for a in render_dhcp(plant, SETTINGS).artifacts if a.path == "cmts_gws/1.conf")
    assert "range 198.51.100.10;" in text
    assert "range 198.51.100.12;" in text
    assert "198.51.100.13" not in text.split("pool", 1)[1].split("}")[0].replace("range 198.51.100.12;", "")


def test_packetcable_mta_host_name_is_its_mac() -> None:
    """A PacketCable MTA's option host-name is its MAC without colons; a SIP MTA's is its id."""
    mtas = [Mta(5, 1, "00:aa:bb:cc:dd:ee", "packetcable"), Mta(6, 1, "00:aa:bb:cc:dd:ef", "sip")]
    text = next(a.data.decode() for a in render_dhcp(_plant(mtas=mtas), SETTINGS).artifacts if a.path == "mta.conf")
    assert 'option host-name "00aabbccddee";' in text
    assert 'option host-name "6";' in text


async def test_no_plant_outlives_its_rebuild(tmp_path: Path, plant_db: PlantFactory) -> None:
    """After a rebuild no stage keeps its plant or artifacts: the next read never holds two generations at once."""
    db = plant_db("netgw")
    rebuilder = Rebuilder(load_config(write_config(tmp_path, db).config), frozenset())
    gc.collect()
    before = sum(isinstance(o, Plant) for o in gc.get_objects())
    result = await rebuilder.rebuild(attempts=1)
    assert result.written  # a real first rebuild: rendered, validated by dhcpd -t, swapped
    gc.collect()
    assert sum(isinstance(o, Plant) for o in gc.get_objects()) == before
    assert rebuilder.dhcp.artifacts == []


# NMS Prime's master failover.conf (reference §3: the ProvHA template as installed, placeholders resolved, with the
# installer's "mclt 1800;" and "split 128;" after the load balance line), for the seeded provha row.
NMS_PRIME_MASTER_FAILOVER = """
failover peer "dhcpd-failover"
{
    primary;
    address 10.0.0.1;
    port 647;
    peer address 10.0.0.2;
    peer port 647;
    max-response-delay 60;
    max-unacked-updates 10;
    load balance max seconds 5;
    mclt 1800;
    split 128;
}
"""


async def test_the_master_role_writes_nms_primes_master_failover_peer(tmp_path: Path, plant_db: PlantFactory) -> None:
    """In the master role (render only) the failover peer is NMS Prime's master's, token for token: primary, own =
    provha.master, peer = the first slave, mclt 1800 and split 128 (load_ratio_master 0.5); the master is first in
    the server lists and its DNS secret is dhcpd's key."""
    db = plant_db("netgw")
    config = load_config(write_config(tmp_path, db).config)
    snapshot = await Rebuilder(config, frozenset()).read()
    rendered = render_dhcp(snapshot.plant, master_settings(config, snapshot.plant, tmp_path / "master"))
    files = {a.path: a.data.decode() for a in rendered.artifacts}
    peer = files["failover.conf"].split("}", 1)[0] + "}"
    assert tokens(peer) == tokens(NMS_PRIME_MASTER_FAILOVER)
    assert "option time-servers 10.0.0.1,10.0.0.2;" in files["global.conf"]
    assert 'secret "bWFzdGVyLXNlY3JldC1rZXk=";' in files["dhcpd.conf"]
    assert f'include "{tmp_path / "master"}/global.conf";' in files["dhcpd.conf"]


def test_load_ratio_maps_to_the_split() -> None:
    """provha.load_ratio_master (1 = the master does all, 0 = the slaves do all) is the primary's share of dhcpd's
    256 hash buckets; NMS Prime's 0.5 is its fixed 128."""
    assert [split_of(r) for r in (0.0, 0.25, 0.5, 0.75, 1.0)] == [0, 64, 128, 192, 256]


async def test_failover_timers_come_from_the_config(tmp_path: Path, plant_db: PlantFactory) -> None:
    """max-response-delay, max-unacked-updates, load balance max seconds and auto-partner-down are rendered from
    [dhcp]; the slave stays secondary without mclt or split."""
    extra = "max_response_delay = 7\nmax_unacked_updates = 3\nload_balance_max_seconds = 2\nauto_partner_down = 30\n"
    db = plant_db("netgw")
    config = load_config(write_config(tmp_path, db, extra_dhcp=extra).config)
    rebuilder = Rebuilder(config, frozenset())
    snapshot = await rebuilder.read()
    pair = resolve_pair(config, snapshot.plant.provha, frozenset())
    files = {
        a.path: a.data.decode()
        for a in render_dhcp(snapshot.plant, dhcp_settings(config, snapshot.plant, pair)).artifacts
    }
    peer = tokens(files["failover.conf"].split("}", 1)[0])
    for statement in (
        "max-response-delay 7 ;",
        "max-unacked-updates 3 ;",
        "load balance max seconds 2 ;",
        "auto-partner-down 30 ;",
    ):
        assert " ".join(tokens(statement)) in " ".join(peer), statement
    assert "secondary" in peer and "mclt" not in peer and "split" not in peer
