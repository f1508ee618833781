"""The server's analysis process: POST /api/analyze items run in a worker of their own.

Why a process: the per-item memory budget (``[limits] max_item_memory_mb``) is an
address-space limit, and a limit is per process. On the server's own analysis thread it
would also bind every request thread reading the dashboard, so there it could not be set,
and a hostile item could take the server past the machine's memory. In one persistent
worker process (models loaded once, on the first analysis) the item is limited as in a CLI
run's pool: over budget, it is rejected as ``over_memory`` and the server goes on.

The worker is started with ``spawn`` (forking a process that runs many threads can copy
a lock another thread holds) and watches the server's pid rather than asking the kernel
for a signal when its starting thread ends (that thread is a request thread). If the
worker dies (killed, or ended by the kernel's out-of-memory killer), the analysis that
was running answers 503 with what had been stored, and the next analysis starts a new
worker. ``[serve] analysis_process = false`` runs analyses on the server's thread, as
before (no memory budget there).
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures.process import BrokenProcessPool

from .. import registry
from ..config import Settings
from ..executors import PoolExecutor

__all__ = ["AnalysisWorker", "BrokenProcessPool"]


class AnalysisWorker:
    """One lazily started worker process, shared by the server's (one-at-a-time) analyses."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: PoolExecutor | None = None
        self._end: weakref.finalize[[], AnalysisWorker] | None = None  # ends the worker, once
        self._stale = False
        self._lock = threading.Lock()

    def executor(self) -> PoolExecutor:
        """The worker, started on first use (and after it died, stopped or went stale)."""
        from ..pipeline import warm_up

        with self._lock:
            if self._stale:
                self._end_locked()
            self._stale = False
            if self._pool is None:
                self._pool = PoolExecutor(1, initializer=warm_up,
                                          initargs=(self._settings, registry.additions()),
                                          context="spawn", kernel_signal=False)
                # an app dropped without its shutdown (a test's client) does not leave its worker behind
                self._end = weakref.finalize(self, self._pool.abort)
            return self._pool

    def start(self) -> None:
        """Start the worker and load its models now (``narratrace serve`` with writes enabled),
        so the first analysis does not wait for them."""
        self.executor().start()

    def pids(self) -> list[int]:
        with self._lock:
            return self._pool.pids() if self._pool is not None else []

    def invalidate(self) -> None:
        """What the worker loaded is stale (a narrative was edited): the next analysis starts a
        fresh worker; one running now finishes with the worker it has."""
        with self._lock:
            self._stale = True

    def stop(self) -> None:
        """End the worker now (the server stops, or the worker died); the next analysis starts
        a fresh one."""
        with self._lock:
            self._end_locked()

    def _end_locked(self) -> None:
        end, self._end, self._pool = self._end, None, None
        if end is not None:
            end()
