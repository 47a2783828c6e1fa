"""Every cable modem's and MTA's DOCSIS config file, built in-process as NMS Prime builds them with ``docsis``.

For each configfile chain (a configfile and its parents) the rows are classified once: *static* (encoded once) or
*dynamic* (``{table.column.N}`` placeholders and NMS Prime's ``{a,*,b}``-style expressions, filled per device by
``render.rows``, each value one token). A compiled ``docsis.Template`` of the whole ``Main { … }`` text, a slot
per dynamic row and NMS Prime's line rule as its drop rule (``compile_nms_template``), encodes each device; the
``.conf`` text beside each ``.cfg`` is assembled from the same rows, in NMS Prime's layout.
Pure: plant and settings in, ``Device`` results out; writing is ``apply.FileSet``'s job.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from provha_daemon import configtext as ct
from provha_daemon.docsis import DocsisError, MtaHash, Template, compile_template
from provha_daemon.docsis.keywords import Keyword
from provha_daemon.docsis.parser import Item
from provha_daemon.docsis.template import PLACEHOLDER
from provha_daemon.records import SEPARATOR, ConfigFile, Modem, Mta, Plant, modem_access
from provha_daemon.render.rows import SIMPLE, Dropped, Filled, fill_row, normalise

# NMS Prime's stand-in QoS for a modem without one whose configfile has no parent (VoIP-only test rate).
TEST_QOS: dict[str, object] = {"id": 0, "ds_rate_max_help": 250000, "us_rate_max_help": 250000}

FirmwareLines = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class TftpSettings:
    """What the TFTP configs need beyond the database."""

    key: bytes  # the CMTS shared secret (keyfile), for the CMTS MIC
    mta_hash: MtaHash | None = MtaHash.EU


@dataclass(frozen=True, slots=True)
class _Row:
    """One line of a chain: its kind, text, the placeholders it names and where it came from."""

    kind: str  # "static" (no brace group) | "dynamic" (placeholders or an expression: filled per device)
    text: str
    names: tuple[str, ...]
    origin: tuple[int, int]  # (configfile id, line in that configfile's text; 0 for extension lines)
    child: bool = False  # from a configfile with a parent: NMS Prime gives it no stand-in QoS


@dataclass(slots=True)
class Chain:
    """A configfile and its parents, compiled once per rebuild for every device that uses it."""

    configfile_id: int
    device: str
    rows: list[_Row]
    template: Template | None
    error: DocsisError | None
    lines: dict[int, tuple[int, int]]  # template line -> (configfile id, line)
    digest: bytes = b""
    names: frozenset[str] = frozenset()  # every placeholder the chain's rows name
    parts: dict[int, tuple[int, int]] = field(default_factory=dict)  # dynamic row -> (template lines, first line)
    blocks: dict[str, Keyword] = field(default_factory=dict)  # slot name -> the block its row stands in
    filled: dict[tuple[object, ...], Filled | Dropped | None] = field(default_factory=dict)  # per row and values


@dataclass(slots=True)
class Device:
    """One device's files, or the error that keeps its previous files in place."""

    kind: str  # "cm" | "mta"
    id: int
    name: str  # file name without extension, the one DHCP's filename gives
    configfile_id: int
    key: int  # hash of every input: equal keys, equal files
    text: bytes = b""
    data: bytes = b""
    error: str = ""
    drops: tuple[tuple[int, int, str, str], ...] = ()  # rows dropped for a value: configfile, line, column, why


def chain_of(configfiles: Mapping[int, ConfigFile], configfile_id: int) -> list[ConfigFile]:
    """The configfile and its parents, child first (a loop in parent_id ends the chain)."""
    chain: list[ConfigFile] = []
    seen: set[int] = set()
    current: int | None = configfile_id
    while current is not None and current in configfiles and current not in seen:
        seen.add(current)
        chain.append(configfiles[current])
        current = configfiles[current].parent_id
    return chain


