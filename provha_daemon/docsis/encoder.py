"""The encoder: parsed items to the bytes of a CM or MTA config file, byte-identical to the classic tool.

CM files (``docsis -e``): the settings in input order, then the CM MIC (TLV 6, MD5 over every byte before it), the
CMTS MIC (TLV 7, HMAC-MD5 keyed with the shared secret over the whole TLVs of types 1, 2, 3, 4, 17, 43, 6, 18, 19,
20, 22, 23, 24, 25, 28, 29, 26, 35, 36, 37, 40, in that type order and file order within a type), the end marker
``FF`` and ``00`` bytes up to a multiple of 4.

MTA files (``docsis -p``, or ``-e`` on a text whose first setting is ``MtaConfigDelimiter``, as the tool does): the
settings only. With a hash flavour the SHA-1 of that file goes into an SNMP object (TLV 11) right before the final
``MtaConfigDelimiter 255``: ``eu`` pktcMtaDevProvConfigHash of EuroPacketCable, ``na`` of CableLabs, ``ietf`` of
RFC 4682.

TLV 64: an SNMP object over 255 bytes is written as TLV 64 with a 2-byte length in an MTA file (PacketCable). A CM
file refuses it: in DOCSIS 3.0 TLV 64 is the CMTS Static Multicast Session Encoding with a 1-byte length, so a
modem would misread it (and the tool's own CMTS MIC code then assumes a 2-byte length for every TLV 64).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path

from provha_daemon.docsis import ber
from provha_daemon.docsis.errors import BadValueError, DocsisError, DocsisSyntaxError
from provha_daemon.docsis.keywords import LONG_SNMP_CODE, MTA_DELIMITER_CODE, SNMP_CODE
from provha_daemon.docsis.parser import FileReader, Item, parse

CMTS_MIC_ORDER = (1, 2, 3, 4, 17, 43, 6, 18, 19, 20, 22, 23, 24, 25, 28, 29, 26, 35, 36, 37, 40)
_RANK = {code: rank for rank, code in enumerate(CMTS_MIC_ORDER)}
_CM_MIC_RANK = _RANK[6]
MTA_END = b"\xfe\x01\xff"
KEY_MAX = 64  # the tool reads at most 64 bytes of the keyfile


class MtaHash(enum.Enum):
    """Which pktcMtaDevProvConfigHash object carries an MTA file's SHA-1."""

    EU = "eu"
    NA = "na"
    IETF = "ietf"


HASH_OIDS: dict[MtaHash, tuple[int, ...]] = {
    MtaHash.EU: (1, 3, 6, 1, 4, 1, 7432, 1, 1, 2, 9, 0),
    MtaHash.NA: (1, 3, 6, 1, 4, 1, 4491, 2, 2, 1, 1, 2, 7, 0),
    MtaHash.IETF: (1, 3, 6, 1, 2, 1, 140, 1, 2, 11, 0),
}


def read_keyfile(path: str | Path) -> bytes:
    """The CMTS shared secret as the tool reads it: the first 64 bytes, trailing CR/LF stripped."""
    with Path(path).open("rb") as handle:
        key = handle.read(KEY_MAX)
    return key.rstrip(b"\r\n")


def tlv(code: int, value: bytes, line: int, mta: bool) -> bytes:
    """One top-level TLV; an SNMP object over 255 bytes becomes TLV 64 in an MTA file and an error in a CM file."""
    size = len(value)
    if size <= 0xFF:
        return bytes((code, size)) + value
    if code != SNMP_CODE:
        raise BadValueError(f"TLV {code} is {size} bytes; a TLV holds at most 255", line=line)
    if not mta:
        raise BadValueError(
            f"SNMP object of {size} bytes: over 255 bytes it needs TLV 64, which only MTA files may carry "
            "(in a DOCSIS 3.0 CM file TLV 64 means something else)",
            line=line,
            keyword="SnmpMibObject",
        )
    if size > 0xFFFF:
        raise BadValueError(f"SNMP object of {size} bytes is too long even for TLV 64", line=line)
    return bytes((LONG_SNMP_CODE, size >> 8, size & 0xFF)) + value


def cmts_mic(codes: Sequence[int], parts: Sequence[bytes], cm_mic_tlv: bytes, key: bytes) -> bytes:
    """HMAC-MD5 over the TLVs of the CMTS MIC types, in ``CMTS_MIC_ORDER``, file order within a type."""
    buckets: list[list[bytes]] = [[] for _ in CMTS_MIC_ORDER]
    rank = _RANK.get
    for code, part in zip(codes, parts, strict=True):
        r = rank(code)
        if r is not None:
            buckets[r].append(part)
    buckets[_CM_MIC_RANK].append(cm_mic_tlv)
    return hmac.digest(key, b"".join([b"".join(bucket) for bucket in buckets]), "md5")


def finish_cm(codes: Sequence[int], parts: Sequence[bytes], key: bytes) -> bytes:
    """The CM file from its TLVs (``parts``, of types ``codes``): MICs, end marker, padding."""
    body = b"".join(parts)
    cm_tlv = b"\x06\x10" + hashlib.md5(body).digest()  # noqa: S324  # MD5 is what DOCSIS specifies
    out = body + cm_tlv + b"\x07\x10" + cmts_mic(codes, parts, cm_tlv, key) + b"\xff"
    return out + b"\0" * (-len(out) % 4)


def add_mta_hash(body: bytes, flavour: MtaHash) -> bytes:
    """``body`` with the SHA-1 hash object inserted before its final ``MtaConfigDelimiter 255``."""
    if not body.endswith(MTA_END):
        raise DocsisError("an MTA hash needs MtaConfigDelimiter 255 as the last setting")
    digest = hashlib.sha1(body).digest()  # noqa: S324  # PacketCable specifies SHA-1
    hash_tlv = tlv(SNMP_CODE, ber.varbind(HASH_OIDS[flavour], ber.OCTET_STRING, digest), 0, True)
    return body[: -len(MTA_END)] + hash_tlv + MTA_END


def is_mta(items: Sequence[Item], mta: bool) -> bool:
    """MTA output: asked for, or (as the tool decides) the first setting is MtaConfigDelimiter."""
    return mta or (bool(items) and items[0][0] == MTA_DELIMITER_CODE)


def build(items: Sequence[Item], key: bytes | None, *, mta: bool = False, mta_hash: MtaHash | None = None) -> bytes:
    """The config file for parsed top-level items."""
    if not items:
        raise DocsisSyntaxError("the config has no settings")
    as_mta = is_mta(items, mta)
    parts = [tlv(code, value, line, as_mta) for code, value, line in items]
    if as_mta:
        body = b"".join(parts)
        return add_mta_hash(body, mta_hash) if mta_hash is not None else body
    if mta_hash is not None:
        raise ValueError("an MTA hash only goes into an MTA file")
    if key is None:
        raise ValueError("a CM config file needs the CMTS shared secret (key)")
    return finish_cm([code for code, _, _ in items], parts, key)


def encode(
    text: str,
    key: bytes | None = None,
    *,
    mta: bool = False,
    mta_hash: MtaHash | None = None,
    files: FileReader | None = None,
) -> bytes:
    """Config text to file bytes: ``encode(text, key)`` is ``docsis -e``; ``mta=True`` is ``docsis -p``.

    ``files`` reads the files ``DigitMap`` and the CVC keywords name; without it those keywords are refused.
    """
    return build(parse(text, files), key, mta=mta, mta_hash=mta_hash)
