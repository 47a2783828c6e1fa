"""One rebuild: snapshot read → role → render → stage → ``dhcpd -t`` → swap → restart (→ rollback).

``rebuild()`` returns a ``RebuildResult`` or raises the typed error that says why the live files were left alone.
"""

from __future__ import annotations

import asyncio
import fnmatch
import re
import socket
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from provha_daemon import validation as v
from provha_daemon.apply import FileSet, Ownership, Plan, Target, lock_directory
from provha_daemon.artifact import Artifact
from provha_daemon.check import HOSTS_FILE, available_cpus, host_lines, owners, relabel, staged_parts
from provha_daemon.config import Config
from provha_daemon.cvc import cvc_lines
from provha_daemon.db import Database, Snapshot
from provha_daemon.docsis import MtaHash, read_keyfile
from provha_daemon.errors import ApplyError, RefusedError, RestartError, RowError, ValidationError
from provha_daemon.failures import ROW, TFTP_DEVICE, TFTP_LINE, Failures
from provha_daemon.plant import (
    Modem,
    Mta,
    Plant,
    Skipped,
    collector_paused,
    drop_duplicate_macs,
    live_host_macs,
)
from provha_daemon.render.dhcp import MANAGED, DhcpSettings, render_dhcp
from provha_daemon.render.tftp import Chain, Device, TftpRenderer, TftpSettings
from provha_daemon.roles import Pair, local_addresses, resolve_pair
from provha_daemon.schema import Schema
from provha_daemon.services import CommandResult, run

log = structlog.get_logger("provha_daemon.rebuild")

TFTP_MANAGED = ("cm/*.conf", "cm/*.cfg", "mta/*.conf", "mta/*.cfg")


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
# provbase columns each stage renders from; a bad value in one refuses that stage only (ProvBase.require)
DHCP_PROVBASE = ("domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time", "max_cpe",
                 "multiple_provisioning_systems")
TFTP_PROVBASE = ("max_cpe",)

_OMAPI_KEY = re.compile(
    rb'key\s+"?(?P<name>[A-Za-z0-9_.-]+)"?\s*\{[^}]*?secret\s+"?(?P<secret>[A-Za-z0-9+/]+={0,2})"?\s*;', re.S
)


@dataclass(slots=True)
class RebuildResult:
    """What one rebuild did; ``summary()`` is the canonical log line's fields."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restarted: bool = False
    restart_seconds: float | None = None
    durations: dict[str, float] = field(default_factory=dict)
    node: str = ""
    diff: str | None = None
    deferred: bool = False
    rebuild_interval: int | None = None
    multiple_provisioning_systems: bool = False
    tftp: dict[str, int] = field(default_factory=dict)
    tftp_errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any live file changed."""
        return bool(self.written or self.removed)

    def summary(self) -> dict[str, Any]:
        """Fields of the one summary event per rebuild."""
        return {
            **self.counts,
            "files_changed": len(self.written) + len(self.removed),
            "changed": sorted(self.written + self.removed),
            "restarted": self.restarted,
            "deferred": self.deferred,
            **{f"tftp_{k}": v for k, v in self.tftp.items()},
            "node": self.node,
            **{f"{k}_ms": round(v * 1000, 1) for k, v in self.durations.items()},
        }


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
    )


