"""Tests of ``dhcpd -t`` in parallel parts: the slices cover every host line once, the parts run the real dhcpd,
accept and reject what the whole set does, and report dhcpd's errors in the staged set's own files and lines."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from provha_daemon import parts
from provha_daemon.artifact import Artifact
from provha_daemon.config import load_config
from provha_daemon.errors import RejectedError
from provha_daemon.rebuild import Rebuilder
from provha_daemon.render.dhcp import render_dhcp
from provha_daemon.roles import resolve_pair
from provha_daemon.services import CommandResult
from provha_daemon.stages.dhcp import dhcp_settings
from tests.dbserver import PlantFactory
from tests.helpers import write_config

needs_dhcpd = pytest.mark.skipif(
    shutil.which("dhcpd") is None and not Path("/usr/sbin/dhcpd").exists(),
    reason="ISC dhcpd is not installed (scripts/install-system-packages)",
)

HOSTS = b"".join(
    b"host cm-%d { hardware ethernet 00:00:00:00:%02x:%02x; }\n" % (n, n // 256, n % 256) for n in range(1, 101)
)


def test_slices_cover_every_host_line_once_at_line_ends() -> None:
    """For 1 to 7 parts, the slices joined are the file, each ends at a line end, and first lines count right."""
    for jobs in range(1, 8):
        bounds = parts.slice_bounds(HOSTS, 20, jobs)
        assert len(bounds) == jobs
        assert b"".join(HOSTS[start:end] for start, end, _ in bounds) == HOSTS
        for start, end, first in bounds:
            assert HOSTS[start:end] == b"" or HOSTS[start:end].endswith(b"\n")
            assert first == HOSTS.count(b"\n", 0, start) + 1


def test_part_zero_is_shorter_by_the_other_files_hosts() -> None:
    """Every part gets about the same number of host declarations; part 0 also parses the other files' hosts
    (cut by bytes: host lines differ a little in length, so within two lines)."""
    first, second = (HOSTS[s:e].count(b"\n") for s, e, _ in parts.slice_bounds(HOSTS, 20, 2))
    assert abs(first - 40) <= 2 and first + second == 100  # (100 + 20) / 2 = 60 each: 40 modems + 20 others
    lines = [HOSTS[s:e].count(b"\n") for s, e, _ in parts.slice_bounds(HOSTS, 500, 3)]
    assert lines[0] == 0 and abs(lines[1] - 50) <= 2  # the others alone outweigh a share: part 0 gets no modem


def test_jobs_auto_is_one_per_core_on_a_large_plant_only() -> None:
    """0 means one process below 10k hosts and one per core (at most 4) above; a set number is taken as given."""
    assert parts.jobs_for(0, 9_999, 8) == 1
    assert parts.jobs_for(0, 10_000, 2) == 2
    assert parts.jobs_for(0, 100_000, 16) == 4
    assert parts.jobs_for(3, 50, 1) == 3
    assert parts.jobs_for(3, 2, 8) == 2  # never more parts than host lines


def test_part_files_keep_line_numbers_and_comment_out_other_includes(tmp_path: Path) -> None:
    """Part 0 includes everything; a further part keeps global.conf and its slice, the other includes commented
    out on the same line, so dhcpd's line numbers are those of dhcpd.conf."""
    conf = (
        f'include "{tmp_path}/failover.conf";\noption x code 1 = text;\ninclude "{tmp_path}/global.conf";\n'
        f'include "{tmp_path}/modems-host.conf";\ninclude "{tmp_path}/mta.conf";\n'
    ).encode()
    made, files = parts.part_files(conf, HOSTS, 0, 2, tmp_path)
    first, second = (files[p.config].decode().splitlines() for p in made)
    assert first[3] == f'include "{tmp_path}/.parts/modems-host.conf.0";' and first[4] == conf.decode().splitlines()[4]
    assert second[0].startswith("# checked in part 0: include") and second[2] == f'include "{tmp_path}/global.conf";'
    assert second[3] == f'include "{tmp_path}/.parts/modems-host.conf.1";' and second[4].startswith("# checked")
    assert len(first) == len(second) == 5
    assert files[made[0].hosts] + files[made[1].hosts] == HOSTS  # type: ignore[index]


def test_a_set_without_modems_host_conf_is_one_part(tmp_path: Path) -> None:
    """A dhcpd.conf that does not include modems-host.conf is checked whole."""
    made, files = parts.part_files(b'include "/elsewhere/x.conf";\n', HOSTS, 0, 2, tmp_path)
    assert made == [parts.Part(tmp_path / "dhcpd.conf")] and files == {}


def test_messages_name_the_staged_files_and_lines(tmp_path: Path) -> None:
    """A slice's path and line become modems-host.conf's; the part's config becomes dhcpd.conf."""
    part = parts.Part(tmp_path / ".parts/dhcpd.1.conf", tmp_path / ".parts/modems-host.conf.1", 41)
    output = (
        f"{tmp_path}/.parts/modems-host.conf.1 line 3: expecting a colon.\n"
        f"{tmp_path}/.parts/dhcpd.1.conf line 48: {tmp_path}/.parts/modems-host.conf.1: bad parse."
    )
    assert parts.relabel(output, part, tmp_path) == (
        f"{tmp_path}/modems-host.conf line 43: expecting a colon.\n"
        f"{tmp_path}/dhcpd.conf line 48: {tmp_path}/modems-host.conf: bad parse."
    )


