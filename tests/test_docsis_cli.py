"""``provha-docsis`` run as a subprocess with the classic tool's arguments: outputs, exit codes, no partial files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REF = Path(__file__).resolve().parent / "fixtures" / "docsis"  # made with the classic docsis tool
SCRIPT = Path(sys.executable).parent / "provha-docsis"
needs_ref = pytest.mark.skipif(not REF.is_dir(), reason="tests/fixtures/docsis is missing")


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The console script (or, before it is installed, the same module with ``-m``) with ``args``."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "provha_daemon.docsis.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, timeout=60, check=False, cwd=cwd)


def test_console_script_is_declared() -> None:
    """pyproject declares ``provha-docsis = provha_daemon.docsis.cli:main``."""
    assert 'provha-docsis = "provha_daemon.docsis.cli:main"' in (ROOT / "pyproject.toml").read_text()


@needs_ref
def test_encode_cm_like_the_tool(tmp_path: Path) -> None:
    """``-e CONF KEYFILE OUT`` writes the tool's bytes, readable by others (the TFTP server), and prints nothing."""
    out = tmp_path / "cm.cfg"
    result = run("-e", str(REF / "cm/cm04_docsis11_flows.conf"), str(REF / "keyfile"), str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    assert out.read_bytes() == (REF / "cm/cm04_docsis11_flows.cfg").read_bytes()
    assert out.stat().st_mode & 0o044 == 0o044 & ~_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["cm.cfg"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@needs_ref
@pytest.mark.parametrize(
    ("flag", "suffix"), [("-eu", ".cfg"), ("-na", ".na.cfg"), ("-ietf", ".ietf.cfg"), (None, ".nohash.cfg")]
)
def test_encode_mta_like_the_tool(tmp_path: Path, flag: str | None, suffix: str) -> None:
    """``[-eu|-na|-ietf] -p CONF OUT`` writes the tool's MTA bytes for each hash flavour."""
    out = tmp_path / "mta.cfg"
    result = run(*([flag] if flag else []), "-p", str(REF / "mta/mta03_sip_numeric.conf"), str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (REF / f"mta/mta03_sip_numeric{suffix}").read_bytes()


@needs_ref
def test_decode_prints_the_tools_text() -> None:
    """``-d`` and ``-o -d`` print what the tool printed for the vector."""
    cfg = REF / "cm/cm08_nmaccess_numeric.cfg"
    assert run("-d", str(cfg)).stdout == (REF / "cm/cm08_nmaccess_numeric.decoded.txt").read_bytes()
    assert run("-o", "-d", str(cfg)).stdout == (REF / "cm/cm08_nmaccess_numeric.decoded-numeric.txt").read_bytes()


@needs_ref
def test_decoded_text_encodes_back(tmp_path: Path) -> None:
    """The text ``-d`` prints, given to ``-e`` with the same key, gives the same file."""
    cfg = REF / "cm/cm10_snmp_value_types.cfg"
    text = tmp_path / "back.conf"
    text.write_bytes(run("-d", str(cfg)).stdout)
    assert run("-e", str(text), str(REF / "keyfile"), str(tmp_path / "back.cfg")).returncode == 0
    assert (tmp_path / "back.cfg").read_bytes() == cfg.read_bytes()


@needs_ref
@pytest.mark.parametrize(
    ("vector", "code", "where"),
    [
        ("err01_unknown_keyword.conf", 255, ":4: unknown keyword MaxCpe"),
        ("err03_value_out_of_range.conf", 241, ":4: MaxCPE value 300 out of range 1-254"),
    ],
)
def test_error_vectors_leave_no_output(tmp_path: Path, vector: str, code: int, where: str) -> None:
    """A failing encode exits with the tool's code, names file and line on stderr and writes no file."""
    out = tmp_path / "out.cfg"
    result = run("-e", str(REF / "cm" / vector), str(REF / "keyfile"), str(out))
    assert result.returncode == code
    assert f"{REF / 'cm' / vector}{where}" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_failed_encode_keeps_the_previous_file(tmp_path: Path) -> None:
    """An existing OUT is left as it was when the new text fails (exit 2 for a grammar error)."""
    (tmp_path / "key").write_bytes(b"k\n")
    (tmp_path / "bad.conf").write_text("Main {\n\tNetworkAccess 1\n}\n")
    out = tmp_path / "out.cfg"
    out.write_bytes(b"previous")
    result = run("-e", str(tmp_path / "bad.conf"), str(tmp_path / "key"), str(out))
    assert result.returncode == 2
    assert ":3: expected ';'" in result.stderr.decode()
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.conf", "key", "out.cfg"]


def test_decode_with_key_checks_the_cmts_mic(tmp_path: Path) -> None:
    """``-k KEYFILE -d`` checks the CMTS MIC: the right key exits 0, a wrong one 1 with a warning."""
    (tmp_path / "key").write_bytes(b"right\r\n")
    (tmp_path / "wrong").write_bytes(b"wrong")
    (tmp_path / "a.conf").write_text("Main { NetworkAccess 1; }")
    assert run("-e", str(tmp_path / "a.conf"), str(tmp_path / "key"), str(tmp_path / "a.cfg")).returncode == 0
    assert run("-k", str(tmp_path / "key"), "-d", str(tmp_path / "a.cfg")).returncode == 0
    wrong = run("-k", str(tmp_path / "wrong"), "-d", str(tmp_path / "a.cfg"))
    assert wrong.returncode == 1
    assert b"CMTS MIC" in wrong.stderr
    assert wrong.stdout.startswith(b"Main \n{\n\tNetworkAccess 1;\n")


def test_stdin_and_stdout(tmp_path: Path) -> None:
    """``-`` reads the text from stdin and writes the file to stdout."""
    result = run("-p", "-", "-", stdin=b"Main { MtaConfigDelimiter 1; MtaConfigDelimiter 255; }")
    assert (result.returncode, result.stdout) == (0, bytes.fromhex("fe0101fe01ff"))


@pytest.mark.parametrize(
    "args",
    [[], ["-x"], ["-e", "a.conf"], ["-eu", "-na", "-p", "a", "b"], ["-m", "a"], ["-dialplan", "f", "-p", "a", "b"]],
)
def test_usage_errors(args: list[str]) -> None:
    """Bad arguments exit 246 (the tool's usage exit) with the usage on stderr."""
    result = run(*args)
    assert result.returncode == 246
    assert b"usage:" in result.stderr


def test_help() -> None:
    """``-h`` prints the usage and exits 0."""
    result = run("-h")
    assert (result.returncode, b"-p CONF OUT" in result.stdout) == (0, True)


def test_file_errors(tmp_path: Path) -> None:
    """A missing keyfile or input exits 251; the same file as input and output is refused; nothing is written."""
    (tmp_path / "a.conf").write_text("Main { NetworkAccess 1; }")
    assert run("-e", str(tmp_path / "a.conf"), str(tmp_path / "nokey"), str(tmp_path / "o.cfg")).returncode == 251
    assert run("-p", str(tmp_path / "none.conf"), str(tmp_path / "o.cfg")).returncode == 251
    assert run("-p", str(tmp_path / "a.conf"), str(tmp_path / "a.conf")).returncode == 246
    assert run("-p", str(tmp_path / "a.conf"), str(tmp_path / "missing-dir" / "o.cfg")).returncode == 251
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.conf"]


def test_hash_flag_on_a_cm_file_is_refused(tmp_path: Path) -> None:
    """``-eu -e`` on a CM text (the tool would overwrite its last bytes with a hash) is refused, no output."""
    (tmp_path / "key").write_bytes(b"k")
    (tmp_path / "a.conf").write_text("Main { NetworkAccess 1; }")
    result = run("-eu", "-e", str(tmp_path / "a.conf"), str(tmp_path / "key"), str(tmp_path / "o.cfg"))
    assert result.returncode == 246
    assert not (tmp_path / "o.cfg").exists()


@needs_ref
@pytest.mark.parametrize("keyword", ["DigitMap", "ManufacturerCVC"])
def test_file_keywords_read_relative_to_the_working_directory(tmp_path: Path, keyword: str) -> None:
    """``DigitMap "f"`` and ``ManufacturerCVC "f"`` read f from the working directory, giving the tool's bytes."""
    lines = (REF / "keywords" / "vectors.tsv").read_text().splitlines()
    vector = next(line.split("\t") for line in lines if f"{{ {keyword} " in line)
    for name in ("digitmap.txt", "cvc.der"):
        (tmp_path / name).write_bytes((REF / "keywords" / name).read_bytes())
    (tmp_path / "in.conf").write_text(vector[2] + "\n")
    result = run("-e", "in.conf", str(REF / "keyfile"), "out.cfg", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, b"")
    assert (tmp_path / "out.cfg").read_bytes().hex() == vector[4]
    (tmp_path / "cvc.der").unlink()
    (tmp_path / "digitmap.txt").unlink()
    missing = run("-e", "in.conf", str(REF / "keyfile"), "out2.cfg", cwd=tmp_path)
    assert missing.returncode == 255
    assert b"cannot read" in missing.stderr
    assert not (tmp_path / "out2.cfg").exists()
