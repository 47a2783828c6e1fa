"""systemd notification: READY, STATUS, WATCHDOG, RELOADING, STOPPING; a silent no-op without NOTIFY_SOCKET.

The watchdog is pinged only by the main loop after an iteration completed, never from a timer, so a loop that
hangs (a missing timeout, a deadlock) gets the service restarted. The notify and watchdog variables are taken
out of the environment at start, so no command the daemon runs can inherit them.
"""

from __future__ import annotations

import os
import time
from collections.abc import MutableMapping

import sdnotify

# systemd's variables for this process alone: no command the daemon runs (dhcpd's restart, dhcpd -t, the writer
# process, find) may inherit them, or it would talk to the notify socket or take the sockets as its own
SYSTEMD_VARIABLES = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")


def take_systemd_environment(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Remove systemd's per-process variables from ``environ`` (the process environment) and return them; the
    one place the environment is cleaned, at start, before any command runs."""
    env = os.environ if environ is None else environ
    return {name: env.pop(name) for name in SYSTEMD_VARIABLES if name in env}


class Notifier:
    """The daemon's one link to systemd."""

    def __init__(self, environ: MutableMapping[str, str] | None = None) -> None:
        env = take_systemd_environment(environ)
        socket_path = env.get("NOTIFY_SOCKET")
        watchdog_usec = env.get("WATCHDOG_USEC")
        watchdog_pid = env.get("WATCHDOG_PID")
        self.enabled = bool(socket_path)
        self.watchdog_interval: float | None = None
        mine = watchdog_pid is None or watchdog_pid == str(os.getpid())
        if watchdog_usec and watchdog_usec.isdigit() and int(watchdog_usec) > 0 and mine:
            # Half the timeout, as sd_watchdog_enabled(3) recommends.
            self.watchdog_interval = int(watchdog_usec) / 2_000_000
        self._notifier = _connect(socket_path) if socket_path else None
        self._last_ping = float("-inf")
        self._last_status = ""

    def _send(self, message: str) -> None:
        if self._notifier is not None:
            self._notifier.notify(message)

    def ready(self, status: str | None = None) -> None:
        """READY=1 (with a status line)."""
        self._send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def reloading(self) -> None:
        """RELOADING=1 before the configuration is re-read."""
        self._send("RELOADING=1")

    def stopping(self) -> None:
        """STOPPING=1 when shutdown begins."""
        self._send("STOPPING=1")

    def status(self, text: str) -> None:
        """STATUS=<one line>, sent only when it changed."""
        if text != self._last_status:
            self._last_status = text
            self._send(f"STATUS={text}")

    def close(self) -> None:
        """Close the socket (at exit)."""
        if self._notifier is not None and self._notifier.socket is not None:
            self._notifier.socket.close()
        self._notifier = None

    def iteration_completed(self, now: float | None = None) -> bool:
        """WATCHDOG=1 after a completed loop iteration, at most every half watchdog timeout; True if sent."""
        if self.watchdog_interval is None:
            return False
        now = time.monotonic() if now is None else now
        if now - self._last_ping < self.watchdog_interval:
            return False
        self._last_ping = now
        self._send("WATCHDOG=1")
        return True


def _connect(address: str) -> sdnotify.SystemdNotifier:
    """An sdnotify client for ``address`` (sdnotify reads the address from the environment itself)."""
    saved = os.environ.get("NOTIFY_SOCKET")
    os.environ["NOTIFY_SOCKET"] = address
    try:
        return sdnotify.SystemdNotifier()
    finally:
        if saved is None:
            del os.environ["NOTIFY_SOCKET"]
        else:
            os.environ["NOTIFY_SOCKET"] = saved
