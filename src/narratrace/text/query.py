"""What a search query becomes: its words for the full-text engines, and the relevance floor of
meaning-based hits. Shared by the dashboard's search and by saved-search alerts (``watch``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
_TERM = re.compile(r"\w+", re.UNICODE)
# Cosine floor of a semantic hit (query vector against the article vector, USE multilingual):
# on the example corpus nonsense and off-topic queries ("xqzvbn plorft", "recette de cuisine",
# "weather tomorrow") reach at most 0.104, on-topic ones 0.14 ("OPCW report") to 0.38.
MIN_SEMANTIC_COS = 0.12


def fts_terms(query: str) -> list[str]:
    """The words of a query, for a MATCH expression that cannot carry operators."""
    return _TERM.findall(query[:MAX_QUERY_CHARS])[:MAX_TERMS]


def content_terms(terms: list[str], query: str) -> list[str]:
    """The query's words without the stop words of its language (all of them if none is left)."""
    from .language import detect_language, stop_words

    lang, _ = detect_language(query[:MAX_QUERY_CHARS])
    stops = stop_words(lang) if lang else frozenset()
    kept = [t for t in terms if t.lower() not in stops]
    return kept or terms


def word_queries(query: str) -> Iterator[tuple[list[str], bool]]:
    """The words to search for, in order, with ``any_word``: all the query's words; then, for a
    query of several words that no article has all of, any of its content words (the little
    words every article of the language has left out). Lazy: the language is detected only
    when the fallback is asked for."""
    terms = fts_terms(query)
    if not terms:
        return
    yield terms, False
    if len(terms) >= 2:
        yield content_terms(terms, query), True
