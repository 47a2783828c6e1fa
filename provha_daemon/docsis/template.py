"""Compiled templates: parse a config text with NMS Prime placeholders once, encode it per modem cheaply.

NMS Prime (``Configfile::__text_make``) replaces ``{table.column.N}`` placeholders with database values, splits the
text into lines and drops every line that still matches ``\\{[^{]*\\}``; the result goes to the tool. A
``Template`` gives the same result without re-reading the text for every modem:

* at compile time each line is classified: *static* (no ``{…}``), *always dropped* (a ``{…}`` that is not a
  placeholder, e.g. ``Main { NetworkAccess 1; }`` on one line, which NMS Prime drops too) or *dynamic* (it holds
  placeholders); the static lines are parsed and encoded once, each dynamic line standing in the tree as a slot
  in the block it belongs to;
* at encode time each slot's line is filled in and parsed on its own as statements of its block; a line whose
  placeholder has no value is dropped, as is a line that still matches the pattern after filling (a value with
  braces); blocks holding slots are assembled; then the MICs (or the MTA hash) as for any text.

A dynamic line must hold whole statements for this (no braces, no comment delimiters besides its placeholders);
a template with any other dynamic line is still correct, only slower: it is substituted and parsed in full for
every modem. ``Template.fast`` tells which. Values are inserted as they are (NMS Prime does the same), so a value
that breaks the syntax is an error for that modem, with the template's line number; a value with a line break is
refused (``TemplateValueError``) instead of silently becoming extra lines. A database NULL should be passed as
``""``, which is what PHP substitutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provha_daemon.docsis.encoder import MtaHash, build
from provha_daemon.docsis.errors import DocsisError, DocsisSyntaxError, TemplateValueError
from provha_daemon.docsis.keywords import Keyword
from provha_daemon.docsis.lexer import MAX_STRING, STRING, WORD, WORD_TEXT, Token, tokenize
from provha_daemon.docsis.parser import (
    BlockNode,
    Item,
    Node,
    Parser,
    Slot,
    join_block,
    parse,
    parse_fragment,
    parse_tokens,
)

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\}")
"""A placeholder: ``{modem.mac.0}``; the values mapping is keyed by the text between the braces."""
NMS_DROP = re.compile(r"\{[^{]*\}")
"""NMS Prime's rule: a line that matches this after substitution is dropped."""
_UNSAFE_IN_FAST_LINE = re.compile(r"[{}]|/\*|\*/")
_ITEM_CACHE = 4096  # distinct filled lines remembered per template (per-device values like a street do not repeat)


@dataclass(frozen=True, slots=True)
class _Line:
    """A dynamic line: literal pieces around placeholder names (``pieces`` is one longer than ``names``).

    ``tokens`` is the line tokenized once with a sentinel word per placeholder, and ``filled`` the indices of the
    tokens holding one: a value that keeps such a token's shape (see ``_filled_tokens``) only needs substituting.
    """

    number: int
    pieces: tuple[str, ...]
    names: tuple[str, ...]
    tokens: tuple[Token, ...] | None
    filled: tuple[int, ...]


def _sentinel(index: int) -> str:
    return f"@@PH{index}@@"


def _split_line(number: int, line: str) -> _Line:
    parts = PLACEHOLDER.split(line.removesuffix("\r"))  # the CR of a CR LF line end; the LF went with split()
    pieces, names = tuple(parts[0::2]), tuple(parts[1::2])
    tokens: tuple[Token, ...] | None = None
    # a backslash right before a placeholder could escape the value's first character: tokenize per modem then
    if "@@PH" not in line and not any(piece.endswith("\\") for piece in pieces[:-1]):
        marked = "".join(piece + (_sentinel(i) if i < len(names) else "") for i, piece in enumerate(pieces))
        try:
            tokens = tuple(tokenize(marked, first_line=number))
        except DocsisError:
            tokens = None  # the general path reports it once filled in
    filled = tuple(i for i, t in enumerate(tokens or ()) if "@@PH" in t.text)
    return _Line(number, pieces, names, tokens, filled)


def _filled_tokens(line: _Line, values: Mapping[str, str]) -> list[Token] | None:
    """The line's tokens with the values substituted, or None where a value would change the tokenization.

    A value goes straight into a word if the word stays one word, and into a string if it holds no quote,
    backslash or tab; values with braces or line breaks always take the general path (``_fill``).
    """
    if line.tokens is None:
        return None
    tokens = list(line.tokens)
    for index in line.filled:
        token = tokens[index]
        text = token.text
        for number, name in enumerate(line.names):
            mark = _sentinel(number)
            if mark in text:
                value = values[name]
                if not _PLAIN_VALUE.fullmatch(value) or "@@PH" in value or (token.kind == WORD and not value):
                    return None
                text = text.replace(mark, value)
        if (token.kind == WORD and not WORD_TEXT.fullmatch(text)) or (token.kind == STRING and len(text) > MAX_STRING):
            return None
        tokens[index] = token._replace(text=text)
    return tokens


_PLAIN_VALUE = re.compile(r'[^"\\\t\n\r{}]*')


