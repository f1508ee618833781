"""Copies and translations between two articles, with the evidence to show.

A re-publication shares long runs of words with its source: word 5-shingles, and
containment (shared / shingles of the shorter text) rather than Jaccard, because
proxies often re-publish an excerpt with their own intro. A translation shares no
words, but its sentences line up one by one with the source's: each sentence of the
new article is matched to its most similar sentence of the older one by the
multilingual encoder, and mutual best matches above ``min_sentence_cos`` count as
aligned. Candidates come from the story ANN neighbours, so this runs on a handful of
pairs per new article, never on all pairs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from ..embed import memo
from ..embed.encoder import Encoder, Vectors
from ..records import Span
from ..text.sentences import UNIT_CHARS, split_sentences

_WORD = re.compile(r"\w+")
MAX_CHARS = 60_000  # bound the cost of hostile input; copies show in the first pages anyway
MAX_SENTENCES = 80
MAX_EVIDENCE = 20


@dataclass(frozen=True)
class RelationThresholds:
    min_containment: float = 0.5
    min_shared_shingles: int = 8
    min_sentence_cos: float = 0.7
    min_aligned_fraction: float = 0.5
    min_aligned: int = 2
    # a partial translation (an annex translating the lead of the source) aligns
    # many sentences but a small fraction of the longer text
    partial_aligned: int = 5
    partial_fraction: float = 0.25
    min_body_chars: int = 200


@functools.lru_cache(maxsize=256)
def _shingles(text: str, n: int = 5) -> dict[int, tuple[int, int]]:
    """Hash of each word n-gram -> its first (start, end) span in ``text`` (read-only).

    Cached: a new article is compared with each of its neighbours, and a stored article
    is the neighbour of many new ones; recomputing both sides for every pair was most of
    the stories stage's time on a corpus with many copies.
    """
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text[:MAX_CHARS])]
    out: dict[int, tuple[int, int]] = {}
    for i in range(len(words) - n + 1):
        key = hash(tuple(w[2] for w in words[i : i + n]))
        out.setdefault(key, (words[i][0], words[i + n - 1][1]))
    return out


def _merge(spans: list[tuple[int, int]], text: str) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    merged.sort(key=lambda se: se[0] - se[1])  # longest first
    return tuple(sorted((Span(s, e, text[s:e]) for s, e in merged[:MAX_EVIDENCE]), key=lambda x: x.start))


def copy_evidence(new_body: str, old_body: str) -> tuple[float, int, tuple[Span, ...]]:
    """(containment, shared shingles, spans of ``new_body`` that also appear in ``old_body``)."""
    new, old = _shingles(new_body), _shingles(old_body)
    if not new or not old:
        return 0.0, 0, ()
    shared = [span for key, span in new.items() if key in old]
    containment = len(shared) / min(len(new), len(old))
    return containment, len(shared), _merge(shared, new_body)


class SentenceVectors:
    """Sentence pieces and their vectors per text, computed once per text and kept (bounded)."""

    def __init__(self, encoder: Encoder, max_items: int = 256) -> None:
        self.encoder = encoder
        self.max_items = max_items
        self._cache: dict[str, tuple[list[Span], Vectors]] = {}

    def get(self, text: str) -> tuple[list[Span], Vectors]:
        key = text[:MAX_CHARS]
        found = self._cache.get(key)
        if found is None:
            chunks = translation_units(key)
            vecs = memo.encode(self.encoder, [c.text for c in chunks])
            found = self._keep(key, chunks, vecs)
        return found

    def prime(self, text: str, stored: dict[str, Vectors]) -> None:
        """Take the vectors of ``text``'s sentences from what is stored (text -> vector);
        any sentence not there is encoded."""
        key = text[:MAX_CHARS]
        if key in self._cache:
            return
        chunks = translation_units(key)
        missing = [c.text for c in chunks if c.text not in stored]
        fresh = dict(zip(missing, memo.encode(self.encoder, missing), strict=True)) if missing else {}
        rows = [stored[c.text] if c.text in stored else fresh[c.text] for c in chunks]
        vecs = np.stack(rows).astype(np.float32, copy=False) if rows else np.zeros((0, self.encoder.dim), np.float32)
        self._keep(key, chunks, vecs)

    def _keep(self, key: str, chunks: list[Span], vecs: Vectors) -> tuple[list[Span], Vectors]:
        if len(self._cache) >= self.max_items:
            self._cache.pop(next(iter(self._cache)))
        found = self._cache[key] = (chunks, vecs)
        return found


def translation_units(text: str) -> list[Span]:
    """The sentences translation evidence aligns: at least 20 characters, the first 80."""
    return [c for c in split_sentences(text[:MAX_CHARS], UNIT_CHARS) if len(c.text) >= 20][:MAX_SENTENCES]


def translation_evidence(encoder: Encoder | SentenceVectors, new_body: str, old_body: str,
                         min_cos: float = 0.7) -> tuple[float, int, tuple[Span, ...]]:
    """(aligned fraction of the shorter side's sentences, aligned count, spans in ``new_body``)."""
    cache = encoder if isinstance(encoder, SentenceVectors) else SentenceVectors(encoder)
    new, new_vecs = cache.get(new_body)
    old, old_vecs = cache.get(old_body)
    if not new or not old:
        return 0.0, 0, ()
    sim = new_vecs @ old_vecs.T
    best_old = sim.argmax(axis=1)
    best_new = sim.argmax(axis=0)
    aligned = [i for i, j in enumerate(best_old.tolist())
               if best_new[j] == i and sim[i, j] >= min_cos]
    fraction = len(aligned) / min(len(new), len(old))
    spans = _merge([(new[i].start, new[i].end) for i in aligned], new_body)
    return float(np.clip(fraction, 0.0, 1.0)), len(aligned), spans
