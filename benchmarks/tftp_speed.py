"""In-process TFTP config rate: a loaded plant turned into config text and bytes, disk excluded.

The plant is built in memory like the loader builds it (no database): N modems with distinct MACs, streets and
QoS, 20 % with an MTA, the test plant's templates (a child with firmware lines and a parent with BPI, service
flows, an NMS Prime expression and SNMP settings). The measured path is exactly the daemon's per device:
``prepare_modem`` (placeholder values, input key) + ``encode_modem`` (text assembly, template encoding, MICs).

    .venv/bin/python -m benchmarks.tftp_speed --modems 20000 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provha_daemon.docsis import MtaHash  # noqa: E402
from provha_daemon.records import SEPARATOR, ConfigFile, Contract, Modem, Mta, Plant, ProvBase, TftpInputs  # noqa: E402
from provha_daemon.render.tftp import TftpRenderer, TftpSettings  # noqa: E402
from provha_daemon.schema import detect  # noqa: E402

PARENT = (ROOT / "tests/fixtures/seed_netgw.sql").read_text().split("UPDATE configfile SET text = '", 1)[1]
PARENT = PARENT.split("'\n  WHERE id = 3;", 1)[0].replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
CHILD = 'SnmpMibObject sysLocation.0 String "{modem.street.0}";'


def plant(modems: int) -> Plant:
    """A loaded plant of ``modems`` modems (no database involved)."""
    schema = detect(
        [
            ("netgw", "id"),
            ("netgw", "hostname"),
            ("ippool", "netgw_id"),
            *[("ippool", c) for c in ("id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end")],
            *[("modem", c) for c in ("id", "hostname", "mac", "public", "street")],
            *[
                ("provbase", c)
                for c in ("provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time")
            ],
            ("mta", "id"),
        ]
    )
    result = Plant(
        schema=schema,
        provbase=ProvBase("10.0.0.1", "example.net", 86400, 172800, 3, False),
        provha=None,
        mta_domain=None,
    )
    inputs = TftpInputs()
    inputs.configfiles = {
        3: ConfigFile(3, "parent", PARENT, "cm", None, None),
        4: ConfigFile(4, "child", CHILD, "cm", 3, "vendor-fw.bin"),
    }
    inputs.qos = {
        q: {"id": q, "ds_rate_max_help": 10_000_000 * q, "us_rate_max_help": 1_000_000 * q} for q in range(1, 11)
    }
    inputs.modem_columns = ("id", "street")
    inputs.provbase = {"id": 1, "max_cpe": 3, "provisioning_server": "10.0.0.1", "ro_community": "public"}
    for n in range(modems):
        modem_id = 100000 + n
        mac = f"00:1a:{n >> 24 & 255:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"
        result.modems.append(
            Modem(
                modem_id,
                f"cm-{modem_id}",
                mac,
                False,
                True,
                4 if n % 2 else 3,
                500000 + n,
                1 + n % 10,
                f"{modem_id}{SEPARATOR}Street {n}",
            )
        )
        result.contracts[500000 + n] = Contract(500000 + n, True, n % 5 == 0)
        if n % 5 == 0:
            result.mtas.append(
                Mta(300000 + n, modem_id, f"00:2b:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}:01", "sip", 5)
            )
    result.tftp = inputs
    return result


def firmware(name: str) -> list[str]:
    """The firmware lines without a CVC (no file on disk in this benchmark)."""
    return [
        f'SwUpgradeFilename "fw/{name}";',
        f'SnmpMibObject docsDevSwFilename.0 String "fw/{name}";',
        "SnmpMibObject docsDevSwAdminStatus.0 Integer 2;",
    ]


def run(loaded: Plant) -> tuple[float, int]:
    """Seconds for every modem's text and bytes, and the number of configs built."""
    started = time.perf_counter()
    renderer = TftpRenderer(loaded, TftpSettings(b"provha-test-secret", MtaHash.EU), firmware)
    built = 0
    for modem, chain in renderer.modems():
        device = renderer.encode_modem(renderer.prepare_modem(modem, chain), modem, chain)
        if device.error:
            raise SystemExit(f"modem {modem.id}: {device.error}")
        built += 1
    return time.perf_counter() - started, built


def main() -> int:
    """Print configs/s as median and min-max over the runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modems", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    loaded = plant(args.modems)
    rates = []
    for _ in range(args.runs):
        seconds, built = run(loaded)
        rates.append(built / seconds)
    print(
        f"{args.modems} modems, {args.runs} runs: median {statistics.median(rates):,.0f} configs/s "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}); text assembly + encoding, no disk"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
