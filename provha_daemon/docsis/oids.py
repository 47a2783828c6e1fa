"""OIDs as the classic docsis tool resolves them: net-snmp 5.9.3's lookup over the MIB tree it is installed with.

The tree is data (``oids.tsv``, written by ``scripts/gen-docsis-oids`` from net-snmp's standard MIB set and the
tool's DOCSIS/PacketCable MIBs; its header names the modules and commits). It is read on the first OID (numeric ones
too: net-snmp checks their table indexes against the MIBs as well), never at import.

What the tool does, and so what ``resolve`` does (``snmplib/mib.c``):

* ``SnmpMibObject`` tries ``get_node`` (the first name anywhere in the tree, then the rest below it:
  ``sysContact.0``, ``system.sysContact.0``) and then ``read_objid`` (a path from the root: ``.1.3.6.1.2.1.1.4.0``,
  ``iso.3.6.1.2.1.1.4.0``, ``iso.org.dod.internet.mgmt.mib-2.system.sysContact.0``). ``SnmpWriteControl``,
  ``ObjectID`` values and the OID keywords use ``read_objid`` alone (``rooted=True``).
* After a column come its table's INDEX objects, each as its type allows: a number or an enumeration label for an
  integer, four numbers for an IpAddress, and for a string ``"text"`` (a variable-length one, written with its
  length), ``'text'`` (an IMPLIED or fixed-SIZE one, written without), or the numbers themselves (a
  variable-length one's length first). The string must fit the index object's SIZE; a DISPLAY-HINT such as
  MacAddress's ``1x:`` is used to read it (``'00:11:22:33:44:55'``). After the indexes any numbers and quoted
  strings are appended as they stand.
* A name defined at different OIDs in several modules resolves to the one net-snmp hashed last, the module loaded
  last (``pktcSigDevCodecType`` of PKTC-IETF-SIG-MIB, mib-2.169, not PKTC-SIG-MIB's); names are case-sensitive.
* The token must be what the tool's lexer reads as one OID (``T_LABEL_OID``): at least two dot-separated parts,
  the last one plain letters and digits or a quoted string of ``A-Za-z0-9,:_-.`` (``@[]`` too in single quotes).

The tool's last resorts after both lookups fail, a path relative to ``mib-2`` (``1.sysContact.0``) and a
regular-expression search over all names, never succeed: each runs with the OID length the failed lookup before it
left behind, too short for any result (the tool's ``name_len``). So they are not done here either. ``MODULE::name``
never reaches the tool's lookup (its lexer splits it) and is refused.

``size_limits`` gives the SIZE (or range) net-snmp keeps for the deepest MIB node of an OID, which the tool checks a
String or HexString value's length against, whatever the object's type. ``name_of`` prints an OID as the tool's
decoder does (the deepest name, then the INDEX objects spelled out), ``enum_label`` the label it adds as a comment;
with ``-o`` the tool loads only net-snmp's default MIB list, so numeric decodes show labels only from those modules.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

MAX_ARCS = 128  # net-snmp's MAX_OID_LEN
MAX_ARC = 0xFFFFFFFF  # SNMP sub-identifiers are 32-bit


def table_path() -> Path:
    """The shipped table (pathlib is imported here, not when the package is)."""
    from pathlib import Path

    return Path(__file__).with_name("oids.tsv")


_INTEGERS = frozenset({"INTEGER", "INTEGER32", "UINTEGER", "UNSIGNED32", "TIMETICKS"})
_SIGNED = frozenset({"INTEGER", "INTEGER32"})
_PRINTED_INTEGERS = frozenset({"INTEGER", "INTEGER32", "UINTEGER", "UNSIGNED32", "GAUGE"})

# The tool's T_LABEL_OID (docsis_lex.l), its three rules: names and numbers; a single-quoted last part; double
# quotes anywhere after the first dot (the rule's ``("?[…]+"?)+`` is written here without nested repetition). A token
# that also matches T_IP or T_IP_LIST is lexed as that instead.
_LABEL_OID = (
    r"\.*(?:[A-Za-z0-9_-]+\.)+[A-Za-z0-9]+",
    r"\.*(?:[A-Za-z0-9_-]+\.)+'[\[A-Za-z0-9@,:_\-.\]]+'",
    r"\.*[A-Za-z0-9_-]+\.(?=[A-Za-z0-9,:_\-.\"]*[A-Za-z0-9,:_\-.])[A-Za-z0-9,:_\-.\"]+",
)
_IP_LIKE = r"(?:[0-9]+\.){3}[0-9]+(?:,(?:[0-9]+\.){3}[0-9]+)*"
_ROOT_LABELS = frozenset({"iso", "ccitt", "joint-iso-ccitt"})


class OidError(ValueError):
    """An OID text that cannot be resolved; the message says why and names the offending part."""


class Node:
    """One MIB tree node, with what net-snmp keeps of its definition (a plain class: nothing to build at import)."""

    __slots__ = (
        "arcs",
        "augments",
        "default",
        "enums",
        "full",
        "hint",
        "indexes",
        "inet",
        "label",
        "modules",
        "primary",
        "ranges",
        "tc",
        "type",
    )

    def __init__(self, fields: list[str]) -> None:
        oid, self.label, self.modules, self.type, ranges, enums, self.hint, self.tc, index, self.augments, flags = (
            fields
        )
        self.arcs: tuple[int, ...] = tuple(map(int, oid.split(".")))
        self.ranges: tuple[tuple[int, int], ...] | None = _ranges(ranges)  # SIZE or value ranges, as C ints
        self.enums: tuple[tuple[str, int], ...] | None = _enums(enums)
        self.indexes: tuple[tuple[bool, str], ...] | None = None  # (IMPLIED, object name)
        if index:
            self.indexes = tuple((name.startswith("*"), name.lstrip("*")) for name in index.split(","))
        self.primary = "P" in flags  # the node numeric walks and decodes use at its OID
        self.default = "D" in flags  # what the default MIB list (-o) has at its OID
        self.inet = "I" in flags  # an InetAddress whose next peer is an InetAddressType: printed as an address
        self.full = "X" not in flags  # False: a node of the -o tree only

    def __repr__(self) -> str:
        return f"Node({self.label}, {'.'.join(map(str, self.arcs))}, {self.type})"


class _Tree:
    """One loaded MIB tree: the indexes net-snmp's lookups need."""

    __slots__ = ("by_label", "child_labels", "primary")

    def __init__(self) -> None:
        self.by_label: dict[str, Node] = {}  # the node find_tree_node returns
        self.primary: dict[tuple[int, ...], Node] = {}
        self.child_labels: dict[tuple[int, ...], dict[str, int]] = {}  # parent OID → child name → sub-identifier


