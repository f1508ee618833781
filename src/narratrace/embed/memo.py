"""Encode each text once per article, whoever asks for it.

Several consumers encode an article's sentences in the same worker: the narrative
matcher (sentences, reported clauses, headline), the pooled article vector, translation
evidence. Inside ``article_scope()`` every ``encode(encoder, texts)`` call remembers the
vectors it computed, and a later call for the same text and encoder reuses them; outside
a scope it is a plain ``encoder.encode``. The scope ends with the article, so memory is
bounded by one article's texts, and its contents are what gets stored (``SentenceSet``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .encoder import Encoder, Vectors

Memo = dict[tuple[str, str], Vectors]
_ACTIVE: contextvars.ContextVar[Memo | None] = contextvars.ContextVar("narratrace_encode_memo", default=None)


@contextmanager
def article_scope() -> Iterator[Memo]:
    """Remember encodings until the block ends (one article's work)."""
    memo: Memo = {}
    token = _ACTIVE.set(memo)
    try:
        yield memo
    finally:
        _ACTIVE.reset(token)


def encode(encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """``encoder.encode(texts)``, reusing what this article's scope already encoded."""
    memo = _ACTIVE.get()
    if memo is None:
        return encoder.encode(texts)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    name = encoder.name
    missing = list(dict.fromkeys(t for t in texts if (name, t) not in memo))
    if missing:
        vecs = encoder.encode(missing)
        for text, vec in zip(missing, vecs, strict=True):
            memo[(name, text)] = vec
    return np.stack([memo[(name, t)] for t in texts]).astype(np.float32, copy=False)
