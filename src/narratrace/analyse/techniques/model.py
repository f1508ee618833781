"""The shipped weights (``data/model.npz`` + ``data/model.json``) and how they are applied.

Two linear models per feature family (``lex``: English words, affixes and bigrams
plus the universal features; ``uni``: the universal features only, for every other
language): a token tagger whose runs of likely tokens become spans, and a technique
classifier over the PTC's 14 labels for each span. Beside them, shared by both
families' code paths: a sentence gate over the encoder's sentence vector, a smoother
over the token logits (``smoother.py``) and the classifier's weights on the span's and
sentence's encoder vectors (``vectors.py``). The weights are plain arrays
(float16, hashed feature indices), fitted by ``bench/train_techniques.py``; nothing
here needs scikit-learn. ``score`` is calibrated on cross-validated training
predictions (Platt scaling): it estimates the chance that the span overlaps a
human-annotated span of that technique.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from . import smoother
from .features import _CACHE, DIM, ArticleContext, h, span_features, token_features
from .vectors import ArticleVectors

FloatArray = npt.NDArray[np.float32]
_EDGE_PUNCT = set(".,;:!?)(-–—…")


@dataclass(frozen=True)
class FamilyWeights:
    tagger: FloatArray  # (DIM,)
    classifier: FloatArray  # (n_classes, DIM)
    threshold: float
    gap: float  # a single token between two runs joins them when its probability reaches this
    calib: tuple[float, float]  # Platt a, b on the logit of span_prob * technique_prob
    norm: bool = False  # span feature counts L2-normalised before the classifier
    dense: FloatArray | None = None  # (n_classes, 2 * vectors.DIM): span and sentence vectors
    gate: FloatArray | None = None  # (vectors.DIM + 2,): sentence gate weights, intercept last
    gate_alpha: float = 0.0  # weight of the gate's logit added to each token's logit
    smoother: FloatArray | None = None  # (smoother.N_INPUTS + 1,): replaces logit + alpha * gate when set


@dataclass(frozen=True)
class Weights:
    classes: tuple[str, ...]
    families: dict[str, FamilyWeights]
    meta: dict[str, Any]


def from_arrays(arrays: dict[str, Any], meta: dict[str, Any]) -> Weights:
    fams = {}
    for fam, m in meta["families"].items():
        fams[fam] = FamilyWeights(
            np.asarray(arrays[f"{fam}_tagger"], dtype=np.float32),
            np.asarray(arrays[f"{fam}_classifier"], dtype=np.float32),
            float(m["threshold"]),
            float(m["gap"]),
            (float(m["calib"][0]), float(m["calib"][1])),
            bool(m.get("classifier_norm", False)),
            _optional(arrays, f"{fam}_dense"),
            _optional(arrays, "gate"),
            float(m.get("gate_alpha", 0.0)),
            _optional(arrays, f"{fam}_smoother"),
        )
    return Weights(tuple(meta["classes"]), fams, meta)


def _optional(arrays: dict[str, Any], key: str) -> FloatArray | None:
    return np.asarray(arrays[key], dtype=np.float32) if key in arrays else None


@functools.cache
def load() -> Weights:
    base = resources.files("narratrace.analyse.techniques") / "data"
    meta = json.loads((base / "model.json").read_text(encoding="utf-8"))
    with (base / "model.npz").open("rb") as fh, np.load(fh) as z:
        arrays = {k: z[k] for k in z.files}
    if arrays["lex_tagger"].shape[-1] != DIM:
        raise ValueError("techniques model was fitted with another feature size; retrain it")
    return from_arrays(arrays, meta)


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def gate(vecs: ArticleVectors | None, w: FamilyWeights) -> dict[int, float]:
    """Sentence number -> the gate's logit (does this sentence hold a span?)."""
    if vecs is None or w.gate is None:
        return {}
    logits = vecs.gate_inputs() @ w.gate[:-1] + w.gate[-1]
    return {s: float(x) for s, x in zip(vecs.sent_ids, logits, strict=True)}


