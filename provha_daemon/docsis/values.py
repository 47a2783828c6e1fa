"""Value encoders: one token of the config text to the bytes of a TLV value, with the keyword's checks.

Numbers are decimal and must fit the field and the keyword's range (no wrapping, unlike the tool's ``atoi``).
IP addresses are dotted quads of decimal numbers; a component with a leading zero is rejected because the tool's
``inet_aton`` would read it as octal. Strings are encoded as UTF-8 (input bytes that are not UTF-8 come through
unchanged as surrogate escapes).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from provha_daemon.docsis import ber
from provha_daemon.docsis.errors import BadValueError, UnknownOidError, ValueRangeError
from provha_daemon.docsis.keywords import INT_WIDTH, Keyword, Kind
from provha_daemon.docsis.lexer import STRING, WORD, Token
from provha_daemon.docsis.oids import OidError, resolve

_INT = re.compile(r"-?[0-9]+")
_HEX = re.compile(r"0[xX]([0-9A-Fa-f]+)")
_MAC = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_IP = re.compile(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")
_NUMBER_LIST = re.compile(r"[0-9]+(?:,[0-9]+)*")


def text_bytes(text: str) -> bytes:
    """A string value's bytes (see the module docstring)."""
    return text.encode("utf-8", "surrogateescape")


def _need(token: Token, kind: str, keyword: str, what: str) -> str:
    if token.kind != kind:
        shown = f'"{token.text}"' if token.kind == STRING else token.text or "end of input"
        raise BadValueError(f"{keyword} needs {what}, not {shown}", line=token.line, keyword=keyword)
    return token.text


def integer(token: Token, keyword: str, lo: int, hi: int) -> int:
    """A decimal integer within [lo, hi]."""
    text = _need(token, WORD, keyword, "a decimal number")
    if not _INT.fullmatch(text):
        raise BadValueError(f"{keyword} needs a decimal number, not {text}", line=token.line, keyword=keyword)
    value = int(text)
    if not lo <= value <= hi:
        raise ValueRangeError(f"{keyword} value {value} out of range {lo}-{hi}", line=token.line, keyword=keyword)
    return value


def ipv4(token: Token, keyword: str) -> bytes:
    """Four bytes from a dotted quad."""
    text = _need(token, WORD, keyword, "an IPv4 address")
    m = _IP.fullmatch(text)
    if m is None or any(int(part) > 255 for part in m.groups()):
        raise BadValueError(f"{keyword} needs an IPv4 address, not {text}", line=token.line, keyword=keyword)
    return bytes(int(part) for part in m.groups())


def _ipv6(text: str, token: Token, keyword: str) -> bytes:
    try:
        return ipaddress.IPv6Address(text).packed
    except ValueError:
        raise BadValueError(f"{keyword} needs an IPv6 address, not {text}", line=token.line, keyword=keyword) from None


def hex_bytes(token: Token, keyword: str) -> bytes:
    """The bytes of a ``0x…`` word with an even number of digits."""
    text = _need(token, WORD, keyword, "a 0x… hex string")
    m = _HEX.fullmatch(text)
    if m is None:
        raise BadValueError(f"{keyword} needs a 0x… hex string, not {text}", line=token.line, keyword=keyword)
    digits = m.group(1)
    if len(digits) % 2:
        raise BadValueError(f"{keyword}: odd number of hex digits in {text}", line=token.line, keyword=keyword)
    return bytes.fromhex(digits)


def oid(token: Token, keyword: str, *, rooted: bool = False, label_oid: bool = True) -> tuple[int, ...]:
    """The arcs of an OID word, resolved in the MIB table as the tool resolves it in that place (``oids.resolve``):
    ``rooted`` for ObjectID values, SnmpWriteControl and the OID keywords (numbers or a path from iso only),
    ``label_oid`` where the tool's grammar takes its OID token only (not for the OID keywords)."""
    text = _need(token, WORD, keyword, "an OID")
    try:
        return resolve(text, rooted=rooted, label_oid=label_oid)
    except OidError as exc:
        raise UnknownOidError(str(exc), line=token.line, keyword=keyword) from None


