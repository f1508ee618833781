"""The relay network of the exported articles as GEXF (``narratrace export --format gexf``), for Gephi.

Built from the records themselves (each copy's or translation's current source), so it holds
exactly the exported articles. ``narratrace network --format gexf`` reads the store's relay edges
instead and adds the rewording tier and the filters (period, narrative, language).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ..network.edges import RelayEdge, lag_hours
from ..records import Article
from .base import Exporter

_TIER = {"republished_from": "copy", "translated_from": "translation"}


class GexfExporter(Exporter):
    name = "gexf"
    media_type = "application/gexf+xml"
    suffix = ".gexf"
    records_only = True

    def start(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {}

    def article_row(self, article: Article) -> dict[str, Any]:
        rel = article.relations[-1] if article.relations else None
        return {"id": article.id, "outlet": article.outlet, "lang": article.lang, "published": article.published,
                "story_id": article.story_id, "duplicate_of": article.duplicate_of,
                "source_id": rel.article_id if rel else None, "kind": rel.kind if rel else None,
                "score": rel.score if rel else None}

    def write(self, row: Mapping[str, Any]) -> None:
        if "source_id" not in row:  # a full export record (the API's rows): its current source
            rels = row.get("relations") or []
            rel = rels[-1] if rels else {}
            row = {**row, "source_id": rel.get("article_id"), "kind": rel.get("kind"), "score": rel.get("score")}
        self._rows[str(row["id"])] = dict(row)

    def finish(self) -> None:
        # networkx (130 ms to import) only when a graph is written, not when exporters are listed
        from ..network.formats import write_network
        from ..network.graph import build_network

        edges = []
        for row in self._rows.values():
            source = self._rows.get(row.get("source_id") or "")
            tier = _TIER.get(row.get("kind") or "")
            if source is None or tier is None:
                continue
            edges.append(RelayEdge(
                source_id=source["id"], target_id=row["id"], tier=tier, score=float(row.get("score") or 0),
                source_outlet=source.get("outlet"), target_outlet=row.get("outlet"),
                source_lang=source.get("lang"), target_lang=row.get("lang"),
                source_published=source.get("published"), target_published=row.get("published"),
                lag_hours=lag_hours(source.get("published"), row.get("published")),
                root_id=row.get("duplicate_of") or source["id"], story_id=row.get("story_id")))
        buf = io.BytesIO()
        write_network(build_network(sorted(edges, key=lambda e: (e.target_id, e.source_id))), "gexf", buf)
        self.stream.write(buf.getvalue().decode("utf-8"))
