"""The stages of a rebuild, one per service whose files the slave generates (``stages.base`` says what a stage is).

The order is the order of rendering; a stage's ``swap_after`` orders the swaps. A new service is a new module
here and one line in ``STAGES``.
"""

from __future__ import annotations

from provha_daemon.stages.base import Action, RebuildResult, Run, Stage
from provha_daemon.stages.dhcp import DhcpStage
from provha_daemon.stages.dns import DnsStage
from provha_daemon.stages.tftp import TftpStage
from provha_daemon.stages.time import TimeStage

STAGES: tuple[type[Stage], ...] = (
    DhcpStage,
    TftpStage,
    TimeStage,
    DnsStage,
)

__all__ = ["STAGES", "Action", "DhcpStage", "DnsStage", "RebuildResult", "Run", "Stage", "TftpStage", "TimeStage"]
