"""The import rules of docs/architecture.md hold: each layer imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "provha_daemon"


def _imports(path: Path) -> set[str]:
    """The modules a file imports (absolute names; ``from a import b`` gives ``a`` and ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _ours(path: Path) -> set[str]:
    return {m for m in _imports(path) if m.startswith("provha_daemon")}


RULES = [
    # (files, forbidden module prefixes, why)
    (
        "render/*.py",
        (
            "provha_daemon.loader",
            "provha_daemon.db",
            "provha_daemon.apply",
            "provha_daemon.stages",
            "provha_daemon.rebuild",
            "provha_daemon.daemon",
        ),
        "render is pure: records in, text out",
    ),
    ("records.py", ("provha_daemon.loader", "provha_daemon.db", "provha_daemon.render"), "records are plain data"),
    (
        "stages/*.py",
        ("provha_daemon.daemon", "provha_daemon.scheduler", "provha_daemon.poller", "provha_daemon.rebuild"),
        "a stage knows its service, not the loop",
    ),
    (
        "scheduler.py",
        (
            "provha_daemon.db",
            "provha_daemon.rebuild",
            "provha_daemon.stages",
            "provha_daemon.poller",
            "provha_daemon.services",
            "provha_daemon.apply",
        ),
        "the scheduler decides, it does no I/O",
    ),
]


@pytest.mark.parametrize(("pattern", "forbidden", "why"), RULES, ids=[r[0] for r in RULES])
def test_layer_imports(pattern: str, forbidden: tuple[str, ...], why: str) -> None:
    """No file of a layer imports a module its layer may not use."""
    files = sorted(PACKAGE.glob(pattern))
    assert files, pattern
    for path in files:
        bad = sorted(m for m in _ours(path) if m.startswith(forbidden))
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}: {why}"


def test_the_writer_process_uses_the_standard_library_only() -> None:
    """writer.py runs as ``python -I -S``: it imports nothing outside the standard library."""
    import sys

    imported = {m.split(".")[0] for m in _imports(PACKAGE / "writer.py")}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_the_scheduler_reads_no_clock() -> None:
    """The scheduler is fed the time: it never calls time.time or time.monotonic (nor sleeps)."""
    tree = ast.parse((PACKAGE / "scheduler.py").read_text())
    calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert not calls & {"time.time", "time.monotonic", "time.perf_counter", "time.sleep", "asyncio.sleep"}, calls


def test_exit_codes_live_in_the_cli_alone() -> None:
    """Only cli.py defines EXIT_ codes of provha-daemon (the encoder's CLI mirrors the classic tool's own)."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "cli.py" or "docsis" in path.parts:
            continue
        names = {
            t.id
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        assert not {n for n in names if n.startswith("EXIT_")}, path


def test_the_benchmarks_use_public_names_only() -> None:
    """benchmarks/ imports no private name of the package and reaches into no object's private attributes."""
    for path in sorted((PACKAGE.parent / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("provha_daemon"):
                assert not [a.name for a in node.names if a.name.startswith("_")], (path.name, ast.unparse(node))
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                owner = ast.unparse(node.value)
                assert owner in ("self", "cls", "os", "sys", "super()"), (path.name, ast.unparse(node))
