"""Articles: the one-transaction write path, pending markers for corpus stages, and reads by id.

Every article is written in its own transaction, keyed by its content hash: an
interrupted run (even ``kill -9``) leaves only whole articles behind, and re-running
the same inputs skips what is already stored, so a resumed run neither loses nor
duplicates anything. Corpus stages rewrite the analysis fields of stored articles
through ``update``. Paged lists for the API and the dashboard are in ``listing.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..records import Article, article_from_dict, to_dict
from . import schema
from .base import StoreError, advisory_key, chunks, now
from .listing import ArticleListing

_INSERT_ATTEMPTS = 3
_NEXT_SEQ = select(func.coalesce(func.max(schema.articles.c.seq), 0) + 1).scalar_subquery()
A = schema.articles


class Articles(ArticleListing):
    # -- writing ----------------------------------------------------------------
    def add(self, article: Article, run_id: int, pending: Sequence[str] = ()) -> bool:
        """Store one article in one transaction. False if its content is already stored.

        ``pending`` names the corpus stages that still have to see this article. The
        content hash is unique in the table, so a concurrent writer storing the same
        content makes this insert fail cleanly instead of storing it twice.
        """
        for _attempt in range(_INSERT_ATTEMPTS):
            try:
                with self._db.begin() as conn:
                    # The arrival number is taken inside the insert, under the write lock:
                    # SQLite holds it while evaluating the statement; PostgreSQL takes a
                    # transaction lock first (readers are not blocked). The unique index
                    # makes any other path that shares a number fail and retry here.
                    if self._db.dialect == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key("arrival")})
                    seq = conn.execute(
                        insert(A)
                        .values(**article_row(article), run_id=run_id, seq=_NEXT_SEQ, created_at=now())
                        .returning(A.c.seq)
                    ).scalar_one()
                    _write_mentions(conn, article)
                    _write_matches(conn, article)
                    _write_techniques(conn, article)
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

    def update(self, articles: Sequence[Article]) -> None:
        """Rewrite the analysis of already stored articles (used by corpus stages)."""
        with self._db.begin() as conn:
            for article in articles:
                conn.execute(update(A).where(A.c.id == article.id).values(**article_row(article)))
                conn.execute(delete(schema.mentions).where(schema.mentions.c.article_id == article.id))
                conn.execute(
                    delete(schema.narrative_matches).where(schema.narrative_matches.c.article_id == article.id)
                )
                conn.execute(
                    delete(schema.article_techniques).where(schema.article_techniques.c.article_id == article.id)
                )
                _write_mentions(conn, article)
                _write_matches(conn, article)
                _write_techniques(conn, article)

    # -- corpus stages' work list ---------------------------------------------------
    def pending(self, stage: str) -> list[str]:
        """Ids of stored articles the corpus stage has not processed yet, in arrival order."""
        p = schema.pending
        with self._db.connect() as conn:
            return list(conn.execute(select(p.c.article_id).where(p.c.stage == stage).order_by(p.c.seq)).scalars())

    def clear_pending(self, stage: str, ids: Sequence[str]) -> None:
        p = schema.pending
        with self._db.begin() as conn:
            for chunk in chunks(ids):
                conn.execute(delete(p).where(p.c.stage == stage, p.c.article_id.in_(chunk)))

    # -- reading ------------------------------------------------------------------
    def has_content(self, content_hash: str) -> str | None:
        """The id of the stored article with that content hash, if any."""
        with self._db.connect() as conn:
            return conn.execute(select(A.c.id).where(A.c.content_hash == content_hash)).scalar()

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        found: set[str] = set()
        with self._db.connect() as conn:
            for chunk in chunks(list(hashes)):
                found.update(conn.execute(select(A.c.content_hash).where(A.c.content_hash.in_(chunk))).scalars())
        return found

    def get(self, article_id: str) -> Article | None:
        found = self.get_many([article_id])
        return found[0] if found else None

    def get_many(self, ids: Sequence[str]) -> list[Article]:
        """Articles by id, in the order of ``ids`` (missing ids are skipped)."""
        return [article_from_dict(rec) for rec in self.records(list(ids))]

    def iter(self, run_id: int | None = None, order: str = "seq", batch: int = 500) -> Iterator[Article]:
        """All stored articles (or those of one run), streamed in batches.

        ``order`` is ``"seq"`` (arrival) or ``"published"`` (date, undated last, then arrival).
        """
        query = select(A.c.record, A.c.seq)
        if run_id is not None:
            query = query.where(A.c.run_id == run_id)
        if order == "published":
            query = query.order_by(A.c.published.is_(None), A.c.published, A.c.seq)
        else:
            query = query.order_by(A.c.seq)
        offset = 0
        while True:
            with self._db.connect() as conn:
                rows = conn.execute(query.limit(batch).offset(offset)).all()
            if not rows:
                return
            for rec, _seq in rows:
                yield article_from_dict(rec)
            offset += len(rows)

    def count(self, run_id: int | None = None, in_story: bool = False) -> int:
        """Stored articles (of one run; only those already in a story)."""
        query = select(func.count()).select_from(A)
        if run_id is not None:
            query = query.where(A.c.run_id == run_id)
        if in_story:
            query = query.where(A.c.story_id.is_not(None))
        with self._db.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def copies_of(self, article_id: str) -> list[str]:
        """Ids of the stored articles whose ``duplicate_of`` is this one."""
        with self._db.connect() as conn:
            return list(conn.execute(select(A.c.id).where(A.c.duplicate_of == article_id)).scalars())


def article_row(article: Article) -> dict[str, Any]:
    """The ``articles`` row of a record (bulk loaders such as bench/bench_web.py use it too)."""
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


def _write_matches(conn: Connection, article: Article) -> None:
    rows = [
        {"article_id": article.id, "narrative_id": m.id, "score": m.score, "stance": m.stance}
        for m in article.narratives
    ]
    if rows:
        conn.execute(insert(schema.narrative_matches), rows)


def _write_techniques(conn: Connection, article: Article) -> None:
    counts: dict[str, int] = {}
    for t in article.techniques:
        counts[t.technique] = counts.get(t.technique, 0) + 1
    if counts:
        conn.execute(
            insert(schema.article_techniques),
            [{"article_id": article.id, "technique": k, "n": v} for k, v in counts.items()],
        )
