"""Corpus-wide views: stories, narratives, entities and the overview.

The questions are the store's read models (``store.stories.list``, ``store.entities.list``,
...), the same the CLI and the report ask; this module shapes their answers for the API
and the pages. They aggregate over the whole store, so their results are cached for a few seconds
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

from ..records import to_dict
from ..store import Store

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


# -- stories -----------------------------------------------------------------------
def list_stories(store: Store) -> list[dict[str, Any]]:
    """All stories, largest first (then most recent): the store's one story list, as API items."""
    return [to_dict(s) for s in store.stories.list()]


def story_detail(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story: its articles, languages, outlets, timeline and copy/translation edges."""
    info = store.stories.get(story_id)
    records = store.stories.records(story_id, STORY_ARTICLE_CAP)
    if info is None and not records:
        return None
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
    info = info or {}
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
def list_entities(store: Store) -> list[dict[str, Any]]:
    """The store's one entity list, in most articles first (then by id), as API items."""
    return [
        {"id": e.id, "name": e.name, "type": e.type or None, "articles": e.articles, "mentions": e.mentions}
        for e in store.entities.list(sort="articles")
    ]


def filter_entities(store: Store, items: list[dict[str, Any]], q: str) -> list[dict[str, Any]]:
    """Entities whose name, id or any spelling found in the articles contains ``q``.

    Analysts type the spelling they read ("Cheikhoun"), not the canonical name
    ("Khan Shaykhun"); every surface form in the mentions is searched (case-blind).
    """
    needle = q.casefold()
    spelled = store.entities.spelled(q)
    return [e for e in items
            if needle in (e["name"] or "").casefold() or needle in e["id"].casefold() or e["id"] in spelled]


def entity_detail(store: Store, entity_id: str) -> dict[str, Any] | None:
    return store.entities.detail(entity_id)


# -- overview ----------------------------------------------------------------------
def overview(store: Store, source: CatalogueSource | None = None) -> dict[str, Any]:
    with store.reading() as r:
        counts = r.articles.counts()
        stories = list_stories(r)
        n_entities = r.entities.count()
        recent = r.articles.recent(10)
    from .narratives import list_narratives

    narratives = [n for n in list_narratives(store, source) if n["articles"]]  # matched ones
    return {
        "counts": {
            "articles": counts["articles"],
            "stories": len(stories),
            "narratives": len(narratives),
            "entities": n_entities,
            "languages": len([x for x in counts["languages"] if x["key"]]),
        },
        "timeline": counts["timeline"],
        "languages": counts["languages"],
        "outlets": counts["outlets"],
        "recent": recent,
        "top_stories": stories[:10],
        "top_narratives": narratives[:10],
    }