def compile_nms_template(text: str) -> Template:
    """``text`` compiled with NMS Prime's line rule (``Configfile::__text_make``) as the template's drop rule.

    ``{…}`` placeholders are filled per device, and a line that still holds a ``{…}`` group once filled is dropped
    (``configtext.unresolved``): a placeholder without a value, a value with braces, or a brace group that is not a
    placeholder (``Main { NetworkAccess 1; }`` on one line). A line of the last kind is dropped for every device,
    so it is blanked here (line numbers stay) rather than filled per device.
    """
    rows = ("" if ct.unresolved(PLACEHOLDER.sub("", row)) else row for row in text.split("\n"))
    return compile_template("\n".join(rows), ct.unresolved)


def _classify(configfile: ConfigFile, number: int, row: str) -> _Row:
    if not ct.unresolved(row):
        return _Row("static", row, (), (configfile.id, number), bool(configfile.parent_id))
    names = tuple(m.group(1) for m in SIMPLE.finditer(row))
    return _Row("dynamic", row, names, (configfile.id, number), bool(configfile.parent_id))


def compile_chain(
    configfiles: Mapping[int, ConfigFile], configfile_id: int, firmware: FirmwareLines, mta: bool
) -> Chain:
    """The rows of a chain and its compiled template (or the compile error, naming configfile and line)."""
    rows: list[_Row] = []
    software_upgrade = False
    members = chain_of(configfiles, configfile_id)
    for configfile in members:
        for number, line in enumerate(configfile.text.split("\n"), start=1):
            rows.append(_classify(configfile, number, line))
        if configfile.firmware and not software_upgrade and not mta:
            rows.extend(_Row("static", line, (), (configfile.id, 0)) for line in firmware(configfile.firmware))
        # NMS Prime keeps only the child's software upgrade statement.
        software_upgrade = software_upgrade or any('SwUpgradeFilename "fw/' in r.text for r in rows)
    device = members[0].device if members else ("mta" if mta else "cm")
    chain = Chain(configfile_id, device, rows, None, None, {})
    skeleton = (
        ["Main", "{", "\tMtaConfigDelimiter 1;"]
        if mta
        else ["Main", "{", "\tNetworkAccess {head.access.0};", "\tMaxCPE {head.maxcpe.0};", "{head.cpemac.0}"]
    )
    for index, row in enumerate(rows):
        # NMS Prime splits rows at LF only; the CRs of CR LF or lone CR line ends are line breaks for the tool
        count = normalise(row.text).count("\n") + 1
        if row.kind != "static":
            chain.parts[index] = (count, len(skeleton) + 1)
        for part, text in enumerate(normalise(row.text).split("\n")):
            chain.lines[len(skeleton) + 1] = row.origin
            skeleton.append(f"\t{text}" if row.kind == "static" else f"{{row.{index}.{part}}}")
    skeleton += ["\tMtaConfigDelimiter 255;", "}"] if mta else ["}"]
    digest = hashlib.blake2b(digest_size=16)
    for row in rows:
        digest.update(f"{row.kind}\0{row.text}\0".encode())
    chain.digest = digest.digest()
    chain.names = frozenset(name for row in rows for name in row.names)
    try:
        chain.template = compile_nms_template("\n".join(skeleton))
        chain.blocks = chain.template.slot_blocks()
    except DocsisError as exc:
        chain.error = exc
    return chain


def _origin(chain: Chain, exc: DocsisError) -> str:
    configfile_id, line = chain.lines.get(exc.line or -1, (chain.configfile_id, 0))
    where = f"configfile {configfile_id} line {line}" if line else f"configfile {configfile_id}"
    return f"{where}: {exc.message}"


_AVM = re.compile(r"SnmpMibObject .*?.872.1.4.3.1.5.[\d] String")  # NMS Prime's test for an AVM FritzBox text
_FILLED_CACHE = 16384  # filled rows remembered per chain (per-device values like a street do not repeat)


@dataclass(slots=True)
class _Assembly:
    """One device's rows: the .conf lines, the template's slot texts and ready items, the rows dropped."""

    rows: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)
    given: dict[str, list[Item]] = field(default_factory=dict)
    drops: list[tuple[int, int, str, str]] = field(default_factory=list)


