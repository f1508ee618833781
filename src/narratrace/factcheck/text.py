"""Text preparation for claim matching: query cleaning and BM25 tokens.

Social-media queries carry much that is not the claim: links, ``pic.twitter.com``
attachments, the "— Name (@handle) date" trailer of an embedded tweet, camel-cased
hashtags. Removing the debris and splitting hashtags into words lets the lexical
ranker see the claim; the dense encoder also gets the cleaned text.
"""

from __future__ import annotations

import functools
import re

from ..text.fold import translit

MAX_CHARS = 5000  # a claim or a query longer than this is cut: bounds every cost below

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S{1,500}", re.I)
# "— Name (@handle) January 6, 2021" (the handle sometimes lost its @ or was cut short)
_TRAILER = re.compile(
    r"\s[—–]{1,2}\s?[^—–\n]{0,80}\((?:@?\w{1,30}\)\s?[A-Z][a-z]{2,9}\.? \d{1,2}, \d{4}|[^)\n]{0,40}$).{0,20}$"
)
_HANDLE = re.compile(r"@(\w{1,30})")
_HASHTAG = re.compile(r"#(\w{1,60})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\w\w+")


def _split_camel(word: str) -> str:
    return _CAMEL.sub(" ", word)


def clean_query(text: str) -> str:
    """The claim-bearing words of a post: no links, no tweet trailer, hashtags split."""
    text = text[:MAX_CHARS]
    text = _TRAILER.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(lambda m: _split_camel(m.group(1)), text)
    text = _HASHTAG.sub(lambda m: _split_camel(m.group(1)), text)
    return _SPACES.sub(" ", text).strip()


@functools.cache
def _stemmer(lang: str) -> object | None:
    try:
        import Stemmer  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - PyStemmer is a declared dependency
        return None
    name = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian"}.get(lang)
    return Stemmer.Stemmer(name) if name else None


@functools.cache
def _stopwords(lang: str) -> frozenset[str]:
    from bm25s import stopwords as sw

    table = {
        "en": sw.STOPWORDS_EN,
        "fr": sw.STOPWORDS_FRENCH,
        "de": sw.STOPWORDS_GERMAN,
        "es": sw.STOPWORDS_SPANISH,
        "it": sw.STOPWORDS_ITALIAN,
    }
    return frozenset(translit(w) for w in table.get(lang, sw.STOPWORDS_EN))


def tokens(text: str, lang: str = "en") -> list[str]:
    """Lower-cased, accent-folded, stop-word-free, stemmed word tokens."""
    stop = _stopwords(lang)
    words = [w for w in _TOKEN.findall(translit(text[:MAX_CHARS])) if w not in stop]
    stemmer = _stemmer(lang)
    if stemmer is not None:
        words = list(stemmer.stemWords(words))  # type: ignore[attr-defined]
    return words