_trees: tuple[_Tree, _Tree] | None = None


def _ranges(text: str) -> tuple[tuple[int, int], ...] | None:
    if not text:
        return None
    return tuple((int(lo), int(hi)) for lo, _, hi in (part.partition("..") for part in text.split("|")))


def _enums(text: str) -> tuple[tuple[str, int], ...] | None:
    if not text:
        return None
    return tuple((label, int(value.rstrip(")"))) for label, _, value in (w.partition("(") for w in text.split(" ")))


def _add(tree: _Tree, node: Node, *, primary: bool) -> None:
    tree.by_label[node.label] = node  # rows are in hash order: the last of a name is the one net-snmp finds
    if primary:
        tree.primary[node.arcs] = node
    tree.child_labels.setdefault(node.arcs[:-1], {}).setdefault(node.label, node.arcs[-1])


def _load() -> tuple[_Tree, _Tree]:
    """The MIB trees of ``MIBS=ALL`` and of the default list (``-o``), read from ``oids.tsv`` once."""
    global _trees  # loaded lazily, once per process
    if _trees is not None:
        return _trees
    full, default = _Tree(), _Tree()
    with table_path().open(encoding="utf-8") as table:
        for line in table:
            if line.startswith(("#", "oid\t")):
                continue
            node = Node(line.rstrip("\n").split("\t"))
            if node.full:
                _add(full, node, primary=node.primary)
            if node.default:
                _add(default, node, primary=True)
    _trees = (full, default)
    return _trees


def load() -> _Tree:
    """The MIB tree the tool resolves and decodes names in (read from ``oids.tsv`` on first use)."""
    return _load()[0]


class _Bad(Exception):
    """A lookup that failed; ``args[0]`` says where."""


