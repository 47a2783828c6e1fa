"""Compiled templates: parse a config text with ``{name}`` placeholders once, encode it per device cheaply.

A template is a config text in the tool's syntax whose placeholders (``{name}``, the name dotted words:
``{qos.rate}``) are filled per device from a mapping of values, each inserted as it is (plain string replacement).
Which lines a device gets is the caller's rule: ``drop`` is asked about every line once its placeholders are filled
(a placeholder without a value left as written) and a line it answers True for is left out; without a rule every
line is kept, and a kept line with a placeholder that has no value is an error (``TemplateValueError``). A caller
whose rule drops some lines whatever the values (text outside the placeholders decides) blanks them before
compiling, so that they need no parsing per device.

A ``Template`` gives the same result as filling the text, applying the rule and parsing it, without re-reading the
text for every device:

* at compile time each line is classified: *static* (no placeholder: kept, or dropped once if ``drop`` says so) or
  *dynamic* (it holds placeholders); the static lines are parsed and encoded once, each dynamic line standing in
  the tree as a slot in the block it belongs to;
* at encode time each slot's line is filled in, put to the rule and parsed on its own as statements of its block;
  blocks holding slots are assembled; then the MICs (or the MTA hash) as for any text.

A dynamic line must hold whole statements for this (no braces, no comment delimiters besides its placeholders);
a template with any other dynamic line is still correct, only slower: it is substituted and parsed in full for
every device. ``Template.fast`` tells which. A value that breaks the syntax is an error for that device, with the
template's line number; a value with a line break is refused (``TemplateValueError``) instead of silently becoming
extra lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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
"""A placeholder: ``{modem.mac}``; the values mapping is keyed by the text between the braces."""
DropRule = Callable[[str], bool]
"""The caller's rule for leaving a line out: given the line once filled, True drops it."""
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
    # a backslash right before a placeholder could escape the value's first character: tokenize per device then
    if "@@PH" not in line and not any(piece.endswith("\\") for piece in pieces[:-1]):
        marked = "".join(piece + (_sentinel(i) if i < len(names) else "") for i, piece in enumerate(pieces))
        try:
            tokens = tuple(tokenize(marked, first_line=number))
        except DocsisError:
            tokens = None  # the general path reports it once filled in
    filled = tuple(i for i, t in enumerate(tokens or ()) if "@@PH" in t.text)
    if tokens is not None:
        held = "".join(tokens[i].text for i in filled)
        if not all(_sentinel(i) in held for i in range(len(names))):
            tokens = None  # a placeholder in no token (in a comment): only the general path judges it
    return _Line(number, pieces, names, tokens, filled)


