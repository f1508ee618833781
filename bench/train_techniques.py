"""Fit the techniques.v1 weights on the PTC training articles (SemEval-2020 Task 11).

    nice python bench/train_techniques.py [--ptc DIR] [--folds 3] [--out src/narratrace/analyse/techniques/data]

Research data, never copied: only the fitted weights (hashed feature arrays) are
written. Thresholds and the score calibration are chosen on cross-validated
predictions over the *training* articles (folds by article); the dev set is not
read here (bench/eval_techniques.py measures it).

The articles' sentences and gold spans are encoded once with the shipped USE (about
30 s) for the sentence gate and the classifier's encoder inputs; the smoother is fitted
on the out-of-fold tagger and gate logits and kept only when it beats the gate alone in
CV (``--no-smoother`` to leave it out).

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

from narratrace.analyse.techniques import features as F
from narratrace.analyse.techniques import lexicon as L
from narratrace.analyse.techniques import model as M
from narratrace.analyse.techniques import scoring as S
from narratrace.analyse.techniques import smoother as SM
from narratrace.analyse.techniques import vectors as V

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
        vecs = V.ArticleVectors(r["text"], ctx)
        sent_y = {k: 0 for k in vecs.sent_ids}
        for t, yi in zip(ctx.tokens, y, strict=True):
            sent_y[t.sent] |= int(yi)
        out.append({"id": r["id"], "text": r["text"], "ctx": ctx, "y": y, "spans": r["spans"], "gold": gold,
                    "vecs": vecs, "sent_y": [sent_y[k] for k in vecs.sent_ids]})
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


def span_rows(arts: list[dict[str, Any]], lexical: bool) -> tuple[list[list[int]], np.ndarray, list[str]]:
    """Hashed features, encoder inputs and label of every gold span."""
    rows, dense, labels = [], [], []
    for a in arts:
        for s in a["spans"]:
            rows.append(F.hashed(F.span_features(a["ctx"], s["start"], s["end"], a["text"], lexical)))
            labels.append(s["technique"])
        dense.append(a["vecs"].span_inputs([(s["start"], s["end"]) for s in a["spans"]]))
    return rows, np.vstack(dense), labels


def with_dense(x: sparse.csr_matrix, dense: np.ndarray) -> sparse.csr_matrix:
    """Hashed columns then the encoder columns (the classifier's weights split the same way)."""
    return sparse.hstack([x, sparse.csr_matrix(dense)], format="csr")


def fit_gate(arts: list[dict[str, Any]], folds: list[int], k_folds: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Sentence gate (logistic regression over the sentence vector): out-of-fold logits and final weights."""
    x = np.vstack([a["vecs"].gate_inputs() for a in arts])
    y = np.concatenate([np.asarray(a["sent_y"], dtype=np.int8) for a in arts])
    sent_art = np.concatenate([np.full(len(a["sent_y"]), i) for i, a in enumerate(arts)])
    sent_fold = np.asarray(folds)[sent_art]
    oof = np.zeros(len(y), dtype=np.float32)
    for k in range(k_folds):
        clf = LogisticRegression(C=1.0, max_iter=1000)
        clf.fit(x[sent_fold != k], y[sent_fold != k])
        oof[sent_fold == k] = clf.decision_function(x[sent_fold == k])
    clf = LogisticRegression(C=1.0, max_iter=1000)
    clf.fit(x, y)
    weights = np.concatenate([clf.coef_[0], clf.intercept_]).astype(np.float32)
    return [oof[sent_art == i] for i in range(len(arts))], weights


def token_gate(arts: list[dict[str, Any]], sent_logits: list[np.ndarray]) -> np.ndarray:
    """Each token's sentence gate logit, in the token order of ``token_rows``."""
    out = []
    for a, logits in zip(arts, sent_logits, strict=True):
        of = dict(zip(a["vecs"].sent_ids, logits, strict=True))
        out.append(np.array([of[t.sent] for t in a["ctx"].tokens], dtype=np.float32))
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def fit_tagger(x: sparse.csr_matrix, y: np.ndarray, c: float) -> np.ndarray:
    """L2 logistic regression (liblinear; SGD was faster but 0.013 SI F1 worse in CV)."""
    clf = LogisticRegression(C=c, solver="liblinear", fit_intercept=False, max_iter=200)
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32)


def fit_classifier(x: sparse.csr_matrix, labels: list[str], classes: list[str], c: float) -> np.ndarray:
    """One-vs-rest logistic regressions (liblinear); the analyser takes a softmax of their scores."""
    w = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
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


def split(w: np.ndarray, thr: float, gap: float, alpha: float = 0.0) -> M.FamilyWeights:
    """Family weights of a classifier fitted on ``with_dense`` columns (hashed, then encoder)."""
    return M.FamilyWeights(np.zeros(1, np.float32), w[:, : F.DIM], thr, gap, (1.0, 0.0),
                           dense=w[:, F.DIM :], gate_alpha=alpha)


def calibrate(
    arts: list[dict[str, Any]],
    probs: list[np.ndarray],
    folds: list[int],
    classifiers: list[np.ndarray],
    classes: list[str],
    best: tuple[float, float, float],
    lexical: bool,
) -> tuple[float, float]:
    """Platt scaling of span_prob * technique_prob on out-of-fold spans.

    A predicted span is a hit when it overlaps a gold span of the same PTC technique.
    """
    xs, ys = [], []
    for a, p, f in zip(arts, probs, folds, strict=True):
        fw = split(classifiers[f], best[1], best[2])
        toks = a["ctx"].tokens
        runs = M.decode(a["ctx"], list(p), fw)
        dense = a["vecs"].span_inputs([(toks[s].start, toks[e].end) for s, e, _ in runs])
        for (s, e, span_p), x in zip(runs, dense, strict=True):
            start, end = toks[s].start, toks[e].end
            q = M.softmax_scores(fw, F.hashed(F.span_features(a["ctx"], start, end, a["text"], lexical)), x)
            k = int(q.argmax())
            raw = min(max(span_p * float(q[k]), 1e-6), 1 - 1e-6)
            xs.append(np.log(raw / (1 - raw)))
            ys.append(any(g["technique"] == classes[k] and g["start"] < end and start < g["end"] for g in a["spans"]))
    clf = LogisticRegression(C=100.0)
    clf.fit(np.array(xs).reshape(-1, 1), np.array(ys, dtype=int))
    return float(clf.coef_[0][0]), float(clf.intercept_[0])


def tune_thresholds(arts: list[dict[str, Any]], p: np.ndarray, tok_art: np.ndarray) -> tuple[float, float, float]:
    """(CV SI F1, threshold, gap) best for out-of-fold token probabilities ``p``."""
    probs = [p[tok_art == i] for i in range(len(arts))]
    best = (0.0, 0.5, 0.5)
    for thr in np.arange(0.05, 0.6, 0.025):
        for gap in (thr, thr * 0.6, thr * 0.3):
            prf = si_at(arts, probs, float(thr), float(gap))
            if prf.f1 > best[0]:
                best = (prf.f1, float(thr), float(gap))
    return best


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def fit_smoother(
    arts: list[dict[str, Any]], z: np.ndarray, g: np.ndarray, tok_art: np.ndarray, folds: list[int], k_folds: int
) -> tuple[np.ndarray, np.ndarray]:
    """The second-level token model on out-of-fold logits: its own out-of-fold probabilities and final weights."""
    x = np.vstack([SM.inputs(a["ctx"], z[tok_art == i], g[tok_art == i]) for i, a in enumerate(arts)])
    y = np.concatenate([a["y"] for a in arts])
    tok_fold = np.asarray(folds)[tok_art]
    oof = np.zeros(len(y), dtype=np.float32)
    for k in range(k_folds):
        clf = LogisticRegression(C=1.0, max_iter=1000)
        clf.fit(x[tok_fold != k], y[tok_fold != k])
        oof[tok_fold == k] = clf.predict_proba(x[tok_fold == k])[:, 1]
    clf = LogisticRegression(C=1.0, max_iter=1000)
    clf.fit(x, y)
    return oof, np.concatenate([clf.coef_[0], clf.intercept_]).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--tagger-c", type=float, default=0.1)
    ap.add_argument("--classifier-c", type=float, default=1.0)
    ap.add_argument("--smoother", action=argparse.BooleanOptionalAction, default=True,
                    help="fit the second-level token model (kept only when it beats the gate in CV)")
    ap.add_argument("--out", type=Path, default=Path(M.__file__).parent / "data")
    args = ap.parse_args(argv)
    t0 = time.time()
    arts = prepare(read(args.ptc / "ptc_semeval2020_train.jsonl"))
    classes = sorted({s["technique"] for a in arts for s in a["spans"]})
    folds = fold_of(arts, args.folds)
    print(f"{len(arts)} training articles, {sum(len(a['y']) for a in arts)} tokens ({time.time() - t0:.0f}s)")
    gate_oof, gate_w = fit_gate(arts, folds, args.folds)
    gate_tok = token_gate(arts, gate_oof)
    arrays: dict[str, np.ndarray] = {"gate": gate_w.astype(np.float16)}
    meta: dict[str, Any] = {
        "name": "techniques.v1",
        "trained_on": "PTC SemEval-2020 Task 11 training articles (371); weights only",
        "feature_bits": F.DIM_BITS,
        "encoder": V.DEFAULT_ENCODER,
        "dense_scale": V.SCALE,
        "classes": classes,
        "families": {},
    }
    for fam, lexical in FAMILIES.items():
        trows = token_rows(arts, lexical)
        x_tok = matrix(trows)
        y_tok = np.concatenate([a["y"] for a in arts])
        tok_art = np.concatenate([np.full(len(a["y"]), i) for i, a in enumerate(arts)])
        srows, sdense, slabels = span_rows(arts, lexical)
        x_span = with_dense(matrix(srows), sdense)
        fold_classifiers: list[np.ndarray] = []
        span_art = np.array([i for i, a in enumerate(arts) for _ in a["spans"]])
        oof_tok = np.zeros(len(y_tok), dtype=np.float32)
        oof_span = np.zeros((len(slabels), len(classes)), dtype=np.float32)
        for k in range(args.folds):
            test_arts = {i for i, f in enumerate(folds) if f == k}
            tr = ~np.isin(tok_art, list(test_arts))
            w = fit_tagger(x_tok[tr], y_tok[tr], args.tagger_c)
            oof_tok[~tr] = x_tok[~tr] @ w
            trs = ~np.isin(span_art, list(test_arts))
            train_labels = [lab for lab, m in zip(slabels, trs, strict=True) if m]
            wc = fit_classifier(x_span[trs], train_labels, classes, args.classifier_c)
            fold_classifiers.append(wc)
            sc = x_span[~trs] @ wc.T
            sc = np.exp(sc - sc.max(axis=1, keepdims=True))
            oof_span[~trs] = sc / sc.sum(axis=1, keepdims=True)
            print(f"  {fam} fold {k} done ({time.time() - t0:.0f}s)", flush=True)
        best, alpha, p = (0.0, 0.5, 0.5), 0.0, oof_tok
        for a_try in (0.0, 1.0, 1.5, 2.0, 3.0):
            p_try = sigmoid(oof_tok + a_try * gate_tok)
            b_try = tune_thresholds(arts, p_try, tok_art)
            print(f"    gate weight {a_try}: CV SI F1 {b_try[0]:.4f}", flush=True)
            if b_try[0] > best[0]:
                best, alpha, p = b_try, a_try, p_try
        smooth_p, smooth_w = fit_smoother(arts, oof_tok, gate_tok, tok_art, folds, args.folds)
        b_smooth = tune_thresholds(arts, smooth_p, tok_art)
        print(f"    smoother: CV SI F1 {b_smooth[0]:.4f}", flush=True)
        use_smoother = args.smoother and b_smooth[0] > best[0]
        if use_smoother:
            best, p = b_smooth, smooth_p
            arrays[f"{fam}_smoother"] = smooth_w
        probs = [p[tok_art == i] for i in range(len(arts))]
        tc = S.tc_micro_f1([[classes[int(np.argmax(p))]] for p in oof_span], [[lab] for lab in slabels])
        print(f"{fam}: CV SI F1 {best[0]:.3f} at threshold {best[1]:.3f} gap {best[2]:.3f} gate {alpha} "
              f"smoother {use_smoother}; CV TC micro-F1 (one label per span) {tc:.3f}")
        calib = calibrate(arts, probs, folds, fold_classifiers, classes, best, lexical)
        print(f"{fam}: Platt calibration a={calib[0]:.3f} b={calib[1]:.3f}")
        arrays[f"{fam}_tagger"] = fit_tagger(x_tok, y_tok, args.tagger_c).astype(np.float16)
        wc = fit_classifier(x_span, slabels, classes, args.classifier_c)
        arrays[f"{fam}_classifier"] = wc[:, : F.DIM].astype(np.float16)
        arrays[f"{fam}_dense"] = wc[:, F.DIM :].astype(np.float16)
        meta["families"][fam] = {
            "threshold": best[1], "gap": best[2], "gate_alpha": alpha, "calib": list(calib),
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