_STRTOUL = r"[ \t\n\v\f\r]*([+-]?)(0[xX](?=[0-9A-Fa-f])[0-9A-Fa-f]+|0[0-7]*|[1-9][0-9]*)"
_ULONG = 1 << 64


def _c_strtoul(text: str) -> tuple[int, bool]:
    """C ``strtoul(text, &end, 0)`` on 64 bits: (value, whether it read all of ``text``)."""
    m = re.match(_STRTOUL, text)
    if m is None:
        return 0, not text
    sign, digits = m.groups()
    base = 16 if digits[1:2] in ("x", "X") else 8 if digits.startswith("0") else 10
    value = min(int(digits, base), _ULONG - 1)
    if sign == "-":
        value = (_ULONG - value) % _ULONG
    return value, m.end() == len(text)


def _strtoul(text: str, what: str = "") -> int:
    """``_c_strtoul`` where net-snmp refuses what is not all number."""
    value, whole = _c_strtoul(text)
    if not whole:
        raise _Bad(f"{text!r} is not a number" + (f" ({what})" if what else ""))
    return value


def _split(cp: str) -> tuple[str, str | None]:
    head, dot, rest = cp.partition(".")
    return head, (rest if dot else None)


_HINT_NUMBER = {"x": (r"\s*[+-]?(?:0[xX])?[0-9A-Fa-f]+", 16), "d": (r"\s*[+-]?[0-9]+", 10), "o": (r"\s*[+-]?[0-7]+", 8)}


