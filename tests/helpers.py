"""Shared test helpers: a config writer, recording commands, and the golden-file tokeniser."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tests.dbserver import PlantDB

OMAPI_SECRET = "b21hcGktdGVzdC1zZWNyZXQtZm9yLXByb3ZoYQ=="
# The CMTS shared secret of the reference vectors (the tool strips the trailing newline).
KEYFILE = b"provha-test-secret\n"
_TOKEN = re.compile(r'"[^"]*"|[^\s;{},"]+|[;{},]')


def tokens(text: str) -> list[str]:
    """dhcpd tokens of a file: comments dropped, whitespace and line breaks irrelevant."""
    out: list[str] = []
    for line in text.splitlines():
        code, quoted = [], False
        for ch in line:
            if ch == '"':
                quoted = not quoted
            if ch == "#" and not quoted:
                break
            code.append(ch)
        out.extend(_TOKEN.findall("".join(code)))
    return out


@dataclass
class Recorder:
    """A real executable that appends each invocation to a log and exits with the code in a file."""

    script: Path
    calls: Path
    code_file: Path

    def set_exit(self, code: int) -> None:
        """Make the next invocations exit with ``code``."""
        self.code_file.write_text(str(code))

    def count(self) -> int:
        """How often it ran."""
        return len(self.calls.read_text().splitlines()) if self.calls.exists() else 0


def recorder(directory: Path, name: str) -> Recorder:
    """Create a recording command ``name`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    calls, code = directory / f"{name}.calls", directory / f"{name}.code"
    code.write_text("0")
    script = directory / name
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$(date +%s.%N) $*" >> "{calls}"\n'
        f'if [ -n "$NOTIFY_SOCKET" ]; then echo "leaked NOTIFY_SOCKET" >> "{calls}.env"; fi\n'
        f'exit "$(cat "{code}")"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return Recorder(script, calls, code)


@dataclass
class Setup:
    """A config file plus the directories and recorders it points at."""

    config: Path
    dhcp_dir: Path
    restart: Recorder
    check: Recorder
    tftp_dir: Path
    chronyc: Recorder
    chrony_dir: Path  # conf.d/ and sources.d/ below it
    rndc: Recorder
    dns_dir: Path  # conf/ (named's), ddns/ (the script's), dynamic/ (the zones)


def write_config(
    tmp_path: Path,
    db: PlantDB,
    *,
    extra_dhcp: str = "",
    extra_top: str = "",
    hosts: list[str] | None = None,
    with_omapi: bool = True,
    service: str | None = None,
    extra_tftp: str = "",
    extra_time: str = "",
    chrony_dir: Path | None = None,
    chronyc: list[str] | None = None,
    extra_dns: str = "",
    extra_database: str = "",
) -> Setup:
    """A complete test config: read-only DB user, output under tmp_path, recording restart/check commands."""
    dhcp_dir = tmp_path / "etc" / "dhcp-nmsprime"
    tftp_dir = tmp_path / "tftpboot"
    tftp_dir.mkdir(parents=True, exist_ok=True)
    (tftp_dir / "keyfile").write_bytes(KEYFILE)
    bin_dir = tmp_path / "bin"
    restart, check = recorder(bin_dir, "restart-dhcpd"), recorder(bin_dir, "check-dhcpd")
    # without a real chronyd (``chronyc``) the time stage's runtime commands are recorded
    recorded_chronyc = recorder(bin_dir, "chronyc")
    chrony_dir = chrony_dir or tmp_path / "etc" / "chrony"
    chronyc_argv = ", ".join(f'"{a}"' for a in (chronyc or [str(recorded_chronyc.script)]))
    # without a real named the reload is recorded; named's files and zones under tmp_path
    rndc = recorder(bin_dir, "rndc")
    dns_dir = tmp_path / "etc" / "named"
    env_dir = tmp_path / "env"
    env_dir.mkdir(exist_ok=True)
    host_list = ", ".join(f'"{h}"' for h in (hosts or [db.host]))
    omapi = f'omapi_secret = "{OMAPI_SECRET}"\n' if with_omapi else ""
    config = tmp_path / "provha-daemon.toml"
    config.write_text(
        f'role = "slave"\n{extra_top}\n'
        f'[nmsprime]\nenv_dir = "{env_dir}"\n'
        f'[database]\nhosts = [{host_list}]\nport = {db.port}\nname = "{db.name}"\nuser = "{db.user}"\n'
        f'password = "{db.password}"\nconnect_timeout = 2.0\nquery_timeout = 10.0\n{extra_database}'
        f'[dhcp]\ndir = "{dhcp_dir}"\nrestart_command = ["{restart.script}"]\n'
        f'check_command = ["{check.script}", "is-active"]\ncheck_delay = 0.0\n'
        f'server_fqdn = "slave.nmsprime.test"\ntime_offset = 3600\nfile_group = ""\n{omapi}{extra_dhcp}'
        f'\n[tftp]\ndir = "{tftp_dir}"\n{extra_tftp}'
        f'\n[time]\nchrony_conf = "{chrony_dir / "conf.d" / "provha-daemon.conf"}"\n'
        f'chrony_sources = "{chrony_dir / "sources.d" / "provha-daemon.sources"}"\nchronyc = [{chronyc_argv}]\n'
        f"{extra_time}"
        f'\n[dns]\ndir = "{dns_dir / "conf"}"\nddns_dir = "{dns_dir / "ddns"}"\nzone_dir = "{dns_dir / "dynamic"}"\n'
        f'named_group = ""\nreload_command = ["{rndc.script}", "reload"]\ncpe_key = "{dns_dir / "cpe.key"}"\n'
        f'log_file = "{dns_dir / "nsupdate.log"}"\n{extra_dns}'
        + (f'\n[service]\nstate_file = "{tmp_path / "run" / "state.json"}"\n{service}' if service is not None else "")
    )
    return Setup(config, dhcp_dir, restart, check, tftp_dir, recorded_chronyc, chrony_dir, rndc, dns_dir)
