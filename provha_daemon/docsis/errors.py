"""Errors of the DOCSIS config-file encoder and decoder.

Every error names the line (and, where there is one, the keyword) it concerns, and carries the exit code the
classic C ``docsis`` tool uses for the same kind of failure, so that ``provha-docsis`` can mirror it: 255 for an
unknown keyword, an unknown OID or a bad value, 2 for a grammar error, 241 for a value out of range.
"""

from __future__ import annotations

EXIT_BAD_INPUT = 255  # the tool's exit(-1)
EXIT_SYNTAX = 2  # the tool exits 2 when bison reports a syntax error
EXIT_RANGE = 241  # the tool's exit(-15)


class DocsisError(Exception):
    """Base of the encoder's and decoder's errors; ``str()`` reads ``line N: message``.

    The package stands alone: this is its own base, not one of the application's, so a caller that uses the encoder
    decides what a ``DocsisError`` means to it.
    """

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: str, *, line: int | None = None, keyword: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.keyword = keyword

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class DocsisSyntaxError(DocsisError):
    """The text does not follow the grammar (missing ``;``, unbalanced braces, an empty block, …)."""

    exit_code = EXIT_SYNTAX


class LexicalError(DocsisError):
    """A character or string the tokenizer cannot read (the tool stops with exit 255 here, not 2)."""


class UnknownKeywordError(DocsisError):
    """A keyword that exists nowhere in the table."""


class WrongBlockError(UnknownKeywordError):
    """A keyword that exists, but not in the block it was written in (the tool would silently mis-encode it)."""


class BadValueError(DocsisError):
    """A value of the wrong form for its keyword (not a number, not an IP, odd hex digits, string too long, …)."""


class UnknownOidError(BadValueError):
    """An OID the tool would not resolve in its MIB set (``oids.py``): an unknown name, a bad index, …"""


class ValueRangeError(BadValueError):
    """A number outside its keyword's range or its field's width; we reject where the tool would wrap."""

    exit_code = EXIT_RANGE


class TemplateValueError(DocsisError):
    """A slot value that cannot be substituted into a template: it holds a line break, or a kept line has none."""


class DecodeError(DocsisError):
    """A binary that cannot be read as a config file at all (empty, or not TLVs)."""


class PlaceholderValueError(DocsisError):
    """A substituted value that cannot be the token it fills (``column`` names the value, as ``Token.source`` does)."""

    def __init__(self, message: str, *, line: int | None = None, keyword: str | None = None, column: str) -> None:
        super().__init__(message, line=line, keyword=keyword)
        self.column = column