class _HintReader:
    """net-snmp's ``parse_octet_hint``: a string read by a DISPLAY-HINT (``1x:`` reads ``00:11:22``)."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.pos = 0
        self.result: list[int] = []
        self.reset()

    def reset(self) -> None:
        self.length = self.repeat = 0
        self.fmt = self.separator = self.terminator = ""

    def _one(self) -> bool:
        if self.fmt in _HINT_NUMBER:
            pattern, base = _HINT_NUMBER[self.fmt]
            m = re.compile(pattern).match(self.value, self.pos)
            if m is None:
                return False
            number = int(m.group().strip(), base) % _ULONG
            self.pos = m.end()
            self.result.extend((number >> (8 * (self.length - 1 - i))) & 0xFF for i in range(self.length))
        elif self.fmt == "a":
            take = self.value[self.pos : self.pos + self.length]
            self.result.extend(ord(c) for c in take)
            self.pos += len(take)
        return True

    def field(self) -> bool:
        """parse_hints_parse: one field (repeated, with its separator and terminator)."""
        value = self.value
        repeats = 0
        fixup = len(self.result)
        if self.repeat:
            self.result.append(0)
        while True:
            if not self._one():
                return False
            repeats += 1
            if self.separator and self.pos < len(value):
                if value[self.pos] != self.separator:
                    return False
                self.pos += 1
            if self.terminator and self.pos < len(value) and value[self.pos] == self.terminator:
                self.pos += 1
                break
            if not (self.repeat and self.fmt and self.pos < len(value)):
                break
        if self.repeat:
            self.result[fixup] = repeats & 0xFF
        return True

    def read(self, hint: str) -> list[int] | None:
        state = 0  # 0: length or '*' expected, 1: digits or the format, 2: after the format, 3: after a separator
        ok = True
        for h in hint:
            if self.pos >= len(self.value) or not ok:
                break
            if state < 2 and (h.isdigit() or (h == "*" and state == 0)):
                if h == "*":
                    self.repeat = 1
                else:
                    self.length = self.length * 10 + int(h)
                state = 1
            elif state == 1 and h in "xdoa":
                self.fmt, state = h, 2
            elif state < 2:
                return None
            elif h == "*" or h.isdigit():
                ok = self.field()
                self.reset()
                self.repeat, self.length, state = (1, 0, 1) if h == "*" else (0, int(h), 1)
            elif state == 2:
                self.separator, state = h, 3
            else:
                self.terminator = h
                ok = self.field()
                self.reset()
                state = 0
        while self.pos < len(self.value) and ok:
            ok = self.field()
        return self.result if ok else None


def _apply_escapes(cp: str, quote: str) -> tuple[str, int] | None:
    """The quoted text up to ``quote`` with backslash escapes removed, and where the closing quote is."""
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(cp):
        if escaped:
            escaped = False
            out.append(ch)
        elif ch == quote:
            return "".join(out), i
        elif ch == "\\":
            escaped = True
        else:
            out.append(ch)
    return None


def _add_strings(tree: _Tree, tp: Node | None, cp: str | None, objid: list[int]) -> None:
    """net-snmp's ``_add_strings_to_oid``: appends the arcs ``cp`` names below ``tp`` (None: the tree's top)."""
    fcp = cp
    # the children: names or numbers, down to a node without children
    node_arcs: tuple[int, ...] = tp.arcs if tp is not None else ()
    has_children = node_arcs in tree.child_labels if tp is None or tp.primary else False
    while cp is not None and has_children:
        fcp = cp
        head, cp2 = _split(cp)
        children = tree.child_labels[node_arcs]
        if head[:1].isdigit():
            subid = _strtoul(head)
            child = tree.primary.get((*node_arcs, subid))
        else:
            if head not in children:
                raise _Bad(f"no {head!r} under {tp.label if tp else 'the root'}")
            subid = children[head]
            child = tree.primary.get((*node_arcs, subid))
        if len(objid) >= MAX_ARCS:
            raise _Bad(f"more than {MAX_ARCS} arcs")
        objid.append(subid)
        cp = cp2
        if child is None:
            break
        tp = child
        node_arcs = child.arcs
        has_children = node_arcs in tree.child_labels
    in_dices: tuple[tuple[bool, str], ...] = ()
    if tp is not None and not has_children:
        parent = tree.primary.get(tp.arcs[:-1])
        if parent is not None:
            if parent.indexes:
                in_dices = parent.indexes
            elif parent.augments:
                base = tree.by_label.get(parent.augments)
                if base is not None and base.indexes:
                    in_dices = base.indexes
    for implied, ilabel in in_dices:
        if cp is None:
            break
        fcp = cp
        index = tree.by_label.get(ilabel)
        if index is None:
            break
        cp = _add_index(index, implied, cp, objid, ilabel)
    _add_rest(cp, objid, fcp)


def _append(objid: list[int], arcs: list[int] | tuple[int, ...]) -> None:
    if len(objid) + len(arcs) > MAX_ARCS:
        raise _Bad(f"more than {MAX_ARCS} arcs")
    objid.extend(arcs)


def _integer_index(tp: Node, cp: str, objid: list[int], ilabel: str) -> str | None:
    head, rest = _split(cp)
    if head[:1].isdigit():
        subid = _strtoul(head, f"index {ilabel}")
    else:
        labels = dict(tp.enums or ())
        if head not in labels:
            raise _Bad(f"index {ilabel} has no value {head!r}")
        subid = labels[head] % _ULONG
    if tp.ranges:
        if tp.type in _SIGNED:
            ok = any(lo <= _c_int(subid) <= hi for lo, hi in tp.ranges)
        else:  # the unsigned bounds against the whole (64-bit) sub-identifier
            ok = any(lo % (1 << 32) <= subid <= hi % (1 << 32) for lo, hi in tp.ranges)
        if not ok:
            raise _Bad(f"index {ilabel} out of range: {head}")
    _append(objid, (subid,))
    return rest


def _bytes_index(cp: str | None, count: int, objid: list[int], ilabel: str) -> str | None:
    """Up to ``count`` numbers of at most 255 (-1: all that are left)."""
    while count and cp is not None:
        head, cp = _split(cp)
        byte = _strtoul(head, f"index {ilabel}")
        if byte > 255:
            raise _Bad(f"index {ilabel}: {head} is more than a byte")
        _append(objid, (byte,))
        count -= 1
    return cp


def _netaddr_index(cp: str, objid: list[int], ilabel: str) -> str | None:
    head, rest = _split(cp)
    subid = _strtoul(head, f"index {ilabel}")
    _append(objid, (subid,))
    if subid != 1:
        raise _RestFollows(rest)
    return _bytes_index(rest, 4, objid, ilabel)


def _add_index(tp: Node, implied: bool, cp: str, objid: list[int], ilabel: str) -> str | None:
    """One INDEX object's part of the text; returns what is left (None: nothing)."""
    if tp.type in _INTEGERS:
        return _integer_index(tp, cp, objid, ilabel)
    if tp.type == "IPADDR":
        if len(objid) + 4 > MAX_ARCS:
            raise _Bad(f"more than {MAX_ARCS} arcs")
        return _bytes_index(cp, 4, objid, ilabel)
    if tp.type == "OCTETSTR":
        fixed = tp.ranges[0][0] if tp.ranges and len(tp.ranges) == 1 and tp.ranges[0][0] == tp.ranges[0][1] else -1
        if cp[:1] in ("'", '"'):
            return _quoted_index(tp, implied, fixed, cp, objid, ilabel)
        if implied or fixed != -1:
            return _bytes_index(cp, fixed, objid, ilabel)  # an IMPLIED one (-1) takes every number left
        head, rest = _split(cp)
        count = _strtoul(head, f"the length of index {ilabel}")
        if len(objid) + count + 1 >= MAX_ARCS:
            raise _Bad(f"more than {MAX_ARCS} arcs")
        objid.append(count)
        return _bytes_index(rest, count, objid, ilabel)
    if tp.type == "NETADDR":
        return _netaddr_index(cp, objid, ilabel)
    # OBJECT IDENTIFIER (and types net-snmp does not expect in an index): the rest goes on as plain arcs
    raise _RestFollows(cp)


