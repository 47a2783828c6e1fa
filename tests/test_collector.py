"""The garbage collector pause around a snapshot."""

from __future__ import annotations

import gc

import pytest

from provha_daemon.collector import collector_paused


def test_collector_is_paused_inside_and_restored_after() -> None:
    """The cyclic GC is off while a snapshot is built, and comes back on (also after an error)."""
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not re-enable what it did not disable
        raise RuntimeError
    assert gc.isenabled()
