"""Corpus-wide views: stories, narratives, entities and the overview.

These aggregate over the whole store, so their results are cached for a few seconds
(``TTLCache``): under load, twenty analysts opening the overview cost one GROUP BY,
and a new run shows up a few seconds later at most. Each view degrades to an empty
state when the capability that fills its tables has not run (no stories yet, no
narrative catalogue yet), because the dashboard ships before and grows with them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, desc, func, select
from sqlalchemy.engine import Connection

from ..store import schema
from .queries import SUMMARY_COLUMNS, A, summary

if TYPE_CHECKING:
    from ..narratives.catalogue import CatalogueSource

T = TypeVar("T")
log = logging.getLogger(__name__)
STORY_ARTICLE_CAP = 500


class TTLCache:
    """A few seconds of memory for expensive aggregates, safe across request threads.

    One thread computes a missing value while the others wait for it (no stampede of
    identical GROUP BYs); a value expired less than ``max_stale`` seconds ago is still
    served while one background thread recomputes it, so no request pays for the
    refresh under load. An older one (the first request after a quiet spell) is
    recomputed before answering: counts are never more than ``ttl + max_stale`` old.
    """

    def __init__(self, ttl: float = 5.0, max_keys: int = 2048, max_stale: float | None = None) -> None:
        self.ttl = ttl
        self.max_stale = 2 * ttl if max_stale is None else max_stale
        self.max_keys = max_keys
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._refreshing: set[str] = set()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            hit = self._data.get(key)
            now = time.monotonic()
            if hit is not None and now - hit[0] < self.max_stale:
                if hit[0] <= now and key not in self._refreshing:
                    self._refreshing.add(key)
                    threading.Thread(target=self._refresh, args=(key, compute), daemon=True).start()
                return hit[1]  # type: ignore[no-any-return]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._data.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.max_stale:
                return hit[1]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._data[key] = (time.monotonic() + self.ttl, value)
                while len(self._data) > self.max_keys:  # oldest first (insertion order)
                    old = next(iter(self._data))
                    del self._data[old]
                    self._key_locks.pop(old, None)
            return value

    def invalidate(self, key: str) -> None:
        """Forget a value (after a write), so the next reader computes it afresh."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget every value: after an analysis stored articles, every count may have moved."""
        with self._lock:
            self._data.clear()

    def _refresh(self, key: str, compute: Callable[[], Any]) -> None:
        try:
            value = compute()
            with self._lock:
                self._data[key] = (time.monotonic() + self.ttl, value)
        except Exception:  # keep serving the old value; the next expiry tries again
            log.exception("refreshing %s failed", key)
        finally:
            with self._lock:
                self._refreshing.discard(key)