def _check_length(value: bytes, kw: Keyword, token: Token, unit: str) -> bytes:
    lo, hi = kw.limits
    if not lo <= len(value) <= hi:
        raise BadValueError(
            f"{kw.name} must be {lo}-{hi} {unit} long, not {len(value)}", line=token.line, keyword=kw.name
        )
    return value


def _int_value(kw: Keyword, token: Token) -> bytes:
    lo, hi = kw.limits
    return integer(token, kw.name, lo, hi).to_bytes(INT_WIDTH[kw.kind], "big")


def _ip_value(kw: Keyword, token: Token) -> bytes:
    return ipv4(token, kw.name)


def _ip6_value(kw: Keyword, token: Token) -> bytes:
    return _ipv6(_need(token, WORD, kw.name, "an IPv6 address"), token, kw.name)


def _ip_port_value(kw: Keyword, token: Token) -> bytes:
    text = _need(token, WORD, kw.name, "ADDRESS/PORT")
    address, slash, port = text.rpartition("/")
    if not slash or not _INT.fullmatch(port) or not 0 <= int(port) <= 65535:
        raise BadValueError(f"{kw.name} needs ADDRESS/PORT, not {text}", line=token.line, keyword=kw.name)
    return _address(address, kw, token) + int(port).to_bytes(2, "big")


def _ip_list_value(kw: Keyword, token: Token) -> bytes:
    text = _need(token, WORD, kw.name, "a comma-separated list of IPv4 addresses")
    return b"".join(ipv4(token._replace(text=part), kw.name) for part in text.split(","))


def _mac(text: str, kw: Keyword, token: Token) -> bytes:
    if not _MAC.fullmatch(text):
        raise BadValueError(
            f"{kw.name} needs a MAC address aa:bb:cc:dd:ee:ff, not {text}", line=token.line, keyword=kw.name
        )
    return bytes.fromhex(text.replace(":", ""))


def _mac_value(kw: Keyword, token: Token) -> bytes:
    return _mac(_need(token, WORD, kw.name, "a MAC address"), kw, token)


def _ethermask_value(kw: Keyword, token: Token) -> bytes:
    text = _need(token, WORD, kw.name, "MAC/MASK")
    mac, slash, mask = text.partition("/")
    if not slash:
        raise BadValueError(f"{kw.name} needs MAC/MASK, not {text}", line=token.line, keyword=kw.name)
    return _mac(mac, kw, token) + _mac(mask, kw, token)


def _hex_value(kw: Keyword, token: Token) -> bytes:
    return _check_length(hex_bytes(token, kw.name), kw, token, "bytes")


def _string_value(kw: Keyword, token: Token) -> bytes:
    return _check_length(text_bytes(_need(token, STRING, kw.name, 'a "string"')), kw, token, "bytes")


def _strzero_value(kw: Keyword, token: Token) -> bytes:
    return _check_length(text_bytes(_need(token, STRING, kw.name, 'a "string"')), kw, token, "characters") + b"\0"


def _number_list(kw: Keyword, token: Token, top: int) -> list[int]:
    text = _need(token, WORD, kw.name, "a comma-separated list of numbers")
    if not _NUMBER_LIST.fullmatch(text):
        raise BadValueError(
            f"{kw.name} needs a comma-separated list of numbers, not {text}", line=token.line, keyword=kw.name
        )
    numbers = [int(part) for part in text.split(",")]
    if len(numbers) < 2:  # the tool's syntax reads one number as an integer, and its list encoders then crash
        raise BadValueError(
            f"{kw.name} needs a list of at least two numbers, not {text}", line=token.line, keyword=kw.name
        )
    for number in numbers:
        if number > top:
            raise ValueRangeError(f"{kw.name} value {number} out of range 0-{top}", line=token.line, keyword=kw.name)
    return numbers


def _char_list_value(kw: Keyword, token: Token) -> bytes:
    return bytes(_number_list(kw, token, 0xFF))


