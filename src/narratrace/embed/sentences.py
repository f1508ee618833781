"""Sentence vectors of one article: what is encoded once and stored for every later use.

Each stored article keeps the vectors of its *units*: the sentences (and reported
clauses) that the narrative matcher compares with claims, the sentences that
translation evidence aligns, and the headline. They are encoded once, in the
per-article workers, and read back by the corpus stages (translation evidence),
by re-matching the archive against a new narrative, and by claim matching, so no
stored article is ever encoded again.

A unit is a span of code-point offsets into the body; ``(-1, -1)`` is the headline
(``title_unit``). Consumers look a text up with ``SentenceSet.by_text``: a text found
there has the vector it would get from the encoder (up to the last float bits that
batching moves), one not found is theirs to encode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .encoder import Vectors
from .registry import DEFAULT_ENCODER, encoder_identity

SENTENCES_VERSION = "sentences.v2"  # bump when the units of an article change
TITLE_SPAN = (-1, -1)
_MAX_KEY = 64


def title_unit(title: str | None) -> str:
    """The headline as it is encoded (the narrative matcher's form)."""
    return (title or "").strip()[:600]


def sentence_key(spec: str = DEFAULT_ENCODER) -> str:
    """The ``sentence_vectors.model`` key of the units encoded with this encoder."""
    key = f"{encoder_identity(spec)}/{SENTENCES_VERSION}"
    if len(key) > _MAX_KEY:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        key = f"{key[: _MAX_KEY - len(SENTENCES_VERSION) - 19]}~{digest}/{SENTENCES_VERSION}"
    return key


@dataclass(frozen=True)
class SentenceSet:
    """Units of one article and their unit vectors (row ``i`` is the vector of span ``i``)."""

    spans: npt.NDArray[np.int32]  # (n, 2): start, end in the body; (-1, -1) is the headline
    vectors: Vectors  # (n, dim) float32, unit length

    def __len__(self) -> int:
        return int(self.spans.shape[0])

    def texts(self, body: str, title: str | None) -> list[str]:
        return [title_unit(title) if s < 0 else body[s:e] for s, e in self.spans.tolist()]

    def by_text(self, body: str, title: str | None) -> dict[str, Vectors]:
        """Text of each unit -> its vector (the body and title the spans point into)."""
        return dict(zip(self.texts(body, title), self.vectors, strict=True))

    @classmethod
    def build(cls, spans: list[tuple[int, int]], vectors: Vectors) -> SentenceSet:
        arr = np.asarray(spans, dtype=np.int32).reshape(-1, 2)
        vecs = np.asarray(vectors, dtype=np.float32)
        if vecs.shape[0] != arr.shape[0]:
            raise ValueError(f"{arr.shape[0]} spans but {vecs.shape[0]} vectors")
        return cls(arr, vecs)
