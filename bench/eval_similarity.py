"""Pearson correlation of the same-story score with gold article-pair judgements.

    .venv/bin/python bench/eval_similarity.py --data ../shared/eval/similarity/semeval2022t8_dev.jsonl

Input lines: {pair_id, lang1, lang2, text1, text2, overall} with overall 1 (same
story) .. 4 (unrelated), so the score is correlated with -overall. Prints the shipped
model's Pearson overall and per language pair, the plain pooled cosine as baseline,
and a K-fold cross-validated Pearson (weights refitted on K-1 folds, scored on the
held-out fold). ``--fit`` refits the weights on all pairs and writes
src/narratrace/stories/data/similarity_model.json, or ``--out FILE``: with
``--encoder onnx:DIR`` (another encoder) the weights are that encoder's, for
``narratrace similarity --encoder onnx:DIR --weights FILE``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.embed import DEFAULT_ENCODER, get_encoder
from narratrace.stories.similarity import (
    CROSS_FEATURES,
    FEATURES,
    Pair,
    check_encoder,
    cross_language,
    pair_features,
    scores_from_features,
)

MODEL_PATH = Path(__file__).resolve().parents[1] / "src/narratrace/stories/data/similarity_model.json"


def fit(features: np.ndarray, target: np.ndarray, l2: float = 1e-2) -> tuple[np.ndarray, float]:
    """Ridge least squares of the target (1 = same story, 0 = unrelated) on the features."""
    x = np.hstack([features, np.ones((len(features), 1))])
    w = np.linalg.solve(x.T @ x + l2 * np.eye(x.shape[1]), x.T @ target)
    return w[:-1], float(w[-1])


MIN_CROSS_PAIRS = 50


def fit_model(feats: np.ndarray, target: np.ndarray, cross: np.ndarray) -> dict[str, object]:
    """Same-language weights from same-language pairs; cross-language weights, over the
    language-independent features, from the cross-language pairs when there are enough of
    them (a cosine means less across languages: fitted on all pairs, the cross-language
    score was worse than the plain cosine on de-en), otherwise from all pairs."""
    w_same, b_same = fit(feats[~cross], target[~cross])
    cols = [FEATURES.index(n) for n in CROSS_FEATURES]
    rows = cross if int(cross.sum()) >= MIN_CROSS_PAIRS else np.ones(len(cross), dtype=bool)
    w_cross, b_cross = fit(feats[rows][:, cols], target[rows])
    return {
        "same_language": {"features": list(FEATURES), "weights": [round(float(w), 6) for w in w_same],
                          "bias": round(b_same, 6)},
        "cross_language": {"features": list(CROSS_FEATURES),
                           "weights": [round(float(w), 6) for w in w_cross], "bias": round(b_cross, 6)},
    }


class _Cached:
    """The encoder with a memory: scoring 783 pairs one by one re-encodes no sentence."""

    def __init__(self, encoder: Any) -> None:
        self.name, self.dim, self._encoder = encoder.name, encoder.dim, encoder
        self._seen: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self._encoder.encode(missing), strict=True))
        return np.vstack([self._seen[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1]) if len(a) > 2 and np.std(a) > 0 else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=None, help="keep the features here (.npy)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fit", action="store_true", help="refit and write the shipped model (or --out)")
    ap.add_argument("--out", type=Path, default=None, help="weights file: written by --fit, read otherwise")
    ap.add_argument("--encoder", default=DEFAULT_ENCODER, help="encoder spec, e.g. onnx:/models/labse")
    ap.add_argument("--alone", action="store_true",
                    help="also score every pair on its own (as a one-line file) and compare with the batch")
    args = ap.parse_args()
    if args.encoder != DEFAULT_ENCODER and args.fit and args.out is None:
        ap.error("--fit with another --encoder needs --out: the shipped weights are USE v3's")
    encoder = get_encoder(args.encoder)
    out_path = args.out or MODEL_PATH
    if not args.fit:
        if not out_path.exists():
            ap.error(f"no weights at {out_path}: run with --fit")
        try:
            check_encoder(json.loads(out_path.read_text(encoding="utf-8")), encoder)
        except ValueError as exc:
            ap.error(str(exc))
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    pairs = [Pair(str(r["pair_id"]), r["text1"] or "", r["text2"] or "", r.get("lang1"), r.get("lang2"))
             for r in rows]
    tag = args.cache.with_name(args.cache.name + ".encoder") if args.cache is not None else None
    cached_by = tag.read_text(encoding="utf-8") if tag is not None and tag.exists() else DEFAULT_ENCODER
    if args.cache is not None and args.cache.exists() and cached_by == encoder.name:
        feats = np.load(args.cache)
    else:
        feats = pair_features(pairs, encoder)
        if args.cache is not None and tag is not None:
            np.save(args.cache, feats)
            tag.write_text(encoder.name, encoding="utf-8")
    gold = -np.asarray([float(r["overall"]) for r in rows])
    target = (4.0 + gold) / 3.0
    cross = cross_language(pairs)
    if args.fit:
        model = fit_model(feats, target, cross)
        model["fitted_on"] = f"{args.data.name} ({len(rows)} pairs), ridge l2=0.01"
        model["encoder"] = encoder.name
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out_path}")
    model = json.loads(out_path.read_text(encoding="utf-8"))
    scores = scores_from_features(feats, cross, model)
    langs = [f"{r.get('lang1')}-{r.get('lang2')}" for r in rows]
    print(f"pairs={len(rows)}")
    print(f"ALL\tmodel pearson={pearson(scores, gold):.3f}"
          f"\tpooled-cosine pearson={pearson(feats[:, 0], gold):.3f}")
    by_lang: dict[str, list[int]] = collections.defaultdict(list)
    for i, lang in enumerate(langs):
        by_lang[lang].append(i)
    for lang in sorted(by_lang, key=lambda x: -len(by_lang[x])):
        idx = by_lang[lang]
        print(f"{lang} (n={len(idx)})\tmodel={pearson(scores[idx], gold[idx]):.3f}"
              f"\tpooled-cosine={pearson(feats[idx, 0], gold[idx]):.3f}")
    if args.alone:
        cached = _Cached(encoder)
        alone = np.array([scores_from_features(pair_features([p], cached), cross[i : i + 1], model)[0]
                          for i, p in enumerate(pairs)])
        diff = np.abs(alone - scores)
        print(f"each pair alone: pearson={pearson(alone, gold):.3f}"
              f"\t|alone - batch| mean={diff.mean():.3f} max={diff.max():.3f}")
    if args.folds > 1:
        fold = np.random.RandomState(0).permutation(len(rows)) % args.folds
        pred = np.zeros(len(rows))
        for k in range(args.folds):
            train = fold != k
            fold_model = fit_model(feats[train], target[train], cross[train])
            pred[~train] = scores_from_features(feats[~train], cross[~train], fold_model)
        print(f"{args.folds}-fold cross-validated pearson={pearson(pred, gold):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
