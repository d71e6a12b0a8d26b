"""How many threads one analysis may use, and a second one for work that can overlap.

``gait batch -j N`` shares the cores among its worker processes: each may use cores / N
threads (:func:`gait.batch.worker_threads`, or ``run_batch(threads_per_worker=)``), set
as ``OMP_NUM_THREADS`` (and the BLAS variables) before numpy loads
(:func:`gait.batch.limit_threads`); a user's own setting counts the same.  The
analysis's own threads - the low-pass of a long clip in blocks, the steps that overlap
with the event detection - follow that budget too: with one thread, everything runs in
the calling thread, one step after the other.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def thread_budget() -> int:
    """Threads an analysis may run at once: ``OMP_NUM_THREADS`` when set to a whole number
    of at least 1, else the machine's CPUs."""
    try:
        n = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        n = 0
    return n if n >= 1 else (os.cpu_count() or 1)


class _Inline(Executor):
    """An executor that runs each task at once, in the calling thread."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over to .result(), as a thread's would be
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def side_thread(name: str) -> Iterator[Executor]:
    """One worker thread (``name``) for steps that overlap with the caller's own work, or,
    within a budget of one thread, an executor that runs them in the caller's thread."""
    if thread_budget() < 2:
        yield _Inline()
        return
    with ThreadPoolExecutor(1, thread_name_prefix=name) as pool:
        yield pool
