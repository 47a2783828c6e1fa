"""The tokenizer for the classic tool's config text.

Tokens are braces, ``;``, quoted strings and "words" (every other run of printable ASCII: keywords, numbers,
``0x…`` hex, IPs, MACs, OIDs, also those with a ``."quoted"`` index); the parser decides what a word means from
the keyword it follows, so a bad value is reported as such instead of as a grammar error. Like the tool:

* comments are ``/* … */`` only (they may span lines); ``#`` and ``//`` are not comments;
* inside a string ``\\"`` is a quote and ``\\ `` (backslash, space) a space, every other backslash is literal; a
  string may not hold a line break or a tab and is at most 2048 characters long;
* whitespace is space and tab, lines end in LF or CR LF; any other character is an error.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from provha_daemon.docsis.errors import DocsisSyntaxError, LexicalError

MAX_STRING = 2048  # the tool's string buffer

WORD = "word"
STRING = "string"
MARKER = "marker"  # a dynamic template line stood in for by a marker (``template`` only)
EOF = "eof"


class Token(NamedTuple):
    """One token: its kind (``word``, ``string``, ``{``, ``}``, ``;``, ``marker`` or ``eof``), text and line.

    ``source`` names the slot or value the token was filled from (set by whoever substitutes values into a text),
    so that an error in it can be told from an error of the template itself.
    """

    kind: str
    text: str
    line: int
    source: str = ""


# printable ASCII except space, '"', '/', ';', '{', '}'; a '/' joins a word unless it starts a comment; after a
# '.' a double-quoted index joins it too (``vacmGroupName.3."user"``), as in the tool's OID token
_WORD_CHARS = r"!#-.0-:<-z|~"
_WORD = rf"""(?:[{_WORD_CHARS}]|/(?!\*)|(?<=\.)"[A-Za-z0-9,:_\-.]+")+"""
_TOKEN = re.compile(
    r"(?P<ws>[ \t]+)"
    r"|(?P<nl>\r?\n)"
    rf"|(?P<word>{_WORD})"
    r"|(?P<punct>[{};])"
    r'|(?P<str>")'
    r"|(?P<com>/\*)"
    r"|(?P<marker>\x00[0-9]+\x00)"
)
WORD_TEXT = re.compile(_WORD)
"""What one word token may hold."""
_STRING_BODY = re.compile(r'(?:[^"\\\n\t]|\\[" ]|\\(?![" ]))*')
_UNESCAPE = re.compile(r'\\([" ])')


def tokenize(text: str, *, first_line: int = 1, markers: bool = False) -> list[Token]:
    """The tokens of ``text``, ending with an ``eof`` token; raises ``LexicalError`` or ``DocsisSyntaxError``."""
    tokens: list[Token] = []
    append = tokens.append
    line = first_line
    pos = 0
    end = len(text)
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            raise LexicalError(f"unexpected character {text[pos]!r}", line=line)
        group = m.lastgroup
        if group == "word":
            append(Token(WORD, m.group(), line))
        elif group == "ws":
            pass
        elif group == "nl":
            line += 1
        elif group == "punct":
            punct = m.group()
            append(Token(punct, punct, line))
        elif group == "str":
            close = _STRING_BODY.match(text, m.end()).end()  # type: ignore[union-attr]  # matches "" at least
            if close >= end or text[close] != '"':
                what = "a line break" if close < end and text[close] == "\n" else "a tab" if close < end else "the end"
                raise LexicalError(f"string reaches {what} before its closing quote", line=line)
            value = _UNESCAPE.sub(r"\1", text[m.end() : close])
            if len(value) > MAX_STRING:
                raise LexicalError(f"string longer than {MAX_STRING} characters", line=line)
            append(Token(STRING, value, line))
            pos = close + 1
            continue
        elif group == "com":
            close = text.find("*/", m.end())
            if close < 0:
                raise DocsisSyntaxError("comment opened with /* is never closed", line=line)
            line += text.count("\n", pos, close)
            pos = close + 2
            continue
        else:  # marker
            if not markers:
                raise LexicalError("unexpected character '\\x00'", line=line)
            append(Token(MARKER, m.group()[1:-1], line))
        pos = m.end()
    append(Token(EOF, "", line))
    return tokens
