"""The summary rows of stories (written after each clustering update) and the report's story view.

A story row is a summary for listing (dates, size, title, languages, outlets); the
membership itself lives on the articles (``story_id``), so it is never stored twice.
Listing stories is the store's one read model, ``store.stories.list``.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from dataclasses import dataclass

from ..store import Member, Store, StorySummary
from .cluster import StoryClusterer, representative


def write_stories(store: Store, clusterer: StoryClusterer, story_ids: Iterable[str]) -> None:
    """Recompute the summary rows of the stories that changed."""
    ids = sorted(set(story_ids))
    members = store.stories.members(ids)
    rows, extra = [], {}
    for sid in ids:
        arts = members.get(sid, [])
        if not arts:
            continue
        dates = sorted(a.published for a in arts if a.published)
        titled = {a.id: a.title for a in arts if a.title}
        rep = representative(clusterer, sid, set(titled))
        title = titled.get(original(arts, rep, titled) or "") or next(iter(titled.values()), None)
        langs = collections.Counter(a.lang or "und" for a in arts)
        outlets = collections.Counter(a.outlet for a in arts if a.outlet)
        rows.append(StorySummary(sid, len(arts), dates[0] if dates else None, dates[-1] if dates else None, title,
                                 dict(sorted(langs.items())), dict(sorted(outlets.items()))))
        extra[sid] = {"representative": rep, "copies": sum(1 for a in arts if a.duplicate_of)}
    store.stories.put(rows, extra, recomputed=ids)


def original(arts: list[Member], rep: str | None, titled: dict[str, str]) -> str | None:
    """Whose title names the story: the original the most members copy or translate (their
    ``duplicate_of``), not a translation that happens to sit nearest the centroid; without
    copies, the representative (or the original it copies)."""
    order = {a.id: i for i, a in enumerate(arts)}
    roots = collections.Counter(a.duplicate_of for a in arts if a.duplicate_of in titled)
    if roots:
        return max(roots, key=lambda r: (roots[r], -order.get(r or "", len(order))))
    copied = next((a.duplicate_of for a in arts if a.id == rep), None)
    return copied if copied in titled else rep


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
    """Stories with their articles and copy/translation links, for reports."""
    summaries = store.stories.list(min_size=min_size, limit=limit)
    members = store.stories.members([s.id for s in summaries])
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
