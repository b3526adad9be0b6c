"""Independent blocks of work (periods of a panel, rows to rank) spread over a few threads.

NumPy releases the GIL inside its loops, so two threads working on two periods run on two
cores. Every block writes only its own slice of a preallocated output and computes exactly
what the serial loop computes, so the result is bit-for-bit the same whatever the number of
threads (tested); only the time changes.

The number of threads is ``CHISO_INDEX_THREADS`` if set, else the number of CPUs (at most
4: the blocks are memory-bound beyond that), and can be changed with :func:`set_threads`
(``set_threads(1)`` runs everything in the calling thread).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["for_each", "set_threads", "threads"]

T = TypeVar("T")

_MAX_DEFAULT = 4
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_threads: int | None = None
_local = threading.local()


def _default() -> int:
    env = os.environ.get("CHISO_INDEX_THREADS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(
                f"CHISO_INDEX_THREADS must be a whole number, not {env!r}"
            ) from None
    return max(1, min(_MAX_DEFAULT, os.cpu_count() or 1))


def threads() -> int:
    """Threads the engine uses for blocks of work (1 = the calling thread only)."""
    global _threads
    if _threads is None:
        _threads = _default()
    return _threads


def set_threads(n: int | None) -> None:
    """Use ``n`` threads (``None``: back to the default)."""
    global _threads
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"threads must be a whole number >= 1, not {n!r}")
    _threads = n


def _get_pool(size: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < size:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="chiso-index")
            _pool_size = size
        return _pool


def _run_chunk(fn: Callable[[T], object], chunk: Sequence[T]) -> None:
    _local.inside = True  # a block that itself calls for_each runs it serially
    try:
        for item in chunk:
            fn(item)
    finally:
        _local.inside = False


# Below this many values in all, handing blocks to threads costs more than it saves.
PARALLEL_MIN_VALUES = 1_000_000


def for_each(fn: Callable[[T], object], items: Sequence[T], values: int | None = None) -> None:
    """Call ``fn(item)`` for every item, the items split into contiguous chunks run in
    parallel (the first in the calling thread). ``fn`` must write only its own output.
    ``values``: how many values the whole loop handles; a small loop runs serially.

    If calls fail, the exception of the earliest failing chunk is raised, after every
    chunk has finished, so no block is still writing when the caller sees the error.
    """
    n = min(threads(), len(items))
    small = values is not None and values < PARALLEL_MIN_VALUES
    if n <= 1 or small or getattr(_local, "inside", False):
        for item in items:
            fn(item)
        return
    bounds = [len(items) * i // n for i in range(n + 1)]
    chunks = [items[bounds[i]:bounds[i + 1]] for i in range(n)]
    pool = _get_pool(n - 1)
    futures = [pool.submit(_run_chunk, fn, c) for c in chunks[1:]]
    first_error: BaseException | None = None
    try:
        _run_chunk(fn, chunks[0])
    except BaseException as exc:  # re-raised below, once the other chunks are done
        first_error = exc
    for f in futures:
        exc = f.exception()
        if exc is not None and first_error is None:
            first_error = exc
    if first_error is not None:
        raise first_error
