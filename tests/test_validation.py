"""Tests of the value validators that stand between database strings and dhcpd syntax."""

from __future__ import annotations

import pytest

from provha_daemon import validation as v


@pytest.mark.parametrize("raw", [None, "", 0, "0"])
def test_none_spellings_mean_none(raw: object) -> None:
    """NULL, '' and 0 all mean "not set", as old NMS Prime databases store them."""
    assert v.is_none(raw)
    assert v.mac(raw) is None
    assert v.ref(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("AA:BB:CC:DD:EE:0F", "aa:bb:cc:dd:ee:0f"), ("00-11-22-33-44-55", "00:11:22:33:44:55")],
)
def test_mac_is_normalised(raw: str, expected: str) -> None:
    """MACs come out lower case with colons whatever case and separator the row used."""
    assert v.mac(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["00:11:22:33:44:zz", "00:11:22:33:44", "00:11-22:33:44:55", "00:11:22:33:44:55; }", "001122334455"],
)
def test_bad_mac_is_rejected(raw: str) -> None:
    """Anything but six hex octets is refused, so no row can smuggle dhcpd syntax in a MAC."""
    with pytest.raises(v.InvalidValue):
        v.mac(raw)


@pytest.mark.parametrize("raw", ['cm-1"; evil', "bad_host!", "a..b", "-lead", "x" * 64, "", None])
def test_bad_hostname_is_rejected(raw: object) -> None:
    """Host names are RFC 1123 labels only: no quotes, semicolons, underscores or empty labels."""
    with pytest.raises(v.InvalidValue):
        v.hostname(raw)


def test_hostname_accepts_fqdn() -> None:
    """A dotted name of valid labels passes unchanged."""
    assert v.hostname("cm-100001.nmsprime.test") == "cm-100001.nmsprime.test"


@pytest.mark.parametrize("raw", ["10.0.0.256", "10.0.0", "1.2.3.4; deny", "::1"])
def test_bad_ipv4_is_rejected(raw: str) -> None:
    """Only dotted-quad IPv4 addresses pass."""
    with pytest.raises(v.InvalidValue):
        v.ipv4(raw)


def test_network_strips_prefix_and_checks_mask() -> None:
    """A net with a /len suffix is accepted; a host address with a mask is not a network."""
    assert str(v.network("10.0.0.0/24", "255.255.255.0")) == "10.0.0.0/24"
    with pytest.raises(v.InvalidValue):
        v.network("10.0.0.5", "255.255.255.0")
    with pytest.raises(v.InvalidValue):
        v.network("10.0.0.0", "255.0.255.0")


@pytest.mark.parametrize("raw", ['a"b', "a\\b", "tab\there", ""])
def test_dhcp_string_refuses_quote_and_backslash(raw: str) -> None:
    """Text inside a dhcpd string literal can never close the literal."""
    with pytest.raises(v.InvalidValue):
        v.dhcp_string(raw)


def test_base64_secret() -> None:
    """DNS/OMAPI secrets must be base64; quotes or semicolons are refused."""
    assert v.base64_secret("c2xhdmUtc2VjcmV0LWtleQ==") == "c2xhdmUtc2VjcmV0LWtleQ=="
    with pytest.raises(v.InvalidValue):
        v.base64_secret('abc"; }')


@pytest.mark.parametrize(("raw", "expected"), [(1, True), (0, False), ("yes", True), ("no", False), (None, False)])
def test_flag(raw: object, expected: bool) -> None:
    """Boolean columns in their TINYINT and ENUM spellings."""
    assert v.flag(raw) is expected