class _RestFollows(Exception):
    """The INDEX walk stops here; ``args[0]`` is appended as plain numbers and strings."""


def _quoted_index(tp: Node, implied: bool, fixed: int, cp: str, objid: list[int], ilabel: str) -> str | None:
    """A string index in quotes: ``"text"`` (variable length: its length first) or ``'text'``."""
    quote, cp = cp[0], cp[1:]
    len_index = -1
    if not implied and fixed == -1:
        if quote == "'":
            raise _Bad(f"index {ilabel} is a variable-length string: write it in double quotes")
        len_index = len(objid)
        _append(objid, (0,))
    elif quote == '"':
        kind = "an IMPLIED" if implied else "a fixed-length"
        raise _Bad(f"index {ilabel} is {kind} string: write it in single quotes")
    found = _apply_escapes(cp, quote)
    if found is None:
        raise _Bad(f"index {ilabel}: the string has no closing quote")
    text, close = found
    octets = _HintReader(text).read(tp.hint) if tp.hint else None
    if octets is None:
        octets = [ord(c) for c in text]
    _append(objid, octets)
    after = cp[close + 1 :]
    if after and after[0] != ".":
        raise _Bad(f"index {ilabel}: {after!r} after the closing quote")
    if fixed == -1:
        if not any(lo <= len(octets) <= hi for lo, hi in tp.ranges or ()):
            raise _Bad(f"index {ilabel}: a string of {len(octets)} octets is outside its SIZE {_size_text(tp.ranges)}")
        if len_index >= 0:
            objid[len_index] = len(octets)
    elif len(octets) != fixed:
        read = f" (as its DISPLAY-HINT {tp.hint} reads it)" if tp.hint else ""
        raise _Bad(f"index {ilabel} is {fixed} octets long, not {len(octets)}{read}")
    return after[1:] if after else None


def _size_text(ranges: tuple[tuple[int, int], ...] | None) -> str:
    return "(" + " | ".join(f"{lo}..{hi}" if lo != hi else str(lo) for lo, hi in ranges or ()) + ")"


def _add_rest(cp: str | None, objid: list[int], fcp: str | None) -> None:
    """After the INDEX objects: numbers, ``"text"`` (with its length) and ``'text'``, appended as they stand."""
    while cp is not None:
        if cp[:1].isdigit():
            head, cp = _split(cp)
            subid = _strtoul(head)
            if len(objid) >= MAX_ARCS:
                raise _Bad(f"more than {MAX_ARCS} arcs")
            objid.append(subid)
        elif cp[:1] in ("'", '"'):
            quote, cp = cp[0], cp[1:]
            close = cp.find(quote)
            if not cp or close < 0:
                raise _Bad(f"{quote}{cp}: the string has no closing quote")
            text = cp[:close]
            if len(objid) + len(text) + (quote == '"') > MAX_ARCS:
                raise _Bad(f"more than {MAX_ARCS} arcs")
            if quote == '"':
                objid.append(len(text))
            objid.extend(ord(c) for c in text)
            after = cp[close + 1 :]
            if after and after[0] != ".":
                raise _Bad(f"{after!r} after the closing quote")
            cp = after[1:] if after else None
        else:
            raise _Bad(
                f"{cp.partition('.')[0] or 'an empty part'!r} is not a number or a name here" if cp else "an empty part"
            )


