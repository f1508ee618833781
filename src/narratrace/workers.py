"""Worker processes that never outlive the process that started them.

Why: after ``kill -9`` of a parent ``analyze``, its pool workers (~340 MB each) stayed
alive for minutes, waiting on a queue nobody would write to again. On Linux each worker
asks the kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); on other
systems, and as a second line, a daemon thread polls the parent's pid and ends the
worker when it changes. Workers also ignore SIGINT: Ctrl+C is the parent's to handle
(it ends the workers itself, at once), so a terminal's Ctrl+C does not spray one
traceback per worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 1.0


def _pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int, kernel_signal: bool = True) -> None:
    """Call first thing in a worker process: it ends when ``parent`` does.

    ``kernel_signal=False`` skips ``PR_SET_PDEATHSIG``, which fires when the *thread* that
    started the worker ends: a server starts its analysis worker from a request thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if kernel_signal:
        _pdeathsig()
    if os.getppid() != parent:  # the parent died before the kernel could be told
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def worker_initializer(initializer: Callable[..., None] | None, parent: int, kernel_signal: bool,
                       *initargs: Any) -> None:
    from .budget import mark_worker

    die_with_parent(parent, kernel_signal)
    mark_worker()
    if initializer:
        initializer(*initargs)