async def _rendered(tmp_path: Path, plant_db: PlantFactory, jobs: int) -> tuple[Rebuilder, list[Artifact]]:
    setup = write_config(tmp_path, plant_db("netgw"), extra_dhcp=f"validate_jobs = {jobs}\n")
    config = load_config(setup.config)
    rebuilder = Rebuilder(config)
    plant = (await rebuilder.read()).plant
    rendered = render_dhcp(plant, dhcp_settings(config, plant, resolve_pair(config, plant.provha, rebuilder.addresses)))
    return rebuilder, rendered.artifacts


async def _validate(rebuilder: Rebuilder, artifacts: list[Artifact]) -> tuple[Path, list[CommandResult]]:
    staging = rebuilder.dhcp.target.stage(artifacts)
    return staging, await rebuilder.dhcp.dhcpd_t(staging, artifacts)


def _edited(artifacts: list[Artifact], path: str, edit: Callable[[bytes], bytes]) -> list[Artifact]:
    return [replace(a, data=edit(a.data)) if a.path == path else a for a in artifacts]


def _line_replaced(number: int, text: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        lines[number - 1] = text
        return b"".join(lines)

    return edit


@needs_dhcpd
async def test_parts_run_dhcpd_on_every_host_and_accept_a_good_set(tmp_path: Path, plant_db: PlantFactory) -> None:
    """With three parts, three dhcpd -t runs accept the seeded set, and their slices are modems-host.conf."""
    rebuilder, artifacts = await _rendered(tmp_path, plant_db, 3)
    staging, results = await _validate(rebuilder, artifacts)
    assert len(results) == 3 and all(r.ok for r in results)
    slices = [(staging / parts.PARTS_DIR / f"modems-host.conf.{k}").read_bytes() for k in range(3)]
    assert b"".join(slices) == (staging / "modems-host.conf").read_bytes()
    assert all(parts.host_lines(s) for s in slices[1:])


@needs_dhcpd
@pytest.mark.parametrize("jobs", [1, 3])
@pytest.mark.parametrize(
    ("line", "text"),
    [
        (1, b"host cm-x { hardware ethernet zz:00; }\n"),  # in part 0's slice
        (-1, b"host cm-y { hardware ethernet 00:11:22:33:44:55; filename; }\n"),  # in the last part's slice
    ],
)
async def test_a_bad_host_line_is_rejected_with_its_file_and_line(
    tmp_path: Path, plant_db: PlantFactory, jobs: int, line: int, text: bytes
) -> None:
    """One process or three parts: the same bad line is rejected, named as modems-host.conf and its own line."""
    rebuilder, artifacts = await _rendered(tmp_path, plant_db, jobs)
    hosts = next(a.data for a in artifacts if a.path == "modems-host.conf")
    number = line if line > 0 else parts.host_lines(hosts)
    with pytest.raises(RejectedError) as caught:
        await _validate(rebuilder, _edited(artifacts, "modems-host.conf", _line_replaced(number, text)))
    assert f"{rebuilder.dhcp.target.staging / 'modems-host.conf'} line {number}:" in caught.value.output
    assert parts.PARTS_DIR not in caught.value.output


@needs_dhcpd
@pytest.mark.parametrize("jobs", [1, 3])
async def test_an_error_outside_the_hosts_is_rejected(tmp_path: Path, plant_db: PlantFactory, jobs: int) -> None:
    """A broken pool file (only part 0 parses it) fails the check as it fails the whole set."""
    rebuilder, artifacts = await _rendered(tmp_path, plant_db, jobs)
    pool = next(a.path for a in artifacts if a.path.startswith("cmts_gws/"))
    with pytest.raises(RejectedError) as caught:
        await _validate(rebuilder, _edited(artifacts, pool, lambda data: data + b"\nthis is not dhcpd syntax;\n"))
    assert f"{rebuilder.dhcp.target.staging / pool} line" in caught.value.output


def test_owners_name_the_row_or_pool_of_the_first_rejected_line(tmp_path: Path) -> None:
    """A dhcpd message about a staged host line names its modem, one inside a subnet block its ippool; the staged
    paths become the live files' names."""
    from provha_daemon.parts import owners

    staging, live = tmp_path / ".provha-staging", tmp_path
    data = {
        "modems-host.conf": b"host cm-1 { hardware ethernet 00:11:22:33:44:01; }\nhost cm-2 { bad }\n",
        "cmts_gws/1.conf": b'shared-network "a"\n{\n\tsubnet 10.0.0.0 netmask 255.255.255.0\n\t{\n\t\tbroken;\n',
    }
    hosts = {"cm-1": "modem 1", "cm-2": "modem 2"}
    pools = {(1, "10.0.0.0/255.255.255.0"): 7}
    text, found = owners(
        f"{staging}/modems-host.conf line 2: expecting ;\n{staging}/cmts_gws/1.conf line 5: x",
        staging,
        live,
        data,
        hosts,
        pools,
    )
    assert found == ["modem 2 (modems-host.conf line 2)"]
    assert f"{live}/modems-host.conf line 2" in text and ".provha-staging" not in text
    _, found = owners(f"{staging}/cmts_gws/1.conf line 5: expecting a declaration", staging, live, data, hosts, pools)
    assert found == ["ippool 7 of gateway 1 (cmts_gws/1.conf line 5)"]
