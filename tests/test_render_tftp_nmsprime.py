"""NMS Prime's own configfiles in the test plant (seed_nmsprime_configfiles.sql): the seeder's rows and operator
templates stored as the GUI stores them. Every device's .conf must be the text NMS Prime 3.1.0's own PHP writes
(line ends made LF) and its .cfg the classic docsis tool's encoding of that text; both were made with NMS Prime's
code and the tool (tests/fixtures/nmsprime/configs/README.md), not with the daemon."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from provha_daemon.config import load_config
from provha_daemon.docsis import decode
from provha_daemon.rebuild import Rebuilder, RebuildResult
from tests.dbserver import MariaDBServer, PlantDB, PlantFactory
from tests.helpers import write_config

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed_nmsprime_configfiles.sql"
VECTORS = FIXTURES / "nmsprime" / "configs"
DEVICES = sorted(p.relative_to(VECTORS).with_suffix("").as_posix() for p in VECTORS.glob("*/*.conf"))
# sha256 of the texts ConfigfileTableSeeder (NMS Prime 3.1.0) passes to Configfile::create()
SEEDED = {
    20: "dc78adefda728b9beb2031b5d1d6f9bf6d4b2b63da7fd16c277b6ae3858c46ae",  # cm-base
    21: "eeaa8d1029ff3c39b0c163fcc1942db303d961c11b1a7d0654f20299ceb41ec1",  # Fritz!Box 6360
    22: "ddfbedd361461cabb8e46c9a3cab0963effaed9c252ed7f8c3d1a3bc2ea7b1e6",  # a faker "Test Lab" row
}
OPERATOR = (23, 24, 25, 26, 27)


@dataclass(frozen=True)
class Built:
    """The plant with NMS Prime's configfiles, rebuilt once: its database, TFTP directory and rebuild result."""

    db: PlantDB
    tftp_dir: Path
    result: RebuildResult


