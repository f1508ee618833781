"""The ``Store`` facade: one engine, a versioned schema, and one namespace per domain.

``store.articles``, ``store.stories``, ``store.entities``, ``store.narratives``,
``store.factchecks``, ``store.watch``, ``store.search`` (full text), ``store.vectors``,
``store.sketches``, ``store.evidence`` (archived raw copies) and ``store.runs`` are the
only way the rest of narratrace reads or writes the database: no module outside ``store/``
imports SQLAlchemy or the schema (``tests/unit/test_architecture.py``). ``store.reading()`` gives the same namespaces
over one held connection, for a web request that asks several questions.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from ..config import environ
from .articles import Articles
from .base import Db, StoreError, advisory_key
from .entities import Entities
from .evidence import Evidence
from .factchecks import FactChecks
from .listing import ArticleFilter
from .narratives import Narratives
from .network import RelayEdges
from .outlets import Outlets
from .runs import Runs
from .search import FullText
from .searches import SavedSearches
from .stories import Stories
from .techniques import Techniques
from .vectors import Sketches, Vectors
from .watch import Watch

_MIGRATIONS = str(Path(__file__).with_name("migrations"))


def resolve_db_url(db: str) -> str:
    """A SQLAlchemy URL for a file path or URL given on the command line."""
    if "://" in db:
        try:
            make_url(db)
        except (ArgumentError, ValueError) as exc:
            raise StoreError(
                f"cannot parse database URL {db!r} ({exc}); expected e.g. sqlite:///file.db or "
                "postgresql+psycopg://user@host:5432/dbname"
            ) from None
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # first: switching a new database to WAL needs a moment alone with it, and a second process
    # opening it at the same time must wait for that instead of failing with "database is locked"
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) do not block a run
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
    cur.execute("PRAGMA foreign_keys=ON")
    # read pages through a shared memory map instead of copying them into each pooled
    # connection's cache: full-text queries over frequent words read long posting lists,
    # and on 100,000 articles this takes ~15% off each search (docs/benchmarks.md)
    cur.execute("PRAGMA mmap_size=2147418112")
    cur.close()


def _alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", _MIGRATIONS)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class Store:
    """A narratrace database. Use ``open_store`` to get one with an up-to-date schema."""

    def __init__(self, engine: Engine, _conn: Connection | None = None) -> None:
        self._engine = engine
        self.url = engine.url
        db = Db(engine, _conn)
        self.runs = Runs(db)
        self.articles = Articles(db)
        self.stories = Stories(db)
        self.entities = Entities(db)
        self.narratives = Narratives(db)
        self.factchecks = FactChecks(db)
        self.watch = Watch(db)
        self.search = FullText(db)
        self.vectors = Vectors(db)
        self.sketches = Sketches(db)
        self.evidence = Evidence(db)
        self.techniques = Techniques(db)
        self.relays = RelayEdges(db)  # the outlet network's article-level relay edges
        self.outlets = Outlets(db)  # outlets by any spelling, with their page's figures
        self.searches = SavedSearches(db)  # an analyst's standing queries (alerts on new matches)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def resolve_filter(self, filt: ArticleFilter) -> ArticleFilter:
        """A filter as an analyst types it, in the store's own names: an outlet by any apostrophe
        or case ("Le Veilleur d'Orient"), an entity by any spelling found in the articles
        ("Casques blancs" -> the White Helmets' id) when it is not an entity id already."""
        changes: dict[str, str] = {}
        if filt.outlet:
            found = self.outlets.resolve(filt.outlet)
            if found and found != filt.outlet:
                changes["outlet"] = found
        if filt.entity and self.entities.detail(filt.entity) is None:
            ids = sorted(self.entities.spelled(filt.entity))
            if len(ids) == 1:
                changes["entity"] = ids[0]
        return dataclasses.replace(filt, **changes) if changes else filt

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The same store with every read on one connection (one web request; writes still commit alone)."""
        with self._engine.connect() as conn:
            yield Store(self._engine, conn)

    # -- schema -------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the latest revision; safe when several processes open a new store."""
        if self.schema_version() == self.latest_schema_version():
            return
        # two `analyze` on a new database: one migrates, the other waits and finds it done
        with self.exclusive("migrate"), self._engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the lock ``name`` against other processes using this store.

        PostgreSQL: a session advisory lock. SQLite: ``flock`` on a file beside the
        database (``<db>.<name>.lock``); an in-memory database has one process only.
        """
        if self.dialect == "postgresql":
            key = advisory_key(name)
            with self._engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()
            return
        if self.url.database in (None, "", ":memory:"):
            yield
            return
        with open(self.side_path(f"{name}.lock"), "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def schema_version(self) -> str | None:
        with self._engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @staticmethod
    def latest_schema_version() -> str | None:
        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def side_path(self, name: str) -> Path:
        """A file beside a SQLite database for derived data (ANN indexes).

        For server databases the files go to ``$NARRATRACE_DATA`` or the working folder.
        """
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            base = Path(self.url.database or ".")
            return base.with_name(f"{base.name}.{name}")
        root = Path(environ("NARRATRACE_DATA") or ".")
        return root / f"{self.url.database or 'narratrace'}.{name}"

    def close(self) -> None:
        self._engine.dispose()


def open_store(db: str = "narratrace.db", migrate: bool = True, pool_size: int | None = None) -> Store:
    """Open (and create or upgrade) the database at a path or SQLAlchemy URL.

    ``pool_size`` is for servers: connections kept open for concurrent request threads
    (plus a few overflow ones). SQLAlchemy's default keeps five; under twenty concurrent
    clients the others were opened and closed per request, each paying the pragmas and,
    on SQLite, a cold page cache.
    """
    url = resolve_db_url(db)
    sizing: dict[str, int] = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 8}
    readonly = _readonly_sqlite(url)
    if readonly:
        return _open_readonly(readonly, sizing)
    engine = create_engine(url, future=True, **sizing)
    if engine.url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        store.migrate()
    return store


def _readonly_sqlite(url: str) -> Path | None:
    """The database file when it exists but cannot be written (read-only media or mount)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    if not path.is_file():
        return None
    return path if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)) else None


def _open_readonly(path: Path, sizing: dict[str, int]) -> Store:
    """A store on read-only media, opened for reading (export, report, serve).

    SQLite in WAL mode needs to create its ``-shm`` file beside the database even to read;
    on media nobody can write, ``immutable=1`` tells it nothing will change underneath, so it
    reads without one. Nothing is migrated: an old schema is an error that says so.
    """
    from urllib.parse import quote

    uri = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&immutable=1&uri=true"
    engine = create_engine(uri, future=True, **sizing)
    store = Store(engine)
    if store.schema_version() != Store.latest_schema_version():
        raise StoreError(f"{path} is read-only and its schema is older than this version of narratrace; "
                         "copy it somewhere writable to upgrade it")
    return store
