"""Narratives defined by labelled example documents (``narratives import-labelled``).

Input: JSON Lines ``{id, lang, text, narratives: [labels], subnarratives: [labels]}`` and a
taxonomy ``{narratives: [labels], subnarratives: [labels]}`` (the SemEval-2025 Task 10 layout;
``"Other"`` means no narrative, ``"<domain>: <narrative>: Other"`` the narrative without one
of its listed subnarratives). Output, in the catalogue folder: one narrative file per label
(its ``title`` is exactly the label, a subnarrative names its ``parent``) and one
``narrative-head.npz`` of document-level logistic rows fitted on the examples' document vectors.

Why document level: labels of this kind describe a whole article ("Discrediting Ukraine"),
not a sentence, and the examples say nothing about which sentence carries them. The decision
threshold of each level (narratives, subnarratives) is chosen by 3-fold cross-validation on
the examples (the task's F1-samples) and folded into the biases, so a score of 0.5 is the
boundary, as for every other narrative. numpy only: this runs on a plain install.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..embed import Encoder, get_encoder
from .catalogue import Narrative, slugify, unique_id, write_narrative
from .head import NARRATIVE_HEAD, LinearHead, document_vector, fit_logistic, sigmoid
from .matcher import document_texts

MAX_LINE_BYTES = 2_000_000
MAX_DOCUMENTS = 200_000
MAX_LABELS = 5_000
NO_LABEL = "Other"


class LabelledError(ValueError):
    """A taxonomy or example file that cannot be used; the message says what to fix."""


@dataclass
class LabelledResult:
    written: list[Path] = field(default_factory=list)
    head: Path | None = None
    documents: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: reason"
    thresholds: dict[str, float] = field(default_factory=dict)  # level -> cross-validated threshold
    examples: dict[str, int] = field(default_factory=dict)  # narrative id -> positive documents


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    narratives: tuple[str, ...]
    subnarratives: tuple[str, ...]


def is_label(label: str) -> bool:
    """Whether a taxonomy label names a narrative (not "Other" nor "<...>: Other")."""
    return label != NO_LABEL and not label.endswith(": " + NO_LABEL)


def read_taxonomy(path: str | Path) -> tuple[list[str], list[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelledError(f"{path}: not a readable JSON taxonomy ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("narratives"), list):
        raise LabelledError(f"{path}: expected {{\"narratives\": [labels], \"subnarratives\": [labels]}}")
    coarse = [str(x) for x in data["narratives"] if isinstance(x, str) and is_label(x)]
    fine = [str(x) for x in data.get("subnarratives") or [] if isinstance(x, str) and is_label(x)]
    if len(coarse) + len(fine) > MAX_LABELS:
        raise LabelledError(f"{path}: more than {MAX_LABELS} labels")
    return coarse, fine


def read_examples(path: str | Path, skipped: list[str]) -> Iterator[Example]:
    """Valid example lines; the others are reported in ``skipped`` and left out."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if n > MAX_DOCUMENTS:
                skipped.append(f"line {n}: more than {MAX_DOCUMENTS} documents; the rest is ignored")
                return
            if len(raw) > MAX_LINE_BYTES:
                skipped.append(f"line {n}: longer than {MAX_LINE_BYTES} bytes")
                continue
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                skipped.append(f"line {n}: not a JSON object ({str(exc)[:80]})")
                continue
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
                skipped.append(f"line {n}: needs a non-empty 'text'")
                continue
            labels = [row.get("narratives") or [], row.get("subnarratives") or []]
            if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in labels):
                skipped.append(f"line {n}: 'narratives' and 'subnarratives' must be lists of labels")
                continue
            yield Example(str(row.get("id") or f"line-{n}"), str(row.get("lang") or "und"), row["text"],
                          tuple(labels[0]), tuple(labels[1]))


def _parent_of(fine: str, coarse: Sequence[str]) -> str | None:
    """"URW: Discrediting Ukraine: Ukraine is ..." -> "URW: Discrediting Ukraine" when listed."""
    best = None
    for c in coarse:
        if fine.startswith(c + ": ") and (best is None or len(c) > len(best)):
            best = c
    return best


def f1_samples(gold: Sequence[set[str]], pred: Sequence[set[str]]) -> float:
    """The task's metric: per-document F1 of the label sets ("Other" when empty), averaged."""
    scores = []
    for g, p in zip(gold, pred, strict=True):
        g = g or {NO_LABEL}
        p = p or {NO_LABEL}
        tp = len(g & p)
        scores.append(0.0 if tp == 0 else 2 * tp / (len(g) + len(p)))
    return float(np.mean(scores)) if scores else 0.0


def label_sets(probs: npt.NDArray[np.float32], labels: Sequence[str], coarse_of: dict[str, str | None],
               t_coarse: float, t_fine: float) -> tuple[list[set[str]], list[set[str]]]:
    """Predicted coarse and fine label sets; a subnarrative implies its parent narrative, and a
    narrative without a subnarrative is "<narrative>: Other", as the task scores it."""
    coarse_out, fine_out = [], []
    is_fine = np.asarray([lab in coarse_of for lab in labels])
    for row in probs:
        fine = {labels[int(k)] for k in np.flatnonzero(is_fine & (row >= t_fine))}
        coarse = {labels[int(k)] for k in np.flatnonzero(~is_fine & (row >= t_coarse))}
        coarse |= {p for f in fine if (p := coarse_of[f])}
        fine |= {f"{c}: {NO_LABEL}" for c in coarse if not any(coarse_of.get(f) == c for f in fine)}
        coarse_out.append(coarse)
        fine_out.append(fine)
    return coarse_out, fine_out


