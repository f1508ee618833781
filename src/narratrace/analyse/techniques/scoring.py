"""The SemEval-2020 Task 11 measures, as functions (bench/eval_techniques.py prints them).

* Span identification (SI): overlapping spans are merged per article, ignoring the
  technique; precision sums, over predicted span *s* and gold span *t*, |s∩t|/|s| and
  divides by the number of predicted spans; recall sums |s∩t|/|t| over the number of
  gold spans (partial credit, the official scorer's C(s, t, h)).
* Technique classification (TC) given the gold spans: micro-F1; a span annotated
  with k techniques is asked for k labels, and each correct one counts.
* Full task: the SI measure computed within each technique (a predicted span earns
  credit only from gold spans of its own technique), micro-averaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, p: float, r: float) -> PRF:
        return cls(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping (not merely touching) ones merged."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap_sums(pred: list[Span], gold: list[Span]) -> tuple[float, float]:
    p_sum = r_sum = 0.0
    j0 = 0
    for s, e in pred:
        while j0 < len(gold) and gold[j0][1] <= s:
            j0 += 1
        j = j0
        while j < len(gold) and gold[j][0] < e:
            inter = min(e, gold[j][1]) - max(s, gold[j][0])
            if inter > 0:
                p_sum += inter / (e - s)
                r_sum += inter / (gold[j][1] - gold[j][0])
            j += 1
    return p_sum, r_sum


def span_prf(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> PRF:
    """Official SI precision/recall/F1 over articles (keys are article ids)."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for art in set(pred) | set(gold):
        ps, gs = merge(pred.get(art, ())), merge(gold.get(art, ()))
        n_pred += len(ps)
        n_gold += len(gs)
        a, b = _overlap_sums(ps, gs)
        p_sum += a
        r_sum += b
    return PRF.of(p_sum / n_pred if n_pred else 0.0, r_sum / n_gold if n_gold else 0.0)


def full_prf(
    pred: Mapping[str, Sequence[tuple[int, int, str]]], gold: Mapping[str, Sequence[tuple[int, int, str]]]
) -> PRF:
    """SI measured within each technique, micro-averaged: span and technique both right."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for art in set(pred) | set(gold):
        labels = {t for _, _, t in pred.get(art, ())} | {t for _, _, t in gold.get(art, ())}
        for lab in labels:
            ps = merge((s, e) for s, e, t in pred.get(art, ()) if t == lab)
            gs = merge((s, e) for s, e, t in gold.get(art, ()) if t == lab)
            n_pred += len(ps)
            n_gold += len(gs)
            a, b = _overlap_sums(ps, gs)
            p_sum += a
            r_sum += b
    return PRF.of(p_sum / n_pred if n_pred else 0.0, r_sum / n_gold if n_gold else 0.0)


def tc_micro_f1(pred: Sequence[Sequence[str]], gold: Sequence[Sequence[str]]) -> float:
    """Micro-F1 of technique labels for given spans: ``pred[i]`` and ``gold[i]`` label span i."""
    correct = n_pred = n_gold = 0
    for p, g in zip(pred, gold, strict=True):
        remaining = list(g)
        for lab in p:
            if lab in remaining:
                remaining.remove(lab)
                correct += 1
        n_pred += len(p)
        n_gold += len(g)
    prec = correct / n_pred if n_pred else 0.0
    rec = correct / n_gold if n_gold else 0.0
    return PRF.of(prec, rec).f1
