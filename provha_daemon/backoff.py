"""The one retry delay of the project: capped exponential backoff with jitter.

The service's loop (``scheduler``) and the snapshot read of ``--once`` (``db``) both wait this long before their
n-th retry, so a dead database is knocked on the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable


def backoff(attempt: int, initial: float, maximum: float, jitter: float, random: Callable[[], float]) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, …): ``initial * 2**(attempt - 1)`` plus up to ``jitter``, at
    most ``maximum``; ``random`` returns a float in [0, 1) and is injected so tests can fix it. The exponent stops
    at 64: a days-long outage must not overflow the float."""
    return max(0.0, min(maximum, initial * 2.0 ** min(attempt - 1, 64) + jitter * random()))
