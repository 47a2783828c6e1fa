"""Tests of what the wheel ships: the templates inside the package and the console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_and_console_script(tmp_path: Path) -> None:
    """Every template under templates/ is inside the wheel as provha_daemon/templates/…, and the script exists."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("provha_daemon-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.j2")}
    assert templates
    assert {f"provha_daemon/{t}" for t in templates} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "provha-daemon = provha_daemon.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
