"""Claim matching: which already fact-checked claims does a new text repeat?

Two retrievers see every catalogue entry: BM25 (``bm25s``) on the claim, on the title
and on both, and the multilingual USE encoder on the claim and on the title (dense
similarity carries the cross-lingual case: a French claim finds an English
fact-check). Their scores are put on a common footing per query (z-score, share of
the best score, reciprocal rank) and a small linear ranker, fitted on the training
queries of CheckThat! 2022 2A and shipped as ``data/ranker.json`` (weights only, no
text), orders the union of the retrievers' top candidates. The costly part, indexing
the catalogue, happens once; a query costs one sparse product and one dense product.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from .text import clean_query, tokens

Array = npt.NDArray[np.float32]

SIGNALS = ("bm25_text", "bm25_title", "bm25_all", "cos_text", "cos_title")
PER_SIGNAL = ("raw", "z", "share", "rrank")
EXTRA = ("overlap_q", "overlap_d", "numbers")
FEATURES = tuple(f"{s}.{p}" for s in SIGNALS for p in PER_SIGNAL) + EXTRA
CANDIDATES_PER_SIGNAL = 20
_COS_TEXT = FEATURES.index("cos_text.raw")
_COS_TITLE = FEATURES.index("cos_title.raw")


@dataclass(frozen=True)
class CatalogEntry:
    """One fact-checked claim."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class Match:
    """A ranked catalogue entry. ``score`` orders entries for one query (the ranker's
    output, relative to the catalogue); ``similarity`` is the absolute dense cosine of
    the query with the entry's claim or title, the better basis for a yes/no link."""

    id: str
    score: float
    similarity: float = 0.0


def load_weights() -> dict[str, float]:
    """The shipped ranker weights (feature name -> weight, plus ``bias``)."""
    path = resources.files("narratrace.factcheck") / "data" / "ranker.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default_weights()
    return {str(k): float(v) for k, v in data["weights"].items()}


def default_weights() -> dict[str, float]:
    """A plain z-score mix of the retrievers (used when no fitted ranker ships)."""
    w = dict.fromkeys(FEATURES, 0.0)
    w["bm25_all.z"] = 1.0
    w["cos_text.z"] = 1.0
    w["bias"] = 0.0
    return w


def _numbers(text: str) -> set[str]:
    import re

    return set(re.findall(r"\d+(?:[.,]\d+)?", text[:5000]))


class ClaimMatcher:
    """Index a catalogue once, then rank its entries for any number of queries."""

    def __init__(
        self,
        entries: Sequence[CatalogEntry],
        encoder: Any | None = None,
        weights: dict[str, float] | None = None,
        lang: str = "en",
        vectors: tuple[Array, Array] | None = None,
    ) -> None:
        import bm25s

        if not entries:
            raise ValueError("the catalogue is empty: nothing to match against")
        self.entries = list(entries)
        self.lang = lang
        self.weights = weights if weights is not None else load_weights()
        self._w = np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float64)
        self._bias = float(self.weights.get("bias", 0.0))
        texts = [e.text for e in self.entries]
        titles = [e.title or "" for e in self.entries]
        self._doc_tokens = [set(tokens(f"{t} {ti}", lang)) for t, ti in zip(texts, titles, strict=True)]
        self._doc_numbers = [_numbers(f"{t} {ti}") for t, ti in zip(texts, titles, strict=True)]
        self._bm25 = {}
        for name, corpus in (
            ("bm25_text", texts),
            ("bm25_title", titles),
            ("bm25_all", [f"{t} {ti}" for t, ti in zip(texts, titles, strict=True)]),
        ):
            index = bm25s.BM25()
            index.index([tokens(c, lang) or ["_"] for c in corpus], show_progress=False)
            self._bm25[name] = index
        self._encoder = encoder
        if vectors is not None:
            self._vec_text, self._vec_title = vectors
        else:
            enc = self._get_encoder()
            self._vec_text = enc.encode(texts)
            self._vec_title = enc.encode([t or e.text for t, e in zip(titles, self.entries, strict=True)])

    def _get_encoder(self) -> Any:
        if self._encoder is None:
            from ..embed import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    # -- scoring --------------------------------------------------------------------
    def signals(self, query: str, qvec: Array) -> dict[str, npt.NDArray[np.float64]]:
        """Every retriever's score for every catalogue entry."""
        qtok = tokens(query, self.lang)
        out: dict[str, npt.NDArray[np.float64]] = {}
        n = len(self.entries)
        for name, index in self._bm25.items():
            out[name] = np.asarray(index.get_scores(qtok), dtype=np.float64) if qtok else np.zeros(n, np.float64)
        out["cos_text"] = (self._vec_text @ qvec).astype(np.float64)
        out["cos_title"] = (self._vec_title @ qvec).astype(np.float64)
        return out

    def features(self, query: str, qvec: Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Candidate entry indices and their feature rows (order of ``FEATURES``)."""
        sig = self.signals(query, qvec)
        k = min(CANDIDATES_PER_SIGNAL, len(self.entries))
        cand: set[int] = set()
        ranks: dict[str, npt.NDArray[np.int64]] = {}
        for name in SIGNALS:
            scores = sig[name]
            top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
            cand.update(int(i) for i in top)
            ranks[name] = top
        idx = np.array(sorted(cand), dtype=np.int64)
        cols: list[npt.NDArray[np.float64]] = []
        for name in SIGNALS:
            scores = sig[name]
            mean, std = float(scores.mean()), float(scores.std()) or 1.0
            best = float(scores.max()) or 1.0
            vals = scores[idx]
            # rank of each candidate among all entries (1 = best), via a comparison count
            rank = (scores[None, :] > vals[:, None]).sum(axis=1) + 1
            cols += [vals, (vals - mean) / std, vals / best, 1.0 / rank]
        qtok = set(tokens(query, self.lang))
        qnum = _numbers(query)
        ov_q, ov_d, num = [], [], []
        for i in idx:
            dtok = self._doc_tokens[i]
            common = len(qtok & dtok)
            ov_q.append(common / len(qtok) if qtok else 0.0)
            ov_d.append(common / len(dtok) if dtok else 0.0)
            dn = self._doc_numbers[i]
            num.append(len(qnum & dn) / len(qnum | dn) if (qnum or dn) else 0.0)
        cols += [np.array(ov_q), np.array(ov_d), np.array(num)]
        return idx, np.stack(cols, axis=1)

    def search(self, queries: Sequence[str], top: int = 5, clean: bool = True) -> list[list[Match]]:
        """The ``top`` best catalogue entries for each query, best first."""
        texts = [clean_query(q) if clean else q for q in queries]
        qvecs = self._get_encoder().encode(texts) if texts else np.zeros((0, 512), np.float32)
        return [self._rank(t, qvecs[i], top) for i, t in enumerate(texts)]

    def search_vectors(self, texts: Sequence[str], qvecs: Array, top: int = 5) -> list[list[Match]]:
        """Like ``search`` with queries already cleaned and encoded."""
        return [self._rank(t, qvecs[i], top) for i, t in enumerate(texts)]

    def _rank(self, text: str, qvec: Array, top: int) -> list[Match]:
        idx, feats = self.features(text, qvec)
        scores = feats @ self._w + self._bias
        order = np.argsort(-scores, kind="stable")[:top]
        sim = np.maximum(feats[:, _COS_TEXT], feats[:, _COS_TITLE])
        return [Match(self.entries[int(idx[j])].id, _sigmoid(float(scores[j])), round(float(sim[j]), 4)) for j in order]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))
