"""Alerts for saved searches: each new article that matches a standing query, once.

A saved search (``store.searches``, saved from the dashboard or the API) keeps the newest
arrival number already checked; each poll of ``watch`` (and ``check_saved_searches`` when
called after any analysis) looks only at articles stored after it: by their words (the
full-text index, as the search page's "exact words") and, for ``semantic`` and ``hybrid``
searches, by meaning (the stored article vectors against the query's vector, with the search
page's relevance floor). An alert per (search, article) goes to the watch sinks like the
narrative and story alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..embed import DEFAULT_ENCODER, Encoder, get_encoder, vector_key
from ..store import Store
from ..text.query import MAX_QUERY_CHARS, MIN_SEMANTIC_COS, word_queries
from .alerts import raise_alert

MAX_NEW_PER_SEARCH = 1000  # alerts raised per search and check; the rest wait for the next check


def _by_words(store: Store, search: dict[str, Any], after: int) -> dict[str, int]:
    fts = store.search
    found: list[tuple[str, int]] = []
    for words, any_word in word_queries(search["query"]):
        if any_word and search["mode"] == "text":
            break  # an "exact words" search alerts only on articles with all its words
        found = fts.matches_after(fts.engine_query(words, any_word=any_word), search["lang"], after,
                                  MAX_NEW_PER_SEARCH)
        if found:
            break
    return dict(found)


def _by_meaning(store: Store, search: dict[str, Any], after: int, encoder: Encoder, key: str) -> set[str]:
    new = store.vectors.since(key, after)
    if not new:
        return set()
    query = encoder.encode([search["query"][:MAX_QUERY_CHARS]])[0]
    ids = [aid for aid, _ in new]
    sims = np.stack([vec for _, vec in new]) @ query
    return {ids[i] for i in np.flatnonzero(sims >= MIN_SEMANTIC_COS).tolist()}


def check_saved_searches(
    store: Store, encoder_spec: str | None = None, encoder_factory: Callable[[], Encoder] | None = None
) -> int:
    """Raise an alert for every article stored since the last check that matches a saved search;
    returns how many were raised."""
    searches = store.searches.list()
    if not searches:
        return 0
    newest = store.searches.newest_seq()
    spec = encoder_spec or DEFAULT_ENCODER
    encoder: Encoder | None = None
    raised = 0
    for s in searches:
        after = int(s["last_seq"])
        if after >= newest:
            continue
        found = _by_words(store, s, after) if s["mode"] in ("text", "hybrid") else {}
        via: dict[str, list[str]] = {aid: ["text"] for aid in found}
        if s["mode"] in ("semantic", "hybrid"):
            if encoder is None:
                encoder = encoder_factory() if encoder_factory else get_encoder(spec)
            for aid in _by_meaning(store, s, after, encoder, vector_key(spec)):
                via.setdefault(aid, []).append("semantic")
        summaries = store.articles.summaries(sorted(via))
        for aid in sorted(via, key=lambda a: found.get(a, 0)):
            art = summaries.get(aid)
            if art is None or (s["lang"] and art.get("lang") != s["lang"]):
                continue  # gone since, or (found by meaning) in another language than the search's
            payload = {"search_id": s["id"], "search_name": s["name"], "query": s["query"], "mode": s["mode"],
                       "article_id": aid, "title": art.get("title"), "outlet": art.get("outlet"),
                       "lang": art.get("lang"), "published": art.get("published"), "url": art.get("url"),
                       "via": via[aid]}
            raised += raise_alert(store, f"search:{s['id']}:{aid}", "saved_search", payload)
        store.searches.checked(s["id"], newest if len(found) < MAX_NEW_PER_SEARCH else max(found.values()))
    return raised
