"""The TFTP stage: every modem's and MTA's config, encoded from its configfile chain, written when it changed.

Files are put one by one (temp + rename) by the writer process; a device whose config fails keeps its previous
files and is named. There is no service to activate: tftpd serves each file as it is on disk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import structlog

from provha_daemon import validation as v
from provha_daemon.apply import FileSet, Ownership, lock_directory
from provha_daemon.config import Config
from provha_daemon.cvc import cvc_lines
from provha_daemon.docsis import MtaHash, read_keyfile
from provha_daemon.errors import ApplyError
from provha_daemon.failures import TFTP_DEVICE, TFTP_LINE, Failures
from provha_daemon.records import Modem, Mta, Plant
from provha_daemon.render.tftp import Chain, Device, TftpRenderer, TftpSettings
from provha_daemon.stages.base import Action, RebuildResult, Run, Stage

log = structlog.get_logger("provha_daemon.stages.tftp")

MANAGED = ("cm/*.conf", "cm/*.cfg", "mta/*.conf", "mta/*.cfg")


class TftpStage(Stage):
    """The TFTP tree's ``cm/`` and ``mta/`` configs (text ``.conf`` and binary ``.cfg``)."""

    name = "tftp"
    service = "tftpd"
    provbase = ("max_cpe",)

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.files = FileSet(config.tftp.dir, MANAGED, Ownership.for_group(None), config.tftp.file_mode)
        self.cvc_cache: dict[tuple[str, int, int], list[str]] = {}
        # what failed in the last rebuild: a repeating failure is logged when it starts, changes or ends
        self.device_failures = Failures(TFTP_DEVICE)
        self.line_failures = Failures(TFTP_LINE)

    def wanted(self, plant: Plant) -> bool:
        return plant.tftp is not None

    def adopt(self, previous: Stage) -> None:
        """Keep what the previous stage knows of the TFTP tree: with the same tree, owner and mode its manifest
        stays true, so the next full check stats files instead of reading them all back. Device keys include the
        shared secret and hash settings, so a changed one still re-encodes."""
        if not isinstance(previous, TftpStage):
            return
        old, new = previous.files, self.files
        if (old.directory, old.managed, old.ownership, old.mode) == (
            new.directory,
            new.managed,
            new.ownership,
            new.mode,
        ):
            self.files = old
            self.cvc_cache = previous.cvc_cache
        self.device_failures, self.line_failures = previous.device_failures, previous.line_failures

    def render(self, run: Run) -> None:
        """Nothing ahead: each device is keyed, encoded and written in one pass by ``swap`` (100k configs are
        never all held in memory)."""

    def plan(self, run: Run) -> Action:
        return Action.SWAP  # which devices changed is known only per device, in ``swap``

    async def swap(self, run: Run) -> None:
        # A thread, mostly Python: it runs while dhcpd -t (its own process) checks the DHCP set.
        timer = time.perf_counter()
        try:
            await asyncio.to_thread(self.write, run.plant, run.full, run.result)
        finally:
            run.result.durations["tftp"] = time.perf_counter() - timer

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

    def safe_firmware_lines(self, firmware: str) -> list[str]:
        """``firmware_lines``, or none for a firmware name that cannot be quoted safely (logged)."""
        try:
            return self.firmware_lines(firmware)
        except v.InvalidValue:
            # its lines are left out, and the encoder never sees the name
            log.warning("tftp.firmware_name_invalid", firmware=firmware)
            return []

    def renderer(self, plant: Plant) -> TftpRenderer:
        """The renderer a rebuild encodes the plant's devices with (the CMTS secret read now)."""
        tftp = self.config.tftp
        try:
            key = read_keyfile(tftp.key_path)
        except OSError as exc:
            raise ApplyError(f"cannot read the CMTS shared secret {tftp.key_path}: {exc.strerror}") from exc
        mta_hash = None if tftp.mta_hash == "none" else MtaHash(tftp.mta_hash)
        return TftpRenderer(plant, TftpSettings(key, mta_hash), self.safe_firmware_lines)

    def write(self, plant: Plant, full: bool, result: RebuildResult) -> None:
        """Build every device's config; write only what changed; keep a failing device's previous files."""
        tftp = self.config.tftp
        renderer = self.renderer(plant)
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
                    for record, chain in items
                )
                if background:  # every key first, while find runs
                    prepared = list(prepared)
                for kind, record, chain, device in prepared:
                    self._device(renderer, kind, record, chain, device, full, counts, result)
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

    def _device(
        self,
        renderer: TftpRenderer,
        kind: str,
        record: Modem | Mta,
        chain: Chain,
        device: Device,
        full: bool,
        counts: dict[str, int],
        result: RebuildResult,
    ) -> None:
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
            self.device_failures.failed(
                (kind, device.id), device.error, f"{kind} {device.id}", configfile=device.configfile_id
            )
            return
        self.device_failures.passed((kind, device.id))
        for configfile_id, line, column, reason in device.drops:
            self.line_failures.failed(
                (kind, device.id, configfile_id, column), reason, f"{kind} {device.id}", line=line
            )
        files.put(conf, device.text, device.key, verify=full)
        files.put(cfg, device.data, device.key, verify=full)
