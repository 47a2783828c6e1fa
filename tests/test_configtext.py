"""Tests of the config text assembly, each expectation worked out from NMS Prime's text_make rules."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from provha_daemon.configtext import (
    TextError,
    evaluate,
    fill,
    lines,
    modem_settings,
    php_string,
    placeholders,
    wrap_modem,
    wrap_mta,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (False, ""),
        (True, "1"),
        (100.0, "100"),
        (1.5, "1.5"),
        (decimal.Decimal("2.50"), "2.50"),
        (dt.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02 03:04:05"),
        (7, "7"),
        (b"ab", "ab"),
    ],
)
def test_php_string(value: object, text: str) -> None:
    """Database values print as PHP prints them into a string."""
    assert php_string(value) == text


def test_fill_replaces_existing_rows_only() -> None:
    """Placeholders of present rows are replaced (NULL by ''), those of absent tables or columns stay."""
    text = "A {modem.hostname.0}; B {qos.ds_rate_max_help.0}; C {modem.x.0}; D {phonenumber.number.1}; E {modem.z.0}"
    out = fill(text, [("modem", {0: {"hostname": "cm-1", "x": None}}), ("qos", {0: {"ds_rate_max_help": 1000}})])
    assert out == "A cm-1; B 1000; C ; D {phonenumber.number.1}; E {modem.z.0}"


def test_placeholders() -> None:
    """The (table, column) pairs a template names."""
    assert placeholders("x {modem.street.0} {qos.ds_rate_max_help.0} {bad}") == {
        ("modem", "street"),
        ("qos", "ds_rate_max_help"),
    }


@pytest.mark.parametrize(
    ("row", "result"),
    [
        ("MaxRateSustained {100,*,1.1};", "MaxRateSustained 110;"),
        ("X {5,/,2};", "X 3;"),  # PHP round: half away from zero
        ("X {-5,/,2};", "X -3;"),
        ("Active {{phonenumber.active.1},?,2};", "Active 2;"),
        ("Active {1,?,2};", "Active 1;"),
        ('S "{abcdef,2}";', 'S "cdef";'),
        ('S "{abcdef,1,3}";', 'S "bcd";'),
        ('S "{abcdef,-2}";', 'S "ef";'),
        ("X {modem.unknown.0};", None),
        ("raw; {value: Date.now()}", "raw; {value: Date.now()}"),
    ],
)
def test_expressions(row: str, result: str | None) -> None:
    """NMS Prime's _calc_eval: arithmetic, defaults, substrings; anything else drops the line."""
    assert lines(row) == ("" if result is None else f"\n\t{result}")


def test_division_by_zero_aborts_like_php_8() -> None:
    """PHP 8's DivisionByZeroError is not caught by _calc_eval: NMS Prime 3.1.0 builds no config at all."""
    with pytest.raises(TextError, match="division by zero"):
        lines("X {1,/,0};")


def test_evaluate_uses_the_first_group() -> None:
    """The expression group is the first brace group without an inner opening brace."""
    assert evaluate("A {1,+,2} B", "{1,+,2}") == "A 3 B"


def test_lines_keep_empty_lines_and_append_extensions() -> None:
    """Every line, empty ones too, becomes \\n\\t<line>; extension lines (firmware) come last."""
    assert lines("A;\n\nB;", ['SwUpgradeFilename "fw/x";']) == '\n\tA;\n\t\n\tB;\n\tSwUpgradeFilename "fw/x";'


def test_modem_settings() -> None:
    """NetworkAccess always; MaxCPE unless the template sets it outside a comment; CpeMacAddress per MTA."""
    assert modem_settings(True, 3, ["00:11:22:33:44:55"], "GlobalPrivacyEnable 1;") == (
        "\tNetworkAccess 1;\n\tMaxCPE 3;\n\tCpeMacAddress 00:11:22:33:44:55;\n"
    )
    assert modem_settings(True, 3, [], "MaxCPE 10;") == "\tNetworkAccess 1;\n"
    assert modem_settings(True, 3, [], "/* MaxCPE 10; */") == "\tNetworkAccess 1;\n\tMaxCPE 3;\n"
    assert modem_settings(True, 3, ["00:11:22:33:44:55"], "/* CpeMacAddress skip */") == (
        "\tNetworkAccess 1;\n\tMaxCPE 3;\n"
    )
    assert modem_settings(False, 1, ["00:11:22:33:44:55"], "") == "\tNetworkAccess 0;\n\tMaxCPE 1;\n"


def test_wrapping() -> None:
    """Main { … } for modems; MtaConfigDelimiter 1 … 255 around an MTA's text."""
    assert wrap_modem("\tNetworkAccess 1;\n", "\n\tX 1;") == "Main\n{\n\tNetworkAccess 1;\n\n\tX 1;\n}"
    assert wrap_mta("\n\tX 1;") == "Main\n{\n\tMtaConfigDelimiter 1;\n\tX 1;\n\tMtaConfigDelimiter 255;\n}"
