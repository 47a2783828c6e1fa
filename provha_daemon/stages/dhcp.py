"""The DHCP stage: dhcpd's files rendered from the plant, checked with ``dhcpd -t``, swapped as one generation
and activated with one dhcpd restart (the failover peer serves the plant meanwhile)."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import re
import socket
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import structlog

from provha_daemon import validation as v
from provha_daemon.apply import Ownership, Plan, Target
from provha_daemon.artifact import Artifact
from provha_daemon.config import Config
from provha_daemon.errors import DropGuardError, RejectedError, RoleError
from provha_daemon.health import FAILOVER
from provha_daemon.omapi import OmapiError, read_failover_state
from provha_daemon.parts import HOSTS_FILE, available_cpus, host_lines, owners, relabel, staged_parts
from provha_daemon.records import Plant
from provha_daemon.render.dhcp import MANAGED, DhcpSettings, render_dhcp, split_of
from provha_daemon.roles import Pair
from provha_daemon.schema import Schema
from provha_daemon.services import CommandResult
from provha_daemon.services import run as run_command
from provha_daemon.stages.base import Action, Run, Stage

log = structlog.get_logger("provha_daemon.stages.dhcp")

LIVE_HOST_FILES = (HOSTS_FILE, "mta.conf", "endpoints-host.conf")


def _ranges(data: bytes) -> int:
    return data.count(b"\trange ")


# (what, table, live files, how to count, smallest live count the share rule applies to); the modem hosts keep
# the rule they always had (any count), the other classes from 10 live entries; a vanished table whatever its size
DROP_GUARDED = (
    ("modem hosts", "modem", HOSTS_FILE, host_lines, 1),
    ("MTA hosts", "mta", "mta.conf", host_lines, 10),
    ("endpoint hosts", "endpoint", "endpoints-host.conf", host_lines, 10),
    ("pool ranges", "ippool", "cmts_gws/*.conf", _ranges, 10),
)

_OMAPI_KEY = re.compile(
    rb'key\s+"?(?P<name>[A-Za-z0-9_.-]+)"?\s*\{[^}]*?secret\s+"?(?P<secret>[A-Za-z0-9+/]+={0,2})"?\s*;', re.S
)


def existing_omapi_key(failover_conf: Path) -> tuple[str, str] | None:
    """The OMAPI key (name, secret) of the live failover.conf, so a rebuild keeps the key dhcpd runs with."""
    try:
        data = failover_conf.read_bytes()
    except OSError:
        return None
    match = _OMAPI_KEY.search(data)
    if match is None:
        return None
    return match.group("name").decode(), match.group("secret").decode()


def server_fqdn(domain: str, hostname: str | None = None) -> str:
    """This server's FQDN as NMS Prime derives it: the host name if it carries the domain, else name.domain."""
    name = hostname or socket.gethostname()
    if domain in name and not name.startswith(domain):
        return name
    return f"{name.split('.', 1)[0]}.{domain}"


def dhcp_settings(config: Config, plant: Plant, pair: Pair) -> DhcpSettings:
    """Everything the renderer needs that is not a database row, read at the edge."""
    d = config.dhcp
    key_name, secret = d.omapi_key_name, d.omapi_secret.reveal() if d.omapi_secret else None
    if secret is None:
        kept = existing_omapi_key(d.dir / "failover.conf")
        if kept is not None:
            key_name, secret = kept
    return DhcpSettings(
        directory=str(d.dir),
        own_ip=pair.own_ip,
        peer_ip=pair.peer_ip,
        dns_secret=pair.own_dns_secret,
        server_fqdn=d.server_fqdn or server_fqdn(plant.provbase.domain_name),
        time_offset=d.time_offset if d.time_offset is not None else time.localtime().tm_gmtoff,
        omapi_key_name=key_name,
        omapi_secret=secret,
        failover_port=d.failover_port,
        peer_port=d.peer_port,
        omapi_port=d.omapi_port,
        max_response_delay=d.max_response_delay,
        max_unacked_updates=d.max_unacked_updates,
        load_balance_max_seconds=d.load_balance_max_seconds,
        auto_partner_down=d.auto_partner_down,
    )


def master_settings(config: Config, plant: Plant, directory: Path) -> DhcpSettings:
    """The master's files, as NMS Prime's master writes them (render only): own = ``provha.master``, peer = the
    first slave, the master's DNS secret, primary with ``mclt`` and a ``split`` from ``provha.load_ratio_master``;
    include paths into ``directory``; no OMAPI key (the master's is NMS Prime's)."""
    provha = plant.provha
    if provha is None:
        raise RoleError("the database has no provha row: there is no master to render for")
    own = _master_ip(provha.master, "provha.master")
    peer = _master_ip(provha.slaves[0] if provha.slaves else None, "provha.slaves (first entry)")
    slave = dhcp_settings(config, plant, Pair("master", "render", own, peer, provha.master_dns_password))
    return replace(
        slave,
        directory=str(directory),
        own_ip=own,
        peer_ip=peer,
        dns_secret=provha.master_dns_password,
        server_fqdn=server_fqdn(plant.provbase.domain_name),
        omapi_key_name="master_omapi_key",
        omapi_secret=None,
        primary=True,
        mclt=config.dhcp.mclt,
        split=split_of(provha.load_ratio_master),
    )