def _assemble(
    chain: Chain, values: Mapping[str, str], other: tuple[Callable[[_Row], bool], Mapping[str, str]] | None = None
) -> _Assembly:
    """The rows NMS Prime keeps for one device, each value one token (``render.rows``); raises ``TextError``
    (naming configfile and line) where NMS Prime's PHP aborts, ``DocsisError`` for a template error.

    NMS Prime fills each configfile of the chain on its own: ``other`` is (which rows, their values) where a
    configfile gets other values than the rest (a child without the stand-in QoS, an AVM configfile's lines).
    """
    out = _Assembly()
    for index, row in enumerate(chain.rows):
        if row.kind == "static":
            out.rows.append(normalise(row.text))
            continue
        row_values = other[1] if other is not None and other[0](row) else values
        count, line = chain.parts[index]
        key = (index, *(row_values.get(name) for name in row.names))
        if key in chain.filled:
            filled = chain.filled[key]
        else:
            try:
                filled = fill_row(row.text, row_values, chain.blocks.get(f"row.{index}.0"), line)
            except ct.TextError as exc:
                configfile_id, number = row.origin
                raise ct.TextError(f"configfile {configfile_id} line {number}: {exc}") from None
            if len(chain.filled) >= _FILLED_CACHE:
                chain.filled.clear()
            chain.filled[key] = filled
        if filled is None:
            continue
        if isinstance(filled, Dropped):
            configfile_id, number = row.origin
            out.drops.append((configfile_id, number, filled.column, filled.reason))
            shown = normalise(row.text).replace("*/", "* /").replace("\n", " ")
            out.rows.append(f"/* dropped: {filled.column} {filled.reason}: {shown} */")
            continue
        out.rows.append(filled.text)
        parts = filled.text.split("\n")
        for part in range(count):
            name = f"row.{index}.{part}"
            out.slots[name] = parts[part] if part < len(parts) and part < count - 1 else " ".join(parts[part:])
            if filled.items is not None:
                out.given[name] = filled.items if part == 0 else []
    return out


def _assembled(
    device: Device,
    chain: Chain,
    values: Mapping[str, str],
    other: tuple[Callable[[_Row], bool], Mapping[str, str]] | None,
) -> _Assembly | None:
    """``_assemble``, or None with the device's error set."""
    try:
        return _assemble(chain, values, other)
    except ct.TextError as exc:  # where NMS Prime's PHP aborts the whole config
        device.error = str(exc)
    except DocsisError as exc:
        device.error = _origin(chain, exc)
    return None


def _is_child(row: _Row) -> bool:
    return row.child


def _table(prefix: str, row: Mapping[str, object], index: int = 0) -> dict[str, str]:
    return {f"{prefix}.{column}.{index}": ct.php_string(value) for column, value in row.items()}


