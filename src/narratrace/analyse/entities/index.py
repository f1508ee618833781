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

from ...records import Entity
from ...store import IndexEntry

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
        index = store.entities.index_entries(list(seen))
        existing: dict[str, str] = {cid: e.canonical_name for cid, e in index.items()}
        new: list[IndexEntry] = []
        aliases: dict[str, list[str]] = {}
        for cid, s in seen.items():
            known = index.get(cid)
            if known is None:
                name = s.names.most_common(1)[0][0]
                new.append(IndexEntry(cid, name, s.types.most_common(1)[0][0], tuple(sorted(s.surfaces)[:MAX_ALIASES])))
                existing[cid] = name
            else:
                had = set(known.aliases)
                if not s.surfaces <= had and len(had) < MAX_ALIASES:
                    aliases[cid] = sorted(had | s.surfaces)[:MAX_ALIASES]
        store.entities.put_index(new, aliases)
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
        out: dict[str, tuple[str, str]] = {}
        for cid in lone_ids:
            rows = store.entities.persons_named(cid[2:])
            if len(rows) == 1:
                out[cid] = rows[0]
        return out


def _lone_name(cid: str) -> bool:
    return cid.startswith("n:") and " " not in cid and not cid.startswith("n:=")


def _relinked(e: Entity, existing: dict[str, str], surnames: dict[str, tuple[str, str]]) -> Entity:
    """The entity with the corpus's canonical name, or re-pointed from a lone surname to
    the one person of the corpus who bears it."""
    if not e.canonical_id:
        return e
    if e.canonical_id in surnames:
        cid, name = surnames[e.canonical_id]
        return Entity(e.text, "PER", cid, name, e.start, e.end)
    name = existing[e.canonical_id]
    return e if name == e.canonical_name else Entity(e.text, e.type, e.canonical_id, name, e.start, e.end)


def list_entities(
    store: Store, type_: str | None = None, limit: int | None = None, min_mentions: int = 1
) -> list[dict[str, Any]]:
    """Entities of the corpus, most mentioned first, with languages and outlets (``narratrace entities``)."""
    return [
        {
            "canonical_id": e.id,
            "canonical_name": e.name,
            "type": e.type,
            "mentions": e.mentions,
            "articles": e.articles,
            "languages": list(e.languages),
            "outlets": list(e.outlets),
            "spellings": list(e.spellings),
        }
        for e in store.entities.list(type=type_, min_mentions=min_mentions, limit=limit)
    ]