def _walk(tree: _Tree, tp: Node | None, cp: str | None, objid: list[int]) -> None:
    try:
        _add_strings(tree, tp, cp, objid)
    except _RestFollows as rest:
        _add_rest(rest.args[0], objid, rest.args[0])


def _get_node(tree: _Tree, text: str) -> list[int]:
    """``get_node``: the first name looked up anywhere, the rest below it."""
    name = text[1:] if text.startswith(".") else text
    first, dot, rest = name.partition(".")
    node = tree.by_label.get(first)
    if node is None:
        raise _Bad(f"no MIB object is called {first!r}")
    objid = list(node.arcs)
    _walk(tree, node, rest if dot else None, objid)
    return objid


def _read_objid(tree: _Tree, text: str) -> list[int]:
    """``read_objid``: a path from the root (``iso``, ``ccitt``, ``joint-iso-ccitt`` or numbers)."""
    objid: list[int] = []
    _walk(tree, None, text[1:] if text.startswith(".") else text, objid)
    return objid


def _check_token(text: str, label_oid: bool) -> None:
    if "::" in text:
        raise OidError(f"{text}: MODULE::name is not read by the tool (its lexer splits the word); write the name")
    if re.fullmatch(_IP_LIKE, text):
        if label_oid:
            raise OidError(f"{text}: the tool reads four numbers as an IP address, not as an OID; write .{text}")
        if "," in text:
            raise OidError(f"{text}: not an OID")
        return
    if not any(re.fullmatch(rule, text) for rule in _LABEL_OID):
        if "." not in text.strip("."):
            raise OidError(f"{text}: an OID needs at least two parts (sysContact.0, not sysContact)")
        raise OidError(f"{text}: not an OID the tool can read")


@functools.lru_cache(maxsize=8192)  # a template names the same OIDs for every device; resolving walks the tree
def resolve(text: str, *, rooted: bool = False, label_oid: bool = False) -> tuple[int, ...]:
    """The arcs of the OID ``text`` as the tool writes it (see the module docstring).

    ``rooted`` is for SnmpWriteControl, ObjectID values and the OID keywords, which the tool reads with
    ``read_objid`` alone: numbers, or a path from ``iso`` (``ccitt``, ``joint-iso-ccitt``). ``label_oid`` is for
    SnmpMibObject, SnmpWriteControl and ObjectID values, where the tool's grammar takes only its OID token, which
    four plain numbers (``1.3.6.1``, an IP address to its lexer) are not; an OID keyword takes those too.
    """
    if not text:
        raise OidError("empty OID")
    _check_token(text, label_oid)
    tree = load()  # numeric OIDs too: the walk checks the INDEX parts of any table column it passes
    body = text[1:] if text.startswith(".") else text
    from_root = body[:1].isdigit() or body.partition(".")[0] in _ROOT_LABELS
    try:
        if from_root:
            return check_arcs(_read_objid(tree, text), text)
        if rooted:
            raise OidError(f"{text}: here the tool reads only numeric OIDs and paths from iso")
        return check_arcs(_get_node(tree, text), text)
    except _Bad as exc:
        raise OidError(f"{text}: {exc.args[0]}") from None


def check_arcs(arcs: list[int] | tuple[int, ...], text: str) -> tuple[int, ...]:
    """``arcs`` as a tuple if BER can encode them (at least 2 arcs, first 0-2, second < 40 under 0 and 1)."""
    if len(arcs) < 2:
        raise OidError(f"OID {text!r} needs at least two arcs")
    if len(arcs) > MAX_ARCS:
        raise OidError(f"OID {text!r} has more than {MAX_ARCS} arcs")
    if arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise OidError(f"OID {text!r} does not start with 0.x, 1.x (x < 40) or 2.x")
    if max(arcs) > MAX_ARC:
        raise OidError(f"OID {text!r} has an arc above {MAX_ARC}")
    return tuple(arcs)


