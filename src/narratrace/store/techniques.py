"""Persuasion techniques per article (table ``article_techniques``, filled by ``articles``).

The spans live in each article's record; these counts answer the corpus questions the
views ask: which techniques an outlet uses in a story or a narrative, and how often
each technique occurs overall.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from . import schema
from .base import Db

A, AT, NM = schema.articles, schema.article_techniques, schema.narrative_matches


class Techniques:
    def __init__(self, db: Db) -> None:
        self._db = db

    def by_outlet(self, story: str | None = None, narrative: str | None = None,
                  outlet: str | None = None) -> dict[str, Counter[str]]:
        """Technique counts per outlet, over one story's or one narrative's articles (or all),
        or of one outlet only."""
        query = select(A.c.outlet, AT.c.technique, func.sum(AT.c.n)).join(A, AT.c.article_id == A.c.id)
        if outlet is not None:
            query = query.where(A.c.outlet == outlet)
        if story is not None:
            query = query.where(A.c.story_id == story)
        if narrative is not None:
            query = query.where(AT.c.article_id.in_(select(NM.c.article_id).where(NM.c.narrative_id == narrative)))
        query = query.group_by(A.c.outlet, AT.c.technique)
        out: dict[str, Counter[str]] = {}
        with self._db.connect() as conn:
            for outlet, tech, n in conn.execute(query):
                out.setdefault(outlet or "unknown", Counter())[tech] = int(n or 0)
        return dict(sorted(out.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))

    def totals(self) -> list[dict[str, Any]]:
        """Each technique with its span count and article count, most frequent first."""
        query = select(AT.c.technique, func.sum(AT.c.n), func.count()).group_by(AT.c.technique)
        with self._db.connect() as conn:
            rows = [{"technique": t, "spans": int(n or 0), "articles": int(k)} for t, n, k in conn.execute(query)]
        return sorted(rows, key=lambda r: (-r["spans"], r["technique"]))
