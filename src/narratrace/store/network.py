"""Relay edges in the store: written by the ``network.v1`` stage, read by the network views.

The only SQL of the outlet network lives here; ``narratrace.network`` works on the plain
``RelayEdge`` records this module returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select

from ..network.edges import RelayEdge
from . import schema
from .base import Db

_FIELDS = tuple(f.name for f in dataclasses.fields(RelayEdge))


class RelayEdges:
    """Read and write the article-level relay edges of one store."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def replace(self, target_ids: Sequence[str], edges: Sequence[RelayEdge]) -> None:
        """Set the edges into ``target_ids`` to ``edges`` (re-deriving an article is idempotent)."""
        table = schema.relay_edges
        with self._db.begin() as conn:
            for i in range(0, len(target_ids), 500):
                conn.execute(delete(table).where(table.c.target_id.in_(list(target_ids[i : i + 500]))))
            rows = list({(e.source_id, e.target_id, e.tier): dataclasses.asdict(e) for e in edges}.values())
            if rows:
                conn.execute(insert(table), rows)

    def iter(self, since: str | None = None, until: str | None = None, narrative: str | None = None,
             lang: str | None = None, outlet: str | None = None, batch: int = 2000) -> Iterator[RelayEdge]:
        """Edges whose relay was published in [since, until] (ISO prefixes compare as text), optionally
        only those whose relaying article matches ``narrative``, touches language ``lang`` or outlet
        ``outlet``; in a stable order."""
        table = schema.relay_edges
        query = select(*(table.c[f] for f in _FIELDS))
        conditions: list[Any] = []
        if since:
            conditions.append(table.c.target_published >= since)
        if until:
            conditions.append(table.c.target_published <= until + "\uffff")
        if lang:
            conditions.append(or_(table.c.source_lang == lang, table.c.target_lang == lang))
        if outlet:
            conditions.append(or_(table.c.source_outlet == outlet, table.c.target_outlet == outlet))
        if narrative:
            matches = schema.narrative_matches
            query = query.join(matches, and_(matches.c.article_id == table.c.target_id,
                                             matches.c.narrative_id == narrative))
        if conditions:
            query = query.where(and_(*conditions))
        query = query.order_by(table.c.target_published, table.c.target_id, table.c.source_id, table.c.tier)
        with self._db.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
            for row in result:
                yield RelayEdge(**dict(zip(_FIELDS, row, strict=True)))

    def story_members(self, story_ids: Sequence[str], limit: int = 200) -> dict[str, list[str]]:
        """Story id -> its most recent ``limit`` article ids (the candidates for rewording edges)."""
        articles = schema.articles
        out: dict[str, list[str]] = {}
        with self._db.connect() as conn:
            for sid in sorted(set(story_ids)):
                query = (select(articles.c.id).where(articles.c.story_id == sid)
                         .order_by(articles.c.seq.desc()).limit(limit))
                out[sid] = list(conn.execute(query).scalars())
        return out