def _deepest(tree: _Tree, arcs: tuple[int, ...] | list[int]) -> Node | None:
    for end in range(len(arcs), 0, -1):
        node = tree.primary.get(tuple(arcs[:end]))
        if node is not None:
            return node
    return None


def deepest(arcs: tuple[int, ...], *, default: bool = False) -> Node | None:
    """The deepest MIB node on the path of ``arcs`` (net-snmp's ``get_tree``); of the -o tree if ``default``."""
    return _deepest(_load()[1 if default else 0], arcs)


def _oid_string(objid: tuple[int, ...], quote: str) -> str:
    """``dump_realloc_oid_to_string``: the arcs as characters, unprintable ones as '.'."""
    if not objid:
        return ""
    return quote + "".join(chr(c) if 32 <= c < 127 else "." for c in objid) + quote


def _inet(addr_type: int, objid: tuple[int, ...]) -> str | None:
    """``dump_realloc_oid_to_inetaddress``: an InetAddress index as an address, or None to print it as text."""
    if any(c > 255 for c in objid):
        return None
    if addr_type in (1, 3) and len(objid) == (4 if addr_type == 1 else 8):
        text = ".".join(map(str, objid[:4]))
        if addr_type == 3:
            text += f"%{int.from_bytes(bytes(objid[4:8]), 'big')}"
        return f'"{text}"'
    if addr_type in (2, 4) and len(objid) == (16 if addr_type == 2 else 20):
        text = ":".join(f"{c:02x}" for c in objid[:16])
        if addr_type == 4:
            text += f"%{int.from_bytes(bytes(objid[16:20]), 'big')}"
        return f'"{text}"'
    return None


def _c_int(value: int) -> int:
    return (value + (1 << 31)) % (1 << 32) - (1 << 31)


def _string_index_text(tp: Node, implied: bool, arcs: tuple[int, ...], pos: int) -> tuple[str, int] | None:
    """A string INDEX object's text and how many arcs it takes, or None where they run out."""
    objid = arcs[pos:]
    if implied:
        return _oid_string(objid, "'"), len(objid)
    if tp.ranges is not None and len(tp.ranges) == 1 and tp.ranges[0][0] == tp.ranges[0][1]:
        numids = tp.ranges[0][0]
        return (_oid_string(objid[:numids], "'"), numids) if numids <= len(objid) else None
    numids = objid[0] + 1
    if numids > len(objid):
        return None
    if numids == 1:
        return '""', 1
    # an InetAddress after its InetAddressType: the arc before the length is the address type
    inet = _inet(arcs[pos - 1], objid[1:numids]) if tp.inet else None
    return (inet if inet is not None else _oid_string(objid[1:numids], '"')), numids


def _one_index_text(tp: Node, implied: bool, arcs: tuple[int, ...], pos: int) -> tuple[str, int] | None:
    """One INDEX object's text and how many arcs it takes, or None where the decoder stops breaking it down."""
    objid = arcs[pos:]
    if tp.type == "OCTETSTR":
        return _string_index_text(tp, implied, arcs, pos)
    if tp.type in _PRINTED_INTEGERS:
        label = next((lb for lb, value in tp.enums or () if value == _c_int(objid[0])), None)
        return (label if label is not None else str(objid[0])), 1
    if tp.type == "TIMETICKS":
        return str(objid[0]), 1
    if tp.type == "OBJID":
        numids = len(objid) if implied else objid[0] + 1
        return (".".join(map(str, objid[:numids])), numids) if numids <= len(objid) else None
    if tp.type == "IPADDR":
        return (".".join(map(str, objid[:4])), 4) if len(objid) >= 4 else None
    return None


def _index_text(
    tree: _Tree, indexes: tuple[tuple[bool, str], ...], arcs: tuple[int, ...], pos: int, buf: list[str]
) -> int:
    """The INDEX objects of ``arcs[pos:]`` spelled out into ``buf`` as ``_get_realloc_symbol`` does (without
    extended index format); returns where the arcs it could not spell out begin."""
    for implied, ilabel in indexes:
        tp = tree.by_label.get(ilabel)
        if pos >= len(arcs) or tp is None:
            break
        if tp.type == "NETADDR":  # its type, then an IpAddress if the type is 1
            buf.append(f"{arcs[pos]}.")
            pos += 1
            if arcs[pos - 1] != 1 or len(arcs) - pos < 4:
                break
            done: tuple[str, int] | None = (".".join(map(str, arcs[pos : pos + 4])), 4)
        else:
            done = _one_index_text(tp, implied, arcs, pos)
        if done is None:
            break
        buf += [done[0], "."]
        pos += done[1]
    return pos


