"""What the benchmark ran on, read at run time."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path


def _first_line(argv: list[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0] if text else "unavailable"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def filesystem(path: Path) -> str:
    """Filesystem type, device and mount options of the mount holding ``path``."""
    return _first_line(["findmnt", "-n", "-o", "FSTYPE,SOURCE,OPTIONS", "--target", str(path)])


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def code_version(root: Path) -> str:
    """The commit measured, and whether the daemon's code differed from it when the run started."""
    commit = _first_line(["git", "-C", str(root), "log", "-1", "--format=%h %cd %s", "--date=iso"])
    try:
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "provha_daemon", "templates"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return f"{commit} (working tree state unknown)"
    state = (
        "provha_daemon/ and templates/ as committed"
        if not dirty
        else "with uncommitted changes in " + ", ".join(sorted({line[3:].split("/")[0] for line in dirty.splitlines()}))
    )
    return f"{commit} ({state})"


def describe(work_dir: Path, out_dir: Path, root: Path) -> list[tuple[str, str]]:
    """(what, value) rows for the report."""
    load = os.getloadavg()
    return [
        ("code", code_version(root)),
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores"),
        ("RAM", _memory()),
        ("kernel", platform.release()),
        ("filesystem of the work dir (plant, DHCP files, leases)", f"{work_dir}: {filesystem(work_dir)}"),
        ("filesystem of the output dir", f"{out_dir}: {filesystem(out_dir)}"),
        ("MariaDB", _first_line(["mariadbd", "--version"])),
        ("dhcpd", _first_line(["dhcpd", "--version"])),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        (
            "drivers and libraries",
            ", ".join(f"{p} {_version(p)}" for p in ("aiomysql", "PyMySQL", "asyncmy", "Jinja2", "structlog")),
        ),
        ("load average at start (1/5/15 min)", " / ".join(f"{x:.2f}" for x in load)),
    ]