@pytest.fixture(scope="module")
def built(mariadb: MariaDBServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The netgw plant plus seed_nmsprime_configfiles.sql, the firmware file in fw/, one full rebuild."""
    factory = PlantFactory(mariadb)
    try:
        db = factory("netgw")
        mariadb.load_file(SEED, db.name)
        setup = write_config(tmp_path_factory.mktemp("nmsprime"), db)
        (setup.tftp_dir / "fw").mkdir()
        shutil.copyfile(VECTORS / "fw" / "tc4400-7.3.2.bin", setup.tftp_dir / "fw" / "tc4400-7.3.2.bin")
        result = asyncio.run(Rebuilder(load_config(setup.config), frozenset()).rebuild(full=True, attempts=1))
        yield Built(db, setup.tftp_dir, result)
    finally:
        factory.cleanup()


def _device_id(device: str) -> str:
    kind, name = device.split("/")
    return f"{kind} {name.rpartition('-')[2]}"


def test_vectors_cover_every_device() -> None:
    """The expected files are there for all eight modems and three MTAs of the seed file."""
    expected = [*(f"cm/cm-{i}" for i in range(100100, 100108)), *(f"mta/mta-{i}" for i in range(300100, 300103))]
    assert expected == DEVICES
    for device in DEVICES:
        assert (VECTORS / f"{device}.cfg").is_file() and (VECTORS / f"{device}.nmsprime.txt").is_file()


@pytest.mark.parametrize("device", DEVICES)
def test_expected_conf_is_nmsprime_text_with_lf_line_ends(device: str) -> None:
    """Each expected .conf is NMS Prime's own output with CR LF and lone CR made LF, nothing else changed."""
    raw = (VECTORS / f"{device}.nmsprime.txt").read_bytes()
    assert (VECTORS / f"{device}.conf").read_bytes() == raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def test_seeded_rows_are_stored_as_the_seeder_stores_them(built: Built) -> None:
    """cm-base, Fritz!Box 6360 and the Test Lab row hold the seeder's exact texts: LF, no final newline."""
    rows = built.db.execute("SELECT id, text, parent_id, firmware FROM configfile WHERE id BETWEEN 20 AND 22")
    assert {row[0]: hashlib.sha256(row[1].encode()).hexdigest() for row in rows} == SEEDED
    assert all(
        "\r" not in text and not text.endswith("\n") and parent == 0 and firmware == ""
        for _, text, parent, firmware in rows
    )


def test_operator_rows_are_stored_as_the_gui_stores_them(built: Built) -> None:
    """The operator templates have CR LF between lines, no lone LF or CR, and no line end at the very end."""
    rows = built.db.execute(f"SELECT id, text FROM configfile WHERE id IN {OPERATOR}")
    assert sorted(row[0] for row in rows) == list(OPERATOR)
    for _, text in rows:
        assert "\r\n" in text and text.count("\n") == text.count("\r\n") == text.count("\r")
        assert text == text.strip()


def test_every_configfile_is_used_by_a_device(built: Built) -> None:
    """Each of configfiles 20-27 is some live device's configfile or a parent of one."""
    used = built.db.execute(
        "SELECT configfile_id FROM modem WHERE deleted_at IS NULL UNION SELECT configfile_id FROM mta "
        "WHERE deleted_at IS NULL UNION SELECT parent_id FROM configfile WHERE parent_id IS NOT NULL"
    )
    assert set(range(20, 28)) <= {row[0] for row in used}


def test_the_whole_plant_builds_without_drops(built: Built) -> None:
    """All 23 configs of the plant (12 of seed_netgw.sql, 11 here) build; no row is dropped for a value."""
    assert built.result.tftp_errors == []
    assert built.result.tftp["devices"] == 23 and built.result.tftp["lines_dropped"] == 0


@pytest.mark.parametrize("device", DEVICES)
def test_device_builds(built: Built, device: str) -> None:
    """The device's config builds: no TFTP error names it."""
    errors = [e for e in built.result.tftp_errors if e.startswith(f"{_device_id(device)}:")]
    assert errors == []
    assert (built.tftp_dir / f"{device}.conf").is_file() and (built.tftp_dir / f"{device}.cfg").is_file()


@pytest.mark.parametrize("device", DEVICES)
def test_device_conf_is_nmsprime_text(built: Built, device: str) -> None:
    """The device's .conf is byte for byte the text NMS Prime writes for it (line ends LF)."""
    expected = (VECTORS / f"{device}.conf").read_bytes()
    assert (built.tftp_dir / f"{device}.conf").read_bytes() == expected


@pytest.mark.parametrize("device", DEVICES)
def test_device_cfg_is_the_tools_encoding(built: Built, device: str) -> None:
    """The device's .cfg is byte for byte what the classic docsis tool makes of NMS Prime's text."""
    expected = (VECTORS / f"{device}.cfg").read_bytes()
    assert (built.tftp_dir / f"{device}.cfg").read_bytes() == expected


def test_seeded_fritzbox_keeps_its_delimiters_and_stale_hash() -> None:
    """NMS Prime wraps the seeded Fritz!Box text, which has its own delimiters and a fixed config hash, in its
    delimiters again; the tool keeps all four delimiters and the stale hash and adds the EU hash before the last."""
    text = (VECTORS / "mta/mta-300100.conf").read_text().splitlines()
    assert text[2:4] == ["\tMtaConfigDelimiter 1;"] * 2 and text[-3:-1] == ["\tMtaConfigDelimiter 255;"] * 2
    assert text[-4].startswith("\tSnmpMibObject pktcMtaDevProvConfigHash.0 HexString 0x796cef93")
    lines = decode((VECTORS / "mta/mta-300100.cfg").read_bytes()).text.splitlines()
    assert lines[2:4] == ["\tMtaConfigDelimiter 1;"] * 2
    assert lines[-5].startswith("\tSnmpMibObject pktcMtaDevProvConfigHash.0 HexString 0x796cef93")
    assert lines[-4] == "\tMtaConfigDelimiter 255;" and lines[-2] == "\tMtaConfigDelimiter 255;"
    assert lines[-3].startswith("\tSnmpMibObject enterprises.7432.1.1.2.9.0 HexString 0x")


def test_avm_lines_are_decided_per_configfile(plant_db: PlantFactory, mariadb: MariaDBServer, tmp_path: Path) -> None:
    """An inactive number's password is `deactivated number` only in the AVM configfile's rows, not in its parent's
    (tests/fixtures/nmsprime/avm: NMS Prime's own text and the tool's bytes)."""
    here = FIXTURES / "nmsprime" / "avm"
    db = plant_db("netgw")
    mariadb.load_file(SEED, db.name)
    mariadb.load_file(here / "avm.sql", db.name)
    setup = write_config(tmp_path, db)
    result = asyncio.run(Rebuilder(load_config(setup.config), frozenset()).rebuild(full=True, attempts=1))
    assert result.tftp_errors == []
    assert (setup.tftp_dir / "mta/mta-300190.conf").read_bytes() == (here / "mta-300190.conf").read_bytes()
    assert (setup.tftp_dir / "mta/mta-300190.cfg").read_bytes() == (here / "mta-300190.cfg").read_bytes()