def _ushort_list_value(kw: Keyword, token: Token) -> bytes:
    numbers = _number_list(kw, token, 0xFFFF)
    lo, hi = kw.limits
    if not lo <= len(numbers) <= hi:
        raise BadValueError(f"{kw.name} needs {lo}-{hi} numbers, not {len(numbers)}", line=token.line, keyword=kw.name)
    return b"".join(n.to_bytes(2, "big") for n in numbers)


def _oid_value(kw: Keyword, token: Token) -> bytes:
    return ber.oid_tlv(oid(token, kw.name, rooted=True, label_oid=False))


def _address(text: str, kw: Keyword, token: Token) -> bytes:
    """IPv6 if it parses as one, else a dotted quad (the tool tries ``inet_pton(AF_INET6)`` first)."""
    if ":" in text:
        return _ipv6(text, token, kw.name)
    return ipv4(token._replace(text=text), kw.name)


def _ip_ip6_value(kw: Keyword, token: Token) -> bytes:
    return _address(_need(token, WORD, kw.name, "an IPv4 or IPv6 address"), kw, token)


def _char_ip_ip6_value(kw: Keyword, token: Token) -> bytes:
    packed = _ip_ip6_value(kw, token)
    return (b"\x02" if len(packed) == 16 else b"\x01") + packed


def _ip6_list_value(kw: Keyword, token: Token) -> bytes:
    text = _need(token, WORD, kw.name, "a comma-separated list of IPv6 addresses")
    return b"".join(_ipv6(part, token, kw.name) for part in text.split(","))


def _ip6_prefix_list_value(kw: Keyword, token: Token) -> bytes:
    text = _need(token, WORD, kw.name, "a comma-separated list of IPv6 ADDRESS/LENGTH prefixes")
    out = bytearray()
    for part in text.split(","):
        address, slash, length = part.partition("/")
        if not slash or not _INT.fullmatch(length) or not 0 <= int(length) <= 128:
            raise BadValueError(
                f"{kw.name} needs IPv6 ADDRESS/LENGTH (0-128) prefixes, not {part}", line=token.line, keyword=kw.name
            )
        out += _ipv6(address, token, kw.name) + bytes((int(length),))
    return bytes(out)


def _dual_qtag_value(kw: Keyword, token: Token) -> bytes:
    numbers = _number_list(kw, token, 0xFFFF)
    if len(numbers) != 2:
        raise BadValueError(f"{kw.name} needs two tags OUTER,INNER, not {token.text}", line=token.line, keyword=kw.name)
    return numbers[0].to_bytes(2, "big") + numbers[1].to_bytes(2, "big")


def _lenzero_value(kw: Keyword, token: Token) -> bytes:
    return b""  # the tool writes a zero-length TLV whatever the value (its decoder shows 0x00)


ENCODERS: dict[Kind, Callable[[Keyword, Token], bytes]] = {
    Kind.UCHAR: _int_value,
    Kind.USHORT: _int_value,
    Kind.UINT24: _int_value,
    Kind.UINT: _int_value,
    Kind.IP: _ip_value,
    Kind.IP6: _ip6_value,
    Kind.IP_PORT: _ip_port_value,
    Kind.IP_LIST: _ip_list_value,
    Kind.MAC: _mac_value,
    Kind.ETHERMASK: _ethermask_value,
    Kind.HEX: _hex_value,
    Kind.STRING: _string_value,
    Kind.STRZERO: _strzero_value,
    Kind.CHAR_LIST: _char_list_value,
    Kind.USHORT_LIST: _ushort_list_value,
    Kind.OID: _oid_value,
    Kind.IP_IP6: _ip_ip6_value,
    Kind.CHAR_IP_IP6: _char_ip_ip6_value,
    Kind.IP6_LIST: _ip6_list_value,
    Kind.IP6_PREFIX_LIST: _ip6_prefix_list_value,
    Kind.DUAL_QTAG: _dual_qtag_value,
    Kind.LENZERO: _lenzero_value,
}
"""Kind → encoder for the keywords whose statement is ``Keyword VALUE;``."""
