"""The pipeline's rules between stages, with recording stand-in stages: refusal, a stage's bad provbase column,
swap order, restart pacing, one activation per rebuild, rollback, and which error a rebuild reports."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

import pytest
import structlog

from provha_daemon.config import load_config
from provha_daemon.db import Snapshot
from provha_daemon.errors import ApplyError, DropGuardError, RejectedError, RestartError, RowError
from provha_daemon.rebuild import Rebuilder
from provha_daemon.records import Plant, ProvBase
from provha_daemon.services import CommandResult
from provha_daemon.stages import STAGES, Action, DhcpStage, DnsStage, Run, Stage, TftpStage, TimeStage

OK = CommandResult(("restart",), 0, "", 0.0)
FAILED = CommandResult(("restart",), 1, "no", 0.0)


class Recording(Stage):
    """A stage that records each call in ``calls`` (shared by all stages of a test) and does what it is told."""

    name = "rec"
    service = "recd"
    calls: ClassVar[list[str]] = []
    action: ClassVar[Action] = Action.SWAP
    fail: ClassVar[dict[str, BaseException]] = {}  # phase or stage.phase → what it raises
    activations: ClassVar[list[CommandResult]] = []  # results of activate, in order (default OK)
    released: ClassVar[list[str]] = []  # stages whose release ran, in order

    def _do(self, phase: str) -> None:
        self.calls.append(f"{self.name}.{phase}")
        for key in (f"{self.name}.{phase}", phase):
            if key in self.fail:
                raise self.fail[key]

    def render(self, run: Run) -> None:
        self._do("render")

    def plan(self, run: Run) -> Action:
        self._do("plan")
        return self.action

    async def validate(self, run: Run) -> None:
        self._do("validate")

    async def swap(self, run: Run) -> None:
        await asyncio.sleep(0.01 if self.name == "b" else 0)  # b is slower: a's swap must still wait for it
        self._do("swap")

    async def activate(self, run: Run) -> CommandResult | None:
        self._do("activate")
        return self.activations.pop(0) if self.activations else OK

    def rollback(self, run: Run) -> tuple[list[str], list[str]]:
        self._do("rollback")
        return ["x.conf"], []

    def release(self) -> None:
        self.released.append(self.name)


class A(Recording):
    name = "a"
    provbase = ("domain_name",)
    swap_after = ("b",)
    disruptive = True


class B(Recording):
    name = "b"
    provbase = ("max_cpe",)


def _snapshot(problems: dict[str, str] | None = None) -> Snapshot:
    provbase = ProvBase("10.0.0.2", "example.test", 3600, 7200, 2, False, 1, problems or {})
    return Snapshot(
        Plant(schema=None, provbase=provbase, provha=None, mta_domain=None),  # type: ignore[arg-type]
        "db1",
        False,
        0.0,
    )


@pytest.fixture
def rebuilder(tmp_path: Path) -> Rebuilder:
    """A Rebuilder over the two recording stages, their shared records emptied."""
    Recording.calls.clear()
    Recording.fail = {}
    Recording.activations = []
    Recording.released.clear()
    A.action = B.action = Action.SWAP
    path = tmp_path / "c.toml"
    path.write_text(
        f'role = "slave"\n[dhcp]\ndir = "{tmp_path}/dhcp"\n[tftp]\ndir = "{tmp_path}/tftp"\n'
        f'[nmsprime]\nenv_dir = "{tmp_path}"\n'
    )
    return Rebuilder(load_config(path), frozenset(), stages=(A, B))


async def test_every_stage_runs_its_phases_and_a_swaps_after_b(rebuilder: Rebuilder) -> None:
    """Both stages render in registration order, then apply at once; a's swap waits for b's (slower) swap."""
    await rebuilder.apply(_snapshot())
    calls = Recording.calls
    assert calls[:2] == ["a.render", "b.render"]
    assert calls.index("b.swap") < calls.index("a.swap") < calls.index("a.activate")
    assert sorted(calls) == sorted(
        [
            "a.render",
            "b.render",
            "a.plan",
            "b.plan",
            "a.validate",
            "b.validate",
            "a.swap",
            "b.swap",
            "a.activate",
            "b.activate",
        ]
    )
    assert Recording.released == ["a", "b"]


async def test_a_refusal_stops_every_stage(rebuilder: Rebuilder) -> None:
    """A drop-guard refusal in one stage's render touches no stage's files."""
    Recording.fail = {"render": DropGuardError("too many would go")}
    with pytest.raises(DropGuardError):
        await rebuilder.apply(_snapshot())
    assert Recording.calls == ["a.render"]
    assert Recording.released == ["a"]  # what a kept before it refused is dropped too


async def test_a_bad_provbase_column_stops_only_the_stages_that_need_it(rebuilder: Rebuilder) -> None:
    """a needs domain_name: it is skipped, b is applied in full, and the rebuild then reports a's RowError."""
    with pytest.raises(RowError, match="domain_name"):
        await rebuilder.apply(_snapshot({"domain_name": "not a domain"}))
    assert not [c for c in Recording.calls if c.startswith("a.")]
    assert Recording.calls == ["b.render", "b.plan", "b.validate", "b.swap", "b.activate"]


