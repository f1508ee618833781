"""A time budget per item: an article that takes too long is rejected, and the run goes on.

Why a timer signal: the stages are ordinary Python over libraries (spaCy, trafilatura,
dateparser) that cannot be told to give up, and a worker that loops on one hostile
article would stall the whole run (the pool waits for results in order). ``SIGALRM``
interrupts the Python code of the stage at the deadline; C code that never returns to
Python cannot be interrupted this way, which is why hostile markup is also made linear
before parsing (``clean/budget.py``). The timer only works in a process's main thread
(pool workers and a one-process ``analyze``); elsewhere (the server's analysis thread)
the budget is not enforced and the size limits bound the work.
"""

from __future__ import annotations

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
    """Raise ``OverBudget`` in this block after ``seconds`` (0: no limit)."""
    if seconds <= 0 or not enforceable():
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
