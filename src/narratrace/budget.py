"""Time and memory budgets per item: an article that takes too long or needs too much memory
is rejected, and the run goes on.

Why a timer signal: the stages are ordinary Python over libraries (spaCy, trafilatura,
dateparser) that cannot be told to give up, and a worker that loops on one hostile
article would stall the whole run (the pool waits for results in order). ``SIGALRM``
interrupts the Python code of the stage at the deadline; C code that never returns to
Python cannot be interrupted this way, which is why hostile markup is also made linear
before parsing (``clean/budget.py``). Off the main thread (the server's analysis thread) a
timer thread raises the same exception asynchronously in the item's thread.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverBudget(BaseException):  # not a stage's error: it must pass their `except Exception`
    """Raised into a stage when its item's time is up."""


def enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``OverBudget`` in this block after ``seconds`` (0: no limit).

    On the main thread by ``SIGALRM``; on another thread (the server's analysis thread) by a
    timer thread that raises ``OverBudget`` asynchronously in this thread
    (``PyThreadState_SetAsyncExc``), which, like the signal, interrupts Python code only.
    """
    if seconds <= 0:
        yield
        return
    if not enforceable():
        with _thread_budget(seconds):
            yield
        return

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise OverBudget(f"over the {seconds:g} s budget for one item")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _ThreadOverBudget(OverBudget):
    """``OverBudget`` raised into a thread: created without arguments by the interpreter."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("over the time budget for one item",)))


@contextmanager
def _thread_budget(seconds: float) -> Iterator[None]:
    import ctypes

    target = threading.get_ident()
    lock = threading.Lock()
    state = {"inside": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["inside"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_ThreadOverBudget))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except _ThreadOverBudget:
        raise OverBudget(f"over the {seconds:g} s budget for one item") from None
    finally:
        with lock:
            state["inside"] = False
            if state["fired"]:  # fired just as the block ended: drop the exception not yet delivered
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        timer.cancel()


# -- memory -------------------------------------------------------------------------------
# Why an address-space limit: a hostile item (a decompression, a quadratic expansion inside a
# library) can take a worker past the machine's memory before any time budget fires. In a pool
# worker, ``RLIMIT_AS`` is set to what the process already maps plus the item's budget for the
# time of one item: an allocation beyond it raises ``MemoryError`` in that item only, which is
# rejected as ``over_memory``, and the worker goes on. Pool workers and a one-process run's
# main thread (one item at a time; the store is written between items, outside the limit) are
# limited; the server's analysis thread is not (its request threads share the process), there
# the size limits bound the work.
_IN_WORKER = False


def mark_worker() -> None:
    """Called by the pool's worker initializer: this process may limit its own memory."""
    global _IN_WORKER
    _IN_WORKER = True


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def memory_budget(megabytes: int) -> Iterator[None]:
    """Limit the memory this block may add to ``megabytes`` (0: no limit; pool workers and a
    process's main thread only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        resource = None  # type: ignore[assignment]
    limited = _IN_WORKER or threading.current_thread() is threading.main_thread()
    used = _mapped_bytes() if megabytes > 0 and limited and resource is not None else None
    if used is None or resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
