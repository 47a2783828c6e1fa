"""The staged DHCP set cut into parts for ``dhcpd -t``: one process, or on a large plant parallel parts.

dhcpd's parse time grows faster than its host count (its host-name hash has a fixed number of buckets and a weak
hash for names like ``cm-123456``), so 100k hosts take about three times as long as 50k. On a large plant the check
therefore runs as parts, one per core, that together parse every line of the set:

- part 0 is the whole staged set, except that ``dhcpd.conf`` includes only the first slice of ``modems-host.conf``;
- each further part is ``dhcpd.conf`` with ``global.conf`` and one further slice, its other includes commented out
  (line for line, so dhcpd's line numbers stay those of ``dhcpd.conf``).

Removing context from a part can only make dhcpd reject more, never accept what the whole set would fail, with one
exception: two host declarations of one name in different parts. The plant loader drops such rows before anything
is rendered (``plant._drop_duplicates``), so no part can differ from the whole set there either. dhcpd's messages
are mapped back to ``dhcpd.conf`` and ``modems-host.conf`` and their own line numbers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provha_daemon.apply import rewrite_includes
from provha_daemon.artifact import Artifact

HOSTS_FILE = "modems-host.conf"
PARTS_DIR = ".parts"  # inside the staging directory: never swapped, removed with it
KEPT_IN_EVERY_PART = frozenset({"global.conf"})  # classes and option definitions a host line may name
AUTO_MIN_HOSTS = 10_000  # below this dhcpd -t takes ~0.15 s: one process is as fast and the plainest proof
AUTO_MAX_JOBS = 4

_INCLUDE = re.compile(rb'^include "(?P<path>[^"]+)";\s*$', re.M)


@dataclass(frozen=True, slots=True)
class Part:
    """One dhcpd -t run: its config file and the slice of ``modems-host.conf`` it includes."""

    config: Path
    hosts: Path | None = None
    first_line: int = 1  # the slice's first line in modems-host.conf


def jobs_for(configured: int, hosts: int, cpus: int) -> int:
    """How many parts: ``configured`` if set (0 = auto: one per core, at most 4, on plants of 10k hosts or more)."""
    if configured > 0:
        return max(1, min(configured, hosts))
    if hosts < AUTO_MIN_HOSTS:
        return 1
    return max(1, min(cpus, AUTO_MAX_JOBS))


def available_cpus() -> int:
    """The cores this process may run on (a systemd CPUAffinity= or a container's cpuset counts)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def host_lines(data: bytes) -> int:
    """Host declarations in a rendered hosts file (one per line)."""
    return data.count(b"\nhost ") + (1 if data.startswith(b"host ") else 0)


def slice_bounds(hosts: bytes, other_hosts: int, jobs: int) -> list[tuple[int, int, int]]:
    """(start, end, first line) of each part's slice of ``hosts``, cut at line ends.

    Each part gets about the same number of host declarations, the cost dhcpd's parse grows with: part 0 also
    parses the other files' hosts, so its slice is that much shorter. Cuts are placed by bytes (host lines are of
    similar length) and moved to the next line end, so no Python loop runs over 100k lines.
    """
    count = host_lines(hosts)
    if jobs < 2 or count == 0:
        return [(0, len(hosts), 1)]
    share = (count + other_hosts) / jobs
    first = max(0.0, min(float(count), share - other_hosts))
    per_line = len(hosts) / count
    cuts = [first + (count - first) * k / (jobs - 1) for k in range(jobs - 1)]
    bounds, start = [], 0
    for lines in cuts:
        end = max(start, round(lines * per_line))
        if 0 < end < len(hosts) and hosts[end - 1 : end] != b"\n":
            newline = hosts.find(b"\n", end)
            end = len(hosts) if newline < 0 else newline + 1
        bounds.append((start, end, hosts.count(b"\n", 0, start) + 1))
        start = end
    bounds.append((start, len(hosts), hosts.count(b"\n", 0, start) + 1))
    return bounds


def part_files(
    conf: bytes, hosts: bytes, other_hosts: int, jobs: int, staging: Path
) -> tuple[list[Part], dict[Path, bytes]]:
    """The parts and the files they need, from the staged ``dhcpd.conf`` and ``modems-host.conf`` (pure)."""
    hosts_path = staging / HOSTS_FILE
    include = f'include "{hosts_path}";'.encode()
    directory = staging / PARTS_DIR
    if include not in conf:  # modems-host.conf is not part of this set: the whole set is one part
        return [Part(staging / "dhcpd.conf")], {}
    parts: list[Part] = []
    files: dict[Path, bytes] = {}
    for k, (start, end, first_line) in enumerate(slice_bounds(hosts, other_hosts, jobs)):
        piece = directory / f"{HOSTS_FILE}.{k}"
        files[piece] = hosts[start:end]
        config = directory / f"dhcpd.{k}.conf"
        files[config] = _part_conf(conf, hosts_path, piece, everything=k == 0)
        parts.append(Part(config, piece, first_line))
    return parts, files


def _part_conf(conf: bytes, hosts_path: Path, piece: Path, *, everything: bool) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        path = Path(match.group("path").decode())
        if path == hosts_path:
            return f'include "{piece}";'.encode()
        if everything or path.name in KEPT_IN_EVERY_PART:
            return match.group(0)
        return b"# checked in part 0: " + match.group(0)

    return _INCLUDE.sub(replace, conf)


def staged_parts(
    staging: Path, artifacts: Sequence[Artifact], live: Path, configured_jobs: int, cpus: int
) -> list[Part]:
    """Plan the parts for ``artifacts`` as staged in ``staging`` (include paths pointing there instead of ``live``)
    and write the parts' files; one part, the staged dhcpd.conf, when not split."""
    whole = [Part(staging / "dhcpd.conf")]
    data = {artifact.path: artifact.data for artifact in artifacts}
    conf, hosts = data.pop("dhcpd.conf", None), data.pop(HOSTS_FILE, None)
    if conf is None or hosts is None:
        return whole
    jobs = jobs_for(configured_jobs, host_lines(hosts), cpus)
    if jobs < 2:
        return whole
    other = sum(host_lines(rest) for rest in data.values())  # mta.conf, endpoints-host.conf: part 0 parses them
    parts, files = part_files(rewrite_includes(conf, live, staging), hosts, other, jobs, staging)
    for path, content in files.items():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.write_bytes(content)
    return parts


def relabel(output: str, part: Part, staging: Path) -> str:
    """dhcpd's message of one part, with the part's files and line numbers as those of the staged set."""
    if part.hosts is None:
        return output
    hosts_path = str(staging / HOSTS_FILE)
    piece = re.escape(str(part.hosts))
    offset = part.first_line - 1
    output = re.sub(piece + r" line (\d+)", lambda m: f"{hosts_path} line {int(m.group(1)) + offset}", output)
    output = output.replace(str(part.hosts), hosts_path)
    return output.replace(str(part.config), str(staging / "dhcpd.conf"))


_AT = re.compile(r"(?P<path>/\S+?) line (?P<line>\d+):")
_SUBNET = re.compile(rb"^\s*subnet (\S+) netmask (\S+)")
_HOST = re.compile(rb"^\s*host (\S+) ")


def owners(
    output: str,
    staging: Path,
    live: Path,
    data: dict[str, bytes],
    hosts: dict[str, str],
    pools: dict[tuple[int, str], int],
) -> tuple[str, list[str]]:
    """dhcpd's message with the staged paths as the live files' names, and the object its first error came from.

    ``data`` is the staged set by relative path, ``hosts`` a host name's row (``modem 100001``), ``pools`` the
    ippool id of (gateway id, network) so a line inside a subnet block of ``cmts_gws/<id>.conf`` (a pool's
    range, its ``optional`` statements) names its pool.
    """
    found: list[str] = []
    for m in _AT.finditer(output):
        rel = Path(m.group("path")).as_posix().removeprefix(f"{staging}/")
        lines = data.get(rel, b"").split(b"\n")
        number = int(m.group("line"))
        if not 0 < number <= len(lines):
            continue
        host = _HOST.match(lines[number - 1])
        if host is not None and host.group(1).decode() in hosts:
            found.append(f"{hosts[host.group(1).decode()]} ({rel} line {number})")
            break  # dhcpd's first error is the cause
        gateway = rel.removeprefix("cmts_gws/").removesuffix(".conf")
        for line in reversed(lines[:number]):
            subnet = _SUBNET.match(line)
            if subnet is not None and gateway.isdigit():
                network = f"{subnet.group(1).decode()}/{subnet.group(2).decode()}"
                pool = pools.get((int(gateway), network))
                if pool is not None:
                    found.append(f"ippool {pool} of gateway {gateway} ({rel} line {number})")
                break
        if found:
            break  # dhcpd's first error is the cause; what it reports after it follows from that one
    return output.replace(f"{staging}/", f"{live}/"), found
