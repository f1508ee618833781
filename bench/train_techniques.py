"""Fit the techniques.v1 weights on the PTC training articles (SemEval-2020 Task 11).

    nice python bench/train_techniques.py [--ptc DIR] [--folds 3] [--out src/narratrace/analyse/techniques/data]

Research data, never copied: only the fitted weights (hashed feature arrays) are
written. Thresholds and the score calibration are chosen on cross-validated
predictions over the *training* articles (folds by article); the dev set is not
read here (bench/eval_techniques.py measures it).

Needs scikit-learn (``pip install -e '.[train]'``); the analyser itself does not.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from narratrace.analyse.techniques import features as F
from narratrace.analyse.techniques import lexicon as L
from narratrace.analyse.techniques import model as M
from narratrace.analyse.techniques import scoring as S

DEFAULT_PTC = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "eval" / "persuasion"
FAMILIES = {"lex": True, "uni": False}


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lex = L.load("en")
    out = []
    for r in rows:
        ctx = F.context(r["text"], lex)
        gold = S.merge((s["start"], s["end"]) for s in r["spans"])
        y = np.zeros(len(ctx.tokens), dtype=np.int8)
        j = 0
        for i, t in enumerate(ctx.tokens):
            while j < len(gold) and gold[j][1] <= t.start:
                j += 1
            if j < len(gold) and gold[j][0] < t.end:
                y[i] = 1
        out.append({"id": r["id"], "text": r["text"], "ctx": ctx, "y": y, "spans": r["spans"], "gold": gold})
    return out


def matrix(rows: list[list[int]]) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    m = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), F.DIM))
    m.sum_duplicates()
    return m


def token_rows(arts: list[dict[str, Any]], lexical: bool) -> list[list[int]]:
    return [F.hashed(F.token_features(a["ctx"], i, lexical)) for a in arts for i in range(len(a["ctx"].tokens))]


def span_rows(arts: list[dict[str, Any]], lexical: bool) -> tuple[list[list[int]], list[str]]:
    rows, labels = [], []
    for a in arts:
        for s in a["spans"]:
            rows.append(F.hashed(F.span_features(a["ctx"], s["start"], s["end"], a["text"], lexical)))
            labels.append(s["technique"])
    return rows, labels


def fit_tagger(x: sparse.csr_matrix, y: np.ndarray, c: float) -> np.ndarray:
    """L2 logistic regression (liblinear; SGD was faster but 0.013 SI F1 worse in CV)."""
    clf = LogisticRegression(C=c, solver="liblinear", fit_intercept=False, max_iter=200)
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32)


def fit_classifier(x: sparse.csr_matrix, labels: list[str], classes: list[str], c: float) -> np.ndarray:
    """One-vs-rest logistic regressions (liblinear); the analyser takes a softmax of their scores."""
    w = np.zeros((len(classes), F.DIM), dtype=np.float32)
    for k, lab in enumerate(classes):
        y = np.array([t == lab for t in labels], dtype=np.int8)
        if y.sum() == 0:
            continue
        clf = LogisticRegression(C=c, solver="liblinear", fit_intercept=False, max_iter=200)
        clf.fit(x, y)
        w[k] = clf.coef_[0]
    return w


def fold_of(arts: list[dict[str, Any]], k: int) -> list[int]:
    return [i % k for i in range(len(arts))]


def si_at(arts: list[dict[str, Any]], probs: list[np.ndarray], thr: float, gap: float) -> S.PRF:
    fw = M.FamilyWeights(np.zeros(1, np.float32), np.zeros((1, 1), np.float32), thr, gap, (1.0, 0.0))
    pred, gold = {}, {}
    for a, p in zip(arts, probs, strict=False):
        toks = a["ctx"].tokens
        pred[a["id"]] = [(toks[s].start, toks[e].end) for s, e, _ in M.decode(a["ctx"], list(p), fw)]
        gold[a["id"]] = a["gold"]
    return S.span_prf(pred, gold)


def calibrate(
    arts: list[dict[str, Any]],
    probs: list[np.ndarray],
    folds: list[int],
    classifiers: list[np.ndarray],
    classes: list[str],
    best: tuple[float, float, float],
    lexical: bool,
    norm: bool,
) -> tuple[float, float]:
    """Platt scaling of span_prob * technique_prob on out-of-fold spans.

    A predicted span is a hit when it overlaps a gold span of the same PTC technique.
    """
    xs, ys = [], []
    for a, p, f in zip(arts, probs, folds, strict=True):
        fw = M.FamilyWeights(np.zeros(1, np.float32), classifiers[f], best[1], best[2], (1.0, 0.0), norm)
        toks = a["ctx"].tokens
        for s, e, span_p in M.decode(a["ctx"], list(p), fw):
            start, end = toks[s].start, toks[e].end
            q = M.softmax_scores(fw, F.hashed(F.span_features(a["ctx"], start, end, a["text"], lexical)))
            k = int(q.argmax())
            raw = min(max(span_p * float(q[k]), 1e-6), 1 - 1e-6)
            xs.append(np.log(raw / (1 - raw)))
            ys.append(any(g["technique"] == classes[k] and g["start"] < end and start < g["end"] for g in a["spans"]))
    clf = LogisticRegression(C=100.0)
    clf.fit(np.array(xs).reshape(-1, 1), np.array(ys, dtype=int))
    return float(clf.coef_[0][0]), float(clf.intercept_[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--tagger-c", type=float, default=0.1)
    ap.add_argument("--classifier-c", type=float, default=1.0)
    ap.add_argument("--normalise", action=argparse.BooleanOptionalAction, default=False,
                    help="L2-normalise span feature counts before the classifier")
    ap.add_argument("--out", type=Path, default=Path(M.__file__).parent / "data")
    args = ap.parse_args(argv)
    t0 = time.time()
    arts = prepare(read(args.ptc / "ptc_semeval2020_train.jsonl"))
    classes = sorted({s["technique"] for a in arts for s in a["spans"]})
    folds = fold_of(arts, args.folds)
    print(f"{len(arts)} training articles, {sum(len(a['y']) for a in arts)} tokens ({time.time() - t0:.0f}s)")
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {
        "name": "techniques.v1",
        "trained_on": "PTC SemEval-2020 Task 11 training articles (371); weights only",
        "feature_bits": F.DIM_BITS,
        "classes": classes,
        "families": {},
    }
    for fam, lexical in FAMILIES.items():
        trows = token_rows(arts, lexical)
        x_tok = matrix(trows)
        y_tok = np.concatenate([a["y"] for a in arts])
        tok_art = np.concatenate([np.full(len(a["y"]), i) for i, a in enumerate(arts)])
        srows, slabels = span_rows(arts, lexical)
        x_span = matrix(srows)
        if args.normalise:
            x_span = normalize(x_span)
        fold_classifiers: list[np.ndarray] = []
        span_art = np.array([i for i, a in enumerate(arts) for _ in a["spans"]])
        oof_tok = np.zeros(len(y_tok), dtype=np.float32)
        oof_span = np.zeros((len(slabels), len(classes)), dtype=np.float32)
        for k in range(args.folds):
            test_arts = {i for i, f in enumerate(folds) if f == k}
            tr = ~np.isin(tok_art, list(test_arts))
            w = fit_tagger(x_tok[tr], y_tok[tr], args.tagger_c)
            oof_tok[~tr] = 1 / (1 + np.exp(-(x_tok[~tr] @ w)))
            trs = ~np.isin(span_art, list(test_arts))
            train_labels = [lab for lab, m in zip(slabels, trs, strict=True) if m]
            wc = fit_classifier(x_span[trs], train_labels, classes, args.classifier_c)
            fold_classifiers.append(wc)
            sc = x_span[~trs] @ wc.T
            sc = np.exp(sc - sc.max(axis=1, keepdims=True))
            oof_span[~trs] = sc / sc.sum(axis=1, keepdims=True)
            print(f"  {fam} fold {k} done ({time.time() - t0:.0f}s)")
        probs = [oof_tok[tok_art == i] for i in range(len(arts))]
        best = (0.0, 0.5, 1.0)
        for thr in np.arange(0.15, 0.6, 0.025):
            for gap in (thr, thr * 0.6, thr * 0.3):
                prf = si_at(arts, probs, float(thr), float(gap))
                if prf.f1 > best[0]:
                    best = (prf.f1, float(thr), float(gap))
        tc = S.tc_micro_f1([[classes[int(np.argmax(p))]] for p in oof_span], [[lab] for lab in slabels])
        print(f"{fam}: CV SI F1 {best[0]:.3f} at threshold {best[1]:.3f} gap {best[2]:.3f}; "
              f"CV TC micro-F1 (one label per span) {tc:.3f}")
        calib = calibrate(arts, probs, folds, fold_classifiers, classes, best, lexical, args.normalise)
        print(f"{fam}: Platt calibration a={calib[0]:.3f} b={calib[1]:.3f}")
        arrays[f"{fam}_tagger"] = fit_tagger(x_tok, y_tok, args.tagger_c).astype(np.float16)
        arrays[f"{fam}_classifier"] = fit_classifier(x_span, slabels, classes, args.classifier_c).astype(np.float16)
        meta["families"][fam] = {
            "threshold": best[1], "gap": best[2], "calib": list(calib), "classifier_norm": args.normalise,
            "cv": {"si_f1": round(best[0], 4), "tc_micro_f1": round(tc, 4), "folds": args.folds},
        }
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "model.npz", **arrays)
    (args.out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    size = (args.out / "model.npz").stat().st_size / 1e6
    print(f"wrote {args.out / 'model.npz'} ({size:.1f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
