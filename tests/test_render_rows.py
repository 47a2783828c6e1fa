"""One dynamic configfile row per device: NMS Prime's keep/drop rule, and every database value one token."""

from __future__ import annotations

import pytest

from provha_daemon import configtext as ct
from provha_daemon.docsis import DocsisError, parse
from provha_daemon.docsis.keywords import MAIN
from provha_daemon.render.rows import Dropped, Filled, fill_row

US_FLOW = MAIN.by_name["UsServiceFlow"]
INJECTION = 'x"; NetworkAccess 1; SnmpMibObject sysContact.0 String "y'


def filled(text: str, **values: str) -> Filled | Dropped | None:
    """``text`` filled with ``values`` given as ``modem__street`` for ``modem.street.0``."""
    return fill_row(text, {f"{k.replace('__', '.')}.0": v for k, v in values.items()}, MAIN, 5)


def test_a_quote_in_a_string_value_stays_in_the_string() -> None:
    """The street of the issue becomes the string's content (quote escaped as the tool reads \\"), nothing else."""
    result = filled('SnmpMibObject sysLocation.0 String "{modem.street.0}";', modem__street=INJECTION)
    assert isinstance(result, Filled)
    assert (
        result.text == 'SnmpMibObject sysLocation.0 String "x\\"; NetworkAccess 1; SnmpMibObject sysContact.0 '
        'String \\"y";'
    )
    assert [item[:2] for item in result.items or []] == [item[:2] for item in parse(f"Main {{ {result.text} }}")]
    assert result.items is not None and len(result.items) == 1
    assert result.items[0][0] == 11 and result.items[0][1].endswith(INJECTION.encode())


@pytest.mark.parametrize(
    ("text", "value", "column"),
    [
        ("MaxCPE {modem.x.0};", "3; NetworkAccess 1", "modem.x"),  # would add a setting
        ("MaxCPE {modem.x.0};", "", "modem.x"),  # an empty word changes the statement
        ("MaxCPE {modem.x.0};", "abc", "modem.x"),  # one word, but not a number
        ("MaxCPE {modem.x.0};", "300", "modem.x"),  # a number out of range is the value's fault too
        ("SnmpMibObject docsDevNmAccessIp.{modem.x.0} IPAddress 10.0.0.1;", "1 Integer 5; NetworkAccess 1", "modem.x"),
        ('SnmpMibObject sysLocation.0 String "{modem.x.0}";', "a\nNetworkAccess 1;", "modem.x"),  # a new row in PHP
        ('SnmpMibObject sysLocation.0 String "{modem.x.0}";', "{6,*,7}", "modem.x"),  # PHP would evaluate it
        ('SnmpMibObject sysLocation.0 String "{modem.x.0}";', "a\tb", "modem.x"),  # a string cannot hold a tab
        ('SnmpMibObject sysLocation.0 String "{modem.x.0}";', "ends with \\", "modem.x"),  # would escape the quote
        ("/* street {modem.x.0} */ NetworkAccess 0;", "*/ NetworkAccess 1; /*", "modem.x"),  # out of a comment
    ],
)
def test_a_value_that_cannot_be_its_token_drops_the_row(text: str, value: str, column: str) -> None:
    """Dropped, naming the column, whatever NMS Prime would have pasted."""
    result = filled(text, modem__x=value)
    assert isinstance(result, Dropped)
    assert result.column == column


def test_expression_result_is_one_token() -> None:
    """NMS Prime's {{x},*,0.1875} with a NULL x gives `MaxTrafficBurst ;`; here the row is dropped, naming x."""
    text = "MaxTrafficBurst {{qos.us_rate_max_help.0},*,0.1875};\r"
    ok = fill_row(text, {"qos.us_rate_max_help.0": "10240000"}, US_FLOW, 5)
    assert isinstance(ok, Filled) and ok.text == "MaxTrafficBurst 1920000;"
    empty = fill_row(text, {"qos.us_rate_max_help.0": ""}, US_FLOW, 5)
    assert empty == Dropped("qos.us_rate_max_help", "cannot be a single word here")
    assert ct.lines(text.replace("{qos.us_rate_max_help.0}", "")) == "\n\tMaxTrafficBurst ;\r"  # NMS Prime's row


def test_expression_result_in_a_string_is_escaped() -> None:
    """A substring of a value lands in a string as its content."""
    result = filled('SnmpMibObject sysName.0 String "{{modem.x.0},0,4}";', modem__x='ab"cdef')
    assert isinstance(result, Filled)
    assert result.text == 'SnmpMibObject sysName.0 String "ab\\"c";'


def test_nms_prime_drops_rows_with_unresolved_placeholders() -> None:
    """A placeholder without a value drops the row silently, as NMS Prime does (None, not Dropped)."""
    assert filled("MaxCPE {phonenumber.number.1};") is None


def test_template_errors_are_the_templates() -> None:
    """An unknown keyword in the row is the template's error, raised for every device."""
    with pytest.raises(DocsisError, match="BogusKeyword"):
        filled("BogusKeyword {modem.x.0};", modem__x="1")


def test_line_ends_as_nms_prime_stores_them() -> None:
    """A CR LF row loses its CR; lone CRs (one row for NMS Prime) become line breaks."""
    crlf = filled("MaxCPE {modem.x.0};\r", modem__x="3")
    assert isinstance(crlf, Filled) and crlf.text == "MaxCPE 3;"
    lone = filled("NetworkAccess 1;\rMaxCPE {modem.x.0};\rGlobalPrivacyEnable 1;", modem__x="3")
    assert isinstance(lone, Filled)
    assert lone.text == "NetworkAccess 1;\nMaxCPE 3;\nGlobalPrivacyEnable 1;"
    assert [code for code, _, _ in lone.items or []] == [3, 18, 29]


def test_values_in_words_keep_their_word() -> None:
    """A numeric index and a number go in as they are."""
    result = filled(
        "SnmpMibObject docsDevNmAccessIp.{modem.x.0} IPAddress {modem.ip.0};", modem__x="2", modem__ip="10.0.0.1"
    )
    assert isinstance(result, Filled)
    assert result.text == "SnmpMibObject docsDevNmAccessIp.2 IPAddress 10.0.0.1;"
