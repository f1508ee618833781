"""The HNSW candidate index of semantic search: same answers as the exact scan, kept in step by rows."""

from __future__ import annotations

import numpy as np

from narratrace.web.ann import AnnIndex


def clustered(n: int, seed: int = 3) -> np.ndarray:
    """Unit vectors around 50 topics, like article vectors (random vectors have no neighbours to find)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, 64)).astype(np.float32)
    x = centres[rng.integers(0, 50, n)] + 0.3 * rng.standard_normal((n, 64)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact_top(matrix: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    return [int(i) for i in np.argsort(-(matrix @ q))[:k]]


def test_small_corpora_and_deep_pages_are_answered_exactly() -> None:
    ann = AnnIndex(min_rows=100, max_k=20)
    m = clustered(50)
    assert ann.search(0, m, list(range(50)), m[:2], 5) is None  # under min_rows
    m = clustered(300)
    assert ann.search(0, m, list(range(300)), m[:2], 21) is None  # deeper than max_k


def test_candidates_match_the_exact_ranking_and_follow_new_rows() -> None:
    ann = AnnIndex(min_rows=100, max_k=50)
    buf = np.zeros((2000, 64), dtype=np.float32)
    data = clustered(1500)
    buf[:1000] = data[:1000]
    changes = list(range(1000))
    queries = data[1000:1010]
    assert ann.state == "exact"
    assert ann.search(0, buf[:1000], changes, queries, 10) is None  # first call starts the build
    assert ann.state in {"building", "ready"}
    assert ann.wait(60)
    assert ann.state == "ready"
    got = ann.search(0, buf[:1000], changes, queries, 10)
    assert got is not None and got.shape == (10, 10)
    recall = np.mean([len(set(got[i].tolist()) & set(exact_top(buf[:1000], queries[i], 10))) / 10 for i in range(10)])
    assert recall >= 0.9
    # rows appended after the build, and a row overwritten, are found without a rebuild
    buf[1000:1500] = data[1000:1500]
    buf[7] = data[1003]
    changes += [*range(1000, 1500), 7]
    got = ann.search(0, buf[:1500], changes, data[1003:1004], 3)
    assert got is not None and set(got[0].tolist()) >= {1003, 7}
    # a new generation (the matrix was reloaded) is never answered from the old graph
    assert ann.search(1, buf[:1500], list(range(1500)), queries, 10) is None
    assert ann.wait(60)
    assert ann.search(1, buf[:1500], list(range(1500)), queries, 10) is not None
