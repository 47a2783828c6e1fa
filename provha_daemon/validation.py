"""Validators for every database string that lands in a generated file.

Each returns the normalised value or raises ``InvalidValue``; none pastes raw text, so a row can never change the
syntax of a file. ``''``, ``0`` and NULL all mean "none" (old NMS Prime databases store all three).
"""

from __future__ import annotations

import ipaddress
import re


class InvalidValue(ValueError):
    """A database value that cannot be written safely; the loader skips its row and names it."""


_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME_PATTERN = rf"{_LABEL}(?:\.{_LABEL})*"
_HOSTNAME = re.compile(rf"^{HOSTNAME_PATTERN}$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
# Printable ASCII without the two characters that could end a dhcpd string literal.
_DHCP_STRING = re.compile(r"^[\x20-\x21\x23-\x5b\x5d-\x7e]+$")


def is_none(value: object) -> bool:
    """True for NULL, empty string and zero: NMS Prime's three spellings of "not set"."""
    return value is None or value == "" or value == 0 or value == "0"


def mac(value: object) -> str | None:
    """A MAC address as lower-case colon-separated hex, or None when the column is empty."""
    if is_none(value):
        return None
    text = str(value).strip()
    if not _MAC.match(text):
        raise InvalidValue(f"not a MAC address: {str(value)!r}")
    return text.replace("-", ":").lower()


def ipv4(value: object, *, required: bool = True) -> str | None:
    """A dotted-quad IPv4 address in canonical form (None allowed only when not required)."""
    if is_none(value):
        if required:
            raise InvalidValue("missing IPv4 address")
        return None
    text = str(value).strip()
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise InvalidValue(f"not an IPv4 address: {str(value)!r}") from None


def network(net: object, netmask: object) -> ipaddress.IPv4Network:
    """The IPv4 network of a pool; ``net`` may carry a ``/len`` suffix as newer NMS Prime writes it."""
    text = "" if net is None else str(net).strip()
    text = text.split("/", 1)[0]
    address = ipv4(text)
    mask = ipv4(netmask)
    try:
        return ipaddress.IPv4Network(f"{address}/{mask}", strict=True)
    except ValueError as exc:
        raise InvalidValue(f"not a network: {text}/{mask} ({exc})") from None


def hostname(value: object) -> str:
    """A host name of RFC 1123 letters, digits and hyphens (dots between labels)."""
    text = "" if value is None else str(value).strip()
    if not text or len(text) > 253 or not _HOSTNAME.match(text):
        raise InvalidValue(f"not a host name: {str(value)!r}")
    return text


def shared_network_name(value: object) -> str:
    """A gateway name for ``shared-network "<name>"``: a host name, so no quote can close the string."""
    return hostname(value)


def dhcp_string(value: object, *, max_length: int = 255) -> str:
    """Text for inside a dhcpd string literal: printable ASCII without quote or backslash."""
    text = "" if value is None else str(value)
    if not text or len(text) > max_length or not _DHCP_STRING.match(text):
        raise InvalidValue(f"not a safe string: {str(value)!r}")
    return text


def base64_secret(value: object) -> str | None:
    """An HMAC secret as ddns-confgen and dnssec-keygen print it (base64), or None when empty."""
    if is_none(value):
        return None
    text = str(value).strip()
    if not _BASE64.match(text):
        raise InvalidValue("not a base64 secret")
    return text


def flag(value: object, default: bool = False) -> bool:
    """A boolean column (TINYINT, '0'/'1', ENUM('yes','no')) as bool."""
    if value == "1" or value == "0":  # the common case of packed rows, first
        return value == "1"
    if value is None or value == "":
        return default
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return value.strip().lower() in ("1", "yes", "true", "on")
    return bool(value)


def ref(value: object) -> int | None:
    """A foreign key where 0 and '' mean "none"."""
    if type(value) is str and value.isdecimal() and value.isascii():  # the common case of packed rows, first
        number = int(value)
        return number if number > 0 else None
    if is_none(value):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise InvalidValue(f"not an id: {str(value)!r}") from None
    return number if number > 0 else None
