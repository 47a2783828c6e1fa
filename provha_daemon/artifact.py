"""An ``Artifact`` is one generated file: where it goes (relative to its target directory), its bytes, its mode.

Render functions return artifacts and never touch the disk; ``apply`` writes them and never knows what a modem is.
"""

from __future__ import annotations

from dataclasses import dataclass

MODE_PUBLIC = 0o644
MODE_SECRET = 0o640  # files holding the OMAPI key or the DNS secret


@dataclass(frozen=True, slots=True)
class Artifact:
    """One generated file."""

    path: str
    data: bytes
    mode: int = MODE_PUBLIC
