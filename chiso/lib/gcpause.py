"""Pause Python's cyclic garbage collector while a bulk job builds many small objects.

A 100,000-value import creates about two million short-lived objects (rows, cells,
entries, Decimals, tuples for the driver). None of them form reference cycles, so
reference counting frees them all; but every 700 allocations the collector wakes up and
the older generations it walks keep growing, which cost a third of the import's time
(measured: 3,9 s → 2,9 s for 100,000 CSV values). The collector is switched off for the
duration and back on afterwards; memory held by real cycles is collected then.

Re-entrant and thread-safe: the collector comes back on when the last of several
overlapping pauses (nested calls, two imports in two threads) ends, and only if it was
on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