def _fill(line: _Line, values: Mapping[str, str]) -> str | None:
    """The line with its placeholders filled, or None when NMS Prime would drop it."""
    pieces = line.pieces
    out = [pieces[0]]
    for index, name in enumerate(line.names):
        value = values.get(name)
        if value is None:
            return None
        if "\n" in value or "\r" in value:
            raise TemplateValueError(f"the value of {{{name}}} holds a line break", line=line.number, keyword=name)
        out.append(value)
        out.append(pieces[index + 1])
    text = "".join(out)
    return None if NMS_DROP.search(text) else text


class Template:
    """A config text with placeholders, compiled for repeated encoding (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lines = text.split("\n")
        self._dynamic: dict[int, _Line] = {}
        skeleton: list[str] = []
        fast = True
        for number, line in enumerate(lines, start=1):
            if NMS_DROP.search(line) is None:
                skeleton.append(line)
                continue
            rest = PLACEHOLDER.sub("", line)
            if not PLACEHOLDER.search(line) or NMS_DROP.search(rest):
                skeleton.append("")  # dropped for every modem
                continue
            fast = fast and not _UNSAFE_IN_FAST_LINE.search(rest)
            self._dynamic[number] = _split_line(number, line)
            skeleton.append(f"\0{number}\0")
        self.placeholders = frozenset(name for line in self._dynamic.values() for name in line.names)
        self._items: dict[tuple[str | int, ...], list[Item]] = {}
        self._nodes: list[Node] = []
        if fast:
            try:
                # a marker inside a comment vanishes with the comment, as the line would
                self._nodes = Parser(tokenize("\n".join(skeleton), markers=True)).config()
            except DocsisSyntaxError as exc:
                # a statement spread over a dynamic line and its neighbour is valid once filled in: leave it to
                # the slow path; any other error is the template's own
                if exc.line is None or not {exc.line, exc.line - 1} & self._dynamic.keys():
                    raise
                fast = False
        self.fast = fast

    def render(self, values: Mapping[str, str]) -> str:
        """The text NMS Prime would hand the tool, with dropped lines left empty so line numbers stay."""
        out = []
        for number, line in enumerate(self.text.split("\n"), start=1):
            dynamic = self._dynamic.get(number)
            if dynamic is not None:
                out.append(_fill(dynamic, values) or "")
            else:
                out.append("" if NMS_DROP.search(line) else line)
        return "\n".join(out)

    def slot_blocks(self) -> dict[str, Keyword]:
        """For each dynamic line that is one placeholder alone, the block it stands in (fast templates only).

        A caller that parses such a line's text itself passes the items to ``encode`` (``given``).
        """
        found: dict[str, Keyword] = {}

        def walk(nodes: Sequence[Node]) -> None:
            for node in nodes:
                if type(node) is Slot:
                    line = self._dynamic[node.index]
                    if len(line.names) == 1 and not "".join(line.pieces).strip():
                        found[line.names[0]] = node.block
                elif isinstance(node, BlockNode):
                    walk(node.children)

        walk(self._nodes)
        return found

    def items(self, values: Mapping[str, str], given: Mapping[str, list[Item]] | None = None) -> list[Item]:
        """The top-level items for one modem; ``given`` holds ready items for lines that are one placeholder."""
        if not self.fast:
            return parse(self.render(values))
        return self._assemble(self._nodes, values, given or {})

    def _assemble(self, nodes: Sequence[Node], values: Mapping[str, str],
                  given: Mapping[str, list[Item]]) -> list[Item]:
        out: list[Item] = []
        for node in nodes:
            if type(node) is tuple:
                out.append(node)
            elif type(node) is Slot:
                line = self._dynamic[node.index]
                if len(line.names) == 1 and line.names[0] in given:
                    out += given[line.names[0]]
                    continue
                if not all(name in values for name in line.names):
                    continue  # NMS Prime drops a line with an unfilled placeholder
                # Many lines take the same values on many devices (a QoS rate, a provbase setting): the items of a
                # filled line depend on nothing else, so they are parsed once per distinct value set.
                key: tuple[str | int, ...] = (node.index, *(values[name] for name in line.names))
                cached = self._items.get(key)
                if cached is None:
                    cached = self._slot_items(line, node, values)
                    if len(self._items) >= _ITEM_CACHE:
                        self._items.clear()
                    self._items[key] = cached
                out += cached
            elif isinstance(node, BlockNode):
                children = self._assemble(node.children, values, given)
                if not children:
                    raise DocsisSyntaxError(f"{node.name} block is empty once lines without values are dropped",
                                            line=node.line, keyword=node.name)
                out.append((node.code, join_block(node.name, children, node.line), node.line))
        return out

    def _slot_items(self, line: _Line, node: Slot, values: Mapping[str, str]) -> list[Item]:
        tokens = _filled_tokens(line, values)
        if tokens is not None:
            return parse_tokens(tokens, node.block)
        text = _fill(line, values)
        return [] if text is None else parse_fragment(text, node.block, line.number)

    def encode(self, values: Mapping[str, str], key: bytes | None = None, *, mta: bool = False,
               mta_hash: MtaHash | None = None, given: Mapping[str, list[Item]] | None = None) -> bytes:
        """The config file for one modem: ``values`` fill the placeholders, ``key`` is the CMTS shared secret;
        ``given`` holds items parsed by the caller for lines that are one placeholder alone (``slot_blocks``)."""
        return build(self.items(values, given), key, mta=mta, mta_hash=mta_hash)


def compile_template(text: str) -> Template:
    """Compile ``text`` once; errors in its static lines are raised here, those of filled lines at encode time."""
    return Template(text)
