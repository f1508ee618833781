"""Encoder vectors of an article's sentences and spans: the dense half of both models.

Why: hashed words and n-grams only know the English the PTC taught, while the
multilingual USE puts a sentence of any of its languages near its English
counterpart. Two dense inputs were worth their cost in cross-validation on the
training articles: the sentence vector gates the span tagger (a sentence that reads
like propaganda raises the odds of each of its tokens; SI F1 0.329 -> 0.360) and the
span vector with its sentence's vector feeds the technique classifier (TC micro-F1
0.590 -> 0.625). The language-independent weights use them too, which is what lets a
French article get more than its lexicon hits.

The encoder is pinned to the shipped USE (the weights were fitted in its vector
space), whatever encoder other stages are configured with, and every call goes
through ``embed.memo`` so a sentence another stage already encoded for this article
is not encoded again.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ...embed import memo
from ...embed.encoder import Encoder
from ...embed.registry import DEFAULT_ENCODER, get_encoder
from .features import ArticleContext

DIM = 512
SCALE = 3.0  # vectors enter the classifier scaled up: CV TC 0.625 at 3, 0.608 at 1, 0.624 at 5
FloatArray = npt.NDArray[np.float32]


def encoder() -> Encoder:
    """The encoder the shipped weights were fitted with (loaded once per process)."""
    return get_encoder(DEFAULT_ENCODER)


def sentence_bounds(ctx: ArticleContext) -> dict[int, tuple[int, int]]:
    """Sentence number -> (start, end) offsets, from its first token to its last."""
    out: dict[int, tuple[int, int]] = {}
    for t in ctx.tokens:
        s = out.get(t.sent)
        out[t.sent] = (t.start if s is None else s[0], t.end)
    return out


def sentence_of(ctx: ArticleContext, start: int) -> int:
    """Sentence number of the span starting at ``start`` (its first token's)."""
    if not ctx.tokens:
        return 0
    i = min(bisect.bisect_left(ctx.starts, start), len(ctx.tokens) - 1)
    return ctx.tokens[i].sent


class ArticleVectors:
    """Sentence vectors of one article (encoded once, in one batch) and span vectors on demand."""

    def __init__(self, body: str, ctx: ArticleContext, enc: Encoder | None = None) -> None:
        self.body = body
        self.ctx = ctx
        self.enc = enc or encoder()
        bounds = sentence_bounds(ctx)
        self.sent_ids = sorted(bounds)
        self.sent_tokens = {s: 0 for s in self.sent_ids}
        for t in ctx.tokens:
            self.sent_tokens[t.sent] += 1
        vecs = self.encode([body[a:b] for a, b in (bounds[s] for s in self.sent_ids)])
        self.sentences = {s: vecs[k] for k, s in enumerate(self.sent_ids)}

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return memo.encode(self.enc, texts)

    def gate_inputs(self) -> FloatArray:
        """(sentences, DIM + 1): each sentence's vector and its scaled log length, for the gate."""
        if not self.sent_ids:
            return np.zeros((0, DIM + 1), dtype=np.float32)
        vec = np.stack([self.sentences[s] for s in self.sent_ids])
        size = np.log1p(np.array([self.sent_tokens[s] for s in self.sent_ids], dtype=np.float32)) / 3
        return np.hstack([vec, size[:, None]]).astype(np.float32)

    def span_inputs(self, spans: Sequence[tuple[int, int]]) -> FloatArray:
        """(spans, 2 * DIM): span vector then its sentence's, times ``SCALE``, for the classifier."""
        if not spans:
            return np.zeros((0, 2 * DIM), dtype=np.float32)
        vec = self.encode([self.body[s:e] for s, e in spans])
        zero = np.zeros(DIM, dtype=np.float32)
        sent = np.stack([self.sentences.get(sentence_of(self.ctx, s), zero) for s, _ in spans])
        out: FloatArray = (np.hstack([vec, sent]) * SCALE).astype(np.float32)
        return out
