"""NMS Prime's text assembly as its PHP really does it: every case of tests/fixtures/nmsprime/text_make.json (PHP's
own output for the same rows) is reproduced by configtext's fill, lines and evaluate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from provha_daemon import configtext as ct

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "nmsprime" / "text_make.json").read_text()
)["cases"]
TEST_QOS = {"id": 0, "ds_rate_max_help": 250000, "us_rate_max_help": 250000}


def _text(case: dict[str, Any]) -> str:
    tables = [
        ("provbase", {0: case["provbase"]}),
        ("modem", {0: case["modem"]}),
        ("qos", {0: case["qos"] if case["qos"] is not None else TEST_QOS}),
    ]
    return ct.lines(ct.fill(case["text"], tables))


def test_there_are_cases() -> None:
    """The fixture holds the harness's single-configfile modem cases."""
    assert len(CASES) > 100


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_text_is_phps(case: dict[str, Any]) -> None:
    """The rows PHP keeps, filled and evaluated byte for byte (CRs where PHP leaves them), or PHP's abort."""
    if case["error"] is not None:
        with pytest.raises(ct.TextError):
            _text(case)
    else:
        assert _text(case) == case["php"]
