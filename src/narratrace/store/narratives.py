"""Narrative matches per article, their per-narrative tallies, and discovered candidates.

``stats`` is the one read model of "how is each narrative carried": the CLI
(``narratives show``/``list``), the report's section and the dashboard all tally it.
The catalogue that defines narratives is the narratives capability's (YAML files, or a
``narratives`` table when a database carries one: ``catalogue_rows``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, delete, func, insert, inspect, select

from . import schema
from .base import Db
from .listing import SUMMARY_COLUMNS, summary

A, NM, NC, NV = schema.articles, schema.narrative_matches, schema.narrative_candidates, schema.narrative_versions


@dataclass
class NarrativeStats:
    """How one narrative is carried by the stored articles."""

    articles: int = 0
    mean_score: float = 0.0
    max_score: float = 0.0
    stances: Counter[str] = field(default_factory=Counter)  # "?" for no stance
    languages: Counter[str] = field(default_factory=Counter)  # "und" for no language
    outlets: Counter[str] = field(default_factory=Counter)  # "unknown" for no outlet
    first: str | None = None
    last: str | None = None


class Narratives:
    def __init__(self, db: Db) -> None:
        self._db = db

    def stats(self) -> dict[str, NarrativeStats]:
        """Per matched narrative: articles, scores, stances, languages, outlets, first and last date."""
        query = select(NM.c.narrative_id, NM.c.score, NM.c.stance, A.c.lang, A.c.outlet, A.c.published).join(
            A, NM.c.article_id == A.c.id
        )
        out: dict[str, NarrativeStats] = {}
        with self._db.connect() as conn:
            for nid, score, stance, lang, outlet, published in conn.execute(query):
                d = out.setdefault(nid, NarrativeStats())
                d.articles += 1
                d.mean_score += float(score or 0)
                d.max_score = max(d.max_score, float(score or 0))
                d.stances[stance or "?"] += 1
                d.languages[lang or "und"] += 1
                d.outlets[outlet or "unknown"] += 1
                if published:
                    d.first = min(d.first or published, published)
                    d.last = max(d.last or published, published)
        for d in out.values():
            d.mean_score /= d.articles
        return out

    def timeline(self, narrative_id: str, limit: int = 1000) -> list[dict[str, Any]]:
        """Matching articles of one narrative, oldest first (undated last)."""
        query = (
            select(A.c.id, A.c.published, A.c.lang, A.c.outlet, A.c.title, A.c.source_url, NM.c.score, NM.c.stance)
            .join(NM, NM.c.article_id == A.c.id)
            .where(NM.c.narrative_id == narrative_id)
            .order_by(A.c.published.is_(None), A.c.published, A.c.seq)
            .limit(limit)
        )
        with self._db.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def stance_breakdown(self, narrative_id: str) -> list[dict[str, Any]]:
        """Per stance of one narrative's matches: how many, mean and best score (most first)."""
        stance = func.coalesce(NM.c.stance, "?")
        query = (
            select(stance, func.count(), func.avg(NM.c.score), func.max(NM.c.score))
            .where(NM.c.narrative_id == narrative_id)
            .group_by(stance)
        )
        with self._db.connect() as conn:
            rows = [{"stance": s, "articles": int(n), "mean_score": round(float(avg or 0), 4),
                     "max_score": round(float(mx or 0), 4)} for s, n, avg, mx in conn.execute(query)]
        return sorted(rows, key=lambda r: (-r["articles"], r["stance"]))

    def best_matches(self, narrative_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """Summaries of the articles matching a narrative with score and stance, best first."""
        query = (
            select(*SUMMARY_COLUMNS, NM.c.score, NM.c.stance)
            .join(NM, NM.c.article_id == A.c.id)
            .where(NM.c.narrative_id == narrative_id)
            .order_by(NM.c.score.desc(), A.c.id)
            .limit(limit)
        )
        with self._db.connect() as conn:
            return [summary(r) for r in conn.execute(query)]

    def title_from_matches(self, narrative_id: str) -> str | None:
        """The narrative's title as one matching article's record names it (no catalogue entry)."""
        with self._db.connect() as conn:
            rec = conn.execute(
                select(A.c.record).join(NM, NM.c.article_id == A.c.id).where(NM.c.narrative_id == narrative_id).limit(1)
            ).scalar()
        for match in (rec or {}).get("narratives") or []:
            if match.get("id") == narrative_id:
                return match.get("title")  # type: ignore[no-any-return]
        return None

    def catalogue_rows(self) -> dict[str, dict[str, Any]] | None:
        """``{id: {title, description}}`` from a ``narratives`` table, None when the database has none."""
        engine = self._db.engine
        if not inspect(engine).has_table("narratives"):
            return None
        table = Table("narratives", MetaData(), autoload_with=engine)
        if "id" not in table.c:
            return None
        cols = [c for c in ("title", "description", "summary") if c in table.c]
        out: dict[str, dict[str, Any]] = {}
        with self._db.connect() as conn:
            for row in conn.execute(select(table.c.id, *[table.c[c] for c in cols])):
                m = row._mapping
                out[str(m["id"])] = {"title": m.get("title"), "description": m.get("description") or m.get("summary")}
        return out

    # -- catalogue versions of the stored matches (narratives/rematch.py) --------------------
    def versions(self) -> dict[str, str]:
        """Narrative id -> content hash the stored matches of that narrative were made with."""
        with self._db.connect() as conn:
            return {nid: h for nid, h in conn.execute(select(NV.c.narrative_id, NV.c.hash))}

    def set_versions(self, versions: dict[str, str], removed: Sequence[str] = ()) -> None:
        """Record that the archive is matched against these narrative versions; forget ``removed``."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._db.begin() as conn:
            ids = [*versions, *removed]
            for chunk in range(0, len(ids), 500):
                conn.execute(delete(NV).where(NV.c.narrative_id.in_(ids[chunk:chunk + 500])))
            if versions:
                rows = [{"narrative_id": k, "hash": v, "matched_at": now} for k, v in versions.items()]
                conn.execute(insert(NV), rows)

    def matched_articles(self, narrative_ids: Sequence[str]) -> set[str]:
        """Articles with a stored match to any of these narratives."""
        found: set[str] = set()
        ids = list(narrative_ids)
        with self._db.connect() as conn:
            for chunk in range(0, len(ids), 500):
                found.update(conn.execute(select(NM.c.article_id).where(
                    NM.c.narrative_id.in_(ids[chunk:chunk + 500]))).scalars())
        return found

    # -- discovered candidates ---------------------------------------------------------
    def put_candidates(self, candidates: Sequence[dict[str, Any]]) -> None:
        """Replace the stored candidates by these (each with ``id``, ``label``, ``score``)."""
        now = dt.datetime.now(dt.UTC)
        with self._db.begin() as conn:
            conn.execute(delete(NC))
            if candidates:
                conn.execute(insert(NC), [{"id": c["id"], "label": c["label"], "score": c["score"],
                                           "updated_at": now, "data": c} for c in candidates])

    def candidate(self, cid: str) -> dict[str, Any] | None:
        with self._db.connect() as conn:
            data = conn.execute(select(NC.c.data).where(NC.c.id == cid)).scalar()
        return dict(data) if data else None
