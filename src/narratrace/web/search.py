"""Search: full text (SQLite FTS5 / PostgreSQL tsvector) and cross-lingual semantic search.

Full text finds the words the analyst typed; semantic search finds the same content in
another language (an English query finds the French re-telling), by cosine similarity
between the multilingual encoder's vector of the query and the stored article vectors
(model ``use-m3.v1``, written by the stories stage). Hybrid mode merges both rankings by
reciprocal rank fusion, which needs no score calibration between the two. The vector
side lives in ``semantic.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy import text

from ..embed import Encoder
from ..store import Store
from .queries import summaries_by_id
from .semantic import MODEL, SemanticSearcher

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
MAX_OFFSET = 1000
CANDIDATES = 500
HIT, END = "\x02", "\x03"
_TERM = re.compile(r"\w+", re.UNICODE)
_RRF_K = 60


def fts_terms(query: str) -> list[str]:
    """The words of a query, for a MATCH expression that cannot carry operators."""
    return _TERM.findall(query[:MAX_QUERY_CHARS])[:MAX_TERMS]


def split_snippet(snippet: str | None) -> list[dict[str, Any]]:
    """Snippet text with hit markers as parts, so templates escape every byte of it."""
    parts: list[dict[str, Any]] = []
    for i, chunk in enumerate(re.split(f"[{HIT}{END}]", snippet or "")):
        if chunk:
            parts.append({"text": chunk, "hit": i % 2 == 1})
    return parts


def _default_encoder(model: str) -> Encoder:
    from ..embed import get_encoder

    return get_encoder(model)


class SearchIndex:
    def __init__(self, store: Store, encoder_factory: Callable[[], Encoder] | None = None, model: str = MODEL) -> None:
        self.store = store
        self.semantic = SemanticSearcher(store, encoder_factory or (lambda: _default_encoder(model)), model)

    # -- full text -----------------------------------------------------------------
    def text_search(
        self, query: str, lang: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]:
        terms = fts_terms(query)
        if not terms:
            return []
        hits = self._fts(" ".join(f'"{t}"' for t in terms), " ".join(terms), lang, limit, offset)
        if not hits and len(terms) > 1 and offset == 0:  # no page has all words: any word
            hits = self._fts(" OR ".join(f'"{t}"' for t in terms), " | ".join(terms), lang, limit, offset)
        return hits

    def _fts(self, match: str, tsquery: str, lang: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        """Rank the most recent ``CANDIDATES`` matches, then cut snippets for the page only.

        Ranking every match of a common word costs ~130 ms on 100,000 articles; ranking
        the newest 500 costs ~5 ms, and for a news corpus "best among the recent"
        is what an analyst wants anyway (rarer words match fewer and are ranked exactly).
        """
        dialect = self.store.engine.dialect.name
        lang_sql = " WHERE a.lang = :lang" if lang else ""
        params: dict[str, Any] = {
            "lang": lang,
            "limit": limit,
            "offset": offset,
            "hit": HIT,
            "end": END,
            "cands": CANDIDATES * (3 if lang else 1),
        }
        cols = "a.id, a.seq, a.title, a.outlet, a.lang, a.published, a.story_id, a.source_url AS url"
        if dialect == "sqlite":
            sql = (
                "WITH cand AS (SELECT rowid AS seq, bm25(articles_fts) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH :q ORDER BY rowid DESC LIMIT :cands) "
                f"SELECT {cols}, cand.rank FROM cand JOIN articles a ON a.seq = cand.seq{lang_sql} "
                "ORDER BY cand.rank LIMIT :limit OFFSET :offset"
            )
            params["q"] = match
        elif dialect == "postgresql":
            sql = (
                "WITH cand AS (SELECT a.seq, -ts_rank(a.search_tsv, q) AS rank FROM articles a, "
                "to_tsquery('simple', :q) q WHERE a.search_tsv @@ q ORDER BY a.seq DESC LIMIT :cands) "
                f"SELECT {cols}, cand.rank FROM cand JOIN articles a ON a.seq = cand.seq{lang_sql} "
                "ORDER BY cand.rank LIMIT :limit OFFSET :offset"
            )
            params["q"] = tsquery if " | " in tsquery else " & ".join(tsquery.split())
        else:
            return []
        with self.store.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(text(sql), params).mappings()]
            snippets = self._snippets(conn, dialect, params["q"], [r["seq"] for r in rows])
        for hit in rows:
            hit["score"] = round(-float(hit.pop("rank") or 0.0), 4)
            hit["snippet"] = split_snippet(snippets.get(hit.pop("seq")))
            hit["via"] = ["text"]
        return rows

    @staticmethod
    def _snippets(conn: Any, dialect: str, query: str, seqs: list[int]) -> dict[int, str]:
        if not seqs:
            return {}
        marks = ", ".join(f":s{i}" for i in range(len(seqs)))
        params: dict[str, Any] = {f"s{i}": s for i, s in enumerate(seqs)} | {
            "q": query,
            "hit": HIT,
            "end": END,
        }
        if dialect == "sqlite":
            sql = (
                "SELECT rowid, snippet(articles_fts, -1, :hit, :end, '…', 16) FROM articles_fts "
                f"WHERE articles_fts MATCH :q AND rowid IN ({marks})"
            )
        else:
            sql = (
                "SELECT a.seq, ts_headline('simple', left(a.body, 20000), to_tsquery('simple', :q), :opts) "
                f"FROM articles a WHERE a.seq IN ({marks})"
            )
            params["opts"] = f"StartSel={HIT}, StopSel={END}, MaxWords=30, MinWords=10"
        return {int(seq): snip for seq, snip in conn.execute(text(sql), params)}

    # -- semantic ------------------------------------------------------------------
    def semantic_search(
        self, query: str, lang: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]:
        if not query.strip():
            return []
        return self._semantic_hits(self._submit(query, lang, limit, offset).result(timeout=120), lang, limit, offset)

    def _submit(self, query: str, lang: str | None, limit: int, offset: int) -> Future[list[tuple[str, float]]]:
        return self.semantic.submit(query[:MAX_QUERY_CHARS], (offset + limit) * (5 if lang else 1) + 1)

    def _semantic_hits(
        self, nearest: list[tuple[str, float]], lang: str | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            found = summaries_by_id(conn, [aid for aid, _ in nearest])
        out = []
        for aid, score in nearest:
            hit = found.get(aid)
            if hit is None or (lang and hit["lang"] != lang):
                continue
            out.append(hit | {"score": round(score, 4), "snippet": [], "via": ["semantic"]})
        return out[offset : offset + limit]

    # -- both ----------------------------------------------------------------------
    def search(
        self, query: str, mode: str = "hybrid", lang: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]:
        offset = min(max(offset, 0), MAX_OFFSET)
        if mode == "text":
            return self.text_search(query, lang, limit, offset)
        if mode == "semantic":
            return self.semantic_search(query, lang, limit, offset)
        depth = offset + limit
        fused: dict[str, dict[str, Any]] = {}
        # the semantic side is queued first and computed by its worker while this thread searches the text
        pending = self._submit(query, lang, depth, 0) if query.strip() else None
        text_hits = self.text_search(query, lang, depth, 0)
        semantic_hits = self._semantic_hits(pending.result(timeout=120), lang, depth, 0) if pending else []
        for results in (text_hits, semantic_hits):
            for rank, hit in enumerate(results):
                entry = fused.setdefault(hit["id"], hit | {"score": 0.0, "via": []})
                entry["score"] += 1.0 / (_RRF_K + rank + 1)
                entry["via"] = sorted(set(entry["via"]) | set(hit["via"]))
                if hit["snippet"] and not entry["snippet"]:
                    entry["snippet"] = hit["snippet"]
        ranked = sorted(fused.values(), key=lambda h: -h["score"])
        for hit in ranked:
            hit["score"] = round(hit["score"], 5)
        return ranked[offset : offset + limit]
