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
    def __init__(
        self, jobs: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
    ) -> None:
        from .workers import worker_initializer

        self.jobs = jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_initializer,
                                         initargs=(initializer, os.getpid(), *initargs))

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
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.kill()


CONNECT_TIMEOUT = "10s"


class SchedulerError(RuntimeError):
    """The ``--scheduler`` address cannot be used (a usage error for the CLI)."""


class DaskExecutor:
    """Runs the same worker function on a Dask cluster (``--scheduler tcp://host:8786``)."""

    def __init__(
        self, address: str, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
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
            client.run(initializer, *initargs)
        self._window = 8 * max(1, sum(client.nthreads().values()))

    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        # a Dask future has the result() that _ordered needs
        return _ordered(lambda item: cast("Future[R]", self._client.submit(func, item, pure=False)), items,
                        self._window)

    def close(self) -> None:
        self._client.close()
