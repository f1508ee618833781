"""Sentence splitting, chunking and lead-weighted pooling of article vectors."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence

import numpy as np

from narratrace.embed.pooling import PoolingSettings, chunk_weights, embed_documents
from narratrace.embed.units import body_units
from narratrace.text.sentences import split_sentences


class HashEncoder:
    """A deterministic stand-in encoder: one pseudo-random unit vector per distinct text."""

    name = "hash.test"
    dim = 16

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, dtype=np.float32).reshape(-1, self.dim)


TEXT = ("The council met on Monday. It voted to close the bridge!\nRepairs start in June? "
        "Residents were told to use the ferry … Officials apologised.")


def test_sentences_carry_offsets_into_the_text() -> None:
    sents = split_sentences(TEXT)
    assert [s.text for s in sents][:3] == ["The council met on Monday.", "It voted to close the bridge!",
                                           "Repairs start in June?"]
    for s in sents:
        assert TEXT[s.start : s.end] == s.text


def test_long_sentence_is_cut_and_the_units_are_bounded() -> None:
    long = "word " * 200_000
    sents = split_sentences(long, max_chars=100)
    assert all(len(s.text) <= 100 for s in sents)
    units = body_units(long)  # a hostile 1 MB body: a bounded number of bounded units
    assert len(units) <= 150 and all(len(u.text) <= 600 for u in units) and units[-1].end <= 60_000


def test_lead_weighs_more_than_tail() -> None:
    w = chunk_weights(10, lead=3.0)
    assert all(a > b for a, b in itertools.pairwise(w))


def test_pooled_vectors_are_unit_and_lead_dominated() -> None:
    enc = HashEncoder()
    body = " ".join(f"Sentence number {i} of the body is here." for i in range(30))
    vecs = embed_documents(enc, [("A headline", body), ("Only a title", ""), (None, "")], PoolingSettings())
    assert vecs.shape == (3, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert len(enc.calls) == 1  # one encoder call for the whole batch
    title = enc.encode(["Only a title"])[0]
    assert float(vecs[1] @ title) > 0.999  # a title-only item is its title
    head = enc.encode(["A headline"])[0]
    tail = enc.encode([body_units(body)[-1].text])[0]
    assert float(vecs[0] @ head) > float(vecs[0] @ tail)
