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

import itertools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController

__all__ = ["blas_single_threaded", "for_each", "set_threads", "threads"]

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


def _run_items(fn: Callable[[T], object], items: Sequence[T], take: Callable[[], int],
               errors: dict[int, BaseException]) -> None:
    """Take items one by one until none is left; record the first error of each item."""
    _local.inside = True  # a block that itself calls for_each runs it serially
    try:
        while True:
            i = take()
            if i >= len(items):
                return
            try:
                fn(items[i])
            except BaseException as exc:  # reported by for_each once every item is done
                errors[i] = exc
    finally:
        _local.inside = False


# Below this many values in all, handing blocks to threads costs more than it saves.
PARALLEL_MIN_VALUES = 1_000_000


def for_each(fn: Callable[[T], object], items: Sequence[T], values: int | None = None) -> None:
    """Call ``fn(item)`` for every item, spread over the pool's threads and the calling
    thread. ``fn`` must write only its own output.

    The items are handed out one at a time to whichever thread is free, so on a busy
    machine, where a worker may wait for a core, the calling thread simply does more of
    them instead of waiting. ``values``: how many values the whole loop handles; a small
    loop runs serially. If calls fail, the exception of the first failing item (in the
    order of ``items``) is raised, once every item has been tried, so no block is still
    writing when the caller sees the error.
    """
    n = min(threads(), len(items))
    small = values is not None and values < PARALLEL_MIN_VALUES
    if n <= 1 or small or getattr(_local, "inside", False):
        for item in items:
            fn(item)
        return
    counter = itertools.count()
    lock = threading.Lock()

    def take() -> int:
        with lock:
            return next(counter)

    errors: dict[int, BaseException] = {}
    pool = _get_pool(n - 1)
    futures = [pool.submit(_run_items, fn, items, take, errors) for _ in range(n - 1)]
    _run_items(fn, items, take, errors)
    for f in futures:
        # A helper that has not started (the pool busy with another caller's items) is
        # not waited for: every item has been taken already.
        if not f.cancel():
            f.result()
    if errors:
        raise errors[min(errors)]


_blas_lock = threading.Lock()
_blas_users = 0
_blas_controller: ThreadpoolController | None = None
_blas_restore: Any = None


@contextmanager
def blas_single_threaded() -> Iterator[None]:
    """Run BLAS (NumPy's matrix products) on one thread inside the block.

    Aggregation runs its periods' matrix products side by side on this module's threads.
    Left to itself, OpenBLAS would also split each product over every core, and its
    threads wait for each other by spinning: on a busy machine a product then waits for a
    descheduled helper thread and aggregation takes ten times longer. One BLAS thread per
    product gives the same bits (OpenBLAS splits rows and columns, never the sum over
    children). The setting is process-wide, so overlapping blocks share one count and the
    previous setting comes back when the last of them ends.
    """
    global _blas_users, _blas_controller, _blas_restore
    with _blas_lock:
        if _blas_users == 0:
            if _blas_controller is None:
                _blas_controller = ThreadpoolController()
            _blas_restore = _blas_controller.limit(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_restore.restore_original_limits()
                _blas_restore = None
