"""Reading and writing articles, rejections, runs and vectors.

Every article is written in its own transaction, keyed by its content hash: an
interrupted run (even ``kill -9``) leaves only whole articles behind, and re-running
the same inputs skips what is already stored, so a resumed run neither loses nor
duplicates anything. Corpus stages rewrite the analysis fields of stored articles
through ``update_articles``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, text, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError

from ..records import Article, Rejection, article_from_dict, to_dict
from . import schema

_MIGRATIONS = str(Path(__file__).with_name("migrations"))
_INSERT_ATTEMPTS = 3
_NEXT_SEQ = select(func.coalesce(func.max(schema.articles.c.seq), 0) + 1).scalar_subquery()


def _advisory_key(name: str) -> int:
    """The 64-bit key of a named PostgreSQL advisory lock (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


class StoreError(RuntimeError):
    pass


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) do not block a run
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # read pages through a shared memory map instead of copying them into each pooled
    # connection's cache: full-text queries over frequent words read long posting lists,
    # and on 100,000 articles this takes ~15% off each search (docs/benchmarks.md)
    cur.execute("PRAGMA mmap_size=2147418112")
    cur.close()


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", _MIGRATIONS)
    cfg.attributes["connection"] = connection
    return cfg


class Store:
    """A narratrace database. Use ``open_store`` to get one with an up-to-date schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url

    # -- schema -------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the latest revision; safe when several processes open a new store."""
        if self.schema_version() == self.latest_schema_version():
            return
        # two `analyze` on a new database: one migrates, the other waits and finds it done
        with self.exclusive("migrate"), self.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the lock ``name`` against other processes using this store.

        PostgreSQL: a session advisory lock. SQLite: ``flock`` on a file beside the
        database (``<db>.<name>.lock``); an in-memory database has one process only.
        """
        if self.engine.dialect.name == "postgresql":
            key = _advisory_key(name)
            with self.engine.connect() as conn:
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
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @staticmethod
    def latest_schema_version() -> str | None:
        cfg = Config()
        cfg.set_main_option("script_location", _MIGRATIONS)
        return ScriptDirectory.from_config(cfg).get_current_head()

    def side_path(self, name: str) -> Path:
        """A file beside a SQLite database for derived data (ANN indexes).

        For server databases the files go to ``$NARRATRACE_DATA`` or the working folder.
        """
        import os

        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            base = Path(self.url.database or ".")
            return base.with_name(f"{base.name}.{name}")
        root = Path(os.environ.get("NARRATRACE_DATA", "."))
        return root / f"{self.url.database or 'narratrace'}.{name}"

    # -- runs ---------------------------------------------------------------------
    def start_run(self, command_name: str, inputs: Sequence[str]) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(schema.runs).values(
                    started_at=_now(), command=command_name, inputs=list(inputs)
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(schema.runs)
                .where(schema.runs.c.id == run_id)
                .values(finished_at=_now(), stats=stats)
            )

    def runs(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.runs).order_by(schema.runs.c.id)).mappings()
            return [dict(r) for r in rows]

    def last_run_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema.runs.c.id))).scalar()

    # -- articles -----------------------------------------------------------------
    def has_content(self, content_hash: str) -> str | None:
        """The id of the stored article with that content hash, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(schema.articles.c.id).where(schema.articles.c.content_hash == content_hash)
            ).scalar()

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = list(hashes)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                found.update(
                    conn.execute(
                        select(schema.articles.c.content_hash).where(
                            schema.articles.c.content_hash.in_(chunk)
                        )
                    ).scalars()
                )
        return found

    def add_article(self, article: Article, run_id: int, pending: Sequence[str] = ()) -> bool:
        """Store one article in one transaction. False if its content is already stored.

        ``pending`` names the corpus stages that still have to see this article. The
        content hash is unique in the table, so a concurrent writer storing the same
        content makes this insert fail cleanly instead of storing it twice.
        """
        for _attempt in range(_INSERT_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    # The arrival number is taken inside the insert, under the write lock:
                    # SQLite holds it while evaluating the statement; PostgreSQL takes a
                    # transaction lock first (readers are not blocked). The unique index
                    # makes any other path that shares a number fail and retry here.
                    if self.engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key("arrival")})
                    seq = conn.execute(
                        insert(schema.articles)
                        .values(**self._row(article), run_id=run_id, seq=_NEXT_SEQ, created_at=_now())
                        .returning(schema.articles.c.seq)
                    ).scalar_one()
                    self._write_mentions(conn, article)
                    self._write_matches(conn, article)
                    if pending:
                        conn.execute(
                            insert(schema.pending),
                            [{"article_id": article.id, "stage": s, "seq": seq} for s in pending],
                        )
                return True
            except IntegrityError:
                if self.has_content(article.content_hash) is not None:
                    return False  # the same content, stored by another writer
        raise StoreError(f"could not store article {article.id}: conflicting writes")

    def pending(self, stage: str) -> list[str]:
        """Ids of stored articles the corpus stage has not processed yet, in arrival order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(schema.pending.c.article_id)
                    .where(schema.pending.c.stage == stage)
                    .order_by(schema.pending.c.seq)
                ).scalars()
            )

    def clear_pending(self, stage: str, ids: Sequence[str]) -> None:
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(
                    delete(schema.pending).where(
                        schema.pending.c.stage == stage, schema.pending.c.article_id.in_(list(ids[i : i + 500]))
                    )
                )

    def update_articles(self, articles: Sequence[Article]) -> None:
        """Rewrite the analysis of already stored articles (used by corpus stages)."""
        with self.engine.begin() as conn:
            for article in articles:
                conn.execute(
                    update(schema.articles)
                    .where(schema.articles.c.id == article.id)
                    .values(**self._row(article))
                )
                conn.execute(delete(schema.mentions).where(schema.mentions.c.article_id == article.id))
                conn.execute(
                    delete(schema.narrative_matches).where(
                        schema.narrative_matches.c.article_id == article.id
                    )
                )
                self._write_mentions(conn, article)
                self._write_matches(conn, article)

    @staticmethod
    def _row(article: Article) -> dict[str, Any]:
        return {
            "id": article.id,
            "content_hash": article.content_hash,
            "external_id": article.external_id,
            "source_path": article.source.path,
            "source_url": article.source.url,
            "source_line": article.source.line,
            "outlet": article.outlet,
            "lang": article.lang,
            "title": article.title,
            "published": article.published,
            "story_id": article.story_id,
            "duplicate_of": article.duplicate_of,
            "body": article.body,
            "record": to_dict(article),
        }

    @staticmethod
    def _write_mentions(conn: Connection, article: Article) -> None:
        rows = [
            {
                "article_id": article.id,
                "canonical_id": e.canonical_id,
                "text": e.text,
                "type": e.type,
                "start": e.start,
                "end": e.end,
            }
            for e in article.entities
            if e.canonical_id
        ]
        if rows:
            conn.execute(insert(schema.mentions), rows)

    @staticmethod
    def _write_matches(conn: Connection, article: Article) -> None:
        rows = [
            {"article_id": article.id, "narrative_id": m.id, "score": m.score, "stance": m.stance}
            for m in article.narratives
        ]
        if rows:
            conn.execute(insert(schema.narrative_matches), rows)

    def get_article(self, article_id: str) -> Article | None:
        found = self.get_articles([article_id])
        return found[0] if found else None

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        """Articles by id, in the order of ``ids`` (missing ids are skipped)."""
        by_id: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = list(ids[i : i + 500])
                for rec in conn.execute(
                    select(schema.articles.c.record).where(schema.articles.c.id.in_(chunk))
                ).scalars():
                    art = article_from_dict(rec)
                    by_id[art.id] = art
        return [by_id[i] for i in ids if i in by_id]

    def iter_articles(self, run_id: int | None = None, order: str = "seq", batch: int = 500) -> Iterator[Article]:
        """All stored articles (or those of one run), streamed in batches.

        ``order`` is ``"seq"`` (arrival) or ``"published"`` (date, undated last, then arrival).
        """
        table = schema.articles
        query = select(table.c.record, table.c.seq)
        if run_id is not None:
            query = query.where(table.c.run_id == run_id)
        if order == "published":
            query = query.order_by(table.c.published.is_(None), table.c.published, table.c.seq)
        else:
            query = query.order_by(table.c.seq)
        offset = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(query.limit(batch).offset(offset)).all()
            if not rows:
                return
            for rec, _seq in rows:
                yield article_from_dict(rec)
            offset += len(rows)

    def count_articles(self, run_id: int | None = None) -> int:
        query = select(func.count()).select_from(schema.articles)
        if run_id is not None:
            query = query.where(schema.articles.c.run_id == run_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    # -- rejections ---------------------------------------------------------------
    def add_rejection(self, rejection: Rejection, run_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(schema.rejections).values(
                    run_id=run_id,
                    source_path=rejection.source.path,
                    source_url=rejection.source.url,
                    source_line=rejection.source.line,
                    reason=rejection.reason,
                    detail=rejection.detail,
                    created_at=_now(),
                )
            )

    def rejections(self, run_id: int | None = None) -> list[dict[str, Any]]:
        query = select(schema.rejections).order_by(schema.rejections.c.id)
        if run_id is not None:
            query = query.where(schema.rejections.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- copy sketches ------------------------------------------------------------
    NO_SKETCH = -1  # a row saying "sketched, too short to have one" (real minima are >= 0)

    def put_sketches(self, sketches: dict[str, Sequence[int]]) -> None:
        """The MinHash minima of these articles' bodies (replacing any they had)."""
        table = schema.copy_sketches
        if not sketches:
            return
        rows = [{"article_id": aid, "value": int(v)} for aid, values in sketches.items()
                for v in (set(values) or {self.NO_SKETCH})]
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.article_id.in_(list(sketches))))
            conn.execute(insert(table), rows)

    def unsketched(self, limit: int = 500) -> list[tuple[str, str]]:
        """(id, body) of stored articles without a sketch (stored before sketches existed)."""
        a, cs = schema.articles, schema.copy_sketches
        query = (select(a.c.id, a.c.body).outerjoin(cs, cs.c.article_id == a.c.id)
                 .where(cs.c.article_id.is_(None)).order_by(a.c.seq).limit(limit))
        with self.engine.connect() as conn:
            return [(row.id, row.body) for row in conn.execute(query)]

    def sketch_candidates(self, values: Sequence[int], exclude: str, min_shared: int, limit: int) -> list[str]:
        """Articles sharing at least ``min_shared`` minima with ``values``, most shared first."""
        if not values:
            return []
        table = schema.copy_sketches
        shared = func.count().label("shared")
        query = (
            select(table.c.article_id, shared)
            .where(table.c.value.in_(sorted(set(int(v) for v in values))), table.c.article_id != exclude)
            .group_by(table.c.article_id)
            .having(func.count() >= min_shared)
            .order_by(shared.desc(), table.c.article_id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [row.article_id for row in conn.execute(query)]

    # -- vectors ------------------------------------------------------------------
    def put_vectors(self, model: str, vectors: dict[str, npt.NDArray[np.float32]]) -> None:
        if not vectors:
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(schema.vectors).where(
                    schema.vectors.c.model == model, schema.vectors.c.article_id.in_(list(vectors))
                )
            )
            conn.execute(
                insert(schema.vectors),
                [
                    {
                        "article_id": aid,
                        "model": model,
                        "dim": int(vec.shape[-1]),
                        "vector": np.asarray(vec, dtype=np.float32).tobytes(),
                    }
                    for aid, vec in vectors.items()
                ],
            )

    def get_vectors(self, model: str, ids: Sequence[str] | None = None) -> dict[str, npt.NDArray[np.float32]]:
        """Stored vectors of one model; all of them when ``ids`` is None."""
        query = select(schema.vectors.c.article_id, schema.vectors.c.vector).where(
            schema.vectors.c.model == model
        )
        out: dict[str, npt.NDArray[np.float32]] = {}
        with self.engine.connect() as conn:
            if ids is None:
                rows: Iterable[Any] = conn.execute(query)
                out = {aid: np.frombuffer(blob, dtype=np.float32) for aid, blob in rows}
            else:
                for i in range(0, len(ids), 500):
                    chunk = list(ids[i : i + 500])
                    for aid, blob in conn.execute(query.where(schema.vectors.c.article_id.in_(chunk))):
                        out[aid] = np.frombuffer(blob, dtype=np.float32)
        return out

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str = "narratrace.db", migrate: bool = True, pool_size: int | None = None) -> Store:
    """Open (and create or upgrade) the database at a path or SQLAlchemy URL.

    ``pool_size`` is for servers: connections kept open for concurrent request threads
    (plus a few overflow ones). SQLAlchemy's default keeps five; under twenty concurrent
    clients the others were opened and closed per request, each paying the pragmas and,
    on SQLite, a cold page cache.
    """
    url = resolve_db_url(db)
    sizing: dict[str, int] = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 8}
    engine = create_engine(url, future=True, **sizing)
    if engine.url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        store.migrate()
    return store
