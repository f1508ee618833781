"""What every domain module of the store shares: the engine, or one connection held for a request.

A domain module (``articles``, ``stories``, ...) is a class over a ``Db``. Built over the
engine, each call checks out a pooled connection of its own; built over one connection
(``Store.reading()``), the calls of one web request share it, so a page that asks five
questions holds one connection, not five (twenty concurrent requests would otherwise
exhaust the pool and wait on each other).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

T = TypeVar("T")
CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit


class StoreError(RuntimeError):
    pass


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def advisory_key(name: str) -> int:
    """The 64-bit key of a named PostgreSQL advisory lock (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


class Db:
    """The engine, optionally with one connection that reads share (see the module docstring)."""

    def __init__(self, engine: Engine, conn: Connection | None = None) -> None:
        self.engine = engine
        self.conn = conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading: the held one, else a pooled one for this call."""
        if self.conn is not None:
            yield self.conn
            return
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction of its own (writes never ride on a request's reading connection)."""
        with self.engine.begin() as conn:
            yield conn
