"""Search: full text (SQLite FTS5 / PostgreSQL tsvector) and cross-lingual semantic search.

Full text finds the words the analyst typed; semantic search finds the same content in
another language (an English query finds the French re-telling), by cosine similarity
between the multilingual encoder's vector of the query and the stored article vectors
(written by the stories stage with the encoder it is configured with, the same one
that encodes the query here). Hybrid mode merges both rankings by
reciprocal rank fusion, which needs no score calibration between the two. The vector
side lives in ``semantic.py``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from anyio import to_thread

from ..embed import DEFAULT_ENCODER, Encoder, vector_key
from ..store import END, HIT, Store
from ..text.query import MAX_QUERY_CHARS, MIN_SEMANTIC_COS, word_queries
from .semantic import SemanticSearcher

MAX_OFFSET = 1000
TOTAL_CAP = 10_000  # matches counted for a total ("10,000 or more" beyond)
CANDIDATES = 500
_RRF_K = 60
log = logging.getLogger(__name__)


def split_snippet(snippet: str | None) -> list[dict[str, Any]]:
    """Snippet text with hit markers as parts, so templates escape every byte of it."""
    parts: list[dict[str, Any]] = []
    for i, chunk in enumerate(re.split(f"[{HIT}{END}]", snippet or "")):
        if chunk:
            parts.append({"text": chunk, "hit": i % 2 == 1})
    return parts


def _load_encoder(spec: str) -> Encoder:
    from ..embed import get_encoder

    return get_encoder(spec)


class SearchIndex:
    """``encoder`` is the spec the stories stage embeds with: queries must land in its vector space."""

    def __init__(
        self, store: Store, encoder_factory: Callable[[], Encoder] | None = None, encoder: str = DEFAULT_ENCODER
    ) -> None:
        self.store = store
        factory = encoder_factory or (lambda: _load_encoder(encoder))
        self.semantic = SemanticSearcher(store, factory, vector_key(encoder))

    # -- full text -----------------------------------------------------------------
    def text_search(
        self, query: str, lang: str | None = None, limit: int = 20, offset: int = 0, snippets: bool = True
    ) -> list[dict[str, Any]]:
        """Ranked full-text hits; without ``snippets`` each hit keeps ``_snip`` to cut them later."""
        queries = word_queries(query)
        first = next(queries, None)
        if first is None:
            return []
        fts = self.store.search
        every = fts.engine_query(first[0])
        hits = self._fts(every, lang, limit, offset, snippets)
        fallback = None if hits else next(queries, None)
        if fallback is None:
            return hits
        if offset and self._fts(every, lang, 1, 0, False):
            return []  # all the words do match, on earlier pages only
        # No article has all the words: rank those with any of them, but not by the
        # little words ("le", "en", "par") that every article of that language has.
        return self._fts(fts.engine_query(fallback[0], any_word=True), lang, limit, offset, snippets)

    def _fts(
        self, match: str, lang: str | None, limit: int, offset: int, snippets: bool = True
    ) -> list[dict[str, Any]]:
        """Rank the most recent ``CANDIDATES`` matches, then cut snippets for the page only.

        Ranking every match of a common word costs ~130 ms on 100,000 articles; ranking
        the newest 500 costs ~5 ms, and for a news corpus "best among the recent"
        is what an analyst wants anyway (rarer words match fewer and are ranked exactly).
        """
        rows = self.store.search.match(match, lang, limit, offset, CANDIDATES * (3 if lang else 1), snippets)
        for hit in rows:
            raw = hit.pop("snippet", None)
            hit["score"] = round(-float(hit.pop("rank") or 0.0), 4)
            seq = hit.pop("seq")
            hit["snippet"] = split_snippet(raw)
            if not snippets:
                hit["_snip"] = (match, seq)
            hit["via"] = ["text"]
        return rows

    def _cut_snippets(self, hits: list[dict[str, Any]]) -> None:
        """Snippets for the hits of the page only: hybrid ranks more text hits than it shows."""
        by_query: dict[str, list[dict[str, Any]]] = {}
        for h in hits:
            if "_snip" in h:
                by_query.setdefault(h["_snip"][0], []).append(h)
        for q, group in by_query.items():
            cut = self.store.search.snippets(q, [h["_snip"][1] for h in group])
            for h in group:
                h["snippet"] = split_snippet(cut.get(h["_snip"][1]))
        for h in hits:
            h.pop("_snip", None)

    def text_total(self, query: str, lang: str | None = None) -> tuple[int, bool]:
        """(articles with all the words, or with any content word when none has all; exact?)."""
        fts = self.store.search
        n = 0
        for words, any_word in word_queries(query):
            n = fts.count(fts.engine_query(words, any_word=any_word), lang, TOTAL_CAP)
            if n:
                break
        return n, n < TOTAL_CAP

    def total(self, query: str, mode: str, lang: str | None, hits: list[dict[str, Any]], offset: int,
              limit: int) -> tuple[int, bool]:
        """How many results a query has, and whether that is exact.

        Full text: counted (exact up to ``TOTAL_CAP``). Meaning: the neighbours above the
        relevance floor among those searched, so a lower bound when a page is full. Both: at
        least the larger of the two.
        """
        shown = offset + len(hits)
        if mode == "semantic":
            return shown, len(hits) < limit
        n, exact = self.text_total(query, lang)
        if mode == "text":
            return max(n, shown), exact
        return max(n, shown), exact and len(hits) < limit and all("semantic" not in h["via"] for h in hits)

    # -- semantic ------------------------------------------------------------------
    def semantic_search(
        self, query: str, lang: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]:
        if not query.strip():
            return []
        return self._semantic_hits(self._submit(query, lang, limit, offset).result(timeout=120), lang, limit, offset)

    def _submit(self, query: str, lang: str | None, limit: int, offset: int) -> Future[list[tuple[str, float]]]:
        return self.semantic.submit(query[:MAX_QUERY_CHARS], (offset + limit) * (5 if lang else 1) + 1)

    @staticmethod
    def _relevant(nearest: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Neighbours close enough to mean something: every article has a nearest neighbour, even
        of "xqzvbn plorft", so without a floor a nonsense query lists the whole store."""
        return [(aid, score) for aid, score in nearest if score >= MIN_SEMANTIC_COS]

    def _semantic_hits(
        self, nearest: list[tuple[str, float]], lang: str | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        nearest = self._relevant(nearest)
        found = self.store.articles.summaries([aid for aid, _ in nearest])
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
        # the semantic side is queued first and computed by its worker while this thread searches the text
        pending = self._submit(query, lang, depth, 0) if query.strip() else None
        text_hits = self.text_search(query, lang, depth, 0, snippets=False)
        try:
            nearest = pending.result(timeout=120) if pending else []
        except Exception:  # the encoder failed: the words still find what they find
            log.exception("semantic search failed; hybrid search answers with the full-text hits")
            nearest = []
        return self._fuse(text_hits, nearest, lang, limit, offset)

    async def search_async(
        self, query: str, mode: str = "hybrid", lang: str | None = None, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]:
        """``search`` for the event loop: the wait for the semantic worker holds no thread.

        The server answers on a few request threads (``[serve] threads``); a thread blocked
        on the semantic worker's answer would be one fewer for the others, and the worker's
        batches (one encoder call and one index search for every query waiting) would shrink.
        """
        offset = min(max(offset, 0), MAX_OFFSET)
        if mode == "text":
            return await to_thread.run_sync(self.text_search, query, lang, limit, offset)
        if not query.strip():
            return []
        if mode == "semantic":
            nearest = await _wait(self._submit(query, lang, limit, offset))
            return await to_thread.run_sync(self._semantic_hits, nearest, lang, limit, offset)
        depth = offset + limit
        pending = self._submit(query, lang, depth, 0)  # computed by its worker while a thread searches the text
        text_hits = await to_thread.run_sync(lambda: self.text_search(query, lang, depth, 0, snippets=False))
        try:
            nearest = await _wait(pending)
        except Exception:  # the encoder failed: the words still find what they find
            log.exception("semantic search failed; hybrid search answers with the full-text hits")
            nearest = []
        return await to_thread.run_sync(self._fuse, text_hits, nearest, lang, limit, offset)

    def _fuse(
        self,
        text_hits: list[dict[str, Any]],
        nearest: list[tuple[str, float]],
        lang: str | None,
        limit: int,
        offset: int,
    ) -> list[dict[str, Any]]:
        """Reciprocal rank fusion of the two rankings, then records and snippets for the page only."""
        depth = offset + limit
        ranked_semantic: list[tuple[str, dict[str, Any] | None]]
        if lang:  # the language filter needs the semantic hits' records before ranking
            ranked_semantic = [(h["id"], h) for h in self._semantic_hits(nearest, lang, depth, 0)]
        else:
            ranked_semantic = [(aid, None) for aid, _ in self._relevant(nearest)[:depth]]
        fused: dict[str, dict[str, Any]] = {}
        for rank, hit in enumerate(text_hits):
            fused[hit["id"]] = hit | {"score": 1.0 / (_RRF_K + rank + 1)}
        for rank, (aid, sem_hit) in enumerate(ranked_semantic):
            entry = fused.setdefault(aid, {"id": aid, "score": 0.0, "via": [], "snippet": [], "_record": sem_hit})
            entry["score"] += 1.0 / (_RRF_K + rank + 1)
            entry["via"] = sorted({*entry["via"], "semantic"})
        page = sorted(fused.values(), key=lambda h: (-h["score"], h["id"]))[offset : offset + limit]
        # only now, and only for the page: records of semantic-only hits, snippets of text hits
        missing = [h["id"] for h in page if "_record" in h and h["_record"] is None]
        found: dict[str, dict[str, Any]] = {}
        if missing:
            found = self.store.articles.summaries(missing)
        out = []
        for h in page:
            if "_record" in h:  # found by meaning only: its summary comes from the store
                record = h.pop("_record") or found.get(h["id"])
                if record is None:  # deleted since the vectors were read
                    continue
                h = record | {"id": h["id"], "score": h["score"], "via": h["via"], "snippet": []}
            h["score"] = round(h["score"], 5)
            out.append(h)
        self._cut_snippets(out)
        return out


async def _wait(pending: Future[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    return await asyncio.wait_for(asyncio.wrap_future(pending), timeout=120)