class Rebuilder:
    """Runs rebuilds for one frozen config."""

    def __init__(self, config: Config, addresses: frozenset[str] | None = None) -> None:
        self.config = config
        self.addresses = local_addresses() if addresses is None else addresses
        self.db = Database(config.database, self.addresses)
        self.target = Target(config.dhcp.dir, MANAGED, Ownership.for_group(config.dhcp.file_group))
        self.files = FileSet(config.tftp.dir, TFTP_MANAGED, Ownership.for_group(None), config.tftp.file_mode)
        self.cvc_cache: dict[tuple[str, int, int], list[str]] = {}
        # what failed in the last rebuild: a repeating failure is logged when it starts, changes or ends
        self.device_failures = Failures(TFTP_DEVICE)
        self.row_failures = Failures(ROW)
        self.line_failures = Failures(TFTP_LINE)
        self.last_pair: Pair | None = None  # the slave's addresses from the last provha row read

    def adopt(self, previous: Rebuilder) -> None:
        """Keep what a previous Rebuilder of this process knows of the TFTP tree (SIGHUP): with the same tree,
        owner and mode its manifest stays true, so the next full check stats files instead of reading them all
        back. Device keys include the shared secret and hash settings, so a changed one still re-encodes."""
        old, new = previous.files, self.files
        if (old.directory, old.managed, old.ownership, old.mode) == (new.directory, new.managed, new.ownership,
                                                                     new.mode):
            self.files = old
            self.cvc_cache = previous.cvc_cache
        self.device_failures, self.row_failures = previous.device_failures, previous.row_failures
        self.line_failures = previous.line_failures
        self.last_pair = previous.last_pair

    async def read(self, attempts: int = 3, max_seconds: float | None = None) -> Snapshot:
        """One snapshot, retried a few times within a bounded time."""
        limit = max_seconds if max_seconds is not None else self.config.database.connect_timeout * 2 + 2
        return await self.db.read_with_retry(attempts, limit, tftp=self.config.tftp.enabled)

    async def validate(self, staging: Path, artifacts: Sequence[Artifact], plant: Plant | None = None,
                       ) -> list[CommandResult]:
        """``dhcpd -t`` on ``artifacts`` staged in ``staging``, in parallel parts on a large plant (``check``); raises
        ``ValidationError`` with dhcpd's message of the first part that failed, in the live files' names and the
        staged lines, and (given the ``plant``) the pool or row each rejected line came from."""
        d = self.config.dhcp
        parts = staged_parts(staging, artifacts, d.dir, d.validate_jobs, available_cpus())
        results = await asyncio.gather(
            *(run([d.dhcpd, "-t", "-4", "-cf", str(part.config)], d.validate_timeout) for part in parts))
        for k, (part, result) in enumerate(zip(parts, results, strict=True)):
            if not result.ok:
                which = f", part {k + 1} of {len(parts)}" if len(parts) > 1 else ""
                message = relabel(_dhcpd_message(result), part, staging)
                blamed: list[str] = []
                if plant is not None:
                    message, blamed = owners(message, staging, d.dir, {a.path: a.data for a in artifacts},
                                             *_owner_maps(plant))
                cause = f": {blamed[0]}" if blamed else ""
                raise ValidationError(f"dhcpd -t rejected the staged set ({result.describe()}{which}){cause}",
                                      message)
        return results

    async def restart(self) -> CommandResult:
        """Restart dhcpd and check it came back; a failed result is returned, not raised."""
        d = self.config.dhcp
        result = await run(d.restart_command, d.restart_timeout)
        if not result.ok:
            return result
        if d.check_delay:
            await asyncio.sleep(d.check_delay)
        return await run(d.check_command, d.restart_timeout)

    async def rebuild(self, *, dry_run: bool = False, force: bool = False, allow_restart: bool = True,
                      attempts: int = 3, full: bool = True) -> RebuildResult:
        """One full rebuild of the DHCP set.

        ``allow_restart`` False (the service's restart pacing) renders and compares but, if dhcpd's inputs
        changed, leaves everything as it is and marks the result ``deferred``: swap and restart are one step.
        """
        with collector_paused():
            return await self._rebuild(dry_run=dry_run, force=force, allow_restart=allow_restart, attempts=attempts,
                                       full=full)

    async def _rebuild(self, *, dry_run: bool, force: bool, allow_restart: bool, attempts: int,
                       full: bool) -> RebuildResult:
        result = RebuildResult()
        timer = time.perf_counter()
        snapshot = await self.read(attempts)
        plant = snapshot.plant
        result.rebuild_interval = plant.provha.rebuild_interval if plant.provha else None
        result.multiple_provisioning_systems = plant.provbase.multiple_provisioning_systems
        # two hosts with one MAC: keep the one the live files have (judged against them, so --once and the
        # service decide alike)
        drop_duplicate_macs(plant, lambda: live_host_macs(
            self.target.live_bytes(name) for name in (HOSTS_FILE, "mta.conf", "endpoints-host.conf")))
        result.node, result.counts, result.skipped = snapshot.node, plant.counts(), list(plant.skipped)
        result.durations["db"] = time.perf_counter() - timer

        try:
            plant.provbase.require(DHCP_PROVBASE)
        except RowError:
            # the DHCP set cannot be rendered: its live files stay; the TFTP files are still brought up to date
            if plant.tftp is not None and not dry_run:
                plant.provbase.require(TFTP_PROVBASE)
                await self._tftp_stage(plant, full, result)
            raise
        pair = self.last_pair = resolve_pair(self.config, plant.provha, self.addresses, self.last_pair)
        timer = time.perf_counter()
        rendered = render_dhcp(plant, dhcp_settings(self.config, plant, pair))
        result.durations["render"] = time.perf_counter() - timer
        for event, fields in rendered.warnings:
            log.warning(event, **fields)
        rows = self.row_failures
        rows.begin()
        for skipped in plant.skipped:
            rows.failed((skipped.table, skipped.id), skipped.reason, skipped.id)
        rows.finish(unseen_recovered=True)

        if dry_run:
            with tempfile.TemporaryDirectory(prefix="provha-dry-run-") as tmp:
                timer = time.perf_counter()
                await self.validate(self.target.stage(rendered.artifacts, Path(tmp) / "staging"), rendered.artifacts,
                                    plant)
                result.durations["validate"] = time.perf_counter() - timer
            result.diff = self.target.diff(rendered.artifacts)
            return result

        if not force:
            self._drop_guard(rendered.artifacts, plant.schema)
        # The TFTP stage (a thread, mostly Python) runs while dhcpd -t (its own process) checks the DHCP set: two
        # cores, about a second less per rebuild. The DHCP swap still waits for it: a new host entry must never
        # point at a config file that is not there yet.
        tftp = asyncio.create_task(self._tftp_stage(plant, full, result)) if plant.tftp is not None else None
        try:
            with self.target.locked():
                self.target.remove_leftovers()
                await self._apply(rendered.artifacts, plant, tftp, allow_restart, result)
        except BaseException as exc:
            if tftp is not None:  # a thread cannot be cancelled, and it must not outlive the rebuild
                await asyncio.wait([tftp])
                other = None if tftp.cancelled() else tftp.exception()
                if other is not None and other is not exc:  # the DHCP error is raised; this one is logged
                    log.warning("tftp.stage_failed", error=str(other))
            raise
        if tftp is not None:
            await tftp  # the paths that swap nothing: its error, if any, is this rebuild's
        return result

    async def _tftp_stage(self, plant: Plant, full: bool, result: RebuildResult) -> None:
        timer = time.perf_counter()
        try:
            await asyncio.to_thread(self._tftp, plant, full, result)
        finally:
            result.durations["tftp"] = time.perf_counter() - timer

    def firmware_lines(self, firmware: str) -> list[str]:
        """NMS Prime's firmware lines for a configfile, with the CVC of ``fw/<firmware>`` (cached by stat)."""
        name = v.dhcp_string(firmware, max_length=200)  # lands in a quoted string: no quote or backslash
        path = self.config.tftp.dir / "fw" / name
        try:
            st = path.stat()
            cache_key = (str(path), st.st_mtime_ns, st.st_size)
        except OSError:
            cache_key = (str(path), -1, -1)
        if cache_key not in self.cvc_cache:
            self.cvc_cache[cache_key] = cvc_lines(path)
        return [
            f'SwUpgradeFilename "fw/{name}";',
            f'SnmpMibObject docsDevSwFilename.0 String "fw/{name}";',
            "SnmpMibObject docsDevSwAdminStatus.0 Integer 2;",
            *self.cvc_cache[cache_key],
        ]

    def _tftp(self, plant: Plant, full: bool, result: RebuildResult) -> None:
        """Build every device's config; write only what changed; keep a failing device's previous files."""
        tftp = self.config.tftp
        try:
            key = read_keyfile(tftp.key_path)
        except OSError as exc:
            raise ApplyError(f"cannot read the CMTS shared secret {tftp.key_path}: {exc.strerror}") from exc
        mta_hash = None if tftp.mta_hash == "none" else MtaHash(tftp.mta_hash)
        renderer = TftpRenderer(plant, TftpSettings(key, mta_hash), self._safe_firmware_lines)
        files = self.files
        counts = {"devices": 0, "encoded": 0, "written": 0, "removed": 0, "errors": 0}
        self.device_failures.begin()
        self.line_failures.begin()
        tftp.dir.mkdir(parents=True, exist_ok=True)
        with lock_directory(tftp.dir):
            try:
                # A periodic full check stats every file: find(1) does that in its own process while every device's
                # inputs are keyed here, so the keys are computed first, all of them.
                background = full and bool(files.manifest)
                files.begin(signatures=full, background=background)
                def prepare(record: Modem | Mta, chain: Chain) -> Device:
                    if isinstance(record, Modem):
                        return renderer.prepare_modem(record, chain)
                    return renderer.prepare_mta(record, chain)

                prepared: Iterable[tuple[str, Modem | Mta, Chain, Device]] = (
                    (kind, record, chain, prepare(record, chain))
                    for kind, items in (("cm", renderer.modems()), ("mta", renderer.mtas()))
                    for record, chain in items)
                if background:  # every key first, while find runs
                    prepared = list(prepared)
                for kind, record, chain, device in prepared:
                    self._tftp_device(renderer, kind, record, chain, device, full, counts, result)
                files.remove_unwanted()
                files.sync()
                self.device_failures.finish()
                counts["lines_dropped"] = self.line_failures.finish(unseen_recovered=True)
            except OSError as exc:  # a full disk, a read-only tree: this rebuild fails, the service goes on
                raise ApplyError(f"cannot write the TFTP tree {tftp.dir}: {exc}") from exc
            finally:
                files.settle()  # a writer process still running finishes before the lock is released
        counts["written"], counts["removed"] = len(files.written), len(files.removed)
        files.end()
        result.tftp = counts

    def _tftp_device(self, renderer: TftpRenderer, kind: str, record: Modem | Mta, chain: Chain, device: Device,
                     full: bool, counts: dict[str, int], result: RebuildResult) -> None:
        """One device: skipped if its inputs and files are as last written, else encoded and its files put."""
        files = self.files
        conf, cfg = f"{kind}/{device.name}.conf", f"{kind}/{device.name}.cfg"
        files.want(conf)
        files.want(cfg)
        counts["devices"] += 1
        # Same inputs as last time: nothing to encode. A full rebuild also checks both files on disk.
        if files.unchanged(conf, device.key, verify=full) and files.unchanged(cfg, device.key, verify=full):
            self.device_failures.passed((kind, device.id))
            self.line_failures.carry((kind, device.id))
            return
        counts["encoded"] += 1
        if isinstance(record, Modem):
            renderer.encode_modem(device, record, chain)
        else:
            renderer.encode_mta(device, record, chain)
        if device.error:
            counts["errors"] += 1
            files.keep(conf)
            files.keep(cfg)
            result.tftp_errors.append(f"{kind} {device.id}: {device.error}")
            self.device_failures.failed((kind, device.id), device.error, f"{kind} {device.id}",
                                        configfile=device.configfile_id)
            return
        self.device_failures.passed((kind, device.id))
        for configfile_id, line, column, reason in device.drops:
            self.line_failures.failed((kind, device.id, configfile_id, column), reason, f"{kind} {device.id}",
                                      line=line)
        files.put(conf, device.text, device.key, verify=full)
        files.put(cfg, device.data, device.key, verify=full)

    def _safe_firmware_lines(self, firmware: str) -> list[str]:
        try:
            return self.firmware_lines(firmware)
        except v.InvalidValue:
            # A firmware name that cannot be quoted safely: its lines are left out, and the encoder never sees it.
            log.warning("tftp.firmware_name_invalid", firmware=firmware)
            return []

    def _drop_guard(self, artifacts: list[Artifact], schema: Schema) -> None:
        """Refuse a set that loses more than ``max_drop`` of a class of live hosts or pools (a truncated replica), or
        all of a class whose table has vanished (a restore without a module's tables), judged against the live
        files so that ``--once`` and the service decide alike."""
        max_drop = self.config.service.max_drop
        live_paths = sorted(self.target.live_paths())
        for what, table, files, count, minimum in DROP_GUARDED:
            live = sum(count(self.target.live_bytes(name) or b"") for name in fnmatch.filter(live_paths, files))
            new = sum(count(a.data) for a in artifacts if fnmatch.fnmatch(a.path, files))
            if not live:
                continue
            if not schema.has_table(table):
                raise RefusedError(f"table {table} is gone from the database but the live files have {live} {what}; "
                                   "refused (start with --force to apply it)")
            if live >= minimum and new < live * (1 - max_drop):
                raise RefusedError(f"the new set has {new} {what}, the live one {live}: more than {max_drop:.0%} would "
                                   "go; refused (start with --force to apply it)")

    async def _apply(self, artifacts: list[Artifact], plant: Plant, tftp: asyncio.Task[None] | None,
                     allow_restart: bool, result: RebuildResult) -> None:
        """With the lock held: swap and restart a changed set (after ``dhcpd -t``), or finish a crashed run's."""
        plan = self.target.plan(artifacts)
        if plan.changed and not allow_restart:
            result.deferred = True
        elif plan.changed:
            timer = time.perf_counter()
            await self._check(artifacts, plant)
            result.durations["validate"] = time.perf_counter() - timer
            if tftp is not None:
                await tftp
            await self._swap_and_restart(plan, result)
        elif self.target.restart_pending() and allow_restart:
            # a run swapped this set in and died before restarting dhcpd: check the live set, restart now
            await self._check(artifacts, plant)
            await self._restart_pending(result)

    async def _check(self, artifacts: list[Artifact], plant: Plant) -> None:
        """``dhcpd -t`` on the set, staged and unstaged again."""
        try:
            await self.validate(self.target.stage(artifacts), artifacts, plant)
        finally:
            self.target.unstage()

    async def _restart_pending(self, result: RebuildResult) -> None:
        timer = time.perf_counter()
        restart = await self.restart()
        result.durations["restart"] = result.restart_seconds = time.perf_counter() - timer
        if not restart.ok:
            raise RestartError(f"dhcpd restart for the set a crashed run swapped in failed ({restart.describe()})",
                               restart.output, rolled_back=False)
        self.target.clear_restart_pending()
        result.restarted = True
        log.info("dhcp.pending_restart_done")

    async def _swap_and_restart(self, plan: Plan, result: RebuildResult) -> None:
        timer = time.perf_counter()
        self.target.mark_restart_pending()
        swapped = self.target.swap(plan)
        result.written, result.removed = swapped.written, swapped.removed
        result.durations["swap"] = time.perf_counter() - timer
        log.info("dhcp.swapped", written=swapped.written, removed=swapped.removed)

        timer = time.perf_counter()
        restart = await self.restart()
        result.durations["restart"] = result.restart_seconds = time.perf_counter() - timer
        if restart.ok:
            self.target.clear_restart_pending()
            result.restarted = True
            return
        log.error("dhcp.restart_failed", command=restart.describe(), output=restart.output.strip()[-2000:])
        restored = self.target.restore_previous()
        again = await self.restart()
        if again.ok:
            self.target.clear_restart_pending()
        log.warning("dhcp.rolled_back", restored=restored.written, removed=restored.removed,
                    restart_ok=again.ok)
        raise RestartError(
            f"dhcpd restart failed ({restart.describe()}); previous generation restored, "
            f"restart after rollback {'succeeded' if again.ok else 'failed too: ' + again.describe()}",
            restart.output,
        )


def _owner_maps(plant: Plant) -> tuple[dict[str, str], dict[tuple[int, str], int]]:
    """Host name → its row, and (gateway, network) → ippool id, for naming what a rejected line came from."""
    hosts = {m.hostname: f"modem {m.id}" for m in plant.modems}
    hosts.update({e.hostname: f"endpoint {e.id}" for e in plant.endpoints})
    hosts.update({f"mta-{t.id}": f"mta {t.id}" for t in plant.mtas})
    pools = {(p.gateway_id, f"{p.network.network_address}/{p.network.netmask}"): p.id for p in plant.pools}
    return hosts, pools


def _dhcpd_message(result: CommandResult) -> str:
    """dhcpd's error lines without its banner and its bug-report boilerplate."""
    lines = []
    for line in result.output.splitlines():
        if line.startswith(("If you think you have received", "Internet Systems Consortium", "Copyright",
                            "All rights reserved", "For info, please visit")):
            if line.startswith("If you think"):
                break
            continue
        lines.append(line)
    return "\n".join(lines).strip()