async def test_a_failed_dependency_means_no_swap(rebuilder: Rebuilder) -> None:
    """When b fails to swap, a (which swaps after b) validates but swaps and activates nothing; b's error is the
    rebuild's, reported once."""
    Recording.fail = {"swap": ApplyError("disk full")}
    with structlog.testing.capture_logs() as logs, pytest.raises(ApplyError, match="disk full"):
        await rebuilder.apply(_snapshot())
    assert "a.swap" not in Recording.calls and "a.activate" not in Recording.calls
    assert "a.validate" in Recording.calls
    assert not [e for e in logs if e["event"].endswith(".stage_failed")]
    assert Recording.released == ["a", "b"]


async def test_a_second_failing_stage_is_logged_and_the_first_reported(rebuilder: Rebuilder) -> None:
    """Two stages failing on their own: the first registered one's error is raised, the other logged."""
    Recording.fail = {"a.validate": RejectedError("rejected"), "b.validate": RejectedError("b rejected")}
    with structlog.testing.capture_logs() as logs, pytest.raises(RejectedError, match=r"^rejected$"):
        await rebuilder.apply(_snapshot())
    assert [e["event"] for e in logs if e["event"].endswith(".stage_failed")] == ["b.stage_failed"]


async def test_restart_pacing_defers_a_disruptive_stage_only(rebuilder: Rebuilder) -> None:
    """Without restart permission a changed disruptive stage is left as it is (deferred); the other applies."""
    result = await rebuilder.apply(_snapshot(), allow_restart=False)
    assert result.deferred
    assert not [c for c in Recording.calls if c in ("a.validate", "a.swap", "a.activate")]
    assert {"b.swap", "b.activate"} <= set(Recording.calls)


async def test_a_pending_activation_waits_for_permission_without_deferring(rebuilder: Rebuilder) -> None:
    """A crashed run's pending restart is not a change: without permission it waits, with it it is activated
    (validated first, nothing swapped)."""
    A.action = Action.ACTIVATE
    result = await rebuilder.apply(_snapshot(), allow_restart=False)
    assert not result.deferred and "a.activate" not in Recording.calls
    Recording.calls.clear()
    await rebuilder.apply(_snapshot())
    assert [c for c in Recording.calls if c.startswith("a.")] == ["a.render", "a.plan", "a.validate", "a.activate"]


async def test_a_failed_activation_rolls_back_and_activates_again_once(rebuilder: Rebuilder) -> None:
    """A swapped set whose service fails: the previous generation back, one more activation, RestartError."""
    Recording.activations = [FAILED, OK]
    with structlog.testing.capture_logs() as logs, pytest.raises(RestartError, match="succeeded") as caught:
        await rebuilder.apply(_snapshot(), stages=["a"])
    assert Recording.calls == ["a.render", "a.plan", "a.validate", "a.swap", "a.activate", "a.rollback", "a.activate"]
    assert caught.value.rolled_back
    assert [e["event"] for e in logs] == ["a.restart_failed", "a.rolled_back"]


async def test_a_failed_pending_activation_is_not_rolled_back(rebuilder: Rebuilder) -> None:
    """With nothing swapped there is no previous generation to restore: RestartError, rolled_back False."""
    A.action = Action.ACTIVATE
    Recording.activations = [FAILED]
    with pytest.raises(RestartError, match="crashed run") as caught:
        await rebuilder.apply(_snapshot(), stages=["a"])
    assert not caught.value.rolled_back and "a.rollback" not in Recording.calls


async def test_nothing_changed_is_nothing_done(rebuilder: Rebuilder) -> None:
    """A stage whose plan is NONE is neither validated, swapped nor activated."""
    A.action = B.action = Action.NONE
    await rebuilder.apply(_snapshot())
    assert sorted(Recording.calls) == ["a.plan", "a.render", "b.plan", "b.render"]


def test_the_registry_orders_dhcp_before_tftp_and_dhcp_swaps_after_tftp() -> None:
    """DHCP renders first (its drop guard can refuse the rebuild before any TFTP or time file is touched) and swaps
    only after the TFTP files its hosts name are in place; only dhcpd is restarted (chrony is told at runtime, named
    reloaded)."""
    assert (DhcpStage, TftpStage, TimeStage, DnsStage) == STAGES
    assert DhcpStage.swap_after == (TftpStage.name,) and DhcpStage.disruptive
    assert not any(s.disruptive or s.swap_after for s in (TftpStage, TimeStage, DnsStage))
