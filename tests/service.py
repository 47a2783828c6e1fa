"""Running the daemon for real in tests: a bound AF_UNIX notify socket and the service as a subprocess."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WAIT = 30.0  # generous: the tests wait for effects, they never time them


class NotifySocket:
    """A datagram socket standing in for systemd's NOTIFY_SOCKET; records (time, message) pairs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def lines(self) -> list[tuple[float, str]]:
        """Every KEY=value line received so far, with its arrival time."""
        with self._lock:
            return [(t, line) for t, msg in self.messages for line in msg.splitlines()]

    def values(self, key: str) -> list[str]:
        """The values received for one key (READY, STATUS, WATCHDOG, ...)."""
        prefix = f"{key}="
        return [line[len(prefix) :] for _, line in self.lines() if line.startswith(prefix)]

    def wait_for(self, predicate: Callable[[list[tuple[float, str]]], bool], timeout: float = WAIT) -> None:
        """Wait until ``predicate(lines)`` holds."""
        deadline = time.monotonic() + timeout
        while not predicate(self.lines()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"notify socket never saw the expected messages: {self.lines()[-20:]}")
            time.sleep(0.05)

    def close(self) -> None:
        """Stop receiving and remove the socket."""
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
        self.path.unlink(missing_ok=True)


class Daemon:
    """``python -m provha_daemon --config …`` as a real process, its JSON log captured in a file."""

    def __init__(
        self, config: Path, *args: str, notify: NotifySocket | None = None, watchdog_usec: int | None = None
    ) -> None:
        self.log = config.with_name(f"daemon-{time.monotonic_ns()}.log")
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
        if notify is not None:
            env["NOTIFY_SOCKET"] = str(notify.path)
        if watchdog_usec is not None:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "provha_daemon", "--config", str(config), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The log events so far (all, or those named ``name``)."""
        found = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                event = json.loads(line)
                if name is None or event.get("event") == name:
                    found.append(event)
        return found

    def wait_event(
        self,
        name: str,
        predicate: Callable[[dict[str, Any]], bool] = lambda e: True,
        count: int = 1,
        timeout: float = WAIT,
    ) -> list[dict[str, Any]]:
        """Wait until at least ``count`` events named ``name`` match ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [e for e in self.events(name) if predicate(e)]
            if len(matching) >= count:
                return matching
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited {self.proc.returncode} waiting for {name}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {count} x {name} within {timeout} s:\n{self.tail()}")
            time.sleep(0.05)

    def tail(self, lines: int = 30) -> str:
        """The end of the daemon's log, for failure messages."""
        return "\n".join(self.log.read_text().splitlines()[-lines:])

    def signal(self, sig: signal.Signals) -> None:
        """Send a signal to the daemon."""
        self.proc.send_signal(sig)

    def wait(self, timeout: float = WAIT) -> int:
        """Wait for the daemon to exit; returns its exit code."""
        return self.proc.wait(timeout=timeout)

    def stop(self) -> int:
        """SIGTERM and wait (kill if it will not go); returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT, what: str = "condition") -> float:
    """Poll ``predicate`` until it holds; the seconds that took."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = 10.0) -> None:
    """SIGTERM and wait; SIGKILL if it will not go (a no-op for None or a process already gone)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
