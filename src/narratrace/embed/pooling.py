"""Article vectors from the article's sentence vectors: encode once, pool with lead weighting.

Sentence encoders are trained on sentences and short paragraphs; one long article squeezed
into one call blurs into a topic average, and its cost grows with length. So the article
vector is a weighted mean of the vectors of its *units*, the sentences the narrative matcher
compares and every article stores (``embed.units.body_units``): inside a worker they are
encoded once for both (``embed.memo``), where the vector used to be pooled from 300-character
chunks encoded apart (a fifth of a run's CPU time went to those). Sentence ``i`` of the body
weighs ``1 / (1 + i / lead)``, so the lead dominates and the tail (often boilerplate that
escaped cleaning) fades, and the headline ``title_weight``: the rule the same-story measure
pools sentences by (``stories.similarity``). Weighting by length as well was tried and not
kept (docs/benchmarks.md, "Article vectors from the sentence vectors"). The units are bounded
(their count and the body characters read), so the cost of a hostile 1 MB "article" stays
bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import memo
from .encoder import Encoder, Vectors, unit_rows
from .sentences import title_unit
from .units import body_units


@dataclass(frozen=True)
class PoolingSettings:
    title_weight: float = 3.0
    lead: float = 3.0


def chunk_weights(n_chunks: int, lead: float) -> np.ndarray:
    """Lead weights of ``n_chunks`` consecutive sentences: ``1 / (1 + i / lead)``."""
    return np.asarray([1.0 / (1.0 + i / lead) for i in range(n_chunks)], dtype=np.float32)


def embed_documents(encoder: Encoder, docs: Sequence[tuple[str | None, str]],
                    settings: PoolingSettings | None = None) -> Vectors:
    """One unit vector per (title, body) document; a title-only document is its title's vector."""
    cfg = settings or PoolingSettings()
    texts: list[str] = []
    parts: list[tuple[int, np.ndarray]] = []  # (first text index, weights of its texts)
    for title, body in docs:
        first = len(texts)
        units = body_units(body or "")
        weights = chunk_weights(len(units), cfg.lead)
        head = title_unit(title)
        if head:
            texts.append(head)
            weights = np.concatenate([np.asarray([cfg.title_weight], dtype=np.float32), weights])
        texts.extend(u.text for u in units)
        if len(texts) == first:
            texts.append("")
            weights = np.ones(1, dtype=np.float32)
        parts.append((first, weights))
    vecs = memo.encode(encoder, texts)
    out = np.zeros((len(docs), vecs.shape[1]), dtype=np.float32)
    for row, (first, weights) in enumerate(parts):
        out[row] = weights @ vecs[first : first + len(weights)]
    return unit_rows(out)