def _counts(conn: Connection, column: Any, where: Any = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(column.label("key"), func.count().label("n")).group_by(column)
    if where is not None:
        query = query.where(where)
    query = query.order_by(desc("n")).limit(limit)
    return [{"key": k, "n": int(n)} for k, n in conn.execute(query)]


# -- stories -----------------------------------------------------------------------
def list_stories(conn: Connection) -> list[dict[str, Any]]:
    """All stories, largest first: the stories table, or grouped articles before it is filled."""
    st = schema.stories
    rows = conn.execute(
        select(st.c.id, st.c.title, st.c.size, st.c.first_date, st.c.last_date).order_by(st.c.size.desc(), st.c.id)
    ).all()
    if rows:
        return [dict(r._mapping) for r in rows]
    first = A.alias("first_article")
    title = (
        select(first.c.title)
        .where(first.c.story_id == A.c.story_id, first.c.title.is_not(None))
        .order_by(first.c.published.is_(None), first.c.published, first.c.seq)
        .limit(1)
        .scalar_subquery()
    )
    grouped = conn.execute(
        select(
            A.c.story_id.label("id"),
            title.label("title"),
            func.count().label("size"),
            func.min(A.c.published).label("first_date"),
            func.max(A.c.published).label("last_date"),
        )
        .where(A.c.story_id.is_not(None))
        .group_by(A.c.story_id)
        .order_by(desc("size"), A.c.story_id)
    ).all()
    return [dict(r._mapping) for r in grouped]


def story_detail(conn: Connection, story_id: str) -> dict[str, Any] | None:
    st = schema.stories
    row = conn.execute(select(st).where(st.c.id == story_id)).first()
    recs = (
        conn.execute(
            select(A.c.record)
            .where(A.c.story_id == story_id)
            .order_by(A.c.published.is_(None), A.c.published, A.c.seq)
            .limit(STORY_ARTICLE_CAP)
        )
        .scalars()
        .all()
    )
    if row is None and not recs:
        return None
    records = [dict(r) for r in recs]
    ids = {r["id"] for r in records}
    edges: list[dict[str, Any]] = []
    for rec in records:
        for rel in rec.get("relations") or []:
            edges.append(
                {
                    "source": rec["id"],
                    "target": rel.get("article_id"),
                    "kind": rel.get("kind"),
                    "score": rel.get("score"),
                }
            )
        if rec.get("duplicate_of"):
            edges.append({"source": rec["id"], "target": rec["duplicate_of"], "kind": "duplicate_of", "score": None})
    info = dict(row._mapping) if row is not None else {}
    articles = [
        {k: rec.get(k) for k in ("id", "title", "outlet", "lang", "published", "story_id", "duplicate_of")}
        | {"url": (rec.get("source") or {}).get("url")}
        for rec in records
    ]
    dates = sorted(a["published"] for a in articles if a["published"])
    return {
        "id": story_id,
        "title": info.get("title") or next((a["title"] for a in articles if a["title"]), None),
        "size": info.get("size") or len(articles),
        "first_date": info.get("first_date") or (dates[0] if dates else None),
        "last_date": info.get("last_date") or (dates[-1] if dates else None),
        "articles": articles,
        "languages": tally(a["lang"] for a in articles),
        "outlets": tally(a["outlet"] for a in articles),
        "timeline": tally((a["published"] or "")[:10] or None for a in articles),
        "edges": [e for e in edges if e["target"]],
        "external": sorted({e["target"] for e in edges if e["target"] and e["target"] not in ids}),
        "truncated": len(records) >= STORY_ARTICLE_CAP,
    }


def tally(values: Any) -> list[dict[str, Any]]:
    """Counts of the non-empty values, largest first, ties by value (the detail pages' breakdowns)."""
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return [{"key": k, "n": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


# -- entities ----------------------------------------------------------------------
def list_entities(conn: Connection) -> list[dict[str, Any]]:
    me, en = schema.mentions, schema.entities
    counts = conn.execute(
        select(
            me.c.canonical_id,
            func.count(func.distinct(me.c.article_id)),
            func.count(),
            func.min(me.c.type),
        ).group_by(me.c.canonical_id)
    ).all()
    names = {r.canonical_id: r for r in conn.execute(select(en.c.canonical_id, en.c.canonical_name, en.c.type))}
    # without a catalogue name, the most frequent spelling (as on the entity's page); every
    # mentioned id has one, since both read the same mentions
    spelling: dict[str, tuple[int, str]] = {}
    for cid, text, n in conn.execute(select(me.c.canonical_id, me.c.text, func.count()).group_by(
            me.c.canonical_id, me.c.text)):
        best = spelling.get(cid)
        if best is None or (-int(n), text) < (-best[0], best[1]):
            spelling[cid] = (int(n), text)
    out = []
    for cid, n_articles, n_mentions, etype in counts:
        known = names.get(cid)
        out.append(
            {
                "id": cid,
                "name": known.canonical_name if known is not None else spelling[cid][1],
                "type": (known.type if known is not None else None) or etype,
                "articles": int(n_articles),
                "mentions": int(n_mentions),
            }
        )
    out.sort(key=lambda e: (-e["articles"], e["id"]))
    return out


def filter_entities(conn: Connection, items: list[dict[str, Any]], q: str) -> list[dict[str, Any]]:
    """Entities whose name, id or any spelling found in the articles contains ``q``.

    Analysts type the spelling they read ("Cheikhoun"), not the canonical name
    ("Khan Shaykhun"); every surface form in the mentions is searched (case-blind).
    """
    needle = q.casefold()
    me = schema.mentions
    pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    spelled = set(conn.execute(
        select(me.c.canonical_id).where(func.lower(me.c.text).like(pattern, escape="\\")).distinct()
    ).scalars())
    return [e for e in items
            if needle in (e["name"] or "").casefold() or needle in e["id"].casefold() or e["id"] in spelled]


def entity_detail(conn: Connection, entity_id: str) -> dict[str, Any] | None:
    me, en = schema.mentions, schema.entities
    known = conn.execute(select(en).where(en.c.canonical_id == entity_id)).first()
    variants = conn.execute(
        select(me.c.text, func.count().label("n"))
        .where(me.c.canonical_id == entity_id)
        .group_by(me.c.text)
        .order_by(desc("n"), me.c.text)
        .limit(100)
    ).all()
    if known is None and not variants:
        return None
    langs = conn.execute(
        select(A.c.lang, func.count(func.distinct(A.c.id)))
        .join(me, me.c.article_id == A.c.id)
        .where(me.c.canonical_id == entity_id)
        .group_by(A.c.lang)
    ).all()
    kmap = dict(known._mapping) if known is not None else {}
    return {
        "id": entity_id,
        "name": kmap.get("canonical_name") or (variants[0].text if variants else entity_id),
        "type": kmap.get("type"),
        "aliases": list(kmap.get("aliases") or []),
        "variants": [{"key": t, "n": int(n)} for t, n in variants],
        "languages": [{"key": k, "n": int(n)} for k, n in sorted(langs, key=lambda r: -int(r[1])) if k],
    }


# -- overview ----------------------------------------------------------------------
def overview(engine: Engine, source: CatalogueSource | None = None) -> dict[str, Any]:
    with engine.connect() as conn:
        n_articles = int(conn.execute(select(func.count()).select_from(A)).scalar() or 0)
        month = func.substr(A.c.published, 1, 7)
        timeline = [
            {"month": m, "lang": lang or "?", "n": int(n)}
            for m, lang, n in conn.execute(
                select(month, A.c.lang, func.count())
                .where(A.c.published.is_not(None))
                .group_by(month, A.c.lang)
                .order_by(month)
            )
        ]
        languages = _counts(conn, A.c.lang)
        outlets = _counts(conn, A.c.outlet, A.c.outlet.is_not(None), limit=15)
        recent = [summary(r) for r in conn.execute(select(*SUMMARY_COLUMNS).order_by(A.c.seq.desc()).limit(10))]
        stories = list_stories(conn)
        n_entities = int(conn.execute(select(func.count(func.distinct(schema.mentions.c.canonical_id)))).scalar() or 0)
    from .narratives import list_narratives

    narratives = [n for n in list_narratives(engine, source) if n["articles"]]  # matched ones
    return {
        "counts": {
            "articles": n_articles,
            "stories": len(stories),
            "narratives": len(narratives),
            "entities": n_entities,
            "languages": len([x for x in languages if x["key"]]),
        },
        "timeline": timeline,
        "languages": languages,
        "outlets": outlets,
        "recent": recent,
        "top_stories": stories[:10],
        "top_narratives": narratives[:10],
    }