def _filled_tokens(line: _Line, values: Mapping[str, str]) -> list[Token] | None:
    """The line's tokens with the values substituted, or None where a value would change the tokenization.

    A value goes straight into a word if the word stays one word, and into a string if it holds no quote,
    backslash or tab; values with braces or line breaks, and lines with a placeholder without a value, always take
    the general path (``_fill``).
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
                value = values.get(name)
                if value is None or not _PLAIN_VALUE.fullmatch(value) or "@@PH" in value:
                    return None
                if token.kind == WORD and not value:
                    return None
                text = text.replace(mark, value)
        if (token.kind == WORD and not WORD_TEXT.fullmatch(text)) or (token.kind == STRING and len(text) > MAX_STRING):
            return None
        tokens[index] = token._replace(text=text)
    return tokens


_PLAIN_VALUE = re.compile(r'[^"\\\t\n\r{}]*')


def _joined(line: _Line, values: Mapping[str, str]) -> str:
    """The line with its placeholders filled, every one of them having a value."""
    pieces, names = line.pieces, line.names
    if len(names) == 1:
        return pieces[0] + values[names[0]] + pieces[1]
    return "".join(piece + (values[names[i]] if i < len(names) else "") for i, piece in enumerate(pieces))


def _fill(line: _Line, values: Mapping[str, str], drop: DropRule | None, *, check: bool = True) -> str | None:
    """The line with its placeholders filled, or None when ``drop`` drops it.

    A placeholder without a value stays as written, for the rule to judge; a kept line with one is an error. A value
    with a line break is an error, checked from the left up to the first placeholder without a value (``check``
    False: not at all).
    """
    pieces = line.pieces
    out = [pieces[0]]
    missing: str | None = None
    for index, name in enumerate(line.names):
        value = values.get(name)
        if value is None:
            missing = name if missing is None else missing
            value = f"{{{name}}}"
        elif check and missing is None and ("\n" in value or "\r" in value):
            raise TemplateValueError(f"the value of {{{name}}} holds a line break", line=line.number, keyword=name)
        out.append(value)
        out.append(pieces[index + 1])
    text = "".join(out)
    if drop is not None and drop(text):
        return None
    if missing is not None:
        raise TemplateValueError(f"{{{missing}}} has no value", line=line.number, keyword=missing)
    return text


class Template:
    """A config text with placeholders, compiled for repeated encoding (see the module docstring).

    ``drop`` is the caller's rule for leaving a line out once filled; None keeps every line.
    """

    def __init__(self, text: str, drop: DropRule | None = None) -> None:
        self.text = text
        self._drop = drop
        lines = text.split("\n")
        self._dynamic: dict[int, _Line] = {}
        self._dropped: set[int] = set()  # static lines the rule drops
        skeleton: list[str] = []
        fast = True
        for number, line in enumerate(lines, start=1):
            if PLACEHOLDER.search(line) is None:
                if drop is not None and drop(line):
                    self._dropped.add(number)
                    skeleton.append("")  # dropped for every device
                else:
                    skeleton.append(line)
                continue
            rest = PLACEHOLDER.sub("", line)
            fast = fast and not _UNSAFE_IN_FAST_LINE.search(rest)
            self._dynamic[number] = _split_line(number, line)
            skeleton.append(f"\0{number}\0")
        self.placeholders = frozenset(name for line in self._dynamic.values() for name in line.names)
        self._items: dict[tuple[str | int | None, ...], list[Item]] = {}
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
        """The filled text, with dropped lines left empty so line numbers stay."""
        out = []
        for number, line in enumerate(self.text.split("\n"), start=1):
            dynamic = self._dynamic.get(number)
            if dynamic is not None:
                out.append(_fill(dynamic, values, self._drop) or "")
            else:
                out.append("" if number in self._dropped else line)
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
        """The top-level items for one device; ``given`` holds ready items for lines that are one placeholder (used as
        they are: the caller's rule is not asked about those lines)."""
        if not self.fast:
            return parse(self.render(values))
        return self._assemble(self._nodes, values, given or {})

    def _assemble(
        self, nodes: Sequence[Node], values: Mapping[str, str], given: Mapping[str, list[Item]]
    ) -> list[Item]:
        out: list[Item] = []
        for node in nodes:
            if type(node) is tuple:
                out.append(node)
            elif type(node) is Slot:
                line = self._dynamic[node.index]
                if len(line.names) == 1 and line.names[0] in given:
                    out += given[line.names[0]]
                    continue
                # Many lines take the same values on many devices (a QoS rate, a global setting): the items of a
                # filled line depend on nothing else, so they are parsed once per distinct value set (None: absent).
                key: tuple[str | int | None, ...] = (node.index, *(values.get(name) for name in line.names))
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
                    raise DocsisSyntaxError(
                        f"{node.name} block is empty once lines without values are dropped",
                        line=node.line,
                        keyword=node.name,
                    )
                out.append((node.code, join_block(node.name, children, node.line), node.line))
        return out

    def _slot_items(self, line: _Line, node: Slot, values: Mapping[str, str]) -> list[Item]:
        tokens = _filled_tokens(line, values)
        if tokens is not None:  # every value present and plain: the rule judges the line as filled
            if self._drop is not None and self._drop(_joined(line, values)):
                return []
            return parse_tokens(tokens, node.block)
        # a line with a placeholder without a value the rule judges before any value is checked (render checks them
        # from the left, as the template always did)
        text = _fill(line, values, self._drop, check=all(name in values for name in line.names))
        return [] if text is None else parse_fragment(text, node.block, line.number)

    def encode(
        self,
        values: Mapping[str, str],
        key: bytes | None = None,
        *,
        mta: bool = False,
        mta_hash: MtaHash | None = None,
        given: Mapping[str, list[Item]] | None = None,
    ) -> bytes:
        """The config file for one device: ``values`` fill the placeholders, ``key`` is the CMTS shared secret;
        ``given`` holds items parsed by the caller for lines that are one placeholder alone (``slot_blocks``)."""
        return build(self.items(values, given), key, mta=mta, mta_hash=mta_hash)


def compile_template(text: str, drop: DropRule | None = None) -> Template:
    """Compile ``text`` once (``drop``: the caller's rule for leaving a line out once filled, None keeps every line);
    errors in its static lines are raised here, those of filled lines at encode time."""
    return Template(text, drop)
