"""The DNS stage with the real tools: named-checkconf on the staged set, a real named serving the generated config
(signed updates accepted, others refused, A and PTR answered), the CPE DDNS script against two real named, and the
secret rules."""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from provha_daemon.artifact import Artifact
from provha_daemon.config import load_config
from provha_daemon.errors import RejectedError
from provha_daemon.rebuild import Rebuilder
from provha_daemon.render.dns import DnsRender
from provha_daemon.stages import DnsStage, RebuildResult, Run
from tests.dbserver import PlantFactory
from tests.helpers import write_config
from tests.named import CPE_SALT, Pair, dns_pair, start_pair


@pytest.fixture
def pair(tmp_path: Path, plant_db: PlantFactory) -> Iterator[Pair]:
    """The plant with both nodes on loopback and a real named for each (see ``tests.named.dns_pair``)."""
    with dns_pair(tmp_path, plant_db) as both:
        yield both


async def test_named_serves_the_generated_config_and_takes_only_signed_updates(pair: Pair) -> None:
    """The slave's named loads the generated config and zone skeletons; an update signed with the generated own key
    adds an A and a PTR record it then answers; one signed with another key, or unsigned, is refused."""
    await start_pair(pair)
    own_key = pair.ddns / "ddns-own.key"
    done = pair.slave.nsupdate(
        own_key,
        "update add cm-100001.nmsprime.test. 3600 A 10.10.0.20\nsend\n"
        "update add 20.0.10.10.in-addr.arpa. 3600 PTR cm-100001.nmsprime.test.",
    )
    assert done.returncode == 0, done.stderr
    assert pair.slave.resolve("cm-100001.nmsprime.test") == ["10.10.0.20"]
    assert pair.slave.resolve("20.0.10.10.in-addr.arpa", "PTR") == ["cm-100001.nmsprime.test."]
    wrong = pair.slave.directory / "wrong.key"
    secret = base64.b64encode(b"not the slave's secret").decode()
    wrong.write_text(f'key "dhcpupdate" {{ algorithm hmac-md5; secret "{secret}"; }};\n')
    assert pair.slave.nsupdate(wrong, "update add evil.nmsprime.test. 3600 A 10.10.0.66").returncode != 0
    assert pair.slave.nsupdate(None, "update add evil.nmsprime.test. 3600 A 10.10.0.66").returncode != 0
    assert pair.slave.resolve("evil.nmsprime.test") == []
    # the peer's key is the master's: the master's named takes it, the slave's does not
    peer_key = pair.ddns / "ddns-peer.key"
    assert pair.slave.nsupdate(peer_key, "update add evil.nmsprime.test. 3600 A 10.10.0.66").returncode != 0
    assert pair.master.nsupdate(peer_key, "update add cm-1.nmsprime.test. 3600 A 10.10.0.21").returncode == 0


async def test_the_cpe_script_registers_on_both_nodes_with_nms_primes_name(pair: Pair) -> None:
    """named-ddns.sh, as dhcpd's log.conf calls it for a public CPE, registers A and PTR on both nodes under NMS
    Prime's name (computed here with openssl as NMS Prime's script does), removes them again, and ignores
    private addresses."""
    await start_pair(pair)
    mac, ip = "00:11:22:aa:bb:cc", "192.0.2.55"
    name = _nms_prime_name(mac) + ".cpe.nmsprime.test"
    script = pair.ddns / "named-ddns.sh"
    assert _run(script, mac, ip, "0") == 0
    for named in (pair.slave, pair.master):
        assert named.resolve(name) == [ip], named.address
        assert named.resolve("55.2.0.192.in-addr.arpa", "PTR") == [f"{name}."], named.address
    assert _run(script, mac, ip, "1") == 0
    for named in (pair.slave, pair.master):
        assert named.resolve(name) == [] and named.resolve("55.2.0.192.in-addr.arpa", "PTR") == []
    log = pair.setup.dns_dir / "nsupdate.log"
    sent = log.read_text().count("\nsend")
    assert _run(script, mac, "100.64.0.20", "0") == 0
    assert log.read_text().count("\nsend") == sent  # a CGN address: logged, nothing sent