class TftpRenderer:
    """Builds device configs for one plant; chains are compiled once and shared by their devices."""

    def __init__(self, plant: Plant, settings: TftpSettings, firmware: FirmwareLines) -> None:
        if plant.tftp is None:
            raise ValueError("the plant was loaded without TFTP inputs")
        self.plant = plant
        self.inputs = plant.tftp
        self.settings = settings
        self.firmware = firmware
        self.chains: dict[tuple[int, bool], Chain] = {}
        provbase = _table("provbase", self.inputs.provbase)
        self.qos_values = {qos_id: {**provbase, **_table("qos", row)} for qos_id, row in self.inputs.qos.items()}
        self.provbase_values = provbase
        # NMS Prime's stand-in QoS is a fresh model: every other qos column prints as "".
        test_qos = {column: None for row in self.inputs.qos.values() for column in row}
        self.test_qos_values = {**provbase, **_table("qos", {**test_qos, **TEST_QOS})}
        self.key_digest = hashlib.blake2b(settings.key + repr(settings.mta_hash).encode(), digest_size=16).digest()
        self.modem_names = tuple(f"modem.{column}.0" for column in self.inputs.modem_columns)
        self._shared_keys: dict[tuple[int, int], int] = {}
        self._mta_shared_keys: dict[int, int] = {}
        self._avm_chains: dict[int, frozenset[int]] = {}
        self.mtas_of: dict[int, list[Mta]] = {}
        for mta_row in plant.mtas:
            if mta_row.modem_id is not None:
                self.mtas_of.setdefault(mta_row.modem_id, []).append(mta_row)

    def chain(self, configfile_id: int, mta: bool) -> Chain:
        """The compiled chain for a configfile."""
        key = (configfile_id, mta)
        if key not in self.chains:
            self.chains[key] = compile_chain(self.inputs.configfiles, configfile_id, self.firmware, mta)
        return self.chains[key]

    def modems(self) -> Iterator[tuple[Modem, Chain]]:
        """The modems that get a config: a live configfile of device cm."""
        configfiles = self.inputs.configfiles
        for modem in self.plant.modems:
            cf = configfiles.get(modem.configfile_id or 0)
            if cf is not None and cf.device == "cm":
                yield modem, self.chain(cf.id, False)

    def mtas(self) -> Iterator[tuple[Mta, Chain]]:
        """The MTAs that get a config: a live configfile of device mta."""
        configfiles = self.inputs.configfiles
        for mta_row in self.plant.mtas:
            cf = configfiles.get(mta_row.configfile_id or 0)
            if cf is not None and cf.device == "mta":
                yield mta_row, self.chain(cf.id, True)

    def modem_values(self, modem: Modem, chain: Chain) -> dict[str, str] | None:
        """Every placeholder value of one modem, in NMS Prime's precedence (options over columns).

        None when the modem's template columns cannot be told apart (a value holds the packing separator).
        """
        qos_row = self.qos_values.get(modem.qos_id or 0)
        # Without a QoS NMS Prime fills a VoIP-only test rate, for configfiles without a parent only (_assemble).
        shared = qos_row if qos_row is not None else self.test_qos_values
        own: dict[str, str] = {}
        if self.modem_names:
            fields = modem.columns.split(SEPARATOR)
            if len(fields) != len(self.modem_names):
                return None
            own = dict(zip(self.modem_names, fields, strict=True))
        for key, value in self.inputs.modem_options.get(modem.id, {}).items():
            own[f"modem.{key}.0"] = value  # options over columns
        # Only what the chain names, looked up rather than merged: the shared qos + provbase values are dozens of
        # entries, a chain names a handful.
        values: dict[str, str] = {}
        for name in chain.names:
            found = own.get(name)
            if found is None:
                found = shared.get(name)
            if found is not None:
                values[name] = found
        return values

    def _shared_key(self, chain: Chain, qos_id: int | None) -> int:
        """A hash of the qos and provbase values the chain names, once per (chain, qos row)."""
        cache_key = (chain.configfile_id, qos_id or 0)
        found = self._shared_keys.get(cache_key)
        if found is None:
            shared = self.qos_values.get(qos_id or 0, self.test_qos_values)
            found = self._shared_keys[cache_key] = hash(tuple((n, shared.get(n)) for n in sorted(chain.names)))
        return found

    def prepare_modem(self, modem: Modem, chain: Chain) -> Device:
        """The modem's device record with the hash of everything its files depend on; nothing encoded yet.

        The hash takes the rows themselves (the modem with its packed template columns, contract, MTAs, options)
        rather than the filled values: keying all 100k modems of a periodic check is then about a microsecond each.
        """
        options = self.inputs.modem_options.get(modem.id)
        key = hash(
            (
                chain.digest,
                self.key_digest,
                self._shared_key(chain, modem.qos_id),
                modem,
                self.plant.contracts.get(modem.contract_id or 0),
                tuple(self.mtas_of.get(modem.id, ())),
                tuple(sorted(options.items())) if options else None,
            )
        )
        return Device("cm", modem.id, modem.hostname, chain.configfile_id, key)

    def encode_modem(self, device: Device, modem: Modem, chain: Chain) -> Device:
        """Assemble and encode one modem."""
        mtas = self.mtas_of.get(modem.id, [])
        contract = self.plant.contracts.get(modem.contract_id or 0)
        if chain.template is None:
            device.error = _origin(chain, chain.error) if chain.error else "no template"
            return device
        found = self.modem_values(modem, chain)
        if found is None:
            device.error = "a modem value a template names holds the control character U+001F"
            return device
        access, max_cpe = modem_access(modem, contract, len(mtas), self.plant.provbase.max_cpe)
        # NMS Prime's stand-in QoS of a modem without one only fills configfiles without a parent
        other = None
        if self.qos_values.get(modem.qos_id or 0) is None and any(row.child for row in chain.rows):
            other = (_is_child, {k: v for k, v in found.items() if not k.startswith("qos.")})
        assembly = _assembled(device, chain, found, other)
        if assembly is None:
            return device
        text = "\n\t".join(["", *assembly.rows]) if assembly.rows else ""
        macs = [m.mac for m in mtas if m.mac]
        head = ct.modem_settings(access, max_cpe, macs, text)
        device.text = ct.wrap_modem(head, text).encode("utf-8", "surrogateescape")
        device.drops = tuple(assembly.drops)
        values = {**assembly.slots, "head.access.0": "1" if access else "0"}
        if "\tMaxCPE " in head:
            values["head.maxcpe.0"] = str(max_cpe)
        if "CpeMacAddress" in head:
            values["head.cpemac.0"] = "".join(f"\tCpeMacAddress {mac};" for mac in macs)
        try:
            device.data = chain.template.encode(values, self.settings.key, given=assembly.given)
        except DocsisError as exc:
            device.error = _origin(chain, exc)
        return device

    def mta_values(self, mta_row: Mta, chain: Chain, *, avm: bool = False) -> dict[str, str]:
        """Every placeholder value of one MTA: provbase, its mta row, its phone numbers by port; ``avm`` for the
        configfiles that configure an AVM FritzBox's lines, where NMS Prime disables an inactive number."""
        values = dict(self.provbase_values)
        values.update(_table("mta", self.inputs.mtas.get(mta_row.id, {})))
        for port, phone in self.inputs.phonenumbers.get(mta_row.id, {}).items():
            row = dict(phone)
            if not row.get("active"):
                row["active"] = 2
                if avm:  # NMS Prime disables an AVM FritzBox line by giving it a wrong password
                    row["password"] = "deactivated number"  # noqa: S105 -- NMS Prime's marker, not a secret
            values.update(_table("phonenumber", row, port))
        return {name: values[name] for name in chain.names if name in values}

    def _avm(self, chain: Chain) -> frozenset[int]:
        """The configfiles of the chain that configure an AVM FritzBox's lines (NMS Prime decides per configfile)."""
        found = self._avm_chains.get(chain.configfile_id)
        if found is None:
            found = self._avm_chains[chain.configfile_id] = frozenset(
                r.origin[0] for r in chain.rows if _AVM.search(r.text)
            )
        return found

    def prepare_mta(self, mta_row: Mta, chain: Chain) -> Device:
        """The MTA's device record with the hash of its rows (mta, phone numbers) and the provbase values its
        chain names; nothing encoded yet."""
        shared = self._mta_shared_keys.get(chain.configfile_id)
        if shared is None:
            shared = self._mta_shared_keys[chain.configfile_id] = hash(
                tuple((n, self.provbase_values.get(n)) for n in sorted(chain.names))
            )
        row = self.inputs.mtas.get(mta_row.id)
        phones = self.inputs.phonenumbers.get(mta_row.id)
        key = hash(
            (
                chain.digest,
                self.key_digest,
                shared,
                mta_row,
                tuple(row.items()) if row else None,
                tuple((port, tuple(p.items())) for port, p in phones.items()) if phones else None,
            )
        )
        return Device("mta", mta_row.id, mta_row.hostname, chain.configfile_id, key)

    def encode_mta(self, device: Device, mta_row: Mta, chain: Chain) -> Device:
        """Assemble and encode one MTA."""
        if chain.template is None:
            device.error = _origin(chain, chain.error) if chain.error else "no template"
            return device
        values = self.mta_values(mta_row, chain)
        avm = self._avm(chain)
        other = None
        if avm:
            other = (lambda row: row.origin[0] in avm, self.mta_values(mta_row, chain, avm=True))
        assembly = _assembled(device, chain, values, other)
        if assembly is None:
            return device
        rows = assembly.rows
        device.text = ct.wrap_mta("\n\t".join(["", *rows]) if rows else "").encode("utf-8", "surrogateescape")
        device.drops = tuple(assembly.drops)
        try:
            device.data = chain.template.encode(
                assembly.slots, None, mta=True, mta_hash=self.settings.mta_hash, given=assembly.given
            )
        except DocsisError as exc:
            device.error = _origin(chain, exc)
        return device