def _symbol(tree: _Tree, arcs: tuple[int, ...]) -> tuple[str, int]:
    """The full ``.iso.org.…`` text of ``arcs`` and where its known names end (0: it ended on a name)."""
    buf = ["."]
    indexes: tuple[tuple[bool, str], ...] | None = None
    known = 0
    for depth in range(1, len(arcs) + 1):
        node = tree.primary.get(arcs[:depth])
        if node is None:
            break
        known = depth
        if node.indexes:
            indexes = node.indexes
        elif node.augments:
            base = tree.by_label.get(node.augments)
            if base is not None:
                indexes = base.indexes
        buf.append(str(node.arcs[-1]) if node.label.startswith("anonymous#") else node.label)
        if depth < len(arcs):
            buf.append(".")
    else:
        return "".join(buf), 0
    end_of_known = len("".join(buf))
    pos = known
    if indexes:
        if arcs[:known] in tree.child_labels:  # the node has children, just not this one
            buf.append(f"{arcs[pos]}.")
            pos += 1
        pos = _index_text(tree, indexes, arcs, pos, buf)
    text = "".join(buf)
    if not text.endswith("."):
        text += "."
    text += "".join(f"{arc}." for arc in arcs[pos:])
    return text[:-1], end_of_known


def _suffix(full: str, end_of_known: int) -> str:
    """NETSNMP_OID_OUTPUT_SUFFIX: the text from the last known name on."""
    if end_of_known:
        cp = end_of_known - 2
    else:
        cp = len(full) - 1
        while cp >= 0 and not full[cp].isalpha():
            cp -= 1
    while cp >= 0 and full[cp] != ".":
        cp -= 1
    return full[cp + 1 :]


def _printed(arcs: tuple[int, ...], numeric: bool) -> tuple[str, Node | None]:
    """What the tool's decoder prints for ``arcs`` and the node whose enumeration it shows.

    The decoder prints the name (``-o``: the numbers) and reads it back with ``get_node``, then ``read_objid``; the
    node is the deepest one on the OID it read back. Where neither reads it back, it prints the full path instead
    and takes the node from as far as ``read_objid`` got. With ``-o`` the tree is the default MIB list's.
    """
    full_tree, default_tree = _load()
    tree = default_tree if numeric else full_tree
    full, end_of_known = _symbol(tree, arcs)
    name = "." + ".".join(map(str, arcs)) if numeric else _suffix(full, end_of_known)
    if not numeric:
        try:
            return name, _deepest(tree, _get_node(tree, name))
        except _Bad:
            pass
    partial: list[int] = []
    try:
        _walk(tree, None, name[1:] if name.startswith(".") else name, partial)
    except _Bad:
        return full, _deepest(tree, partial) if partial else None
    return name, _deepest(tree, partial)


def name_of(arcs: tuple[int, ...], *, numeric: bool = False) -> str:
    """The text the tool's decoder prints for ``arcs``: the name and its indexes spelled out, or with ``numeric``
    (``-o``) the numbers, except where the tool cannot read that back and prints the full ``.iso.org.…`` path."""
    return _printed(arcs, numeric)[0]


def enum_label(arcs: tuple[int, ...], value: int, *, numeric: bool = False) -> str | None:
    """The enumeration label the tool's decoder adds as a comment to the Integer ``value`` of ``arcs``."""
    node = _printed(arcs, numeric)[1]
    if node is None or node.enums is None:
        return None
    return next((label for label, number in node.enums if number == value), None)


def size_limits(arcs: tuple[int, ...]) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """(object name, allowed lengths) the tool checks a String/HexString value of ``arcs`` against, if any.

    These are the ranges net-snmp keeps for the deepest MIB node on the path: the SIZE of a string, but equally the
    value range of an integer object, which the tool compares with the string's length all the same.
    """
    node = deepest(arcs)
    if node is None or node.ranges is None:
        return None
    return node.label, node.ranges