def _nms_prime_name(mac: str) -> str:
    """The mangle of NMS Prime's script, computed with openssl as it does: HMAC-SHA256 keyed with the salt over the
    MAC's bytes, base32, six characters, lower case."""
    digest = subprocess.run(
        ["openssl", "dgst", "-sha256", "-mac", "hmac", "-macopt", f"hexkey:{CPE_SALT}", "-binary"],
        input=bytes.fromhex(mac.replace(":", "")),
        capture_output=True,
        check=True,
    ).stdout
    return base64.b32encode(digest)[:6].decode().lower()


def _run(*argv: object) -> int:
    return subprocess.run([str(a) for a in argv], check=False, timeout=60).returncode


async def test_a_rejected_staged_config_leaves_the_live_one(tmp_path: Path, plant_db: PlantFactory) -> None:
    """named-checkconf rejects a staged named-nmsprime.conf it cannot load: the error names the live path and
    named's message, and the live file is untouched."""
    setup = write_config(tmp_path, plant_db("netgw"))
    rebuilder = Rebuilder(load_config(setup.config), frozenset())
    await rebuilder.rebuild(attempts=1)
    stage = rebuilder.stage(DnsStage)
    live = setup.dns_dir / "conf" / "named-nmsprime.conf"
    before = live.read_bytes()
    broken = Artifact("named-nmsprime.conf", b'zone "x" { type primary; file "missing.zone" }\n', 0o640)
    master = Artifact("master/named-nmsprime.conf", b"\n", 0o640)
    stage.rendered = DnsRender([broken, master], [], [], [])
    with pytest.raises(RejectedError) as caught:
        await stage.validate(Run(None, rebuilder.roles, RebuildResult()))  # type: ignore[arg-type]
    assert str(live) in str(caught.value)
    assert "missing ';'" in caught.value.output
    assert live.read_bytes() == before


async def test_no_secret_means_no_updates_and_one_warning(tmp_path: Path, plant_db: PlantFactory) -> None:
    """With provha.slave_dns_password '' the slave's named config has no key and refuses every update, dhcpd's
    has no key or zone statements, and one warning names the column; the zones are still served."""
    db = plant_db("netgw")
    db.execute("UPDATE provha SET slave_dns_password = ''")  # NOT NULL in the MySQL-era schema: '' is "none"
    setup = write_config(tmp_path, db)
    with structlog.testing.capture_logs() as logs:
        await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    conf = (setup.dns_dir / "conf" / "named-nmsprime.conf").read_text()
    assert "key " not in conf and "allow-update { none; };" in conf and 'zone "nmsprime.test"' in conf
    assert "key dhcpupdate {" not in (setup.dhcp_dir / "dhcpd.conf").read_text()
    assert [e["column"] for e in logs if e["event"] == "ddns.secret_missing"] == ["provha.slave_dns_password"]
    assert not (setup.dns_dir / "ddns" / "ddns-own.key").exists()


async def test_zone_files_are_written_once_and_never_again(tmp_path: Path, plant_db: PlantFactory) -> None:
    """A zone file is created only when missing; a later rebuild (a new domain in the config of named) leaves the
    existing one, which named owns, byte for byte, and reloads named only when its files changed."""
    setup = write_config(tmp_path, plant_db("netgw"))
    await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    assert setup.rndc.count() == 1  # the first set, and the zone files it created: one reload
    zone = setup.dns_dir / "dynamic" / "nmsprime.test.zone"
    zone.write_text(zone.read_text() + "; named's own content\n")
    reloads = setup.rndc.count()
    await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    assert zone.read_text().endswith("; named's own content\n")
    assert setup.rndc.count() == reloads  # nothing of named's changed: no reload