def _fold(doc_id: str, k: int) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % k


def _targets(examples: Sequence[Example], labels: Sequence[str]) -> npt.NDArray[np.int8]:
    col = {lab: k for k, lab in enumerate(labels)}
    y = np.zeros((len(examples), len(labels)), dtype=np.int8)
    for i, ex in enumerate(examples):
        for lab in (*ex.narratives, *ex.subnarratives):
            if lab in col:
                y[i, col[lab]] = 1
    return y


def _choose_thresholds(x: npt.NDArray[np.float32], y: npt.NDArray[np.int8], examples: Sequence[Example],
                       labels: Sequence[str], coarse_of: dict[str, str | None]) -> dict[str, float]:
    """Thresholds maximising cross-validated F1-samples at each level (3 folds by document id)."""
    probs = np.zeros(y.shape, dtype=np.float32)
    folds = np.asarray([_fold(ex.id, 3) for ex in examples])
    for k in range(3):
        train, test = folds != k, folds == k
        if not train.any() or not test.any():
            continue
        w, b = fit_logistic(x[train], y[train])
        probs[test] = sigmoid(x[test] @ w.T + b)
    gold_c = [{lab for lab in ex.narratives if lab != NO_LABEL} for ex in examples]
    gold_f = [{lab for lab in ex.subnarratives if lab != NO_LABEL} for ex in examples]
    grid = [round(float(t), 2) for t in np.arange(0.1, 0.96, 0.05)]
    best_c = max(grid, key=lambda t: f1_samples(gold_c, label_sets(probs, labels, coarse_of, t, 2.0)[0]))
    best_f = max(grid, key=lambda t: f1_samples(gold_f, label_sets(probs, labels, coarse_of, best_c, t)[1]))
    return {"narratives": float(best_c), "subnarratives": float(best_f)}


def import_labelled(
    file: str | Path,
    taxonomy: str | Path,
    catalog: str | Path,
    encoder: Encoder | None = None,
    overwrite: bool = False,
) -> LabelledResult:
    """Create the taxonomy's narratives in ``catalog`` and fit their document head on ``file``."""
    coarse, fine = read_taxonomy(taxonomy)
    result = LabelledResult()
    examples = list(read_examples(file, result.skipped))
    known = set(coarse) | set(fine) | {NO_LABEL}
    for ex in examples:
        for lab in (*ex.narratives, *ex.subnarratives):
            if lab not in known and is_label(lab):
                result.skipped.append(f"document {ex.id}: label {lab!r} is not in the taxonomy (ignored)")
    result.documents = len(examples)
    if not examples:
        raise LabelledError(f"{file}: no usable example documents")
    enc = encoder or get_encoder()
    labels = [*coarse, *fine]
    coarse_of: dict[str, str | None] = {f: _parent_of(f, coarse) for f in fine}
    x = np.stack([document_vector(enc.encode(document_texts(ex.text, None))) for ex in examples])
    y = _targets(examples, labels)
    thresholds = _choose_thresholds(x, y, examples, labels, coarse_of)
    result.thresholds = thresholds
    w, b = fit_logistic(x, y)
    ids: dict[str, str] = {}
    for lab in labels:
        ids[lab] = unique_id(slugify(lab, 100), ids.values())
    for k, lab in enumerate(labels):
        t = thresholds["subnarratives" if lab in coarse_of else "narratives"]
        b[k] -= math.log(t / (1.0 - t))  # probability t becomes the 0.5 boundary
    folder = Path(catalog)
    for k, lab in enumerate(labels):
        positives = int(y[:, k].sum())
        result.examples[ids[lab]] = positives
        langs = sorted({ex.lang for ex, yes in zip(examples, y[:, k], strict=True) if yes})
        parent = coarse_of.get(lab)
        claim = lab.rsplit(": ", 1)[-1] if ": " in lab else lab
        narrative = Narrative(
            id=ids[lab],
            title=lab,
            summary=f"Learnt from {positives} labelled example document(s)"
                    + (f" in {', '.join(langs)}" if langs else "") + f" ({Path(file).name}).",
            claims={"und": (claim,)},
            parent=ids[parent] if parent else None,
            sources=(f"labelled examples: {Path(file).name}",),
        )
        result.written.append(write_narrative(narrative, folder, overwrite=overwrite))
    head = LinearHead(tuple(ids[lab] for lab in labels), w, b, enc.name, "ovr", "document")
    result.head = folder / NARRATIVE_HEAD
    head.save(result.head)
    return result


def describe(result: LabelledResult) -> dict[str, Any]:
    """What the CLI prints with --json."""
    return {
        "documents": result.documents,
        "narratives": len(result.written),
        "head": str(result.head) if result.head else None,
        "thresholds": result.thresholds,
        "examples": result.examples,
        "skipped": result.skipped,
    }
