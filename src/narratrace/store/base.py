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
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

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


def insert_replacing(dialect: str, table: Table) -> Insert:
    """An INSERT that replaces the row stored under the same primary key (a table whose every
    column is its key: leaves it as it is).

    Why: "delete the article's rows, then insert" is not atomic between processes. Two
    analyses of one store can both write the vectors of an article one of them stored (its run
    keeps them while the other's stories stage computes the missing ones): both deletes find
    nothing, the second insert failed on the key and crashed its run
    (``tests/integration/test_store_concurrency.py`` on PostgreSQL, about 1 run in 20).
    """
    from sqlalchemy.dialects import postgresql, sqlite

    if dialect not in ("postgresql", "sqlite"):
        return insert(table)
    stmt: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    rest = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    if not rest:
        done: Insert = stmt.on_conflict_do_nothing(index_elements=keys)
        return done
    replacing: Insert = stmt.on_conflict_do_update(index_elements=keys, set_=rest)
    return replacing