def _master_ip(value: str | None, column: str) -> str:
    try:
        return str(v.ipv4(value))
    except v.InvalidValue as exc:
        raise RoleError(f"{column}: {exc}") from None


class DhcpStage(Stage):
    """dhcpd's configuration directory: global.conf, failover.conf, the pools and the host files."""

    name = "dhcp"
    service = "dhcpd"
    provbase = ("domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time", "max_cpe", "multiple_provisioning_systems")
    provha = ("slave_dns_password",)  # dhcpd.conf's key dhcpupdate: a malformed one keeps the live set
    swap_after = ("tftp",)  # a new host entry must never point at a config file that is not there yet
    disruptive = True

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.target = Target(config.dhcp.dir, MANAGED, Ownership.for_group(config.dhcp.file_group))
        self.failover = ""  # dhcpd's failover state as it last said it (tend), or why it could not be read
        self.artifacts: list[Artifact] = []
        self.plant: Plant | None = None
        self.plan_: Plan | None = None

    @classmethod
    def longest(cls, config: Config) -> float:
        d = config.dhcp
        restart = d.restart_timeout + d.check_delay + d.restart_timeout
        return d.validate_timeout + 2 * restart  # a failed restart is followed by one after the rollback

    def live_files(self) -> list[bytes | None]:
        """The live host files (for the one-host-per-MAC rule, judged against what dhcpd serves now)."""
        return [self.target.live_bytes(name) for name in LIVE_HOST_FILES]

    def render(self, run: Run) -> None:
        plant = run.plant
        pair = run.roles.pair(plant.provha)
        timer = time.perf_counter()
        rendered = render_dhcp(plant, dhcp_settings(self.config, plant, pair))
        run.result.durations["render"] = time.perf_counter() - timer
        for event, fields in rendered.warnings:
            log.warning(event, **fields)
        self.artifacts, self.plant = rendered.artifacts, plant
        if not (run.force or run.dry_run):
            self.guard(plant.schema)

    def guard(self, schema: Schema) -> None:
        """Refuse a set that loses more than ``max_drop`` of a class of live hosts or pools (a truncated replica), or
        all of a class whose table has vanished (a restore without a module's tables), judged against the live
        files so that ``--once`` and the service decide alike."""
        max_drop = self.config.service.max_drop
        live_paths = sorted(self.target.live_paths())
        for what, table, files, count, minimum in DROP_GUARDED:
            live = sum(count(self.target.live_bytes(name) or b"") for name in fnmatch.filter(live_paths, files))
            new = sum(count(a.data) for a in self.artifacts if fnmatch.fnmatch(a.path, files))
            if not live:
                continue
            if not schema.has_table(table):
                raise DropGuardError(
                    f"table {table} is gone from the database but the live files have {live} "
                    f"{what}; refused (start with --force to apply it)"
                )
            if live >= minimum and new < live * (1 - max_drop):
                raise DropGuardError(
                    f"the new set has {new} {what}, the live one {live}: more than {max_drop:.0%} "
                    "would go; refused (start with --force to apply it)"
                )

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self.target.locked():
            self.target.remove_leftovers()
            yield

    def plan(self, run: Run) -> Action:
        self.plan_ = self.target.plan(self.artifacts)
        if self.plan_.changed:
            return Action.SWAP
        # a run swapped this set in and died before restarting dhcpd: check the live set, restart now
        return Action.ACTIVATE if self.target.restart_pending() else Action.NONE

    async def validate(self, run: Run) -> None:
        timer = time.perf_counter()
        try:
            await self.dhcpd_t(self.target.stage(self.artifacts), self.artifacts, self.plant)
        finally:
            self.target.unstage()
        run.result.durations["validate"] = time.perf_counter() - timer

    async def dhcpd_t(
        self,
        staging: Path,
        artifacts: Sequence[Artifact],
        plant: Plant | None = None,
    ) -> list[CommandResult]:
        """``dhcpd -t`` on ``artifacts`` staged in ``staging``, in parallel parts on a large plant (``parts``); raises
        ``RejectedError`` with dhcpd's message of the first part that failed, in the live files' names and the
        staged lines, and (given the ``plant``) the pool or row each rejected line came from."""
        d = self.config.dhcp
        parts = staged_parts(staging, artifacts, d.dir, d.validate_jobs, available_cpus())
        results = await asyncio.gather(
            *(run_command([d.dhcpd, "-t", "-4", "-cf", str(part.config)], d.validate_timeout) for part in parts)
        )
        for k, (part, result) in enumerate(zip(parts, results, strict=True)):
            if not result.ok:
                which = f", part {k + 1} of {len(parts)}" if len(parts) > 1 else ""
                message = relabel(_dhcpd_message(result), part, staging)
                blamed: list[str] = []
                if plant is not None:
                    message, blamed = owners(
                        message, staging, d.dir, {a.path: a.data for a in artifacts}, *_owner_maps(plant)
                    )
                cause = f": {blamed[0]}" if blamed else ""
                raise RejectedError(f"dhcpd -t rejected the staged set ({result.describe()}{which}){cause}", message)
        return results

    async def swap(self, run: Run) -> None:
        if self.plan_ is None:
            raise RuntimeError("swap before plan")
        timer = time.perf_counter()
        self.target.mark_restart_pending()
        swapped = self.target.swap(self.plan_)
        run.result.written += swapped.written
        run.result.removed += swapped.removed
        run.result.durations["swap"] = time.perf_counter() - timer
        log.info("dhcp.swapped", written=swapped.written, removed=swapped.removed)

    async def activate(self, run: Run) -> CommandResult:
        """Restart dhcpd and check it came back."""
        timer = time.perf_counter()
        d = self.config.dhcp
        result = await run_command(d.restart_command, d.restart_timeout)
        if result.ok:
            if d.check_delay:
                await asyncio.sleep(d.check_delay)
            result = await run_command(d.check_command, d.restart_timeout)
        if not run.result.restarted:  # the first restart of this rebuild, not the one after a rollback
            run.result.durations["restart"] = run.result.restart_seconds = time.perf_counter() - timer
        if result.ok:
            self.target.clear_restart_pending()
            run.result.restarted = True
        return result

    def rollback(self, run: Run) -> tuple[list[str], list[str]]:
        restored = self.target.restore_previous()
        return restored.written, restored.removed

    async def render_master(self, plant: Plant, directory: Path) -> list[str]:
        """Render the master's DHCP set into ``directory`` (never ``dhcp.dir``), checked with ``dhcpd -t`` first;
        the paths written."""
        rendered = render_dhcp(plant, master_settings(self.config, plant, directory))
        target = Target(directory, MANAGED, Ownership.for_group(self.config.dhcp.file_group))
        with target.locked():
            try:
                await self.dhcpd_t(target.stage(rendered.artifacts), rendered.artifacts, plant)
            finally:
                target.unstage()
            done = target.swap(target.plan(rendered.artifacts))
        return done.written + done.removed

    async def tend(self) -> None:
        """Read dhcpd's failover state over OMAPI (with the key of the config or of the live failover.conf); log
        it when it changes."""
        d = self.config.dhcp
        key = (
            (d.omapi_key_name, d.omapi_secret.reveal())
            if d.omapi_secret
            else await asyncio.to_thread(existing_omapi_key, d.dir / "failover.conf")
        )
        if key is None:
            now = "unknown (no OMAPI key)"
        else:
            try:
                state = await asyncio.to_thread(read_failover_state, "127.0.0.1", d.omapi_port, key[0], key[1])
                now = str(state)
            except OmapiError as exc:
                now = f"unknown ({exc})"
        if now != self.failover:
            log.info("dhcp.failover_state", state=now, was=self.failover or None)
            self.failover = now

    def facts(self) -> dict[str, str]:
        return {FAILOVER: self.failover} if self.failover else {}

    def adopt(self, previous: Stage) -> None:
        if isinstance(previous, DhcpStage):
            self.failover = previous.failover

    async def dry_run(self, run: Run) -> str | None:
        with tempfile.TemporaryDirectory(prefix="provha-dry-run-") as tmp:
            timer = time.perf_counter()
            await self.dhcpd_t(self.target.stage(self.artifacts, Path(tmp) / "staging"), self.artifacts, self.plant)
            run.result.durations["validate"] = time.perf_counter() - timer
        return self.target.diff(self.artifacts)

    def release(self) -> None:
        self.artifacts, self.plant, self.plan_ = [], None, None


def _owner_maps(plant: Plant) -> tuple[dict[str, str], dict[tuple[int, str], int]]:
    """Host name → its row, and (gateway, network) → ippool id, for naming what a rejected line came from."""
    hosts = {m.hostname: f"modem {m.id}" for m in plant.modems}
    hosts.update({e.hostname: f"endpoint {e.id}" for e in plant.endpoints})
    hosts.update({t.hostname: f"mta {t.id}" for t in plant.mtas})
    pools = {(p.gateway_id, f"{p.network.network_address}/{p.network.netmask}"): p.id for p in plant.pools}
    return hosts, pools


def _dhcpd_message(result: CommandResult) -> str:
    """dhcpd's error lines without its banner and its bug-report boilerplate."""
    lines = []
    for line in result.output.splitlines():
        if line.startswith(
            (
                "If you think you have received",
                "Internet Systems Consortium",
                "Copyright",
                "All rights reserved",
                "For info, please visit",
            )
        ):
            if line.startswith("If you think"):
                break
            continue
        lines.append(line)
    return "\n".join(lines).strip()
