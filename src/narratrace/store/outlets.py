"""Outlets in the store: their names (found by any apostrophe or case), articles over time,
languages, narratives with stance and persuasion techniques: the outlet page's one read model."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import schema
from .base import Db, chunks
from .techniques import Techniques

A, OL = schema.articles, schema.outlet_lines
_APOSTROPHES = ("\u2019", "\u02bc", "\u2018", "`")


def _folded(column: Any) -> Any:
    for mark in _APOSTROPHES:
        column = func.replace(column, mark, "'")
    return func.lower(column)


def fold_name(name: str) -> str:
    for mark in _APOSTROPHES:
        name = name.replace(mark, "'")
    return name.strip().lower()


class Outlets:
    def __init__(self, db: Db) -> None:
        self._db = db

    # -- outlet templates (clean/templates.py) -------------------------------------------
    def template_lines(self, key: str, min_articles: int) -> frozenset[str]:
        """Hashes of the body lines found in at least ``min_articles`` of this outlet's articles."""
        with self._db.connect() as conn:
            return frozenset(conn.execute(
                select(OL.c.line).where(OL.c.key == key, OL.c.articles >= min_articles)).scalars())

    def learn_lines(self, key: str, hashes: set[str]) -> None:
        """One more article of outlet ``key`` had these lines (best effort under concurrent writers)."""
        if not hashes:
            return
        try:
            with self._db.begin() as conn:
                known: set[str] = set()
                for chunk in chunks(sorted(hashes)):
                    known.update(conn.execute(
                        select(OL.c.line).where(OL.c.key == key, OL.c.line.in_(chunk))).scalars())
                    if known:
                        conn.execute(update(OL).where(OL.c.key == key, OL.c.line.in_([h for h in chunk if h in known]))
                                     .values(articles=OL.c.articles + 1))
                fresh = [{"key": key, "line": h, "articles": 1} for h in sorted(hashes - known)]
                if fresh:
                    conn.execute(insert(OL), fresh)
        except IntegrityError:  # another process learnt the same new line: this article's count is lost
            pass

    def resolve(self, name: str) -> str | None:
        """The stored spelling of an outlet named ``name`` with any apostrophe and any case."""
        with self._db.connect() as conn:
            exact = conn.execute(select(A.c.outlet).where(A.c.outlet == name).limit(1)).scalar()
            if exact is not None:
                return str(exact)
            found = conn.execute(select(A.c.outlet).where(_folded(A.c.outlet) == fold_name(name))
                                 .group_by(A.c.outlet).order_by(func.count().desc(), A.c.outlet).limit(1)).scalar()
        return None if found is None else str(found)

    def list(self, limit: int = 200) -> list[dict[str, Any]]:
        """Outlets with their article counts, largest first (ties by name)."""
        query = (select(A.c.outlet, func.count(), func.min(A.c.published), func.max(A.c.published))
                 .where(A.c.outlet.is_not(None)).group_by(A.c.outlet)
                 .order_by(func.count().desc(), A.c.outlet).limit(limit))
        with self._db.connect() as conn:
            return [{"outlet": o, "articles": int(n), "first": first, "last": last}
                    for o, n, first, last in conn.execute(query)]

    def summary(self, outlet: str) -> dict[str, Any] | None:
        """Everything the outlet page shows that is not the relay network."""
        narratives_t = schema.narrative_matches
        month = func.substr(A.c.published, 1, 7)
        with self._db.connect() as conn:
            count, first, last = conn.execute(
                select(func.count(), func.min(A.c.published), func.max(A.c.published)).where(A.c.outlet == outlet)
            ).one()
            if not count:
                return None
            timeline = [{"month": m, "lang": lang or "?", "n": int(n)} for m, lang, n in conn.execute(
                select(month, A.c.lang, func.count()).where(A.c.outlet == outlet, A.c.published.is_not(None))
                .group_by(month, A.c.lang).order_by(month, A.c.lang))]
            languages = [{"key": lang or "?", "n": int(n)} for lang, n in conn.execute(
                select(A.c.lang, func.count()).where(A.c.outlet == outlet).group_by(A.c.lang)
                .order_by(func.count().desc(), A.c.lang))]
            stance_rows = conn.execute(
                select(narratives_t.c.narrative_id, narratives_t.c.stance, func.count(), func.avg(narratives_t.c.score))
                .join(A, A.c.id == narratives_t.c.article_id).where(A.c.outlet == outlet)
                .group_by(narratives_t.c.narrative_id, narratives_t.c.stance))
            narratives: dict[str, dict[str, Any]] = {}
            for nid, stance, n, mean in stance_rows:
                entry = narratives.setdefault(nid, {"id": nid, "articles": 0, "stances": {}})
                entry["articles"] += int(n)
                entry["stances"][stance or "unknown"] = {"n": int(n), "mean_score": round(float(mean or 0), 3)}
        techniques = Techniques(self._db).by_outlet(outlet=outlet).get(outlet, Counter())
        return {
            "outlet": outlet, "articles": int(count), "first": first, "last": last, "timeline": timeline,
            "languages": languages,
            "narratives": sorted(narratives.values(), key=lambda e: (-e["articles"], e["id"])),
            "techniques": [{"key": k, "n": n} for k, n in sorted(techniques.items(), key=lambda kv: (-kv[1], kv[0]))],
        }
