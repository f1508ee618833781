"""Imported fact-checks and the links from stored claims to them (``factchecks import`` / ``link``)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select

from . import schema
from .base import Db, chunks

FC, CM = schema.factchecks, schema.claim_matches
FIELDS = ("id", "text", "title", "url", "lang", "verdict")


class FactChecks:
    def __init__(self, db: Db) -> None:
        self._db = db

    def put(self, entries: Sequence[dict[str, Any]]) -> tuple[int, int]:
        """Insert or replace fact-checks (``FIELDS``) by id; returns (added, replaced)."""
        unique = {e["id"]: e for e in entries}
        ids = list(unique)
        with self._db.begin() as conn:
            existing: set[str] = set()
            for chunk in chunks(ids):
                existing.update(conn.execute(select(FC.c.id).where(FC.c.id.in_(chunk))).scalars())
            for chunk in chunks([x for x in ids if x in existing]):
                conn.execute(delete(FC).where(FC.c.id.in_(chunk)))
            rows = [{k: e.get(k) for k in FIELDS} | {"data": None} for e in unique.values()]
            for chunk in chunks(rows):
                conn.execute(insert(FC), chunk)
        return len(unique) - len(existing), len(existing)

    def list(self) -> list[dict[str, Any]]:
        """Every imported fact-check (``FIELDS``), by id."""
        with self._db.connect() as conn:
            return [{k: r[k] for k in FIELDS} for r in conn.execute(select(FC).order_by(FC.c.id)).mappings()]

    def put_links(self, article_id: str, links: Sequence[dict[str, Any]]) -> None:
        """Replace an article's claim links (``claim_start``, ``claim_end``, ``factcheck_id``, ``rank``, ``score``)."""
        with self._db.begin() as conn:
            conn.execute(delete(CM).where(CM.c.article_id == article_id))
            if links:
                conn.execute(insert(CM), [dict(link, article_id=article_id) for link in links])

    def links(self, article_id: str | None = None) -> builtins.list[dict[str, Any]]:
        """Stored claim -> fact-check links with the fact-check's text, verdict and URL."""
        query = (
            select(CM, FC.c.text.label("factcheck_text"), FC.c.verdict, FC.c.url)
            .join(FC, FC.c.id == CM.c.factcheck_id)
            .order_by(CM.c.article_id, CM.c.claim_start, CM.c.rank)
        )
        if article_id:
            query = query.where(CM.c.article_id == article_id)
        with self._db.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
