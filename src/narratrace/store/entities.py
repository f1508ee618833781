"""Entities: the corpus index rows (``entities``), and the one read model of the entity list.

The ``mentions`` table is filled by ``articles`` from each article's entities; the index
stage (``analyse/entities/index.py``) keeps one row per canonical entity here. ``list``
answers ``narratrace entities``, ``/api/entities`` and the dashboard alike: an entity's
name is its index name, else its most frequent spelling (the first seen among equals);
its type is the index type, else its most frequent mention type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import desc, func, insert, or_, select, update

from . import schema
from .base import Db, chunks

A, E, M = schema.articles, schema.entities, schema.mentions


@dataclass(frozen=True)
class EntitySummary:
    id: str
    name: str
    type: str
    mentions: int
    articles: int
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    spellings: tuple[str, ...]  # the ten most frequent surface forms, most frequent first


@dataclass(frozen=True)
class IndexEntry:
    """A row of the entity index: what the index stage writes and reads back."""

    canonical_id: str
    canonical_name: str
    type: str | None
    aliases: tuple[str, ...]


def _ranked(rows: Any) -> dict[str, list[str]]:
    """(id, value, count, first mention) rows -> each id's values, most frequent first, then first seen."""
    per: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for cid, value, n, first in rows:
        per[cid].append((-int(n), int(first), value))
    return {cid: [v for _, _, v in sorted(vals)] for cid, vals in per.items()}


class Entities:
    def __init__(self, db: Db) -> None:
        self._db = db

    # -- the index (written by the entities-index.v1 stage) -----------------------------
    def index_entries(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        out: dict[str, IndexEntry] = {}
        with self._db.connect() as conn:
            for chunk in chunks(ids):
                for r in conn.execute(select(E).where(E.c.canonical_id.in_(chunk))).mappings():
                    out[r["canonical_id"]] = IndexEntry(r["canonical_id"], r["canonical_name"], r["type"],
                                                        tuple(r["aliases"] or ()))
        return out

    def put_index(self, new: Sequence[IndexEntry], aliases: Mapping[str, Sequence[str]]) -> None:
        """Add ``new`` entries and replace the aliases of existing ones, in one transaction."""
        with self._db.begin() as conn:
            for e in new:
                conn.execute(insert(E).values(canonical_id=e.canonical_id, canonical_name=e.canonical_name,
                                              type=e.type, aliases=list(e.aliases)))
            for cid, merged in aliases.items():
                conn.execute(update(E).where(E.c.canonical_id == cid).values(aliases=list(merged)))

    def persons_named(self, key: str) -> list[tuple[str, str]]:
        """(id, name) of indexed persons whose multi-word name-derived id contains the word ``key``."""
        query = select(E.c.canonical_id, E.c.canonical_name).where(
            E.c.type == "PER",
            or_(E.c.canonical_id.like(f"n:{key} %"), E.c.canonical_id.like(f"n:% {key}"),
                E.c.canonical_id.like(f"n:% {key} %")),
        )
        with self._db.connect() as conn:
            return [(r.canonical_id, r.canonical_name) for r in conn.execute(query)]

    # -- read model ----------------------------------------------------------------------
    def list(
        self,
        type: str | None = None,
        min_mentions: int = 1,
        limit: int | None = None,
        sort: Literal["mentions", "articles"] = "mentions",
    ) -> list[EntitySummary]:
        """Entities of the corpus with counts, languages, outlets and spellings.

        ``sort="mentions"``: most mentioned first, then by name (``narratrace entities``);
        ``"articles"``: in most articles first, then by id (the dashboard and the API).
        """
        with self._db.connect() as conn:
            counts = conn.execute(
                select(M.c.canonical_id, func.count(), func.count(func.distinct(M.c.article_id)))
                .group_by(M.c.canonical_id)
            ).all()
            index = {r.canonical_id: (r.canonical_name, r.type)
                     for r in conn.execute(select(E.c.canonical_id, E.c.canonical_name, E.c.type))}
            spellings = _ranked(conn.execute(
                select(M.c.canonical_id, M.c.text, func.count(), func.min(M.c.id)).group_by(M.c.canonical_id, M.c.text)
            ))
            types = _ranked(conn.execute(
                select(M.c.canonical_id, func.coalesce(M.c.type, ""), func.count(), func.min(M.c.id))
                .group_by(M.c.canonical_id, func.coalesce(M.c.type, ""))
            ))
            langs: dict[str, set[str]] = defaultdict(set)
            outlets: dict[str, set[str]] = defaultdict(set)
            for cid, lang, outlet in conn.execute(
                select(M.c.canonical_id, A.c.lang, A.c.outlet).join(A, A.c.id == M.c.article_id).distinct()
            ):
                if lang:
                    langs[cid].add(lang)
                if outlet:
                    outlets[cid].add(outlet)
        out = []
        for cid, n, docs in counts:
            name, etype = index.get(cid, (None, None))
            etype = etype or types[cid][0]
            if (type and etype.upper() != type.upper()) or int(n) < min_mentions:
                continue
            out.append(EntitySummary(cid, name or spellings[cid][0], etype, int(n), int(docs),
                                     tuple(sorted(langs[cid])), tuple(sorted(outlets[cid])),
                                     tuple(spellings[cid][:10])))
        if sort == "articles":
            out.sort(key=lambda e: (-e.articles, e.id))
        else:
            out.sort(key=lambda e: (-e.mentions, e.name))
        return out[:limit] if limit else out

    def spelled(self, q: str) -> set[str]:
        """Ids of entities with any surface form in the articles containing ``q`` (case-blind)."""
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._db.connect() as conn:
            return set(conn.execute(
                select(M.c.canonical_id).where(func.lower(M.c.text).like(pattern, escape="\\")).distinct()
            ).scalars())

    def count(self) -> int:
        """Distinct entities mentioned in the stored articles."""
        with self._db.connect() as conn:
            return int(conn.execute(select(func.count(func.distinct(M.c.canonical_id)))).scalar() or 0)

    def detail(self, entity_id: str) -> dict[str, Any] | None:
        """One entity: index row, spellings (most frequent first) and the languages it is named in."""
        with self._db.connect() as conn:
            known = conn.execute(select(E).where(E.c.canonical_id == entity_id)).first()
            variants = conn.execute(
                select(M.c.text, func.count().label("n"))
                .where(M.c.canonical_id == entity_id)
                .group_by(M.c.text)
                .order_by(desc("n"), func.min(M.c.id))
                .limit(100)
            ).all()
            if known is None and not variants:
                return None
            langs = conn.execute(
                select(A.c.lang, func.count(func.distinct(A.c.id)))
                .join(M, M.c.article_id == A.c.id)
                .where(M.c.canonical_id == entity_id)
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
