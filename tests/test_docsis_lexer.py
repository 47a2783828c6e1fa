"""The tokenizer: token kinds, line numbers, comments and strings as the classic tool reads them."""

from __future__ import annotations

import pytest

from provha_daemon.docsis.errors import DocsisSyntaxError, LexicalError
from provha_daemon.docsis.lexer import EOF, MARKER, STRING, WORD, Token, tokenize


def kinds(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of every token."""
    return [(t.kind, t.text, t.line) for t in tokenize(text)]


def test_words_punctuation_and_lines() -> None:
    """Words are runs of printable ASCII up to space, quote, ; { }; newlines count lines."""
    assert kinds("Main {\n  MaxCPE 2;\n}") == [
        (WORD, "Main", 1),
        ("{", "{", 1),
        (WORD, "MaxCPE", 2),
        (WORD, "2", 2),
        (";", ";", 2),
        ("}", "}", 3),
        (EOF, "", 3),
    ]


def test_values_are_single_words() -> None:
    """OIDs, IPs, MACs, hex, lists and address/port pairs each stay one word."""
    text = ".1.3.6.1 10.0.0.1 00:11:22:33:44:55 0xBEEF 1,2,3 2001:db8::1/23 mib-2.140 -5"
    assert [t.text for t in tokenize(text)][:-1] == text.split()


def test_comments_vanish_and_keep_line_count() -> None:
    """``/* … */`` may span lines and may touch a word; the lines inside still count."""
    assert kinds("a/* x\ny */b\nc") == [(WORD, "a", 1), (WORD, "b", 2), (WORD, "c", 3), (EOF, "", 3)]


def test_slash_without_star_is_part_of_a_word() -> None:
    """A ``/`` that does not open a comment belongs to the word (MAC/MASK, address/port)."""
    assert tokenize("a/b")[0] == Token(WORD, "a/b", 1)


def test_string_escapes() -> None:
    """``\\"`` and ``\\ `` are the only escapes; a string may hold ; { } and /*."""
    assert tokenize(r'"x\"y\ z\n;{}/*"')[0] == Token(STRING, 'x"y z\\n;{}/*', 1)


def test_markers_only_when_asked() -> None:
    """The template's NUL-framed line markers are tokens only for template skeletons."""
    assert tokenize("\x007\x00", markers=True)[0] == Token(MARKER, "7", 1)
    with pytest.raises(LexicalError):
        tokenize("\x007\x00")


def test_first_line_offsets_numbers() -> None:
    """A fragment can start at a given line number (template lines report the template's line)."""
    assert tokenize("a\nb", first_line=40)[1].line == 41


def test_unclosed_comment_and_string() -> None:
    """An unclosed comment is a grammar error (the tool reports it at the end); an unclosed string lexical."""
    with pytest.raises(DocsisSyntaxError):
        tokenize("a /* b")
    with pytest.raises(LexicalError, match="end"):
        tokenize('a "b')
