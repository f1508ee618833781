"""The ``stories`` table and the read-side views of stories (CLI, report, dashboard).

A story row is a summary for listing (dates, size, title, languages, outlets); the
membership itself lives on the articles (``story_id``), so it is never stored twice.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from ..store import Store, schema
from .cluster import StoryClusterer, representative


def _members(store: Store, story_ids: list[str]) -> dict[str, list[Any]]:
    t = schema.articles
    out: dict[str, list[Any]] = collections.defaultdict(list)
    with store.engine.connect() as conn:
        for i in range(0, len(story_ids), 500):
            query = (select(t.c.id, t.c.story_id, t.c.lang, t.c.outlet, t.c.published, t.c.title,
                            t.c.duplicate_of, t.c.seq)
                     .where(t.c.story_id.in_(story_ids[i : i + 500]))
                     .order_by(t.c.published.is_(None), t.c.published, t.c.seq))
            for row in conn.execute(query):
                out[row.story_id].append(row)
    return out


def write_stories(store: Store, clusterer: StoryClusterer, story_ids: Iterable[str]) -> None:
    """Recompute the summary rows of the stories that changed."""
    ids = sorted(set(story_ids))
    members = _members(store, ids)
    rows = []
    for sid in ids:
        arts = members.get(sid, [])
        if not arts:
            continue
        dates = sorted(a.published for a in arts if a.published)
        titled = {a.id: a.title for a in arts if a.title}
        rep = representative(clusterer, sid, set(titled))
        title = titled.get(rep or "") or next(iter(titled.values()), None)
        langs = collections.Counter(a.lang or "und" for a in arts)
        outlets = collections.Counter(a.outlet for a in arts if a.outlet)
        rows.append({
            "id": sid, "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
            "size": len(arts), "title": title,
            "data": {"languages": dict(sorted(langs.items())), "outlets": dict(sorted(outlets.items())),
                     "representative": rep, "copies": sum(1 for a in arts if a.duplicate_of)},
        })
    with store.engine.begin() as conn:
        for i in range(0, len(ids), 500):
            conn.execute(delete(schema.stories).where(schema.stories.c.id.in_(ids[i : i + 500])))
        if rows:
            conn.execute(insert(schema.stories), rows)


@dataclass(frozen=True)
class StorySummary:
    id: str
    size: int
    first_date: str | None
    last_date: str | None
    title: str | None
    languages: dict[str, int]
    outlets: dict[str, int]


def list_stories(store: Store, min_size: int = 1, limit: int | None = None) -> list[StorySummary]:
    """Stories, largest first (then most recent), as plain records."""
    t = schema.stories
    query = (select(t).where(t.c.size >= min_size)
             .order_by(t.c.size.desc(), t.c.last_date.desc(), t.c.id))
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [StorySummary(r["id"], int(r["size"]), r["first_date"], r["last_date"], r["title"],
                         dict((r["data"] or {}).get("languages", {})),
                         dict((r["data"] or {}).get("outlets", {}))) for r in rows]


@dataclass(frozen=True)
class ReportArticle:
    id: str
    title: str | None
    outlet: str | None
    lang: str | None
    published: str | None
    duplicate_of: str | None
    relation: str | None  # republished_from | translated_from, with its score below
    relation_to: str | None
    relation_score: float | None


@dataclass(frozen=True)
class ReportStory:
    story: StorySummary
    articles: tuple[ReportArticle, ...]  # date order; copies/translations point to their source


def stories_for_report(store: Store, min_size: int = 1, limit: int | None = None) -> list[ReportStory]:
    """Stories with their articles and copy/translation links, for the HTML report."""
    summaries = list_stories(store, min_size=min_size, limit=limit)
    members = _members(store, [s.id for s in summaries])
    ids = [a.id for s in summaries for a in members.get(s.id, [])]
    relations = {a.id: a.relations for a in store.articles.get_many(ids)}
    out = []
    for summary in summaries:
        arts = []
        for row in members.get(summary.id, []):
            rel = next(iter(relations.get(row.id, ())), None)
            arts.append(ReportArticle(row.id, row.title, row.outlet, row.lang, row.published,
                                      row.duplicate_of, rel.kind if rel else None,
                                      rel.article_id if rel else None, rel.score if rel else None))
        out.append(ReportStory(summary, tuple(arts)))
    return out
