"""Article vectors from sentence vectors: split, encode once, pool with lead weighting.

Sentence encoders are trained on sentences and short paragraphs; one long article
squeezed into one call blurs into a topic average, and its cost grows with length.
So an article is split into sentence chunks (a few hundred characters each), all
chunks of a batch of articles go through the encoder in one call (its throughput is
the ceiling), and the article vector is a weighted mean: the headline counts as much
as ``title_weight`` chunks and chunk ``i`` of the body weighs ``1 / (1 + i / lead)``,
so the lead dominates and the tail (often boilerplate that escaped cleaning) fades.
Only the first ``max_chunks`` chunks are read: the cost of a hostile 1 MB "article"
stays bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text.sentences import Span, split_sentences
from . import memo
from .encoder import Encoder, Vectors, unit_rows


def chunk_text(text: str, target_chars: int = 300, max_chunks: int = 48) -> list[Span]:
    """Consecutive sentences merged up to about ``target_chars`` (fewer, fuller encoder calls)."""
    chunks: list[Span] = []
    cur: Span | None = None
    text = text[: 2 * target_chars * max_chunks]  # never split more than can be kept
    for sent in split_sentences(text, max_chars=max(target_chars, 64)):
        if cur is not None and (sent.end - cur.start) <= target_chars:
            cur = Span(cur.start, sent.end, text[cur.start : sent.end])
            continue
        if cur is not None:
            chunks.append(cur)
            if len(chunks) >= max_chunks:
                return chunks
        cur = sent
    if cur is not None and len(chunks) < max_chunks:
        chunks.append(cur)
    return chunks


@dataclass(frozen=True)
class PoolingSettings:
    title_weight: float = 3.0
    lead: float = 3.0
    target_chars: int = 300
    max_chunks: int = 48


def chunk_weights(n_chunks: int, lead: float) -> np.ndarray:
    return np.asarray([1.0 / (1.0 + i / lead) for i in range(n_chunks)], dtype=np.float32)


def embed_documents(encoder: Encoder, docs: Sequence[tuple[str | None, str]],
                    settings: PoolingSettings | None = None) -> Vectors:
    """One unit vector per (title, body) document; a title-only document is its title's vector."""
    cfg = settings or PoolingSettings()
    texts: list[str] = []
    spans: list[tuple[int, int, bool]] = []  # (first text index, count, has title)
    for title, body in docs:
        first = len(texts)
        has_title = bool(title and title.strip())
        if has_title:
            texts.append(" ".join((title or "").split())[:1000])
        texts.extend(c.text for c in chunk_text(body or "", cfg.target_chars, cfg.max_chunks))
        if len(texts) == first:
            texts.append("")
        spans.append((first, len(texts) - first, has_title))
    vecs = memo.encode(encoder, texts)
    out = np.zeros((len(docs), vecs.shape[1]), dtype=np.float32)
    for row, (first, count, has_title) in enumerate(spans):
        n_body = count - (1 if has_title else 0)
        weights = chunk_weights(n_body, cfg.lead)
        if has_title:
            weights = np.concatenate([np.asarray([cfg.title_weight], dtype=np.float32), weights])
        out[row] = weights @ vecs[first : first + count]
    return unit_rows(out)
