"""Stories: the summary rows the stories stage writes, and the one read model of a story list.

A story row is a summary for listing (dates, size, title, languages, outlets); the
membership itself lives on the articles (``story_id``), so it is never stored twice.
The CLI, the API, the dashboard and the report all list stories through ``list``: the
same rows in the same order (largest first, then the most recent, then by id).
"""

from __future__ import annotations

import builtins
import collections
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, desc, func, insert, select

from . import schema
from .base import Db, chunks

A, S = schema.articles, schema.stories
STORY_ARTICLE_CAP = 500
_DATE_ORDER = (A.c.published.is_(None), A.c.published, A.c.seq)  # earliest first, undated last
# What analysts read a story in: by day, and on one day the sources before their copies and
# translations (a copy's time stamp is often earlier than its source's), then by time.
_READING_ORDER = (A.c.published.is_(None), func.substr(A.c.published, 1, 10), A.c.duplicate_of.is_not(None),
                  A.c.published, A.c.seq)


@dataclass(frozen=True)
class StorySummary:
    id: str
    size: int
    first_date: str | None
    last_date: str | None
    title: str | None
    languages: dict[str, int]
    outlets: dict[str, int]


@dataclass(frozen=True)
class Member:
    """One article of a story as the stories stage and the report need it (no body)."""

    id: str
    story_id: str
    lang: str | None
    outlet: str | None
    published: str | None
    title: str | None
    duplicate_of: str | None
    seq: int


@dataclass(frozen=True)
class Placed:
    """A stored article with a story, as the clusterer's state is rebuilt from."""

    id: str
    story_id: str
    published: str | None
    title: str | None
    body: str


class Stories:
    def __init__(self, db: Db) -> None:
        self._db = db

    # -- written by the stories stage --------------------------------------------------
    def put(self, rows: Sequence[StorySummary], extra: dict[str, dict[str, Any]] | None = None,
            recomputed: Sequence[str] = ()) -> None:
        """Replace the summary rows of ``recomputed`` stories by ``rows`` (``extra``: more data per story)."""
        ids = sorted(set(recomputed) | {r.id for r in rows})
        values = [{
            "id": r.id, "first_date": r.first_date, "last_date": r.last_date, "size": r.size, "title": r.title,
            "data": {"languages": r.languages, "outlets": r.outlets} | (extra or {}).get(r.id, {}),
        } for r in rows]
        with self._db.begin() as conn:
            for chunk in chunks(ids):
                conn.execute(delete(S).where(S.c.id.in_(chunk)))
            if values:
                conn.execute(insert(S), values)

    def members(self, story_ids: Sequence[str]) -> dict[str, list[Member]]:
        """The articles of these stories, by day, sources before their copies on a day (undated last)."""
        out: dict[str, list[Member]] = collections.defaultdict(list)
        with self._db.connect() as conn:
            for chunk in chunks(story_ids):
                query = (select(A.c.id, A.c.story_id, A.c.lang, A.c.outlet, A.c.published, A.c.title,
                                A.c.duplicate_of, A.c.seq)
                         .where(A.c.story_id.in_(chunk)).order_by(*_READING_ORDER))
                for row in conn.execute(query):
                    out[row.story_id].append(Member(*row))
        return out

    def article_ids(self, story_id: str) -> list[str]:
        """Ids of a story's articles, by day, sources before their copies on a day (undated last)."""
        with self._db.connect() as conn:
            query = select(A.c.id).where(A.c.story_id == story_id).order_by(*_READING_ORDER)
            return list(conn.execute(query).scalars())

    def placed(self) -> list[Placed]:
        """Every article that has a story, in date order (to rebuild the clusterer's state)."""
        query = (select(A.c.id, A.c.story_id, A.c.published, A.c.title, A.c.body)
                 .where(A.c.story_id.is_not(None)).order_by(*_DATE_ORDER))
        with self._db.connect() as conn:
            return [Placed(*row) for row in conn.execute(query)]

    def growing(self, since: dt.datetime, min_new: int) -> list[tuple[str, int]]:
        """(story, articles stored since ``since``) for stories that gained at least ``min_new``."""
        query = (
            select(A.c.story_id, func.count())
            .where(A.c.story_id.is_not(None), A.c.created_at >= since)
            .group_by(A.c.story_id)
            .having(func.count() >= min_new)
        )
        with self._db.connect() as conn:
            return [(sid, int(n)) for sid, n in conn.execute(query)]

    # -- read model ----------------------------------------------------------------------
    def list(self, min_size: int = 1, limit: int | None = None) -> list[StorySummary]:
        """Stories, largest first (then most recent, then by id).

        From the stories table, or grouped from the articles' ``story_id`` while that table
        is empty (a store filled by something other than the stories stage).
        """
        query = select(S).where(S.c.size >= min_size).order_by(S.c.size.desc(), S.c.last_date.desc(), S.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self._db.connect() as conn:
            rows = conn.execute(query).mappings().all()
            if rows or conn.execute(select(S.c.id).limit(1)).first() is not None:
                return [StorySummary(r["id"], int(r["size"]), r["first_date"], r["last_date"], r["title"],
                                     dict((r["data"] or {}).get("languages", {})),
                                     dict((r["data"] or {}).get("outlets", {}))) for r in rows]
            return list(self._grouped(conn, min_size, limit))

    @staticmethod
    def _grouped(conn: Any, min_size: int, limit: int | None) -> Iterator[StorySummary]:
        first = A.alias("first_article")
        title = (
            select(first.c.title)
            .where(first.c.story_id == A.c.story_id, first.c.title.is_not(None))
            .order_by(first.c.published.is_(None), first.c.published, first.c.seq)
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(A.c.story_id, title.label("title"), func.count().label("size"),
                   func.min(A.c.published).label("first_date"), func.max(A.c.published).label("last_date"))
            .where(A.c.story_id.is_not(None))
            .group_by(A.c.story_id)
            .having(func.count() >= min_size)
            .order_by(desc("size"), desc("last_date"), A.c.story_id)
        )
        if limit is not None:
            query = query.limit(limit)
        grouped = conn.execute(query).all()
        tallies: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        for chunk in chunks([g.story_id for g in grouped]):
            for sid, lang, outlet, n in conn.execute(
                select(A.c.story_id, A.c.lang, A.c.outlet, func.count())
                .where(A.c.story_id.in_(chunk)).group_by(A.c.story_id, A.c.lang, A.c.outlet)
            ):
                langs, outlets = tallies.setdefault(sid, ({}, {}))
                langs[lang or "und"] = langs.get(lang or "und", 0) + int(n)
                if outlet:
                    outlets[outlet] = outlets.get(outlet, 0) + int(n)
        for g in grouped:
            langs, outlets = tallies.get(g.story_id, ({}, {}))
            yield StorySummary(g.story_id, int(g.size), g.first_date, g.last_date, g.title,
                               dict(sorted(langs.items())), dict(sorted(outlets.items())))

    def get(self, story_id: str) -> dict[str, Any] | None:
        """The stored summary row of one story (``data`` included), if any."""
        with self._db.connect() as conn:
            row = conn.execute(select(S).where(S.c.id == story_id)).first()
        return dict(row._mapping) if row is not None else None

    def records(self, story_id: str, limit: int = STORY_ARTICLE_CAP) -> builtins.list[dict[str, Any]]:
        """The stored records of a story's first ``limit`` articles, by day, sources first on a day."""
        with self._db.connect() as conn:
            recs = conn.execute(
                select(A.c.record).where(A.c.story_id == story_id).order_by(*_READING_ORDER).limit(limit)
            ).scalars()
            return [dict(r) for r in recs]
