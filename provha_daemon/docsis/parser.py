"""The parser: config text to TLVs, with the classic tool's grammar and stricter checks.

Grammar (as the tool's bison grammar, plus the notes below)::

    config     = "Main" "{" statement+ "}"                      ("Main" in any letter case)
    statement  = KEYWORD VALUE ";"
               | BLOCK "{" statement+ "}"
               | "SnmpMibObject" OID TYPE VALUE ";"             (TYPE: Integer, Unsigned32, Gauge, Gauge32,
                                                                  Counter32, TimeTicks, IPAddress, ObjectID,
                                                                  String, HexString)
               | "SnmpWriteControl" NUMERIC_OID (0|1) ";"
               | "GenericTLV" "TlvCode" N ( "TlvLength" L "TlvValue" 0xHEX
                                          | "TlvString" STRING | "TlvStringZero" STRING
                                          | "TlvType" (Integer|Short|Char|IPAddress) "TlvValue" VALUE ) ";"
               | "GenericTLV" "TlvCode" N "{" generic-statement+ "}"

Differences from the tool, all of them refusals where the tool would silently write something else: a keyword is
only accepted in its own block; numbers never wrap; a block or TLV over 255 bytes is an error (the tool drops it
with a warning); ``CmMic``/``CmtsMic`` and ``GenericTLV`` with code 6, 7 or 255 at the top are refused, because the
encoder writes those. As the tool does with its MIBs loaded (its usual setup), an SNMP String/HexString must fit
the SIZE its MIB object allows (``oids.size_limits``). Supersets: a ``GenericTLV`` block may also hold
``TlvString``/``TlvStringZero`` and nested blocks, and ``TlvString ""`` writes a zero-length TLV (the tool has no
way to write one).

The result is a list of ``(type, value, line)`` items; the encoder adds the TLV headers (a top-level SNMP object
over 255 bytes becomes TLV 64 in an MTA file, and an error in a CM file). For templates the parser also accepts
marker tokens standing for dynamic lines and keeps the blocks that contain them open (``Slot``, ``BlockNode``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from provha_daemon.docsis import ber
from provha_daemon.docsis.errors import (
    BadValueError,
    DocsisError,
    DocsisSyntaxError,
    PlaceholderValueError,
    UnknownKeywordError,
    WrongBlockError,
)
from provha_daemon.docsis.keywords import (
    ALL_NAMES,
    CM_MIC_CODE,
    CMTS_MIC_CODE,
    COMPUTED,
    CVC_CHUNK,
    DIGITMAP_OID,
    END_CODE,
    HOMES,
    MAIN,
    MAX_DIGITMAP,
    SNMP_CODE,
    Keyword,
    Kind,
    borrowed,
)
from provha_daemon.docsis.lexer import EOF, MARKER, STRING, WORD, Token, tokenize
from provha_daemon.docsis.oids import size_limits
from provha_daemon.docsis.values import ENCODERS, hex_bytes, integer, ipv4, oid, text_bytes

Item = tuple[int, bytes, int]
"""An encoded setting: (TLV type, value bytes, source line)."""

FileReader = Callable[[str], bytes]
"""Reads the file a ``DigitMap`` or CVC keyword names (raises ``OSError``); without one such keywords are refused."""

MAX_TLV = 255
INT32 = (-(1 << 31), (1 << 31) - 1)
UINT32 = (0, (1 << 32) - 1)
GENERIC = Keyword("GenericTLV", 0, Kind.BLOCK)
"""The pseudo-block inside ``GenericTLV TlvCode N { … }``: only GenericTLV statements."""


@dataclass(frozen=True, slots=True)
class Slot:
    """A dynamic template line (marker ``index``) inside ``block``."""

    index: int
    block: Keyword
    line: int


@dataclass(frozen=True, slots=True)
class BlockNode:
    """A block with a dynamic line somewhere inside, to be assembled per encode."""

    code: int
    name: str
    children: tuple[Node, ...]
    line: int


Node = Item | Slot | BlockNode


def _snmp_signed(token: Token) -> tuple[int, bytes]:
    return ber.INTEGER, ber.signed(integer(token, "SnmpMibObject Integer", *INT32))


def _snmp_unsigned(tag: int, name: str) -> Callable[[Token], tuple[int, bytes]]:
    def encode(token: Token) -> tuple[int, bytes]:
        return tag, ber.unsigned(integer(token, f"SnmpMibObject {name}", *UINT32))

    return encode


def _snmp_ip(token: Token) -> tuple[int, bytes]:
    return ber.IP_ADDRESS, ipv4(token, "SnmpMibObject IPAddress")


def _snmp_string(token: Token) -> tuple[int, bytes]:
    if token.kind != STRING:
        raise BadValueError(
            f'SnmpMibObject String needs a "string", not {token.text}', line=token.line, keyword="SnmpMibObject"
        )
    return ber.OCTET_STRING, text_bytes(token.text)


def _snmp_hex(token: Token) -> tuple[int, bytes]:
    return ber.OCTET_STRING, hex_bytes(token, "SnmpMibObject HexString")


def _snmp_oid(token: Token) -> tuple[int, bytes]:
    return ber.OBJECT_ID, ber.oid_content(oid(token, "SnmpMibObject ObjectID", rooted=True))


SNMP_TYPES: dict[str, Callable[[Token], tuple[int, bytes]]] = {
    "Integer": _snmp_signed,
    "Unsigned32": _snmp_unsigned(ber.GAUGE32, "Unsigned32"),
    "Gauge": _snmp_unsigned(ber.GAUGE32, "Gauge"),
    "Gauge32": _snmp_unsigned(ber.GAUGE32, "Gauge32"),
    "Counter32": _snmp_unsigned(ber.COUNTER32, "Counter32"),
    "TimeTicks": _snmp_unsigned(ber.TIMETICKS, "TimeTicks"),
    "IPAddress": _snmp_ip,
    "String": _snmp_string,
    "HexString": _snmp_hex,
    "ObjectID": _snmp_oid,
}
# Type words the tool's lexer knows but its grammar never accepts after an OID.
_UNSUPPORTED_SNMP_TYPES = frozenset(
    {"Short", "Char", "DecimalString", "BitString", "BigInt", "UnsignedBigInt", "Float", "Double"}
)
_GENERIC_TYPES: dict[str, Callable[[Token], bytes]] = {
    "Integer": lambda t: integer(t, "GenericTLV TlvValue", *UINT32).to_bytes(4, "big"),
    "Short": lambda t: integer(t, "GenericTLV TlvValue", 0, 0xFFFF).to_bytes(2, "big"),
    "Char": lambda t: integer(t, "GenericTLV TlvValue", 0, 0xFF).to_bytes(1, "big"),
    "IPAddress": lambda t: ipv4(t, "GenericTLV TlvValue"),
}
_RESERVED_TOP = (CM_MIC_CODE, CMTS_MIC_CODE, END_CODE)


def _describe(token: Token) -> str:
    if token.kind == EOF:
        return "the end of the text"
    if token.kind == STRING:
        return f'"{token.text}"'
    if token.kind == MARKER:
        return "a template line"
    return repr(token.text)


class Parser:
    """A recursive-descent parser over one token list."""

    def __init__(self, tokens: list[Token], files: FileReader | None = None) -> None:
        self._tokens = tokens
        self._pos = 0
        self._files = files

    def _next(self) -> Token:
        token = self._tokens[self._pos]
        if token.kind != EOF:
            self._pos += 1
        return token

    def _peek(self) -> Token:
        return self._tokens[self._pos]

    def _expect(self, kind: str, after: str) -> Token:
        token = self._next()
        if token.kind != kind:
            raise DocsisSyntaxError(f"expected {kind!r} {after}, found {_describe(token)}", line=token.line)
        return token

    def _expect_word(self, word: str, after: str) -> Token:
        token = self._next()
        if token.kind != WORD or token.text != word:
            raise DocsisSyntaxError(f"expected {word} {after}, found {_describe(token)}", line=token.line)
        return token

    def config(self) -> list[Node]:
        """``Main { … }`` and nothing after it."""
        first = self._next()
        if first.kind != WORD or first.text.lower() != "main":
            raise DocsisSyntaxError(f"the text must start with Main, found {_describe(first)}", line=first.line)
        self._expect("{", "after Main")
        nodes = self.statements(MAIN)
        self._expect("}", "to close Main")
        end = self._next()
        if end.kind != EOF:
            raise DocsisSyntaxError(f"text after the closing brace of Main: {_describe(end)}", line=end.line)
        return nodes

    def statements(self, block: Keyword, *, allow_empty: bool = False) -> list[Node]:
        """Statements up to the closing brace (or the end of a fragment)."""
        nodes: list[Node] = []
        start = self._peek()
        while self._peek().kind not in ("}", EOF):
            self._statement(block, nodes)
        if not nodes and not allow_empty:
            raise DocsisSyntaxError(f"{block.name} block is empty", line=start.line, keyword=block.name)
        return nodes

    def fragment(self, block: Keyword) -> list[Node]:
        """Statements filling the whole token list (a template line or one decoded statement)."""
        nodes = self.statements(block, allow_empty=True)
        end = self._next()
        if end.kind != EOF:
            raise DocsisSyntaxError(f"unbalanced {_describe(end)}", line=end.line)
        return nodes

    def _statement(self, block: Keyword, out: list[Node]) -> None:
        start = self._pos
        try:
            self._one_statement(block, out)
        except PlaceholderValueError:
            raise
        except DocsisError as exc:
            # the token just read caused it; if a substituted value fills it, the value is to blame, not the template
            culprit = self._tokens[max(self._pos - 1, start)]
            if culprit.source:
                raise PlaceholderValueError(
                    exc.message, line=exc.line, keyword=exc.keyword, column=culprit.source
                ) from None
            raise

    def _one_statement(self, block: Keyword, out: list[Node]) -> None:
        token = self._next()
        if token.kind == MARKER:
            out.append(Slot(int(token.text), block, token.line))
            return
        if token.kind != WORD:
            raise DocsisSyntaxError(f"expected a keyword, found {_describe(token)}", line=token.line)
        if token.text == "GenericTLV":
            out.append(self._generic(token, top=block is MAIN))
            return
        keyword = block.by_name.get(token.text) or borrowed(block, token.text)
        if keyword is None:
            self._unknown(token, block)
        kind = keyword.kind
        if kind is Kind.BLOCK:
            self._expect("{", f"after {keyword.name}")
            children = self.statements(keyword)
            self._expect("}", f"to close {keyword.name}")
            out.append(block_node(keyword.code, keyword.name, children, token.line))
        elif kind is Kind.SNMP_OBJECT:
            out.append(self._snmp_object(token))
        elif kind is Kind.SNMP_WRITE:
            out.append(self._snmp_write(token))
        elif kind is Kind.DIGITMAP:
            out.append(self._digitmap(token))
        elif kind is Kind.CVC_FILE:
            out += self._cvc_file(token, keyword)
        else:
            value_token = self._value(keyword.name)
            value = ENCODERS[kind](keyword, value_token)
            self._expect(";", f"after the value of {keyword.name}")
            out.append((keyword.code, value, token.line))

    def _value(self, name: str) -> Token:
        token = self._next()
        if token.kind not in (WORD, STRING):
            raise DocsisSyntaxError(f"{name} needs a value, found {_describe(token)}", line=token.line, keyword=name)
        return token

    def _unknown(self, token: Token, block: Keyword) -> NoReturn:
        name = token.text
        line = token.line
        if name in COMPUTED:
            raise UnknownKeywordError(f"{name} is computed by the encoder and cannot be set", line=line, keyword=name)
        if name.startswith(("#", "//")):
            raise DocsisSyntaxError(f"{name[:2]!r} does not start a comment here; use /* … */", line=line)
        if name.lower() == "main":
            raise DocsisSyntaxError("Main may only enclose the whole text", line=line, keyword=name)
        homes = HOMES.get(name)
        if homes:
            where = "GenericTLV blocks hold only GenericTLV" if block is GENERIC else f"not in {block.name}"
            raise WrongBlockError(f"{name} is allowed in {', '.join(homes)}, {where}", line=line, keyword=name)
        same = [known for known in ALL_NAMES if known.lower() == name.lower()]  # keywords are case-sensitive
        close = same or difflib.get_close_matches(name, ALL_NAMES, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownKeywordError(f"unknown keyword {name}{hint}", line=line, keyword=name)

    def _snmp_object(self, start: Token) -> Item:
        arcs = oid(self._value("SnmpMibObject"), "SnmpMibObject")
        type_token = self._value("SnmpMibObject (a type after the OID)")
        encode = SNMP_TYPES.get(type_token.text)
        if encode is None:
            what = "is not supported" if type_token.text in _UNSUPPORTED_SNMP_TYPES else "is not a type"
            raise BadValueError(
                f"SnmpMibObject: {type_token.text} {what} (use one of {', '.join(SNMP_TYPES)})",
                line=type_token.line,
                keyword="SnmpMibObject",
            )
        tag, content = encode(self._value(f"SnmpMibObject {type_token.text}"))
        if tag == ber.OCTET_STRING:
            _check_size(arcs, content, type_token)
        self._expect(";", "after the SnmpMibObject value")
        return (SNMP_CODE, ber.varbind(arcs, tag, content), start.line)

    def _snmp_write(self, start: Token) -> Item:
        arcs = oid(self._value("SnmpWriteControl"), "SnmpWriteControl", rooted=True)
        flag = integer(self._value("SnmpWriteControl"), "SnmpWriteControl", 0, 1)
        self._expect(";", "after the SnmpWriteControl value")
        return (10, ber.oid_tlv(arcs) + bytes((flag,)), start.line)

    def _file(self, start: Token) -> bytes:
        """The bytes of the file named by the string after ``start``'s keyword, and the closing ``;``."""
        name = start.text
        path = self._value(name)
        if path.kind != STRING:
            raise BadValueError(f'{name} needs a "file name", not {path.text}', line=path.line, keyword=name)
        self._expect(";", f"after the {name} file name")
        if self._files is None:
            raise BadValueError(
                f"{name} reads the file {path.text!r}, and files are not read for this text (write "
                "the bytes in the text instead)",
                line=path.line,
                keyword=name,
            )
        try:
            return self._files(path.text)
        except OSError as exc:
            raise BadValueError(
                f"{name}: cannot read {path.text!r}: {exc.strerror or exc}", line=path.line, keyword=name
            ) from None

    def _digitmap(self, start: Token) -> Item:
        """``DigitMap "FILE";``: the file's text (up to a NUL) as the PacketCable digit-map String object."""
        data = self._file(start)
        if len(data) > MAX_DIGITMAP:
            raise BadValueError(
                f"DigitMap file is {len(data)} bytes; at most {MAX_DIGITMAP}", line=start.line, keyword="DigitMap"
            )
        content = data.partition(b"\0")[0]  # the tool copies it as a C string
        return (SNMP_CODE, ber.varbind(DIGITMAP_OID, ber.OCTET_STRING, content), start.line)

    def _cvc_file(self, start: Token, keyword: Keyword) -> list[Item]:
        """``ManufacturerCVC "FILE";`` and the like: the file's bytes in TLVs of at most 254 bytes, as the tool."""
        data = self._file(start)
        if not data:
            raise BadValueError(f"{keyword.name}: the file is empty", line=start.line, keyword=keyword.name)
        return [(keyword.code, data[i : i + CVC_CHUNK], start.line) for i in range(0, len(data), CVC_CHUNK)]

    def _generic(self, start: Token, *, top: bool) -> Node:
        self._expect_word("TlvCode", "after GenericTLV")
        code = integer(self._value("GenericTLV TlvCode"), "GenericTLV TlvCode", 0, 255)
        if top and code in _RESERVED_TOP:
            raise BadValueError(
                f"GenericTLV cannot write TLV {code}: the encoder adds it", line=start.line, keyword="GenericTLV"
            )
        form = self._next()
        if form.kind == "{":
            children = self.statements(GENERIC)
            self._expect("}", "to close the GenericTLV block")
            return block_node(code, f"GenericTLV {code}", children, start.line)
        value = self._generic_value(form)
        self._expect(";", "after the GenericTLV value")
        return (code, value, start.line)

    def _generic_value(self, form: Token) -> bytes:
        name = "GenericTLV"
        if form.kind == WORD and form.text == "TlvLength":
            size = integer(self._value(name), "GenericTLV TlvLength", 0, MAX_TLV)
            self._expect_word("TlvValue", "after TlvLength")
            value = hex_bytes(self._value(name), "GenericTLV TlvValue")
            if len(value) != size:
                raise BadValueError(
                    f"GenericTLV TlvLength {size} does not match the {len(value)} bytes of TlvValue",
                    line=form.line,
                    keyword=name,
                )
            return value
        if form.kind == WORD and form.text in ("TlvString", "TlvStringZero"):
            token = self._value(name)
            if token.kind != STRING:
                raise BadValueError(
                    f'GenericTLV {form.text} needs a "string", not {token.text}', line=token.line, keyword=name
                )
            value = text_bytes(token.text) + (b"\0" if form.text == "TlvStringZero" else b"")
            if len(value) > MAX_TLV:
                raise BadValueError(
                    f"GenericTLV {form.text} is {len(value)} bytes; a TLV holds at most {MAX_TLV}",
                    line=token.line,
                    keyword=name,
                )
            return value
        if form.kind == WORD and form.text == "TlvType":
            type_token = self._value(name)
            encode = _GENERIC_TYPES.get(type_token.text)
            if encode is None:
                raise BadValueError(
                    f"GenericTLV TlvType {type_token.text}: use Integer, Short, Char or IPAddress",
                    line=type_token.line,
                    keyword=name,
                )
            self._expect_word("TlvValue", "after the TlvType")
            return encode(self._value(name))
        raise DocsisSyntaxError(
            f"expected TlvLength, TlvString, TlvStringZero, TlvType or {{ after the TlvCode, found {_describe(form)}",
            line=form.line,
            keyword=name,
        )


