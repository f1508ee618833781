"""Archived raw copies: the bytes each article was read from (``records.RawCopy``)."""

from __future__ import annotations

from sqlalchemy import and_, insert, select

from ..records import RawCopy
from . import schema
from .base import Db

E, A = schema.evidence, schema.articles
_META = (E.c.sha256, E.c.content_hash, E.c.url, E.c.final_url, E.c.status, E.c.content_type, E.c.fetched_at)


class Evidence:
    def __init__(self, db: Db) -> None:
        self._db = db

    def put(self, copy: RawCopy) -> None:
        """Keep a copy once (the same bytes for the same item are not stored twice)."""
        with self._db.begin() as conn:
            key = and_(E.c.sha256 == copy.sha256, E.c.content_hash == copy.content_hash)
            if conn.execute(select(E.c.sha256).where(key)).first():
                return
            conn.execute(insert(E).values(
                sha256=copy.sha256, content_hash=copy.content_hash, url=copy.url, final_url=copy.final_url,
                status=copy.status, content_type=(copy.content_type or "")[:200] or None,
                fetched_at=copy.fetched_at, size=len(copy.body), body=copy.body,
            ))

    def for_article(self, article_id: str, with_body: bool = False) -> list[RawCopy]:
        """The copies an article was read from, oldest first."""
        cols = (*_META, E.c.body) if with_body else _META
        query = (select(*cols).join(A, A.c.content_hash == E.c.content_hash)
                 .where(A.c.id == article_id).order_by(E.c.fetched_at))
        with self._db.connect() as conn:
            rows = conn.execute(query).all()
        return [RawCopy(sha256=r.sha256, content_hash=r.content_hash, body=r.body if with_body else b"",
                        fetched_at=r.fetched_at, url=r.url, final_url=r.final_url, status=r.status,
                        content_type=r.content_type) for r in rows]

    def body(self, article_id: str, sha256: str) -> bytes | None:
        """The archived bytes, only through the article they belong to."""
        query = (select(E.c.body).join(A, A.c.content_hash == E.c.content_hash)
                 .where(and_(A.c.id == article_id, E.c.sha256 == sha256)))
        with self._db.connect() as conn:
            value = conn.execute(query).scalar()
        return bytes(value) if value is not None else None
