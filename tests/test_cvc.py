"""Tests of CVC extraction from firmware files, against openssl's own extraction as NMS Prime runs it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from provha_daemon.cvc import CHUNK, CvcError, cvc_lines, first_certificate

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def _firmware(tmp_path: Path, bits: int = 2048) -> Path:
    """A code file as vendors ship them: a DER PKCS#7 SignedData with the CVC, then the image."""
    key, cert, p7 = tmp_path / "k.pem", tmp_path / "c.pem", tmp_path / "p7.der"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            f"rsa:{bits}",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/O=Example Modems/CN=Code Verification Certificate",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(cert), "-outform", "DER", "-out", str(p7)],
        check=True,
        capture_output=True,
    )
    firmware = tmp_path / "modem-fw.bin"
    firmware.write_bytes(p7.read_bytes() + b"\x7fELF firmware image bytes" * 100)
    return firmware


def _openssl_cvc(firmware: Path) -> bytes:
    """NMS Prime's pipeline: openssl pkcs7 -print_certs -inform DER | openssl x509 -outform DER."""
    pem = subprocess.run(
        ["openssl", "pkcs7", "-print_certs", "-inform", "DER", "-in", str(firmware)], check=True, capture_output=True
    ).stdout
    return subprocess.run(["openssl", "x509", "-outform", "DER"], input=pem, check=True, capture_output=True).stdout


def test_first_certificate_matches_openssl(tmp_path: Path) -> None:
    """The certificate we extract is byte-for-byte what openssl extracts."""
    firmware = _firmware(tmp_path)
    assert first_certificate(firmware.read_bytes()) == _openssl_cvc(firmware)


def test_cvc_lines_are_chunks_of_254_bytes(tmp_path: Path) -> None:
    """The CVC becomes MfgCVCData lines of at most 254 bytes (xxd -p -c 254), which rejoin to the certificate."""
    firmware = _firmware(tmp_path)
    lines = cvc_lines(firmware)
    certificate = _openssl_cvc(firmware)
    assert len(certificate) > CHUNK and len(lines) == -(-len(certificate) // CHUNK)
    assert all(line.startswith("MfgCVCData 0x") and line.endswith(";") for line in lines)
    assert all(len(line) - len("MfgCVCData 0x;") <= 2 * CHUNK for line in lines)
    assert bytes.fromhex("".join(line[len("MfgCVCData 0x") : -1] for line in lines)) == certificate


def test_no_cvc_in_a_plain_file(tmp_path: Path) -> None:
    """A file without a PKCS#7 header, or a missing file, gives no lines (as NMS Prime's failed openssl does)."""
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"\x00" * 100)
    assert cvc_lines(plain) == []
    assert cvc_lines(tmp_path / "missing.bin") == []
    with pytest.raises(CvcError):
        first_certificate(b"\x30\x03\x02\x01\x00")
