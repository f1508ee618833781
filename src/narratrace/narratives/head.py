"""Linear heads over the encoder's sentence vectors, fitted on real data and shipped as weights.

Why: similarity to a handful of claim phrasings written by the team misses most real wording
(EUvsDisinfo summaries say "the coup in Kyiv was staged by the West", the catalogue says "the
Maidan was a Western-made revolution"), and topic words alone flag neutral news. A logistic
model per narrative over the multilingual sentence vector learns from real cases what a
sentence carrying the narrative looks like, and because the vectors are multilingual, a head
fitted on English case summaries also reads German, Russian or Arabic sentences.

Two kinds of file, both ``.npz`` read with ``allow_pickle=False``:

- ``narrative-head.npz``: one-vs-rest rows ``W`` (narratives x dim) and ``b`` with the
  narrative ``labels``, beside the narrative files it was fitted for: ``data/narratives/`` for
  the shipped catalogue (bench/fit_narratives_real.py), a user catalogue folder for
  ``narratives import-labelled``.
- ``data/stance-head.npz``: a softmax over ``promotes/reports/refutes`` from the evidence vector and
  the stance cue counts (``stance.cue_features``).

Each file records the encoder name: a head fitted on another encoder's vectors is ignored
(its numbers would mean nothing), with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
DATA = Path(__file__).with_name("data")
NARRATIVE_HEAD = "narrative-head.npz"
STANCE_HEAD = "stance-head.npz"
MAX_HEAD_BYTES = 64 * 1024 * 1024
log = logging.getLogger(__name__)


def sigmoid(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The logistic function, clipped so that no logit overflows ``exp``."""
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
    return out


@dataclass(frozen=True)
class LinearHead:
    """``labels`` with one weight row each; ``kind`` "ovr" (sigmoid per row) or "softmax"."""

    labels: tuple[str, ...]
    weights: Floats  # (labels, features)
    bias: Floats  # (labels,)
    encoder: str
    kind: str = "ovr"
    level: str = "sentence"  # what a row scores: one sentence, or the whole "document" (mean vector)

    def logits(self, x: Floats, rows: Sequence[int] | None = None) -> Floats:
        w = self.weights if rows is None else self.weights[list(rows)]
        b = self.bias if rows is None else self.bias[list(rows)]
        out: Floats = (np.asarray(x, dtype=np.float32) @ w.T + b).astype(np.float32)
        return out

    def predict(self, x: Floats, rows: Sequence[int] | None = None) -> Floats:
        z = self.logits(x, rows)
        if self.kind == "softmax":
            z = z - z.max(axis=-1, keepdims=True)
            e = np.exp(z)
            out: Floats = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
            return out
        return sigmoid(z).astype(np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            labels=np.asarray(self.labels, dtype=np.str_),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            encoder=np.asarray(self.encoder),
            kind=np.asarray(self.kind),
            level=np.asarray(self.level),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, encoder: str | None = None) -> LinearHead | None:
        """The head in ``path``, or None when absent, unreadable or fitted on another encoder."""
        try:
            if not path.is_file() or path.stat().st_size > MAX_HEAD_BYTES:
                return None
            with np.load(path, allow_pickle=False) as data:
                head = cls(
                    labels=tuple(str(x) for x in data["labels"].tolist()),
                    weights=np.asarray(data["weights"], dtype=np.float32),
                    bias=np.asarray(data["bias"], dtype=np.float32),
                    encoder=str(data["encoder"]),
                    kind=str(data["kind"]),
                    level=str(data["level"]) if "level" in data.files else "sentence",
                )
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring head %s: %s", path, exc)
            return None
        n = len(head.labels)
        if head.weights.ndim != 2 or head.weights.shape[0] != n or head.bias.shape != (n,):
            log.warning("ignoring head %s: shapes do not agree", path)
            return None
        if encoder is not None and head.encoder != encoder:
            log.warning("ignoring head %s: fitted for encoder %s, not %s", path, head.encoder, encoder)
            return None
        return head


HeadRow = tuple[Floats, float, str]  # weights, bias, level


def narrative_heads(folder: Path, encoder: str, dim: int) -> dict[str, HeadRow]:
    """Narrative id -> (weight row, bias, level) from ``folder/narrative-head.npz``: the head
    lives beside the narrative files it was fitted for (shipped ones in ``data/narratives``)."""
    head = LinearHead.load(Path(folder) / NARRATIVE_HEAD, encoder)
    if head is None or head.weights.shape[1] != dim or head.level not in ("sentence", "document"):
        return {}
    return {label: (head.weights[k], float(head.bias[k]), head.level) for k, label in enumerate(head.labels)}


def document_vector(rows: Floats) -> Floats:
    """An article's vector for document-level heads: the unit-length mean of its sentence
    (and headline) vectors, as ``narratives import-labelled`` fitted them."""
    if not len(rows):
        return np.zeros(rows.shape[1] if rows.ndim == 2 else 0, dtype=np.float32)
    v = rows.mean(axis=0)
    n = float(np.linalg.norm(v))
    out: Floats = (v / n if n > 0 else v).astype(np.float32)
    return out


def stance_head(encoder: str) -> LinearHead | None:
    return LinearHead.load(DATA / STANCE_HEAD, encoder)


def fit_logistic(
    x: Floats,
    y: npt.NDArray[np.int8],
    l2: float = 1e-3,
    steps: int = 300,
    rate: float = 0.05,
    max_pos_weight: float = 10.0,
) -> tuple[Floats, Floats]:
    """One-vs-rest logistic rows for a multi-label matrix ``y`` (examples x labels, 0/1).

    numpy only, so that ``narratives import-labelled`` runs on a plain install: full-batch
    Adam on the mean log-loss with an L2 penalty, each label's positives weighted by
    neg/pos (at most ``max_pos_weight``) so that rare labels are not all predicted absent.
    A few hundred documents of 512 dimensions fit in about a second.
    """
    n, dim = x.shape
    labels = y.shape[1]
    w = np.zeros((dim, labels), dtype=np.float64)
    b = np.zeros(labels, dtype=np.float64)
    yf = y.astype(np.float64)
    pos = yf.sum(axis=0)
    pw = np.clip((n - pos) / np.maximum(pos, 1.0), 1.0, max_pos_weight)
    sw = np.where(yf > 0, pw, 1.0)
    sw /= sw.mean(axis=0, keepdims=True)
    m_w = np.zeros_like(w)
    v_w = np.zeros_like(w)
    m_b = np.zeros_like(b)
    v_b = np.zeros_like(b)
    xd = x.astype(np.float64)
    for t in range(1, steps + 1):
        p = sigmoid(xd @ w + b)
        g = sw * (p - yf) / n
        gw = xd.T @ g + l2 * w
        gb = g.sum(axis=0)
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        corr = np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        w -= rate * corr * m_w / (np.sqrt(v_w) + 1e-8)
        b -= rate * corr * m_b / (np.sqrt(v_b) + 1e-8)
    return w.T.astype(np.float32), b.astype(np.float32)
