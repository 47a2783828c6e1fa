"""One dynamic configfile row of one device, filled as NMS Prime fills it, with every database value one token.

NMS Prime pastes values into the text as they are (``str_replace``), evaluates the row's ``{…}`` expression and
hands the result to the tool, so a modem whose ``street`` is ``x"; NetworkAccess 1; …`` adds a setting. Here a
row is filled in three steps:

1. NMS Prime's rule decides whether the row is kept at all (an unresolved placeholder or an expression without a
   value drops it, exactly as ``configtext.evaluate`` does on the raw text).
2. The row is filled again with a sentinel per value and per expression result; tokenized, that *shape* says
   what each value must become: a word (a number, an address, an OID …) or a string's content.
3. The values go in: into a string escaped (``"`` as ``\\"``), elsewhere as they are; the filled row must give
   the shape's tokens, with each value inside the token its sentinel was in; then it is parsed in its block with
   the value tokens marked, so a value the keyword cannot take is the value's fault.

A value that cannot be its token (a brace, a line break, a tab or a quote where a word belongs, an empty word,
``abc`` for a number) drops the row with the column named (``Dropped``); NMS Prime drops rows with unresolved
placeholders the same way, and the device still gets its config. Any other error is the template's own and is
raised. CR line ends are NMS Prime's (rows split at LF only); the text returned has LF line ends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from provha_daemon import configtext as ct
from provha_daemon.docsis import PlaceholderValueError
from provha_daemon.docsis.keywords import Keyword
from provha_daemon.docsis.lexer import MAX_STRING, STRING, WORD_TEXT, Token, tokenize
from provha_daemon.docsis.parser import Item, parse_tokens

SIMPLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_]+\.\d+)\}")
_SENTINEL = re.compile(r"@@V(\d+)@@")
_RESULT = "@@V0@@"  # the expression's result is value 0; placeholders are 1…
_UNSAFE = re.compile(r"[{}\r\n]")
_BAD_IN_STRING = re.compile(r"[\t\x00-\x08\x0b-\x1f\x7f]|\\(?=[\" ]|$)")


@dataclass(frozen=True, slots=True)
class Filled:
    """A kept row: its text (LF line ends) and, when its block was given, its items."""

    text: str
    items: list[Item] | None


@dataclass(frozen=True, slots=True)
class Dropped:
    """A row dropped because a value cannot be its token: the placeholder's column and why."""

    column: str
    reason: str


def column_of(name: str) -> str:
    """``modem.street.0`` → ``modem.street``."""
    return name.rpartition(".")[0] or name


def normalise(text: str) -> str:
    """A row's text with NMS Prime's CRs turned into LF line breaks (the row's own CR LF end goes)."""
    return text.removesuffix("\r").replace("\r", "\n")


def _escape(value: str) -> str | None:
    """``value`` as the content of a quoted string in the tool's syntax, or None if that syntax cannot hold it."""
    if _BAD_IN_STRING.search(value):
        return None
    return value.replace('"', '\\"')


def _marked(text: str, values: Mapping[str, str]) -> tuple[str, str, dict[int, str]]:
    """(raw, marked, sentinel → placeholder name): ``text`` filled with the values and with sentinels."""
    raw: list[str] = []
    marked: list[str] = []
    names: dict[int, str] = {}
    pos = 0
    for m in SIMPLE.finditer(text):
        raw.append(text[pos : m.start()])
        marked.append(text[pos : m.start()])
        value = values.get(m.group(1))
        if value is None:  # left for NMS Prime's rule, as PHP leaves it
            raw.append(m.group())
            marked.append(m.group())
        else:
            raw.append(value)
            names[len(names) + 1] = m.group(1)
            marked.append(f"@@V{len(names)}@@")
        pos = m.end()
    raw.append(text[pos:])
    marked.append(text[pos:])
    return "".join(raw), "".join(marked), names


def fill_row(text: str, values: Mapping[str, str], block: Keyword | None, line: int) -> Filled | Dropped | None:
    """One dynamic row (``text`` as NMS Prime splits it, CR kept) for one device; None if NMS Prime drops it.

    Raises ``configtext.TextError`` where NMS Prime's PHP aborts the config and ``DocsisError`` for an error of
    the template itself; ``line`` is the row's first line in the template, for those messages.
    """
    raw, marked, names = _marked(text, values)
    group = ct.LEFT.search(raw)
    if group is not None and ct.evaluate(raw, group.group()) is None:
        return None  # NMS Prime drops the row
    for name in names.values():
        if _UNSAFE.search(values[name]):
            return Dropped(column_of(name), "holds a brace or a line break")
    replacements = {number: values[name] for number, name in names.items()}
    if group is not None and not raw.startswith("raw;"):
        result = ct.expression(group.group())
        span = ct.expression_span(raw)
        marked_span = ct.expression_span(marked)
        if result is None or span is None or marked_span is None:  # pragma: no cover - evaluate() said otherwise
            return None
        inputs = [names[int(n)] for n in _SENTINEL.findall(marked[marked_span[0] : marked_span[1]])]
        names[0] = inputs[0] if inputs else "expression"
        replacements[0] = ct.php_replacement(result, raw[span[0] : span[1]])
        marked = marked[: marked_span[0]] + _RESULT + marked[marked_span[1] :]
    return _fill(normalise(marked), names, replacements, block, line)


@functools.lru_cache(maxsize=4096)
def _shape(marked: str, line: int) -> tuple[tuple[Token, ...], frozenset[int], frozenset[int]]:
    """The tokens of a row filled with sentinels, and which sentinels sit in a string and in any token at all."""
    tokens = tuple(tokenize(marked, first_line=line))
    in_string = frozenset(int(n) for token in tokens if token.kind == STRING for n in _SENTINEL.findall(token.text))
    in_token = frozenset(int(n) for token in tokens for n in _SENTINEL.findall(token.text))
    return tokens, in_string, in_token


def _fill(
    marked: str, names: dict[int, str], replacements: dict[int, str], block: Keyword | None, line: int
) -> Filled | Dropped:
    shape, in_string, in_token = _shape(marked, line)
    shown: dict[int, str] = {}
    for number, value in replacements.items():
        if number in in_string:
            escaped = _escape(value)
            if escaped is None:
                return Dropped(
                    column_of(names[number]),
                    "holds a tab, a control character or a backslash before "
                    "a quote, a blank or the end, which a string cannot hold",
                )
            shown[number] = escaped
        elif number not in in_token and ("*/" in value or "/*" in value):  # in a comment: it must stay one
            return Dropped(column_of(names[number]), "would end or open a comment")
        else:
            shown[number] = value
    text = _SENTINEL.sub(lambda m: shown[int(m.group(1))], marked)
    tokens: list[Token] = []
    for token in shape:
        found = _SENTINEL.findall(token.text)
        if not found:
            tokens.append(token)
            continue
        name = names[int(found[0])]
        filled = _SENTINEL.sub(lambda m: replacements[int(m.group(1))], token.text)
        if token.kind == STRING:
            if len(filled) > MAX_STRING:
                return Dropped(column_of(name), f"makes a string longer than {MAX_STRING} characters")
        elif not WORD_TEXT.fullmatch(filled):
            return Dropped(column_of(name), "cannot be a single word here")
        tokens.append(token._replace(text=filled, source=name))
    items = None
    if block is not None:
        try:
            items = parse_tokens(tokens, block)
        except PlaceholderValueError as exc:
            return Dropped(column_of(exc.column), exc.message)
    return Filled(text, items)