async def test_what_dhcp_hands_out_is_what_named_serves(pair: Pair) -> None:
    """One truth: the DNS servers in global.conf are the two nodes, and each answers for the zones dhcpd updates;
    those zones are exactly named's; dhcpd's key dhcpupdate is named's key, so an update signed as dhcpd signs it
    (to ``primary 127.0.0.1``) for a modem's ddns-hostname in ddns-domainname is taken and answered."""
    await start_pair(pair)
    dhcp = pair.setup.dhcp_dir
    global_conf = (dhcp / "global.conf").read_text()
    servers = re.search(r"option domain-name-servers ([\d.]+),([\d.]+);", global_conf)
    assert servers is not None and servers.groups() == (pair.slave.address, pair.master.address)
    dhcp_zones = dict(re.findall(r"zone (\S+) \{\s*primary ([\d.]+);\s*key dhcpupdate;", global_conf))
    named_conf = (pair.conf / "named-nmsprime.conf").read_text()
    assert sorted(dhcp_zones) == sorted(re.findall(r'^zone "([^"]+)"', named_conf, re.MULTILINE))
    assert set(dhcp_zones.values()) == {"127.0.0.1"} and "127.0.0.1" in pair.slave.listen
    for named in (pair.slave, pair.master):
        for zone in dhcp_zones:
            assert named.resolve(zone, "SOA"), (named.address, zone)
    secret = re.search(
        r'key dhcpupdate \{\s*algorithm hmac-md5;\s*secret "([^"]+)";', (dhcp / "dhcpd.conf").read_text()
    )
    assert secret is not None
    dhcpd_key = pair.slave.directory / "dhcpd.key"
    dhcpd_key.write_text(f'key "dhcpupdate" {{ algorithm hmac-md5; secret "{secret.group(1)}"; }};\n')
    domain = re.search(r'ddns-domainname "([^"]+)";', global_conf)
    host = re.search(r'ddns-hostname "([^"]+)";', (dhcp / "modems-host.conf").read_text())
    assert domain is not None and host is not None
    name = f"{host.group(1)}.{domain.group(1)}"
    done = pair.slave.nsupdate(dhcpd_key, f"update add {name} 3600 A 10.10.0.40")
    assert done.returncode == 0, done.stderr
    assert pair.slave.resolve(name.rstrip(".")) == ["10.10.0.40"]


async def test_a_slave_without_bind_still_gets_its_dhcp_files(tmp_path: Path, plant_db: PlantFactory) -> None:
    """named-checkconf not installed: the DNS stage is skipped with one warning, the DHCP set is applied as usual."""
    setup = write_config(tmp_path, plant_db("netgw"), extra_dns='named_checkconf = "/nonexistent/named-checkconf"\n')
    rebuilder = Rebuilder(load_config(setup.config), frozenset())
    with structlog.testing.capture_logs() as logs:
        result = await rebuilder.rebuild(attempts=1)
        await rebuilder.rebuild(attempts=1)
    assert "dhcpd.conf" in result.written and not (setup.dns_dir / "conf").exists()
    assert [e["event"] for e in logs if e["event"] == "dns.named_missing"] == ["dns.named_missing"]


async def test_a_pre_provha_database_gets_a_served_zone_without_updates(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The 2019 cmts generation has no provha table (own and peer from the config, no DNS secret anywhere): the DNS
    set is rendered, passes the real named-checkconf, and takes no dynamic updates."""
    extra = '[provha]\nown_ip = "10.0.0.2"\npeer_ip = "10.0.0.1"\n'
    setup = write_config(tmp_path, plant_db("cmts"), extra_top=extra)
    result = await Rebuilder(load_config(setup.config), frozenset()).rebuild(attempts=1)
    conf = (setup.dns_dir / "conf" / "named-nmsprime.conf").read_text()
    assert str(setup.dns_dir / "conf" / "named-nmsprime.conf") in result.written
    assert "allow-update { none; };" in conf and "key " not in conf and "10.0.0.21/32;" in conf  # cmts-legacy's ip
