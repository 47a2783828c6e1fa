"""Config files per second from a compiled template: the DOCSIS encoder's throughput target is 10,000/s.

A typical NMS Prime CM template (about 40 lines, BPI+, one flow per direction, NmAccess SNMP rows) with three
placeholders, filled from an in-memory "plant" of distinct modems: each iteration builds the modem's placeholder
values from its row and encodes the complete file (MICs included). Nothing is cached across modems and nothing
touches the disk. Prints configs/s of the compiled path and, for comparison, of parsing the filled text anew per
modem (what one ``docsis`` run per modem has to do).

    .venv/bin/python -m benchmarks.docsis_speed --modems 10000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provha_daemon.docsis import compile_template, encode  # noqa: E402

TEMPLATE = """\
Main
{
\tNetworkAccess 1;
\tMaxCPE 4;
\tGlobalPrivacyEnable 1;
\tMaxClassifiers 20;
\tBaselinePrivacy
\t{
\t\tAuthTimeout 10;
\t\tReAuthTimeout 10;
\t\tAuthGraceTime 600;
\t\tOperTimeout 1;
\t\tReKeyTimeout 1;
\t\tTEKGraceTime 600;
\t\tAuthRejectTimeout 60;
\t\tSAMapWaitTimeout 1;
\t\tSAMapMaxRetries 4;
\t}
\tUsServiceFlow
\t{
\t\tUsServiceFlowRef 1;
\t\tQosParamSetType 7;
\t\tTrafficPriority 0;
\t\tMaxRateSustained {qos.us_rate_max_help.0};
\t\tMaxTrafficBurst 28000;
\t\tMaxConcatenatedBurst 1522;
\t\tSchedulingType 2;
\t}
\tDsServiceFlow
\t{
\t\tDsServiceFlowRef 2;
\t\tQosParamSetType 7;
\t\tTrafficPriority 0;
\t\tMaxRateSustained {qos.ds_rate_max_help.0};
\t\tMaxTrafficBurst 28000;
\t}
\tSnmpMibObject sysLocation.0 String "{modem.hostname.0}";
\tSnmpMibObject docsDevNmAccessIp.1 IPAddress 10.0.0.1;
\tSnmpMibObject docsDevNmAccessIpMask.1 IPAddress 255.255.255.255;
\tSnmpMibObject docsDevNmAccessCommunity.1 String "public";
\tSnmpMibObject docsDevNmAccessControl.1 Integer 3;
\tSnmpMibObject docsDevNmAccessStatus.1 Integer 4;
}
"""
KEY = b"provha-test-secret"


def plant(modems: int) -> list[dict[str, object]]:
    """Distinct modem rows as the daemon would hold them after loading the database."""
    return [
        {"id": i, "hostname": f"cm-{i}", "us_rate": 1_000_000 + 8 * i, "ds_rate": 50_000_000 + 64 * i}
        for i in range(modems)
    ]


def values(row: dict[str, object]) -> dict[str, str]:
    """The placeholder values of one modem."""
    return {
        "modem.hostname.0": str(row["hostname"]),
        "qos.us_rate_max_help.0": str(row["us_rate"]),
        "qos.ds_rate_max_help.0": str(row["ds_rate"]),
    }


def run(rows: list[dict[str, object]], compiled: bool) -> float:
    """Encode every row once; returns configs/s."""
    template = compile_template(TEMPLATE)
    start = time.perf_counter()
    if compiled:
        out = [template.encode(values(row), KEY) for row in rows]
    else:
        out = [encode(template.render(values(row)), KEY) for row in rows]
    elapsed = time.perf_counter() - start
    assert len(set(out)) == len(rows), "every modem must get its own file"
    return len(rows) / elapsed


def main() -> int:
    """Measure and print; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modems", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = plant(args.modems)
    lines = TEMPLATE.count("\n")
    print(f"template: {lines} lines, 3 placeholders; {args.modems} distinct modems; {args.rounds} rounds")
    for compiled, label in ((True, "compiled template"), (False, "full parse per modem")):
        rates = [run(rows, compiled) for _ in range(args.rounds)]
        print(
            f"{label:>22}: {statistics.median(rates):8.0f} configs/s median "
            f"(best {max(rates):.0f}, {1e6 / statistics.median(rates):.1f} µs each)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
