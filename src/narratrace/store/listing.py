"""Paged article lists, summaries and records: the reads behind the API, the dashboard and exports.

Lists of articles page by keyset (``seq < last seen``, or ``(published, seq)`` when
sorted by date) over the composite indexes of migration 0005, so page 5,000 costs what
page 1 costs. Totals are counted up to a cap (``COUNT_CAP``) and reported as a lower
bound beyond it: an exact count of a 10-million-row filter is not worth a second of
the analyst's time. Everything is parameterised; nothing from a request is formatted
into SQL text.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, Text, and_, cast, desc, func, literal_column, or_, select
from sqlalchemy.engine import Connection

from . import schema
from .base import Db, chunks

COUNT_CAP = 10_000
DENSE = 5_000
MAX_PAGE = 200
MAX_DERIVED_SCAN = 2000  # story members read to find an article's copies (stories are small)
A = schema.articles

SUMMARY_COLUMNS = (
    A.c.id,
    A.c.title,
    A.c.outlet,
    A.c.lang,
    A.c.published,
    A.c.story_id,
    A.c.duplicate_of,
    A.c.source_url,
)
Memo = Callable[[str, Callable[[], Any]], Any]


class QueryError(ValueError):
    """A request that cannot be answered as asked (bad cursor, bad filter); a 400."""


@dataclass(frozen=True)
class ArticleFilter:
    lang: str | None = None
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    narrative: str | None = None
    entity: str | None = None
    technique: str | None = None

    def conditions(self, conn: Connection | None = None) -> list[Any]:
        conds: list[Any] = []
        if self.lang:
            conds.append(A.c.lang == self.lang.strip().lower())  # language codes are stored lower-case
        if self.outlet:
            conds.append(A.c.outlet == self.outlet)
        if self.date_from:
            conds.append(A.c.published >= self.date_from)
        if self.date_to:
            # "~" sorts after every character of an ISO date, so "2019-03-31T10:00"
            # and "2019-03-31" are both inside date_to=2019-03-31.
            conds.append(A.c.published <= self.date_to + "~")
        if self.story:
            conds.append(A.c.story_id == self.story)
        nm, me = schema.narrative_matches, schema.mentions
        if self.narrative:
            conds.append(_member(conn, nm.c.article_id, nm.c.narrative_id, self.narrative))
        if self.entity:
            conds.append(_member(conn, me.c.article_id, me.c.canonical_id, self.entity))
        if self.technique:
            at = schema.article_techniques
            conds.append(_member(conn, at.c.article_id, at.c.technique, self.technique))
        return conds

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def _member(conn: Connection | None, article_col: Any, key_col: Any, value: str) -> Any:
    """Articles linked to ``value`` in a side table, in the form the database runs fastest.

    A rare entity: the list of its articles, then a sort of those few. A common one
    (in most articles): walk the articles in page order and probe the side table, which
    finds a page of fifty after fifty-odd probes instead of sorting 100,000 ids.
    """
    if conn is not None:
        capped = select(literal_column("1")).where(key_col == value).limit(DENSE).subquery()
        if int(conn.execute(select(func.count()).select_from(capped)).scalar() or 0) >= DENSE:
            return select(literal_column("1")).where(article_col == A.c.id, key_col == value).exists()
    return A.c.id.in_(select(article_col).where(key_col == value))


def summary(row: Any) -> dict[str, Any]:
    """An article summary (the list item of the API) from a row of ``SUMMARY_COLUMNS``."""
    data = dict(row._mapping)
    data["url"] = data.pop("source_url", None)
    return data


# -- cursors -----------------------------------------------------------------------
def encode_cursor(sort: str, published: str | None, seq: int) -> str:
    raw = json.dumps([sort, published, seq], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[str | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, published, seq = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise QueryError(f"invalid cursor {cursor[:40]!r}: pass back the `next` value of a previous page") from exc
    if kind != sort or not isinstance(seq, int) or not (published is None or isinstance(published, str)):
        raise QueryError("cursor does not belong to this sort order; start again without `cursor`")
    return published, seq


def _ordered(query: Select[Any], sort: str, cursor: str | None, dialect: str = "sqlite") -> Select[Any]:
    if sort == "recent":
        if cursor:
            _, seq = decode_cursor(cursor, sort)
            query = query.where(A.c.seq < seq)
        return query.order_by(A.c.seq.desc())
    if sort == "published":
        if cursor:
            pub, seq = decode_cursor(cursor, sort)
            if pub is None:
                query = query.where(A.c.published.is_(None), A.c.seq < seq)
            else:
                query = query.where(
                    or_(
                        A.c.published < pub,
                        and_(A.c.published == pub, A.c.seq < seq),
                        A.c.published.is_(None),
                    )
                )
        # SQLite sorts NULL first, so DESC already puts undated articles last; saying
        # NULLS LAST there would stop it from reading the order off the index.
        published = A.c.published.desc() if dialect == "sqlite" else A.c.published.desc().nulls_last()
        return query.order_by(published, A.c.seq.desc())
    raise QueryError(f"unknown sort {sort!r}; use 'recent' or 'published'")


def _on(engine: Engine, fn: Callable[[Connection], Any]) -> Any:
    with engine.connect() as conn:
        return fn(conn)


def _connection_for(conn: Connection) -> Callable[[Callable[[Connection], Any]], Any]:
    """Run memoised work on the caller's connection, or on a new one from another thread.

    A cache miss is computed on the requesting thread while other requests for the same key
    wait, each holding its own connection: if the computation checked out a second
    connection, twenty concurrent requests would exhaust the pool and wait on each other
    until the pool's timeout. Only the cache's background refresh (another thread, nobody
    waiting on it) opens a connection of its own.
    """
    caller = threading.get_ident()
    engine = conn.engine

    def on(fn: Callable[[Connection], Any]) -> Any:
        return fn(conn) if threading.get_ident() == caller else _on(engine, fn)

    return on


def _no_memo(_key: str, compute: Callable[[], Any]) -> Any:
    return compute()


def _count_capped(conn: Connection, conds: list[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    inner = select(literal_column("1")).select_from(A).where(*conds).limit(cap + 1).subquery()
    n = int(conn.execute(select(func.count()).select_from(inner)).scalar() or 0)
    return min(n, cap), n <= cap


def _summaries(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for row in conn.execute(select(*SUMMARY_COLUMNS).where(A.c.id.in_(chunk))):
            out[row.id] = summary(row)
    return out


def _group_counts(conn: Connection, column: Any, where: Any = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(column.label("key"), func.count().label("n")).group_by(column)
    if where is not None:
        query = query.where(where)
    query = query.order_by(desc("n")).limit(limit)
    return [{"key": k, "n": int(n)} for k, n in conn.execute(query)]


class ArticleListing:
    """The read side of ``store.articles`` that serves lists, pages and records."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def page(
        self,
        filt: ArticleFilter,
        sort: str = "recent",
        cursor: str | None = None,
        limit: int = 50,
        memo: Memo = _no_memo,
    ) -> dict[str, Any]:
        """One page of article summaries, the cursor of the next page and a capped total.

        ``memo(key, compute)`` may keep the total and the query plan choice of a filter for
        a few seconds (the API passes its TTL cache): paging through a list then costs two
        index reads per page.
        """
        limit = max(1, min(limit, MAX_PAGE))
        key = repr(sorted(filt.as_params().items()))
        with self._db.connect() as conn:
            on = _connection_for(conn)
            conds = memo(f"conds:{key}", lambda: on(filt.conditions))
            # two steps: the page's keys from a covering index, then 50 rows by primary key
            keys = select(A.c.id, A.c.seq, A.c.published).where(*conds)
            rows = conn.execute(_ordered(keys, sort, cursor, conn.dialect.name).limit(limit + 1)).all()
            found = _summaries(conn, [r.id for r in rows[:limit]])
            items = [found[r.id] for r in rows[:limit] if r.id in found]
            nxt = None
            if len(rows) > limit:
                last = rows[limit - 1]
                nxt = encode_cursor(sort, last.published, last.seq)
            total, exact = memo(f"count:{key}", lambda: on(lambda c: _count_capped(c, conds)))
        return {"items": items, "next": nxt, "total": total, "total_exact": exact}

    def iter_ids(self, filt: ArticleFilter, sort: str = "recent", batch: int = 500) -> Iterator[list[str]]:
        """All ids matching a filter, batch by batch (exports)."""
        cursor: str | None = None
        while True:
            page = self.page(filt, sort, cursor, limit=batch if batch <= MAX_PAGE else MAX_PAGE)
            if page["items"]:
                yield [item["id"] for item in page["items"]]
            cursor = page["next"]
            if not cursor:
                return

    def full_id(self, ident: str) -> str | None:
        """The article id an analyst typed: a whole id, or the 12-character (or longer) prefix the
        CLI prints, when exactly one stored article starts with it."""
        ident = ident.strip().lower()
        with self._db.connect() as conn:
            if conn.execute(select(A.c.id).where(A.c.id == ident)).scalar() is not None:
                return ident
            if not (6 <= len(ident) < 16 and all(c in "0123456789abcdef" for c in ident)):
                return None
            found = list(conn.execute(select(A.c.id).where(A.c.id.like(ident + "%")).limit(2)).scalars())
        return found[0] if len(found) == 1 else None

    def record(self, article_id: str) -> dict[str, Any] | None:
        """The stored JSONL record of one article (docs/record.md)."""
        with self._db.connect() as conn:
            rec = conn.execute(select(A.c.record).where(A.c.id == article_id)).scalar()
        return dict(rec) if rec is not None else None

    def records(self, ids: list[str]) -> list[dict[str, Any]]:
        """Records by id, in the order of ``ids`` (missing ids are skipped)."""
        by_id: dict[str, dict[str, Any]] = {}
        with self._db.connect() as conn:
            for chunk in chunks(ids):
                for rec in conn.execute(select(A.c.record).where(A.c.id.in_(chunk))).scalars():
                    by_id[rec["id"]] = dict(rec)
        return [by_id[i] for i in ids if i in by_id]

    def summaries(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Article summaries (id, title, outlet, lang, published, story_id, duplicate_of, url) by id."""
        with self._db.connect() as conn:
            return _summaries(conn, ids)

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        """Summaries of the last stored articles, newest first."""
        with self._db.connect() as conn:
            return [summary(r) for r in conn.execute(select(*SUMMARY_COLUMNS).order_by(A.c.seq.desc()).limit(limit))]

    def counts(self) -> dict[str, Any]:
        """The overview's tallies: articles; per month and language; top languages and outlets."""
        with self._db.connect() as conn:
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
            languages = _group_counts(conn, A.c.lang)
            outlets = _group_counts(conn, A.c.outlet, A.c.outlet.is_not(None), limit=15)
        return {"articles": n_articles, "timeline": timeline, "languages": languages, "outlets": outlets}

    def derived_from(self, article_id: str, story_id: str | None) -> list[dict[str, Any]]:
        """Articles copied or translated from this one (their relation points here), oldest first.

        Relations are stored on the copy, pointing at its source; the source's page needs
        the reverse. A copy is clustered into its source's story, so only that story's
        members are looked at (bounded), plus any article whose earliest version this is;
        the database keeps only the records that name this id at all, so a page of a big
        story does not read every member's record.
        """
        names_it = cast(A.c.record, Text).contains(article_id, autoescape=True)
        query = select(A.c.id, A.c.record).where(A.c.id != article_id, names_it)
        if story_id:
            query = query.where((A.c.story_id == story_id) | (A.c.duplicate_of == article_id))
        else:
            query = query.where(A.c.duplicate_of == article_id)
        out = []
        with self._db.connect() as conn:
            for aid, rec in conn.execute(query.limit(MAX_DERIVED_SCAN)):
                rels = [r for r in (rec or {}).get("relations") or [] if r.get("article_id") == article_id]
                if rels:
                    out.append({"id": aid, "kind": rels[0].get("kind"), "score": rels[0].get("score")})
            found = _summaries(conn, [d["id"] for d in out])
        derived = [found[d["id"]] | d for d in out if d["id"] in found]
        return sorted(derived, key=lambda d: (d.get("published") or "", d["id"]))
