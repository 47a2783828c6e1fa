"""The docs follow the code: every event the package logs is in the README, and the README's config example
shows the code's defaults."""

from __future__ import annotations

import ast
import dataclasses
import re
import tomllib
from pathlib import Path

from provha_daemon import config
from provha_daemon.stages import STAGES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "provha_daemon"
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
# the prefixes of the project's event names; a string constant of this shape anywhere in the package is one
# (events are also passed around as values: Failures' names, the scheduler's health transitions, render warnings)
PREFIXES = {"service", "db", "rebuild", "dhcp", "tftp", "config", "poll", "role", "row", "rows", "changes"}
_EVENT = re.compile(r"[a-z]+\.[a-z_]+")
SECTIONS = {
    "database": config.DatabaseConfig,
    "dhcp": config.DhcpConfig,
    "tftp": config.TftpConfig,
    "service": config.ServiceConfig,
}


def _events() -> set[str]:
    """Every event name the package can log; ``<stage>.x`` for those the pipeline logs per stage."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in LEVELS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "log"
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
                elif isinstance(first, ast.JoinedStr):
                    tail = first.values[-1]
                    assert isinstance(tail, ast.Constant) and str(tail.value).startswith("."), ast.unparse(first)
                    found.add(f"<stage>{tail.value}")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _EVENT.fullmatch(node.value)
                and node.value.split(".")[0] in PREFIXES
            ):
                found.add(node.value)
    return found


def test_every_logged_event_is_in_the_readme() -> None:
    """Each event name the package logs appears in the README in backticks (per-stage ones as ``<stage>.x``)."""
    readme = (ROOT / "README.md").read_text()
    events = _events()
    assert {"rebuild.done", "db.lost", "tftp.failures", "<stage>.rolled_back", "changes.seen"} <= events
    missing = sorted(e for e in events if f"`{e}`" not in readme)
    assert not missing, f"events the code logs that README.md does not list: {missing}"


def test_per_stage_events_name_registered_stages() -> None:
    """The per-stage events are logged under the registered stage names the README lists."""
    readme = (ROOT / "README.md").read_text()
    for stage in STAGES:
        assert f"`{stage.name}`" in readme, stage.name


def test_the_readme_config_example_shows_the_defaults() -> None:
    """Every number and flag in the README's commented config example is the code's default, where the code has
    one (a None default means "derived", and the README shows an example)."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    section, checked = "", 0
    for line in block.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
            continue
        m = re.match(r"# (\w+) = (\S+)", line)
        if m is None or section not in SECTIONS:
            continue
        key, raw = m.groups()
        if not re.fullmatch(r"-?\d+(\.\d+)?|true|false", raw):  # numbers and flags; paths and lists are examples
            continue
        value = tomllib.loads(f"v = {raw}")["v"]
        fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])}
        assert key in fields, f"[{section}] {key} is no setting"
        default = fields[key].default
        if default is None:
            continue
        assert value == default, f"README [{section}] {key} = {raw}, the code's default is {default!r}"
        checked += 1
    assert checked >= 15
