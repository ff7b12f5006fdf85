"""Worker processes for the stages that split into independent pieces (issue 7).

Stages call :func:`map_in_order`, or :func:`map_shared` when every piece needs the same
large object (a normaliser, a tokens table, a model): pieces go to a pool of worker
processes and the results come back in the order of the pieces, so a stage's output does
not depend on how many processes made it. Workers are forked where that is safe (they then
share the parent's loaded resources, the shared object included, without copying it) and
spawned elsewhere; each limits numeric libraries to one thread, so two workers do not
fight over the same cores.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether workers can be forked: POSIX, and Python before 3.12 (which warns when a
    process with threads, such as a BLAS pool, forks)."""
    return "fork" in multiprocessing.get_all_start_methods() and sys.version_info < (3, 12)


def one_thread_numerics() -> threadpool_limits:
    """Numeric libraries (OpenBLAS under numpy and scikit-learn) limited to one thread in
    this process, as a context manager (``with one_thread_numerics(): ...``). The matrices
    of a run are small enough that a second BLAS thread costs more than it gives: choosing
    K for a 10-interview corpus took 7.0 s with two threads and 2.7 s with one, and the
    1,000-interview topics stage was no slower (26.7 s against 27.7 s). The cores go to
    worker processes instead."""
    return threadpool_limits(1)


def _init(initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    threadpool_limits(1)  # for the life of the worker
    if initializer is not None:
        initializer(*args)


def map_in_order(func: Callable[[T], R], pieces: Iterable[T], jobs: int, *,
                 initializer: Callable[..., None] | None = None,
                 initargs: Sequence[Any] = ()) -> list[R]:
    """``[func(p) for p in pieces]``, computed by ``jobs`` worker processes, each first
    calling ``initializer(*initargs)``. ``func`` and ``initializer`` must be module-level
    functions. With one job, or one piece, this process computes it, without calling
    ``initializer``: the caller sets up what ``func`` needs."""
    items = list(pieces)
    if jobs <= 1 or len(items) <= 1:
        return [func(p) for p in items]
    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=context, initializer=_init,
                             initargs=(initializer, tuple(initargs))) as pool:
        return list(pool.map(func, items))


_SHARED: Any = None
"""What :func:`map_shared` gives every call (set in the parent before workers fork)."""


def map_shared(func: Callable[[S, T], R], shared: S, pieces: Iterable[T],
               jobs: int) -> list[R]:
    """``[func(shared, p) for p in pieces]``, computed by ``jobs`` worker processes.

    ``shared`` (a model, a table) is what every piece needs: forked workers inherit it
    without copying it through a pipe, spawned ones unpickle it once each. ``func`` must be
    a module-level function."""
    global _SHARED
    before, _SHARED = _SHARED, shared
    try:
        return map_in_order(_call_shared, [(func, p) for p in pieces], jobs,
                            initializer=_set_shared, initargs=(shared,))
    finally:
        _SHARED = before


def _set_shared(shared: object) -> None:
    global _SHARED
    _SHARED = shared


def _call_shared(task: tuple[Callable[[Any, Any], R], Any]) -> R:
    func, piece = task
    return func(_SHARED, piece)
