"""Archived raw copies: the bytes each article was read from (``records.RawCopy``).

A body is stored once by its sha256 (with its first fetch's time, URLs and status) and
linked to each item read from it, so a feed of fifty items costs one copy, not fifty.
"""

from __future__ import annotations

from sqlalchemy import and_, insert, select
from sqlalchemy.exc import IntegrityError

from ..records import RawCopy
from . import schema
from .base import Db

C, L, A = schema.raw_copies, schema.raw_copy_items, schema.articles
_META = (C.c.sha256, C.c.url, C.c.final_url, C.c.status, C.c.content_type, C.c.fetched_at)


class Evidence:
    def __init__(self, db: Db) -> None:
        self._db = db

    def put(self, copy: RawCopy) -> None:
        """Keep a copy (once per body) and link it to its item (once per item)."""
        try:
            with self._db.begin() as conn:
                if conn.execute(select(C.c.sha256).where(C.c.sha256 == copy.sha256)).first() is None:
                    conn.execute(insert(C).values(
                        sha256=copy.sha256, url=copy.url, final_url=copy.final_url, status=copy.status,
                        content_type=(copy.content_type or "")[:200] or None, fetched_at=copy.fetched_at,
                        size=len(copy.body), body=copy.body,
                    ))
                link = and_(L.c.sha256 == copy.sha256, L.c.content_hash == copy.content_hash)
                if conn.execute(select(L.c.sha256).where(link)).first() is None:
                    conn.execute(insert(L).values(sha256=copy.sha256, content_hash=copy.content_hash))
        except IntegrityError:  # another process kept the same copy at the same moment
            pass

    def for_article(self, article_id: str, with_body: bool = False) -> list[RawCopy]:
        """The copies an article was read from, oldest first."""
        cols = (*_META, L.c.content_hash, C.c.body) if with_body else (*_META, L.c.content_hash)
        query = (select(*cols).select_from(C.join(L, L.c.sha256 == C.c.sha256)
                                           .join(A, A.c.content_hash == L.c.content_hash))
                 .where(A.c.id == article_id).order_by(C.c.fetched_at))
        with self._db.connect() as conn:
            rows = conn.execute(query).all()
        return [RawCopy(sha256=r.sha256, content_hash=r.content_hash, body=bytes(r.body) if with_body else b"",
                        fetched_at=r.fetched_at, url=r.url, final_url=r.final_url, status=r.status,
                        content_type=r.content_type) for r in rows]

    def body(self, article_id: str, sha256: str) -> bytes | None:
        """The archived bytes, only through an article they belong to."""
        query = (select(C.c.body).select_from(C.join(L, L.c.sha256 == C.c.sha256)
                                              .join(A, A.c.content_hash == L.c.content_hash))
                 .where(and_(A.c.id == article_id, C.c.sha256 == sha256)).limit(1))
        with self._db.connect() as conn:
            value = conn.execute(query).scalar()
        return bytes(value) if value is not None else None
