"""The corpus-wide entity index: one row per entity, and its listing.

``EntityIndexStage`` ("entities-index.v1", a corpus stage) records each canonical
entity of the new articles once in the ``entities`` table (name, type, every surface
form seen). The first name recorded for an id stays its canonical name, and new
articles whose per-article canonical name differs are rewritten to it, so that every
article shows "Khan Shaykhun" (or whichever came first) for that place. Cost is
proportional to the new articles only. ``list_entities`` answers ``narratrace
entities``: counts, languages and outlets per entity, from the ``mentions`` table that
the store fills from each article's entities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, or_, select, update

from ...records import Entity
from ...store import schema

if TYPE_CHECKING:
    from ...store import Store

MAX_ALIASES = 50


@dataclass
class _Seen:
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    surfaces: set[str] = field(default_factory=set)


class EntityIndexStage:
    """Corpus stage "entities-index.v1": keep the ``entities`` table in step with articles."""

    name = "entities-index.v1"
    role = "corpus"
    requires = ()  # record fields an earlier stage must assign
    assigns = ("entities",)

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        articles = store.articles.get_many(list(article_ids))
        seen: dict[str, _Seen] = defaultdict(_Seen)
        for art in articles:
            for e in art.entities:
                if e.canonical_id:
                    s = seen[e.canonical_id]
                    s.names[e.canonical_name or e.text] += 1
                    s.types[e.type] += 1
                    s.surfaces.add(e.text)
        if not seen:
            return
        ids = list(seen)
        existing: dict[str, dict[str, Any]] = {}
        table = schema.entities
        with store.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                for row in conn.execute(select(table).where(table.c.canonical_id.in_(ids[i : i + 500]))).mappings():
                    existing[row["canonical_id"]] = dict(row)
            for cid, s in seen.items():
                known = existing.get(cid)
                if known is None:
                    name = s.names.most_common(1)[0][0]
                    conn.execute(
                        insert(table).values(
                            canonical_id=cid,
                            canonical_name=name,
                            type=s.types.most_common(1)[0][0],
                            aliases=sorted(s.surfaces)[:MAX_ALIASES],
                        )
                    )
                    existing[cid] = {"canonical_name": name}
                else:
                    aliases = set(known.get("aliases") or [])
                    if not s.surfaces <= aliases and len(aliases) < MAX_ALIASES:
                        merged = sorted(aliases | s.surfaces)[:MAX_ALIASES]
                        conn.execute(update(table).where(table.c.canonical_id == cid).values(aliases=merged))
        surnames = self._surnames(store, [cid for cid in seen if _lone_name(cid)])
        changed = []
        for art in articles:
            ents = tuple(_relinked(e, existing, surnames) for e in art.entities)
            if ents != art.entities:
                changed.append(art.replace(entities=ents))
        if changed:
            store.articles.update(changed)

    @staticmethod
    def _surnames(store: Store, lone_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Lone surnames ("n:kapcacan") -> the unique multi-word person bearing them."""
        table = schema.entities
        out: dict[str, tuple[str, str]] = {}
        with store.engine.connect() as conn:
            for cid in lone_ids:
                key = cid[2:]
                rows = conn.execute(
                    select(table.c.canonical_id, table.c.canonical_name).where(
                        table.c.type == "PER",
                        or_(
                            table.c.canonical_id.like(f"n:{key} %"),
                            table.c.canonical_id.like(f"n:% {key}"),
                            table.c.canonical_id.like(f"n:% {key} %"),
                        ),
                    )
                ).all()
                if len(rows) == 1:
                    out[cid] = (rows[0].canonical_id, rows[0].canonical_name)
        return out


def _lone_name(cid: str) -> bool:
    return cid.startswith("n:") and " " not in cid and not cid.startswith("n:=")


def _relinked(e: Entity, existing: dict[str, dict[str, Any]], surnames: dict[str, tuple[str, str]]) -> Entity:
    """The entity with the corpus's canonical name, or re-pointed from a lone surname to
    the one person of the corpus who bears it."""
    if not e.canonical_id:
        return e
    if e.canonical_id in surnames:
        cid, name = surnames[e.canonical_id]
        return Entity(e.text, "PER", cid, name, e.start, e.end)
    name = existing[e.canonical_id]["canonical_name"]
    return e if name == e.canonical_name else Entity(e.text, e.type, e.canonical_id, name, e.start, e.end)


def list_entities(
    store: Store, type_: str | None = None, limit: int | None = None, min_mentions: int = 1
) -> list[dict[str, Any]]:
    """Entities of the corpus, most mentioned first, with languages and outlets."""
    m, a, ent = schema.mentions, schema.articles, schema.entities
    query = select(m.c.canonical_id, func.count().label("n"), func.count(func.distinct(m.c.article_id)).label("docs"))
    query = query.group_by(m.c.canonical_id)
    with store.engine.connect() as conn:
        counts = {r.canonical_id: (int(r.n), int(r.docs)) for r in conn.execute(query)}
        names = {
            r.canonical_id: (r.canonical_name, r.type)
            for r in conn.execute(select(ent.c.canonical_id, ent.c.canonical_name, ent.c.type))
        }
        where: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        surface: dict[str, Counter[str]] = defaultdict(Counter)
        types: dict[str, Counter[str]] = defaultdict(Counter)
        rows = conn.execute(
            select(m.c.canonical_id, m.c.text, m.c.type, a.c.lang, a.c.outlet).join(a, a.c.id == m.c.article_id)
        )
        for r in rows:
            langs, outlets = where[r.canonical_id]
            if r.lang:
                langs.add(r.lang)
            if r.outlet:
                outlets.add(r.outlet)
            surface[r.canonical_id][r.text] += 1
            types[r.canonical_id][r.type or ""] += 1
    out = []
    for cid, (n, docs) in counts.items():
        name, etype = names.get(cid, (None, None))
        etype = etype or types[cid].most_common(1)[0][0]
        if type_ and etype != type_.upper():
            continue
        if n < min_mentions:
            continue
        langs, outlets = where[cid]
        out.append(
            {
                "canonical_id": cid,
                "canonical_name": name or surface[cid].most_common(1)[0][0],
                "type": etype,
                "mentions": n,
                "articles": docs,
                "languages": sorted(langs),
                "outlets": sorted(outlets),
                "spellings": [s for s, _ in surface[cid].most_common(10)],
            }
        )
    out.sort(key=lambda r: (-r["mentions"], r["canonical_name"]))
    return out[:limit] if limit else out