def tag(
    ctx: ArticleContext, w: FamilyWeights, lexical: bool, sent_logits: dict[int, float] | None = None
) -> list[float]:
    """Probability of each token to be inside a persuasion span.

    The tagger's logit and the sentence gate's go through the smoother when the
    weights have one, else they are added (the gate weighted by ``gate_alpha``).
    """
    z = logits(ctx, w, lexical)
    g = np.array([(sent_logits or {}).get(t.sent, 0.0) for t in ctx.tokens], dtype=np.float32)
    if w.smoother is not None:
        probs: list[float] = smoother.probabilities(smoother.inputs(ctx, z, g), w.smoother).tolist()
        return probs
    x = z + w.gate_alpha * g
    probs = (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).tolist()
    return probs


def logits(ctx: ArticleContext, w: FamilyWeights, lexical: bool) -> FloatArray:
    """The linear tagger's logit of each token (before the gate and smoother)."""
    n = len(ctx.tokens)
    if not n:
        return np.zeros(0, dtype=np.float32)
    flat: list[int] = []
    bounds = np.zeros(n, dtype=np.int64)
    get = _CACHE.get
    for i in range(n):
        bounds[i] = len(flat)
        flat.extend([get(f) or h(f) for f in token_features(ctx, i, lexical)])
    x: FloatArray = np.add.reduceat(w.tagger[np.asarray(flat, dtype=np.int64)], bounds).astype(np.float32)
    return x


def decode(ctx: ArticleContext, probs: list[float], w: FamilyWeights) -> list[tuple[int, int, float]]:
    """Runs of tokens at or above the threshold within one sentence -> (first, last, mean prob)."""
    toks = ctx.tokens
    runs: list[list[int]] = []
    n = len(toks)
    for i in range(n):
        if probs[i] < w.threshold:
            continue
        if (runs and runs[-1][1] == i - 1 and toks[runs[-1][0]].sent == toks[i].sent) or (
            runs
            and runs[-1][1] == i - 2
            and probs[i - 1] >= w.gap
            and toks[runs[-1][0]].sent == toks[i].sent
        ):
            runs[-1][1] = i
        else:
            runs.append([i, i])
    out = []
    for a, b in runs:
        while a <= b and toks[a].text in _EDGE_PUNCT:
            a += 1
        while b >= a and toks[b].text in _EDGE_PUNCT:
            b -= 1
        if a > b or not any(toks[i].text[:1].isalnum() for i in range(a, b + 1)):
            continue  # nothing but punctuation (a lone quote mark)
        out.append((a, b, sum(probs[a : b + 1]) / (b - a + 1)))
    return out


def classify(
    ctx: ArticleContext,
    body: str,
    start: int,
    end: int,
    w: FamilyWeights,
    lexical: bool,
    dense_x: FloatArray | None = None,
) -> FloatArray:
    """Technique probabilities (softmax over the PTC classes) of one span.

    ``dense_x`` is the span's row of ``ArticleVectors.span_inputs``; without it the
    dense half of the classifier contributes nothing (weaker, never wrong-shaped).
    """
    return softmax_scores(w, [h(f) for f in span_features(ctx, start, end, body, lexical)], dense_x)


def softmax_scores(w: FamilyWeights, idx: list[int], dense_x: FloatArray | None = None) -> FloatArray:
    """Softmax of the classifier's scores for one span's hashed feature indices and encoder inputs."""
    if w.norm:
        uniq, counts = np.unique(np.asarray(idx, dtype=np.int64), return_counts=True)
        x = counts.astype(np.float32)
        scores = (w.classifier[:, uniq] @ x) / float(np.sqrt((x * x).sum()))
    else:
        scores = w.classifier[:, idx].sum(axis=1)
    if dense_x is not None and w.dense is not None:
        scores = scores + w.dense @ dense_x
    scores = scores - scores.max()
    e = np.exp(scores)
    out: FloatArray = (e / e.sum()).astype(np.float32)
    return out


def calibrated(raw: float, calib: tuple[float, float]) -> float:
    p = min(max(raw, 1e-6), 1 - 1e-6)
    return _sigmoid(calib[0] * math.log(p / (1 - p)) + calib[1])
