"""The manufacturer's code verification certificate (CVC) of a DOCSIS firmware file.

A DOCSIS code file starts with a DER PKCS#7 SignedData whose certificate set carries the manufacturer CVC. NMS
Prime extracts the first certificate with ``openssl pkcs7 -print_certs | openssl x509 -outform DER`` and writes it
as ``MfgCVCData 0x…;`` lines of at most 254 bytes each (a TLV 32 value cannot be longer; the DOCSIS spec has a CVC
over 254 bytes split into successive TLV 32s). This module does the same without a subprocess.
"""

from __future__ import annotations

from pathlib import Path

SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # OID 1.2.840.113549.1.7.2
CHUNK = 254


class CvcError(ValueError):
    """The file holds no PKCS#7 SignedData with a certificate."""


def _tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise CvcError("truncated DER element")
    tag = data[offset]
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise CvcError("unsupported DER length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise CvcError("DER element runs past the end of the file")
    return tag, start, end


def first_certificate(data: bytes) -> bytes:
    """The DER bytes of the first certificate in the PKCS#7 SignedData at the start of ``data``."""
    tag, start, _ = _tlv(data, 0)  # ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }
    if tag != 0x30 or data[start : start + len(SIGNED_DATA)] != SIGNED_DATA:
        raise CvcError("not a PKCS#7 SignedData")
    tag, start, _ = _tlv(data, start + len(SIGNED_DATA))
    if tag != 0xA0:
        raise CvcError("SignedData content missing")
    tag, start, _end = _tlv(data, start)  # SignedData ::= SEQUENCE { version, digestAlgorithms, contentInfo, [0] certs…
    if tag != 0x30:
        raise CvcError("SignedData is not a SEQUENCE")
    position = start
    for _ in range(3):  # skip version, digestAlgorithms, encapContentInfo
        _, _, position = _tlv(data, position)
    tag, start, _ = _tlv(data, position)
    if tag != 0xA0:
        raise CvcError("no certificates in the SignedData")
    tag, cert_start, cert_end = _tlv(data, start)
    if tag != 0x30:
        raise CvcError("the first certificate is not a SEQUENCE")
    header = cert_start - start
    return data[start : start + header + (cert_end - cert_start)]


def cvc_lines(firmware: Path) -> list[str]:
    """The ``MfgCVCData 0x…;`` lines NMS Prime appends for a firmware file ([] when it has no CVC)."""
    try:
        certificate = first_certificate(firmware.read_bytes())
    except (OSError, CvcError):
        return []
    return [f"MfgCVCData 0x{certificate[i : i + CHUNK].hex()};" for i in range(0, len(certificate), CHUNK)]
