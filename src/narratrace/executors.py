"""Where per-article work runs: this process, a local process pool, or a Dask cluster.

All three take the same worker function and keep results in input order with a
bounded number of items in flight, so memory stays flat on a corpus of any size and
the article sequence (and with it every derived id) does not depend on scheduling.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InlineExecutor:
    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        if initializer:
            initializer(*initargs)

    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield func(item)

    def close(self) -> None:
        return None


def _ordered(submit: Callable[[T], Future[R]], items: Iterable[T], window: int) -> Iterator[R]:
    pending: collections.deque[Future[R]] = collections.deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class PoolExecutor:
    """A local process pool.

    ``context``: the multiprocessing start method (``None``: the platform's; the server asks
    for ``"spawn"``, since forking a process with many threads can copy a held lock).
    ``kernel_signal``: whether workers ask the kernel to end them with the thread that
    started them; right for a CLI run started from its main thread, wrong for a server,
    whose pool is started from a request thread that may end long before the server does
    (there the workers watch the parent's pid instead, ``workers.die_with_parent``).
    """

    def __init__(
        self, jobs: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
        context: str | None = None, kernel_signal: bool = True,
    ) -> None:
        import multiprocessing

        from .workers import worker_initializer

        self.jobs = jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_initializer,
                                         mp_context=multiprocessing.get_context(context) if context else None,
                                         initargs=(initializer, os.getpid(), kernel_signal, *initargs))

    def start(self) -> None:
        """Start the workers now (their initializer loads the models) instead of at the first item."""
        self._pool.submit(os.getpid)

    def pids(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        return [p.pid for p in (getattr(self._pool, "_processes", None) or {}).values() if p.pid is not None]

    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return _ordered(lambda item: self._pool.submit(func, item), items, self.jobs * 8)

    def close(self) -> None:
        """Wait for the workers, unless an exception (Ctrl+C, a crash) is on its way out: then
        end them now, since their results will not be read (``close`` runs in a ``finally``)."""
        if sys.exc_info()[1] is not None:
            self.abort()
            return
        self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.kill()
        for proc in processes:
            proc.join(timeout=2)  # reaped, so nothing of it is left behind


CONNECT_TIMEOUT = "10s"


class SchedulerError(RuntimeError):
    """The ``--scheduler`` address cannot be used (a usage error for the CLI)."""


def run_batch(func: Callable[[T], R], items: list[T]) -> list[R]:
    """One Dask task: the worker function over a batch of items (task overhead per batch)."""
    return [func(item) for item in items]


class DaskExecutor:
    """Runs the same worker function on a Dask cluster (``--scheduler tcp://host:8786``).

    Every worker is set up once by a worker plugin (``dask_setup.WorkerSetup``: models
    loaded, one BLAS thread), also one that joins or restarts mid-run. Items travel in
    batches of ``batch_size``, so the scheduler's per-task cost (about a millisecond) is
    paid per batch, not per article; a bounded number of batches is in flight and results
    come back in input order.
    """

    def __init__(
        self, address: str, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
        batch_size: int = 16,
    ) -> None:
        from distributed import Client

        # distributed is untyped: keep it behind Any
        try:
            client: Any = (Client(address, timeout=CONNECT_TIMEOUT) if address != "local"  # type: ignore[no-untyped-call]
                           else Client(processes=False, n_workers=1))  # type: ignore[no-untyped-call]
        except (OSError, ValueError, TypeError) as exc:  # unreachable, refused, or not an address
            raise SchedulerError(f"cannot reach the Dask scheduler {address!r}: {exc}") from None
        self._client = client
        if initializer:
            from .dask_setup import WorkerSetup

            client.register_plugin(WorkerSetup(initializer, initargs))
        self.batch_size = batch_size
        self._window = 2 * max(1, sum(client.nthreads().values()))

    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        def batches() -> Iterator[list[T]]:
            batch: list[T] = []
            for item in items:
                batch.append(item)
                if len(batch) >= self.batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        # a Dask future has the result() that _ordered needs
        def submit(batch: list[T]) -> Future[list[R]]:
            return cast("Future[list[R]]", self._client.submit(run_batch, func, batch, pure=False))

        for results in _ordered(submit, batches(), self._window):
            yield from results

    def close(self) -> None:
        self._client.close()
