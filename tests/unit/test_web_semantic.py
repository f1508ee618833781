"""The in-memory vector matrix follows the store incrementally (fake encoder: no model load)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from narratrace.records import Article, SourceRef
from narratrace.store import open_store
from narratrace.web.semantic import MODEL, SemanticSearcher, VectorIndex


def fake_encode(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for t in texts:
        seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
        rows.append(v / np.linalg.norm(v))
    return np.vstack(rows)


def add(store, run, key: str) -> Article:  # type: ignore[no-untyped-def]
    h = hashlib.sha256(key.encode()).hexdigest()
    art = Article(id=h[:16], content_hash=h, source=SourceRef(), body=f"body of {key}", title=key)
    store.articles.add(art, run)
    return art


def test_vectors_follow_the_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "v.db"))
    run = store.runs.start("t", [])
    a, b = add(store, run, "a"), add(store, run, "b")
    store.vectors.put(MODEL, {a.id: fake_encode(["stored a"])[0]})
    encoded: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return fake_encode(texts)

    index = VectorIndex(store, encode, refresh_every=0)
    ids, matrix = index.current()
    assert sorted(ids) == sorted([a.id, b.id]) and matrix.shape == (2, 512)
    assert encoded == ["b\nbody of b"]  # only the article without a stored vector
    c = add(store, run, "c")
    store.vectors.put(MODEL, {c.id: fake_encode(["stored c"])[0], b.id: fake_encode(["stored b"])[0]})
    ids, matrix = index.current()
    assert len(ids) == 3 and len(encoded) == 1  # c read, b's on-demand vector replaced, nothing re-encoded
    assert np.allclose(matrix[ids.index(b.id)], fake_encode(["stored b"])[0])
    assert index._on_demand == set()


def test_batched_nearest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "n.db"))
    run = store.runs.start("t", [])
    arts = [add(store, run, f"doc {i}") for i in range(5)]

    class Fake:
        name, dim = "fake", 512

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            return fake_encode(list(texts))

    searcher = SemanticSearcher(store, Fake)
    best = searcher.nearest(f"{arts[3].title}\n{arts[3].body}", 2)
    assert best[0][0] == arts[3].id and best[0][1] > 0.99 and len(best) == 2
