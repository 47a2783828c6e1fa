"""Network namespaces for the tests: made with ip, always deleted."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def namespace(address: str, prefix: int = 22) -> Iterator[str]:
    """A namespace with lo up and a veth pair, ``address`` on ``veth0``; its name. Deleted on exit."""
    name = f"provha-test-{os.getpid()}-{id(address) % 10000}"

    def ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True)

    ip("netns", "add", name)
    try:
        ip("-n", name, "link", "set", "lo", "up")
        ip("-n", name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
        ip("-n", name, "link", "set", "veth0", "up")
        ip("-n", name, "link", "set", "veth1", "up")
        ip("-n", name, "addr", "add", f"{address}/{prefix}", "dev", "veth0")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)
