"""MinHash sketches of article bodies: finding re-publications whatever their headline.

The story clusterer's neighbours come from article vectors, in which the headline
weighs as much as three sentences: a proxy that re-publishes a text word for word
under a headline of its own ("You will not believe what happened next") can land
far from its source, and would never be compared with it. A MinHash sketch of the
body's word 5-shingles does not care about the headline: two bodies share each of
the ``K`` minima with probability equal to their shingle Jaccard, so a copy shares
many, an unrelated text almost none. The sketches are stored (``copy_sketches``) and
an article sharing at least ``MIN_SHARED`` minima with a new one becomes a candidate,
checked like any other by ``relations.copy_evidence``.

Hashes are stable across processes and machines (BLAKE2b of the shingle, then ``K``
fixed universal hashes), unlike Python's ``hash``.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

K = 32  # minima per sketch: a copy with Jaccard 0.3 shares about 10 of them
MIN_SHARED = 2  # minima in common to be a candidate (one can be a shared stock phrase)
MAX_CANDIDATES = 5
MAX_CHARS = 60_000  # as relations.MAX_CHARS: copies show in the first pages anyway
_PRIME = (1 << 31) - 1
_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20261130)
_A = _rng.integers(1, _PRIME, size=(K, 1), dtype=np.int64)
_B = _rng.integers(0, _PRIME, size=(K, 1), dtype=np.int64)


def _shingle_hashes(text: str, n: int = 5) -> np.ndarray:
    words = [w.lower() for w in _WORD.findall(text[:MAX_CHARS])]
    keys = {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}
    values = [int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "big") % _PRIME
              for k in keys]
    return np.asarray(values, dtype=np.int64)


def sketch(body: str) -> list[int]:
    """The ``K`` minima of the body's shingles under fixed hashes; empty for a body too short."""
    x = _shingle_hashes(body)
    if len(x) < K // 4:  # a few lines: nothing worth tracing, and every minimum would be noise
        return []
    values = (_A * x[None, :] + _B) % _PRIME  # (K, n); products < 2**62 fit in int64
    return [int(v) for v in values.min(axis=1)]
