"""TFTP configs of the test plant on a real MariaDB: NMS Prime's text, the encoder's bytes, error isolation,
incremental and atomic writes. Expected texts are worked out from NMS Prime's make_configfile/text_make rules."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import structlog

from provha_daemon.config import load_config
from provha_daemon.docsis import MtaHash, decode, encode
from provha_daemon.errors import ApplyError
from provha_daemon.rebuild import Rebuilder, RebuildResult
from tests.dbserver import PlantDB, PlantFactory
from tests.helpers import KEYFILE, Setup, write_config

KEY = KEYFILE.rstrip(b"\n")

# cm-100011: internet access, one SIP MTA with a MAC (MaxCPE 3 + 1, but the template sets MaxCPE itself), the
# child configfile 4 (sysLocation from the modem's street, firmware lines) before its parent 3; the
# {phonenumber.number.1} line is dropped; MaxTrafficBurst is NMS Prime's {11000000,/,8} expression.
CM_100011 = """Main
{
\tNetworkAccess 1;
\tCpeMacAddress 00:11:22:33:55:11;

\tSnmpMibObject sysLocation.0 String "Bahnhofstrasse";
\tSwUpgradeFilename "fw/vendor-fw.bin";
\tSnmpMibObject docsDevSwFilename.0 String "fw/vendor-fw.bin";
\tSnmpMibObject docsDevSwAdminStatus.0 Integer 2;
@CVC@\tMaxCPE 3;
\tGlobalPrivacyEnable 1;
\tBaselinePrivacy
\t{
\t\tAuthTimeout 10;
\t\tReAuthTimeout 10;
\t\tAuthGraceTime 600;
\t\tOperTimeout 1;
\t\tReKeyTimeout 1;
\t\tTEKGraceTime 600;
\t\tAuthRejectTimeout 60;
\t}
\tUsServiceFlow
\t{
\t\tUsServiceFlowRef 1;
\t\tQosParamSetType 7;
\t\tMaxRateSustained 11000000;
\t\tMaxTrafficBurst 1375000;
\t}
\tDsServiceFlow
\t{
\t\tDsServiceFlowRef 2;
\t\tQosParamSetType 7;
\t\tMaxRateSustained 110000000;
\t}
\tSnmpMibObject docsDevNmAccessIp.1 IPAddress 10.0.0.1;
\tSnmpMibObject docsDevNmAccessIpMask.1 IPAddress 255.255.255.255;
\tSnmpMibObject docsDevNmAccessCommunity.1 String "public";
\tSnmpMibObject docsDevNmAccessControl.1 Integer 2;
\tSnmpMibObject docsDevNmAccessStatus.1 Integer 4;
}"""

MTA_300001 = """Main
{
\tMtaConfigDelimiter 1;
\tSnmpMibObject pktcMtaDevEnabled.0 Integer 1;
\tSnmpMibObject sysName.0 String "mta-300001";
\tMtaConfigDelimiter 255;
}"""


@pytest.fixture
def plant(tmp_path: Path, plant_db: PlantFactory) -> tuple[PlantDB, Setup, Rebuilder]:
    """The seeded plant, its config and a Rebuilder that keeps its TFTP manifest across rebuilds."""
    db = plant_db("netgw")
    setup = write_config(tmp_path, db)
    return db, setup, Rebuilder(load_config(setup.config), frozenset())


async def _rebuild(rebuilder: Rebuilder, full: bool = True) -> RebuildResult:
    return await rebuilder.rebuild(full=full, attempts=1)


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(root.glob("*/*.c*"))
    }


def _changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _firmware(setup: Setup) -> list[str]:
    """A firmware file with a real PKCS#7 CVC under fw/; returns the MfgCVCData lines NMS Prime would add."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    work = setup.tftp_dir.parent
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            str(work / "k.pem"),
            "-out",
            str(work / "c.pem"),
            "-days",
            "1",
            "-subj",
            "/CN=CVC",
        ],
        check=True,
        capture_output=True,
    )
    p7 = subprocess.run(
        ["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(work / "c.pem"), "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    (setup.tftp_dir / "fw").mkdir(exist_ok=True)
    (setup.tftp_dir / "fw" / "vendor-fw.bin").write_bytes(p7 + b"image")
    pem = subprocess.run(
        ["openssl", "pkcs7", "-print_certs", "-inform", "DER"], input=p7, check=True, capture_output=True
    ).stdout
    cert = subprocess.run(["openssl", "x509", "-outform", "DER"], input=pem, check=True, capture_output=True).stdout
    return [f"MfgCVCData 0x{cert[i : i + 254].hex()};" for i in range(0, len(cert), 254)]


async def test_modem_text_and_bytes(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """cm-100011.conf is NMS Prime's text; cm-100011.cfg is what the encoder makes of that text with the key."""
    _, setup, rebuilder = plant
    cvc = _firmware(setup)
    await _rebuild(rebuilder)
    text = (setup.tftp_dir / "cm/cm-100011.conf").read_text()
    assert text == CM_100011.replace("@CVC@", "".join(f"\t{line}\n" for line in cvc))
    data = (setup.tftp_dir / "cm/cm-100011.cfg").read_bytes()
    assert data == encode(text, KEY)
    decoded = decode(data, key=KEY)
    assert decoded.cm_mic_ok and decoded.cmts_mic_ok


async def test_mta_text_and_bytes(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """mta/mta-300001.conf is wrapped in the delimiters; its .cfg carries the EuroPacketCable hash."""
    _, setup, rebuilder = plant
    await _rebuild(rebuilder)
    text = (setup.tftp_dir / "mta/mta-300001.conf").read_text()
    assert text == MTA_300001
    assert (setup.tftp_dir / "mta/mta-300001.cfg").read_bytes() == encode(text, mta=True, mta_hash=MtaHash.EU)


async def test_every_cfg_equals_a_full_parse_of_its_conf(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """The compiled-template path gives the same bytes as parsing each assembled text from scratch."""
    _, setup, rebuilder = plant
    result = await _rebuild(rebuilder)
    assert result.tftp["devices"] == 12 and result.tftp["errors"] == 0
    for conf in sorted(setup.tftp_dir.glob("*/*.conf")):
        mta = conf.parent.name == "mta"
        expected = encode(conf.read_text(), None if mta else KEY, mta=mta, mta_hash=MtaHash.EU if mta else None)
        assert conf.with_suffix(".cfg").read_bytes() == expected, conf.name
        assert conf.stat().st_mode & 0o777 == 0o644
    assert not list(setup.tftp_dir.rglob(".provha-tmp.*"))


async def test_broken_template_fails_only_its_modems(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """An unknown keyword in configfile 4 fails its two modems (named, previous files kept); others are written."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = {p: p.read_bytes() for p in setup.tftp_dir.glob("cm/cm-1000[01]*")}
    db.execute(
        "UPDATE configfile SET text = 'SnmpMibObject sysLocation.0 String \"x\";\\nBogusKeyword 1;' "
        "WHERE id = 4; UPDATE qos SET us_rate_max_help = 12000000"
    )
    result = await _rebuild(rebuilder, full=False)
    assert result.tftp["errors"] == 2
    assert sorted(e.split(":")[0] for e in result.tftp_errors) == ["cm 100010", "cm 100011"]
    assert all("configfile 4 line 2" in e and "BogusKeyword" in e for e in result.tftp_errors)
    for path in (setup.tftp_dir / "cm/cm-100010.cfg", setup.tftp_dir / "cm/cm-100011.conf"):
        assert path.read_bytes() == before[path]
    assert b"12000000" in (setup.tftp_dir / "cm/cm-100001.conf").read_bytes()


async def test_repeating_failures_are_logged_once(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A broken template logs tftp.device_failed per device on the first rebuild only; every rebuild while it fails
    logs one tftp.failures summary; the fix logs tftp.device_recovered per device. A fresh Rebuilder logs all."""
    db, _, rebuilder = plant
    await _rebuild(rebuilder)
    db.execute("UPDATE configfile SET text = 'BogusKeyword 1;' WHERE id = 4")
    events = []
    for _ in range(3):
        with structlog.testing.capture_logs() as logs:
            await _rebuild(rebuilder)
        events.append([e for e in logs if e["event"].startswith("tftp.")])
    first, second, third = events
    assert sorted((e["kind"], e["id"]) for e in first if e["event"] == "tftp.device_failed") == [
        ("cm", 100010),
        ("cm", 100011),
    ]
    assert all(
        e["configfile"] == 4 and "BogusKeyword" in e["reason"] for e in first if e["event"] == "tftp.device_failed"
    )
    for later in (second, third):
        assert [e["event"] for e in later] == ["tftp.failures"]
        (summary,) = later
        assert summary["count"] == 2
        (reason,) = summary["reasons"]
        assert summary["reasons"][reason] == 2 and "BogusKeyword" in reason
        assert summary["examples"][reason] == ["cm 100010", "cm 100011"]
    with structlog.testing.capture_logs() as logs:
        await _rebuild(Rebuilder(rebuilder.config, rebuilder.addresses))
    assert sum(e["event"] == "tftp.device_failed" for e in logs) == 2  # --once: a fresh memory logs every failure
    db.execute("UPDATE configfile SET text = 'SnmpMibObject sysLocation.0 String \"x\";' WHERE id = 4")
    with structlog.testing.capture_logs() as logs:
        await _rebuild(rebuilder)
    assert sorted((e["event"], e["id"]) for e in logs if e["event"].startswith("tftp.")) == [
        ("tftp.device_recovered", 100010),
        ("tftp.device_recovered", 100011),
    ]


async def test_a_database_value_never_adds_a_setting(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A street that would close the string and add NetworkAccess 1 stays one string; the modem keeps one
    NetworkAccess TLV and the .conf escapes the quotes (the tool reads \" as a quote: encoding it gives the .cfg)."""
    db, setup, rebuilder = plant
    db.execute(
        "UPDATE modem SET street = 'x\"; NetworkAccess 1; SnmpMibObject sysContact.0 String \"y', "
        "updated_at = NOW() WHERE id = 100010"
    )
    result = await _rebuild(rebuilder)
    assert result.tftp["errors"] == 0
    conf = (setup.tftp_dir / "cm/cm-100010.conf").read_text()
    assert 'String "x\\"; NetworkAccess 1; SnmpMibObject sysContact.0 String \\"y";' in conf
    data = (setup.tftp_dir / "cm/cm-100010.cfg").read_bytes()
    statements = [line.strip() for line in decode(data, key=KEY).text.splitlines()]
    assert sum(line.startswith("NetworkAccess") for line in statements) == 1
    assert encode(conf, KEY) == data


async def test_a_value_that_cannot_be_its_token_drops_its_line_once(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A street where an OID index belongs drops that line for both modems of configfile 4 (commented in the
    .conf, warned once per device, then one summary per rebuild); the devices still get their configs."""
    db, setup, rebuilder = plant
    db.execute(
        "UPDATE configfile SET text = CONCAT(text, '\\nSnmpMibObject docsDevNmAccessIp.{modem.street.0} "
        "IPAddress 10.0.0.1;') WHERE id = 4"
    )
    logs = []
    for _ in range(2):
        with structlog.testing.capture_logs() as captured:
            result = await _rebuild(rebuilder)
        assert result.tftp["errors"] == 0 and result.tftp["lines_dropped"] == 2
        logs.append([e for e in captured if e["event"].startswith("tftp.line")])
    first, second = logs
    assert sorted(
        (e["id"], e["configfile"], e["column"], e["line"]) for e in first if e["event"] == "tftp.line_dropped"
    ) == [(100010, 4, "modem.street", 2), (100011, 4, "modem.street", 2)]
    assert [e["event"] for e in second] == ["tftp.lines_dropped"]
    conf = (setup.tftp_dir / "cm/cm-100011.conf").read_text()
    assert "/* dropped: modem.street " in conf and "docsDevNmAccessIp.{modem.street.0}" in conf
    assert encode(conf, KEY) == (setup.tftp_dir / "cm/cm-100011.cfg").read_bytes()


async def test_one_modem_change_rewrites_only_its_files(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A change of one modem re-encodes that modem alone and rewrites only its two files."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = _inodes(setup.tftp_dir)
    db.execute("UPDATE modem SET street = 'Marktplatz', updated_at = NOW() WHERE id = 100011")
    result = await _rebuild(rebuilder, full=False)
    assert result.tftp["encoded"] == 1
    assert _changed(before, _inodes(setup.tftp_dir)) == {"cm/cm-100011.conf", "cm/cm-100011.cfg"}


async def test_separator_in_a_template_column_fails_only_that_config(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A modem column a template names holding U+001F fails that modem's config (named, files kept); its DHCP
    host and every other config are written."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = {p: p.read_bytes() for p in setup.tftp_dir.glob("cm/cm-100011.*")}
    db.execute(
        "UPDATE modem SET street = CONCAT('Bahnhof', CHAR(31), 'strasse'), updated_at = NOW() "
        "WHERE id = 100011; UPDATE modem SET street = 'Marktplatz', updated_at = NOW() WHERE id = 100010"
    )
    result = await _rebuild(rebuilder, full=False)
    assert result.tftp["errors"] == 1
    assert len(result.tftp_errors) == 1 and result.tftp_errors[0].startswith("cm 100011: ")
    assert "U+001F" in result.tftp_errors[0]
    assert {p: p.read_bytes() for p in before} == before
    assert "Marktplatz" in (setup.tftp_dir / "cm/cm-100010.conf").read_text()
    assert b"host cm-100011 " in (setup.dhcp_dir / "modems-host.conf").read_bytes()


async def test_unwritable_config_fails_the_rebuild_and_keeps_dhcp(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A config that cannot be written (a directory in its place) fails the rebuild with its path; the DHCP set
    that would point at it stays at the last good generation."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    hosts = (setup.dhcp_dir / "modems-host.conf").read_bytes()
    blocker = setup.tftp_dir / "cm/cm-100001.cfg"
    blocker.unlink()
    (blocker / "inside").mkdir(parents=True)
    db.execute(
        "UPDATE modem SET street = 'Marktplatz', mac = '00:11:22:33:44:99', updated_at = NOW() WHERE id = 100001"
    )
    with pytest.raises(ApplyError, match=r"cm/cm-100001\.cfg"):
        await _rebuild(rebuilder)
    assert (setup.dhcp_dir / "modems-host.conf").read_bytes() == hosts
    assert not list(setup.tftp_dir.rglob(".provha-tmp.*"))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # configfile 4 is the child of modems 100010 and 100011 only
        (
            "UPDATE configfile SET text = 'SnmpMibObject sysLocation.0 String \"at {modem.hostname.0}\";' WHERE id = 4",
            {"cm/cm-100010.conf", "cm/cm-100010.cfg", "cm/cm-100011.conf", "cm/cm-100011.cfg"},
        ),
        # the parent configfile 3 reaches every modem
        ("UPDATE configfile SET text = CONCAT(text, '\\nMaxClassifiers 4;') WHERE id = 3", "all cm"),
        # a qos value every modem's template uses
        ("UPDATE qos SET ds_rate_max_help = 120000000", "all cm"),
        # a provbase column the templates do not use changes no file
        ("UPDATE provbase SET rw_community = 'other'", set()),
        # the MTA template
        ("UPDATE configfile SET text = 'SnmpMibObject pktcMtaDevEnabled.0 Integer 2;' WHERE id = 5", "all mta"),
    ],
)
async def test_dependent_rows_rewrite_exactly_their_devices(
    plant: tuple[PlantDB, Setup, Rebuilder], sql: str, expected: set[str] | str
) -> None:
    """A configfile, parent, qos or provbase change rewrites exactly the devices depending on it."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = _inodes(setup.tftp_dir)
    db.execute(sql)
    await _rebuild(rebuilder, full=False)
    if isinstance(expected, str):
        kind = expected.split()[1]
        expected = {name for name in before if name.startswith(f"{kind}/")}
    assert _changed(before, _inodes(setup.tftp_dir)) == expected


async def test_contract_decides_network_access(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A modem without internet but with an MTA keeps NetworkAccess through telephony; the contract change
    that ends telephony rewrites that modem alone."""
    db, setup, rebuilder = plant
    db.execute("UPDATE modem SET internet_access = 0 WHERE id = 100004")  # contract 500003 has telephony
    await _rebuild(rebuilder)
    assert "\tNetworkAccess 1;" in (setup.tftp_dir / "cm/cm-100004.conf").read_text()
    before = _inodes(setup.tftp_dir)
    db.execute("UPDATE contract SET has_telephony = 0, internet_access = 0 WHERE id = 500003")
    await _rebuild(rebuilder, full=False)
    assert _changed(before, _inodes(setup.tftp_dir)) == {"cm/cm-100004.conf", "cm/cm-100004.cfg"}
    assert "\tNetworkAccess 0;" in (setup.tftp_dir / "cm/cm-100004.conf").read_text()


async def test_new_keyfile_changes_every_cmts_mic(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A new shared secret rewrites every modem's .cfg (its CMTS MIC) and no .conf."""
    _, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = _inodes(setup.tftp_dir)
    (setup.tftp_dir / "keyfile").write_bytes(b"another-secret\n")
    await _rebuild(rebuilder, full=False)
    assert _changed(before, _inodes(setup.tftp_dir)) == {
        n for n in before if n.startswith("cm/") and n.endswith(".cfg")
    }
    assert decode((setup.tftp_dir / "cm/cm-100001.cfg").read_bytes(), key=b"another-secret").cmts_mic_ok


async def test_new_firmware_rewrites_its_modems(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A firmware file synced over with a new CVC rewrites the modems whose configfile names it."""
    _, setup, rebuilder = plant
    await _rebuild(rebuilder)
    before = _inodes(setup.tftp_dir)
    _firmware(setup)
    await _rebuild(rebuilder, full=False)
    assert _changed(before, _inodes(setup.tftp_dir)) == {
        "cm/cm-100010.conf",
        "cm/cm-100010.cfg",
        "cm/cm-100011.conf",
        "cm/cm-100011.cfg",
    }
    assert "MfgCVCData 0x" in (setup.tftp_dir / "cm/cm-100011.conf").read_text()


async def test_deleted_devices_lose_their_files(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """Soft- and hard-deleted modems and MTAs have their files removed."""
    db, setup, rebuilder = plant
    await _rebuild(rebuilder)
    db.execute(
        "UPDATE modem SET deleted_at = NOW() WHERE id = 100001; DELETE FROM modem WHERE id = 100002;"
        "DELETE FROM mta WHERE id = 300003"
    )
    result = await _rebuild(rebuilder, full=False)
    assert result.tftp["removed"] == 6
    names = set(_inodes(setup.tftp_dir))
    assert not {"cm/cm-100001.cfg", "cm/cm-100002.conf", "mta/mta-300003.cfg"} & names


async def test_full_rebuild_repairs_files_on_disk(plant: tuple[PlantDB, Setup, Rebuilder]) -> None:
    """A full rebuild (start-up, periodic) compares with the disk and rewrites a damaged file; nothing else."""
    _, setup, rebuilder = plant
    await _rebuild(rebuilder)
    damaged = setup.tftp_dir / "cm/cm-100001.cfg"
    damaged.write_bytes(damaged.read_bytes()[:10])
    before = _inodes(setup.tftp_dir)
    result = await _rebuild(rebuilder, full=True)
    assert result.tftp["written"] == 1
    assert _changed(before, _inodes(setup.tftp_dir)) == {"cm/cm-100001.cfg"}
    assert decode(damaged.read_bytes(), key=KEY).cmts_mic_ok


@pytest.mark.skipif(
    shutil.which("in.tftpd") is None and not Path("/usr/sbin/in.tftpd").exists(),
    reason="tftpd-hpa is not installed (scripts/install-system-packages)",
)
def test_tftpd_serves_identical_bytes(plant: tuple[PlantDB, Setup, Rebuilder], tmp_path: Path) -> None:
    """A real tftpd-hpa on a loopback port serves a generated config; the TFTP client gets identical bytes."""
    import asyncio
    import socket
    import time

    _, setup, rebuilder = plant
    asyncio.run(_rebuild(rebuilder))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = setup.tftp_dir
    os.chmod(root, 0o755)
    server = subprocess.Popen(
        [
            "/usr/sbin/in.tftpd",
            "--foreground",
            "--listen",
            "--address",
            f"127.0.0.1:{port}",
            "--secure",
            "--user",
            "root",
            str(root),
        ],
        start_new_session=True,
    )
    try:
        out = tmp_path / "fetched.cfg"
        deadline = time.monotonic() + 20
        while True:
            fetched = subprocess.run(
                ["tftp", "127.0.0.1", str(port), "-m", "binary", "-c", "get", "cm/cm-100011.cfg", str(out)],
                capture_output=True,
                check=False,
                timeout=10,
            )
            if (out.exists() and out.stat().st_size) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert fetched.returncode == 0, fetched.stderr
        assert out.read_bytes() == (root / "cm/cm-100011.cfg").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_tftp_stage_runs_while_dhcpd_checks(tmp_path: Path, plant_db: PlantFactory) -> None:
    """The TFTP stage overlaps ``dhcpd -t``: its key arrives only from the dhcpd wrapper, yet the rebuild ends."""
    db = plant_db("netgw")
    wrapper = tmp_path / "dhcpd-releasing-the-key"
    setup = write_config(tmp_path, db, extra_dhcp=f'dhcpd = "{wrapper}"\n')
    keyfile = setup.tftp_dir / "keyfile"
    keyfile.unlink()
    os.mkfifo(keyfile)  # the TFTP stage blocks reading the key until dhcpd -t has started
    wrapper.write_text(f"#!/bin/sh\nprintf '{KEY.decode()}' > '{keyfile}'\nexec /usr/sbin/dhcpd \"$@\"\n")
    wrapper.chmod(0o755)
    rebuilder = Rebuilder(load_config(setup.config), frozenset())
    try:
        result = await asyncio.wait_for(rebuilder.rebuild(attempts=1), 30)
    finally:
        with contextlib.suppress(OSError):  # a sequential stage would still wait on the pipe: release it
            fd = os.open(keyfile, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, KEY)
            os.close(fd)
    assert result.tftp["errors"] == 0 and result.tftp["written"] > 0
    assert "modems-host.conf" in result.written
    assert decode((setup.tftp_dir / "cm/cm-100001.cfg").read_bytes(), key=KEY).cmts_mic_ok