def _check_size(arcs: tuple[int, ...], content: bytes, token: Token) -> None:
    """The MIB's SIZE limits on a string object, which the tool enforces with its MIBs loaded."""
    limits = size_limits(arcs)
    if limits is not None and not any(lo <= len(content) <= hi for lo, hi in limits[1]):
        allowed = " | ".join(f"{lo}..{hi}" if lo != hi else str(lo) for lo, hi in limits[1])
        raise BadValueError(
            f"SnmpMibObject {limits[0]}: {len(content)} bytes, its MIB allows SIZE ({allowed})",
            line=token.line,
            keyword="SnmpMibObject",
        )


def block_node(code: int, name: str, children: list[Node], line: int) -> Node:
    """A block: collapsed into one item when nothing inside is dynamic, else a ``BlockNode``."""
    if all(type(child) is tuple for child in children):
        items: list[Item] = children  # type: ignore[assignment]  # checked just above
        return (code, join_block(name, items, line), line)
    return BlockNode(code, name, tuple(children), line)


def join_block(name: str, items: list[Item], line: int) -> bytes:
    """The value of a block: its sub-TLVs, at most 255 bytes together."""
    value = b"".join([bytes((code, len(sub))) + sub for code, sub, _ in items])
    if len(value) > MAX_TLV:
        raise BadValueError(
            f"{name} block is {len(value)} bytes; a TLV holds at most {MAX_TLV}", line=line, keyword=name
        )
    return value


def parse(text: str, files: FileReader | None = None) -> list[Item]:
    """The top-level items of a complete config text; ``files`` reads what DigitMap and the CVC keywords name."""
    nodes = Parser(tokenize(text), files).config()
    return nodes  # type: ignore[return-value]  # without markers every node is an item


def parse_fragment(text: str, block: Keyword, first_line: int) -> list[Item]:
    """The items of a run of complete statements inside ``block`` (a template line, a decoded statement)."""
    nodes = Parser(tokenize(text, first_line=first_line)).fragment(block)
    return nodes  # type: ignore[return-value]  # without markers every node is an item


def parse_tokens(tokens: list[Token], block: Keyword) -> list[Item]:
    """As ``parse_fragment``, for tokens already made (a template line filled in token by token)."""
    nodes = Parser(tokens).fragment(block)
    return nodes  # type: ignore[return-value]  # without markers every node is an item
