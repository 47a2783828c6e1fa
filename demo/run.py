"""The demo: a throwaway MariaDB with a sample NMS Prime plant, one ``provha-daemon --once`` into a local root.

Run with ``make demo``. Everything lives under ``demo/out/`` (recreated each run); nothing touches /etc, no
service is restarted (the restart command is ``true``), and the database is stopped at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dbserver import MariaDBServer, PlantFactory, free_port  # noqa: E402 -- after the path setup

OUT = ROOT / "demo" / "out"


def main() -> int:
    """Set up, run one rebuild, show the result; returns provha-daemon's exit code."""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    server = MariaDBServer(OUT / "mariadb", free_port())
    print(f"== starting a throwaway MariaDB on 127.0.0.1:{server.port}")
    server.start()
    try:
        db = PlantFactory(server)("netgw")
        print(f"== loaded the sample plant (tests/fixtures/seed_netgw.sql) into {db.name}, read as {db.user}")
        dhcp_dir = OUT / "root" / "etc" / "dhcp-nmsprime"
        tftp_dir = OUT / "root" / "tftpboot"
        chrony_dir = OUT / "root" / "etc" / "chrony"
        dns_dir = OUT / "root" / "etc" / "named-nmsprime.d"
        tftp_dir.mkdir(parents=True)
        # The CMTS shared secret the master syncs over (NMS Prime's /tftpboot/keyfile).
        (tftp_dir / "keyfile").write_text("demo-cmts-shared-secret\n")
        config = OUT / "provha-daemon.toml"
        config.write_text(
            'role = "slave"\n'
            f'[nmsprime]\nenv_dir = "{OUT / "env"}"\n'
            f'[database]\nhosts = ["{db.host}"]\nport = {db.port}\nname = "{db.name}"\nuser = "{db.user}"\n'
            f'password_file = "{OUT / "db-password"}"\n'
            f'[dhcp]\ndir = "{dhcp_dir}"\nrestart_command = ["true"]\ncheck_command = ["true"]\ncheck_delay = 0.0\n'
            'server_fqdn = "slave.nmsprime.test"\nomapi_secret = "ZGVtby1vbWFwaS1zZWNyZXQ="\n'
            f'[tftp]\ndir = "{tftp_dir}"\n'
            # chrony's two files; no chronyd to tell here ("true" stands in for chronyc, as for the dhcpd restart)
            f'[time]\nchrony_conf = "{chrony_dir / "conf.d" / "provha-daemon.conf"}"\n'
            f'chrony_sources = "{chrony_dir / "sources.d" / "provha-daemon.sources"}"\nchronyc = ["true"]\n'
            # named's files; no named to reload here
            f'[dns]\ndir = "{dns_dir}"\nddns_dir = "{OUT / "root" / "etc" / "named-ddns.d"}"\n'
            f'zone_dir = "{OUT / "root" / "var" / "named" / "dynamic"}"\nreload_command = ["true"]\n'
        )
        (OUT / "db-password").write_text(db.password + "\n")
        (OUT / "db-password").chmod(0o600)

        print(f"== provha-daemon --once --config {config.relative_to(ROOT)}")
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "provha_daemon", "--once", "--config", str(config)], check=False)
        seconds = time.perf_counter() - started
        print(
            f"== exit code {run.returncode} after {seconds:.2f} s "
            "(4 = the sample plant's malformed rows were skipped, by design)"
        )

        print(f"== the slave's DHCP tree in {dhcp_dir.relative_to(ROOT)}")
        for path in sorted(dhcp_dir.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(dhcp_dir).parts):
                mode = oct(path.stat().st_mode & 0o7777)
                print(f"   {mode}  {path.stat().st_size:6d}  {path.relative_to(dhcp_dir)}")
        print("== dhcpd -t on the live tree")
        check = subprocess.run(
            ["dhcpd", "-t", "-4", "-cf", str(dhcp_dir / "dhcpd.conf")], capture_output=True, text=True, check=False
        )
        print("   " + "\n   ".join(line for line in check.stderr.splitlines() if line.strip()))
        print(f"== dhcpd -t exit code {check.returncode}")
        print("== modems-host.conf:")
        print((dhcp_dir / "modems-host.conf").read_text(), end="")
        configs = sorted(tftp_dir.glob("*/*.cfg"))
        print(
            f"== {len(configs)} DOCSIS config files in {tftp_dir.relative_to(ROOT)}: "
            + " ".join(p.relative_to(tftp_dir).as_posix() for p in configs)
        )
        for path in (chrony_dir / "conf.d" / "provha-daemon.conf", chrony_dir / "sources.d" / "provha-daemon.sources"):
            print(f"== chrony: {path.relative_to(ROOT)}")
            print(path.read_text(), end="")
        print(f"== named: {(dns_dir / 'named-nmsprime.conf').relative_to(ROOT)} (its zones, ACLs; the key not shown)")
        conf = (dns_dir / "named-nmsprime.conf").read_text()
        print("".join(line for line in conf.splitlines(keepends=True) if "secret" not in line), end="")
        print("== provha-docsis -d cm/cm-100004.cfg (decoded back to text):")
        subprocess.run(
            [sys.executable, "-m", "provha_daemon.docsis.cli", "-d", str(tftp_dir / "cm/cm-100004.cfg")], check=False
        )
        return run.returncode if check.returncode == 0 else 5
    finally:
        server.stop()


if __name__ == "__main__":
    code = main()
    # Skipped rows (4) are the point of the sample plant; the demo itself succeeded.
    raise SystemExit(0 if code in (0, 4) else code)
