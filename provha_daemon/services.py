"""Running external commands (validators, restarts, health checks) with a timeout and captured output.

Commands are argv lists from the frozen config, never a shell line; the children get neither systemd's notify
socket nor its watchdog variables, and a command that outlives its timeout is killed with its process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass

OUTPUT_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How a command ended."""

    argv: tuple[str, ...]
    returncode: int | None  # None: killed after its timeout
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Exited 0 within its time."""
        return self.returncode == 0

    def describe(self) -> str:
        """One line for logs and exceptions."""
        how = "timed out" if self.returncode is None else f"exit {self.returncode}"
        return f"{' '.join(self.argv)}: {how}"


async def run(argv: Sequence[str], timeout: float) -> CommandResult:
    """Run ``argv`` to completion or until ``timeout``, whichever comes first; never raises for a failure."""
    started = time.perf_counter()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a timeout kills helpers it spawned too
        )
    except OSError as exc:
        return CommandResult(tuple(argv), 127, f"cannot run: {exc.strerror or exc}", time.perf_counter() - started)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
        code: int | None = proc.returncode
    except TimeoutError:
        _kill_group(proc.pid)
        out, _ = await proc.communicate()
        code = None
    text = out[-OUTPUT_LIMIT:].decode("utf-8", "replace") if out else ""
    return CommandResult(tuple(argv), code, text, time.perf_counter() - started)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
