"""The reference vectors made with the classic C ``docsis`` tool (tests/fixtures/docsis): our encoder must
give the tool's bytes, our decoder the tool's text, and every decode must encode back to the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from provha_daemon.docsis import DocsisError, MtaHash, decode, encode, read_keyfile

ROOT = Path(__file__).resolve().parents[1]
REF = Path(__file__).resolve().parent / "fixtures" / "docsis"  # made with the classic docsis tool

CM_CONFS = sorted((REF / "cm").glob("cm*.conf"))
MTA_CONFS = sorted((REF / "mta").glob("*.conf"))
MTA_VARIANTS = {".cfg": MtaHash.EU, ".na.cfg": MtaHash.NA, ".ietf.cfg": MtaHash.IETF, ".nohash.cfg": None}
ALL_CFGS = sorted((REF / "cm").glob("*.cfg")) + sorted((REF / "mta").glob("*.cfg"))
# (vector, line, keyword or None, the tool's exit code)
ERRORS = [("err01_unknown_keyword.conf", 4, "MaxCpe", 255), ("err03_value_out_of_range.conf", 4, "MaxCPE", 241)]


@pytest.fixture(scope="module")
def key() -> bytes:
    """The vectors' CMTS shared secret, read as the tool reads its keyfile."""
    return read_keyfile(REF / "keyfile")


def test_there_are_vectors() -> None:
    """The glob finds the CM and MTA vectors, so the parametrised tests below do not pass vacuously."""
    assert len(CM_CONFS) >= 10
    assert MTA_CONFS
    assert len(ALL_CFGS) >= 14


def test_keyfile_is_read_like_the_tool() -> None:
    """The keyfile's trailing LF is stripped: the HMAC key is the 18 bytes the README names."""
    assert read_keyfile(REF / "keyfile") == b"provha-test-secret"


@pytest.mark.parametrize("conf", CM_CONFS, ids=lambda p: p.stem)
def test_cm_vector_bytes(conf: Path, key: bytes) -> None:
    """``docsis -e CONF keyfile OUT`` and our encode give the same bytes."""
    assert encode(conf.read_text(), key) == conf.with_suffix(".cfg").read_bytes()


@pytest.mark.parametrize(
    ("conf", "suffix"),
    [(c, s) for c in MTA_CONFS for s in MTA_VARIANTS],
    ids=lambda v: v.stem if isinstance(v, Path) else v,
)
def test_mta_vector_bytes(conf: Path, suffix: str) -> None:
    """``docsis -eu/-na/-ietf/(none) -p CONF OUT`` and our MTA encode give the same bytes."""
    expected = (conf.parent / (conf.stem + suffix)).read_bytes()
    assert encode(conf.read_text(), mta=True, mta_hash=MTA_VARIANTS[suffix]) == expected


@pytest.mark.parametrize("cfg", ALL_CFGS, ids=lambda p: p.name)
def test_decode_reencodes_to_the_same_bytes(cfg: Path, key: bytes) -> None:
    """Our decode of the tool's file, encoded again (same key, same file kind), is the file again."""
    data = cfg.read_bytes()
    for numeric in (False, True):
        decoded = decode(data, numeric=numeric, key=key)
        assert encode(decoded.text, key, mta=decoded.mta) == data


@pytest.mark.parametrize("cfg", ALL_CFGS, ids=lambda p: p.name)
def test_decode_text_matches_the_tool(cfg: Path, key: bytes) -> None:
    """Our decode prints exactly what ``docsis -d`` and ``docsis -o -d`` printed for the vector."""
    base = str(cfg)[: -len(".cfg")]
    assert decode(cfg.read_bytes(), key=key).text == Path(base + ".decoded.txt").read_text()
    assert decode(cfg.read_bytes(), numeric=True, key=key).text == Path(base + ".decoded-numeric.txt").read_text()


@pytest.mark.parametrize("cfg", sorted((REF / "cm").glob("*.cfg")), ids=lambda p: p.name)
def test_decode_verifies_the_tools_mics(cfg: Path, key: bytes) -> None:
    """The tool's CM MIC and CMTS MIC check out with our decoder and the vectors' key."""
    decoded = decode(cfg.read_bytes(), key=key)
    assert (decoded.cm_mic_ok, decoded.cmts_mic_ok, decoded.warnings) == (True, True, ())


@pytest.mark.parametrize(("name", "line", "keyword", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_vectors_name_the_line(name: str, line: int, keyword: str, code: int, key: bytes) -> None:
    """The tool's error vectors fail here too, naming the tool's line and keyword, with the tool's exit code."""
    conf = REF / "cm" / name
    tool_message = conf.with_suffix(".stderr.txt").read_text()
    assert f"line {line}" in tool_message
    with pytest.raises(DocsisError) as caught:
        encode(conf.read_text(), key)
    assert (caught.value.line, caught.value.keyword, caught.value.exit_code) == (line, keyword, code)
    assert keyword in str(caught.value)
