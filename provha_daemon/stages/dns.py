"""The DNS stage: the slave's named-nmsprime.conf, the CPE DDNS script and its keys, and the dynamic zones' first
files; checked with ``named-checkconf -z``, put in place, ``rndc reload`` only when named's own files changed.

Three places: ``dns.dir`` (named's files, group named), ``dns.ddns_dir`` (the script and its key files, group dhcpd,
which runs it) and ``dns.zone_dir``, where a zone file is written only when there is none: after that named owns it
(and its journal), and nothing here ever rewrites it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from pathlib import Path

import structlog

from provha_daemon.apply import Ownership, Plan, Target, locked_together, restore_together, swap_together
from provha_daemon.artifact import Artifact
from provha_daemon.config import Config
from provha_daemon.errors import ApplyError, RejectedError
from provha_daemon.records import Plant
from provha_daemon.render.dns import CONF, MASTER_CONF, DnsRender, DnsSettings, render_dns
from provha_daemon.services import CommandResult
from provha_daemon.services import run as run_command
from provha_daemon.stages.base import Action, Run, Stage, installed
from provha_daemon.stages.dhcp import server_fqdn
from provha_daemon.zonesync import Node, ZoneSync
from provha_daemon.zonesync import Target as SyncTarget

log = structlog.get_logger("provha_daemon.stages.dns")

# rndc's words for "no named to tell" (it is stopped): it reads the files when it starts
_UNREACHABLE = ("connection refused", "connect failed")


class DnsStage(Stage):
    """named's configuration, the DDNS script, the zones' first files."""

    name = "dns"
    service = "named"
    activation = "reload"
    provbase = ("domain_name",)
    provha = ("slave_dns_password", "master_dns_password")

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        d = config.dns
        self.named = Target(d.dir, (CONF, MASTER_CONF), Ownership.for_group(d.named_group))
        self.ddns = Target(d.ddns_dir, ("named-ddns.sh", "ddns-own.key", "ddns-peer.key"), _dhcpd(config))
        self.rendered: DnsRender | None = None
        self.plans: list[tuple[Target, Plan]] = []
        self.swapped: list[Target] = []
        self.created: list[Path] = []  # zone files this run wrote (there were none)
        self.missing_logged = False
        # both nodes' zones kept equal between rebuilds (tend); its serials outlive a restart of the service
        self.sync = ZoneSync(config.service.state_file.parent / "zonesync.json")
        self.sync_trouble: str | None = None  # what the last pass could not reach, logged when it starts and ends

    @property
    def targets(self) -> tuple[Target, Target]:
        """named's files, then the DDNS script's."""
        return self.named, self.ddns

    def wanted(self, plant: Plant) -> bool:
        if not self.config.dns.enabled:
            return False
        # a slave without BIND serves no DNS: its DHCP and TFTP files must not wait for a validator it lacks
        if not installed(self.config.dns.named_checkconf):
            if not self.missing_logged:
                log.warning(
                    "dns.named_missing", named_checkconf=self.config.dns.named_checkconf, detail="DNS stage skipped"
                )
                self.missing_logged = True
            return False
        return True

    def adopt(self, previous: Stage) -> None:
        if isinstance(previous, DnsStage):
            self.sync, self.sync_trouble = previous.sync, previous.sync_trouble

    @classmethod
    def longest(cls, config: Config) -> float:
        # named-checkconf twice (this node's file and the master's copy), rndc, rndc again after a rollback
        return 4 * config.dns.timeout

    def settings(self, run: Run) -> DnsSettings:
        """Everything the renderer needs that is not a database row."""
        d, plant = self.config.dns, run.plant
        pair = run.roles.pair(plant.provha)
        provha = plant.provha
        return DnsSettings(
            own_ip=pair.own_ip,
            peer_ip=pair.peer_ip,
            own_secret=pair.own_dns_secret,
            peer_secret=provha.master_dns_password if provha else None,
            master_secret=provha.master_dns_password if provha else None,
            zone_dir=str(d.zone_dir),
            ns_name=d.ns_name or self.config.dhcp.server_fqdn or server_fqdn(plant.provbase.domain_name),
            port=d.port,
            nsupdate=d.nsupdate,
            cpe_key=str(d.cpe_key),
            log_file=str(d.log_file),
            ddns_dir=str(d.ddns_dir),
        )

    def render(self, run: Run) -> None:
        settings = self.settings(run)
        self.rendered = render_dns(run.plant, settings)
        d = self.config.dns
        if settings.own_secret and settings.peer_secret:
            domain = run.plant.provbase.domain_name
            self.sync.configure(
                SyncTarget(
                    tuple(z.name for z in self.rendered.zones),
                    # the slave's own named as its DDNS script reaches it; the master's at its address
                    Node("slave", "127.0.0.1", d.port, settings.own_secret),
                    Node("master", settings.peer_ip, d.port, settings.peer_secret),
                    d.sync_timeout,
                )
                if domain
                else None
            )
        else:
            self.sync.configure(None)  # no keys, no signed transfers or updates: each node keeps its own

    def _render(self) -> DnsRender:
        if self.rendered is None:
            raise RuntimeError("the DNS stage was not rendered")
        return self.rendered

    def _artifacts(self, target: Target) -> list[Artifact]:
        return self._render().named if target is self.named else self._render().ddns

    def _missing_zones(self) -> list[Artifact]:
        """The zone skeletons whose zone file does not exist yet."""
        return [a for a in self._render().skeletons if not (self.config.dns.zone_dir / a.path).exists()]

    def locked(self) -> contextlib.AbstractContextManager[None]:
        return locked_together(self.targets)

    def plan(self, run: Run) -> Action:
        self.plans = [(t, t.plan(self._artifacts(t))) for t in self.targets]
        if any(p.changed for _, p in self.plans) or self._missing_zones():
            return Action.SWAP
        # a run swapped named's files and died before the reload
        return Action.ACTIVATE if self.named.restart_pending() else Action.NONE

    async def validate(self, run: Run) -> None:
        timer = time.perf_counter()
        try:
            await self._named_checkconf(self.named.staging)
        finally:
            self.named.unstage()
        run.result.durations["dns_validate"] = time.perf_counter() - timer

    async def _named_checkconf(self, staging: Path) -> None:
        """``named-checkconf -z`` on this node's file and on the master's copy, each included from a wrapper as
        named.conf includes it, with every zone loaded from its skeleton (named's live zones are named's)."""
        rendered = self._render()
        d = self.config.dns
        zones = staging / ".zones"
        self.named.stage(rendered.named, staging)
        try:
            zones.mkdir()
            for skeleton in rendered.skeletons:
                (zones / skeleton.path).write_bytes(skeleton.data)
            for name in (CONF, MASTER_CONF):
                staged = staging / name
                staged.write_bytes(
                    staged.read_bytes().replace(f'file "{d.zone_dir}/'.encode(), f'file "{zones}/'.encode())
                )
                wrapper = staging / f".check-{name.replace('/', '-')}"
                wrapper.write_text(f'options {{ directory "{zones}"; }};\ninclude "{staged}";\n')
                result = await run_command([d.named_checkconf, "-z", str(wrapper)], d.timeout)
                if not result.ok:
                    output = result.output.replace(str(staged), str(d.dir / name)).replace(str(zones), str(d.zone_dir))
                    raise RejectedError(
                        f"named-checkconf rejected the staged {d.dir / name} ({result.describe()})", output
                    )
        except OSError as exc:
            raise ApplyError(f"cannot stage {staging}: {exc.strerror or exc}") from exc

    async def swap(self, run: Run) -> None:
        timer = time.perf_counter()
        self.named.mark_restart_pending()
        self.created = []
        # the script and its keys, and named's file, go in (or back) together
        self.swapped, done = swap_together(self.plans)
        run.result.written += done.written
        run.result.removed += done.removed
        for skeleton in self._missing_zones():
            path = self.config.dns.zone_dir / skeleton.path
            _create(path, skeleton.data, self.named.ownership, skeleton.mode)
            self.created.append(path)
            run.result.written.append(str(path))
        run.result.durations["dns_swap"] = time.perf_counter() - timer
        log.info(
            "dns.swapped",
            written=[str(t.directory) for t in self.swapped],
            zones_created=[str(p) for p in self.created],
        )

    async def activate(self, run: Run) -> CommandResult | None:
        """``rndc reload`` when named's files changed (or a zone file was created); the DDNS script needs none."""
        # after a crash or a rollback nothing is "swapped" and named must be told the live set again
        only_ddns = bool(self.swapped) and self.named not in self.swapped and not self.created
        if only_ddns:
            self.named.clear_restart_pending()
            return None
        d = self.config.dns
        timer = time.perf_counter()
        result = await run_command(d.reload_command, d.timeout)
        run.result.durations["dns_reload"] = time.perf_counter() - timer
        if not result.ok and any(m in result.output.lower() for m in _UNREACHABLE):
            # named is not running: it reads the files when it starts; the next rebuild reloads it
            log.warning("dns.named_unreachable", command=result.describe(), output=result.output.strip())
            return None
        if result.ok:
            self.named.clear_restart_pending()
        return result

    def rollback(self, run: Run) -> tuple[list[str], list[str]]:
        back, self.swapped = restore_together(self.swapped), []
        return back.written, back.removed

    async def dry_run(self, run: Run) -> str | None:
        with tempfile.TemporaryDirectory(prefix="provha-dry-run-") as tmp:
            await self._named_checkconf(Path(tmp) / "named")
        return "".join(t.diff(self._artifacts(t)) for t in self.targets)

    async def tend(self) -> None:
        """One zone sync pass (in a thread: zone transfers are blocking I/O); logs what it copied, and a node it
        cannot reach when that starts and when it ends."""
        done = await asyncio.to_thread(self.sync.run_pass)
        if done.copied:
            log.info(
                "dns.synced",
                to_master=done.to_master,
                to_slave=done.to_slave,
                conflicts=done.conflicts,
                zones=done.zones,
            )
        if done.unreachable != self.sync_trouble:
            if done.unreachable is not None:
                log.warning("dns.sync_waiting", error=done.unreachable, detail="each node keeps serving its own")
            else:
                log.info("dns.sync_resumed", copied=done.copied)
            self.sync_trouble = done.unreachable

    def release(self) -> None:
        self.rendered, self.plans, self.swapped, self.created = None, [], [], []


def _dhcpd(config: Config) -> Ownership:
    """The DDNS script's files belong to dhcpd's group: dhcpd runs the script, nsupdate reads the keys."""
    return Ownership.for_group(config.dhcp.file_group)


def _create(path: Path, data: bytes, owner: Ownership, mode: int) -> None:
    """Write ``path`` only if it does not exist (a hard link of a complete temp file: never a partial or a
    replaced zone), owned by named's group."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".provha-tmp.", dir=path.parent)
        try:
            os.write(fd, data)
            os.fchmod(fd, mode)
            with contextlib.suppress(PermissionError):
                os.fchown(fd, owner.uid, owner.gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # named (or an operator) made it meanwhile: theirs stays
        finally:
            Path(tmp).unlink()
    except OSError as exc:
        raise ApplyError(f"cannot create the zone file {path}: {exc.strerror or exc}") from exc
