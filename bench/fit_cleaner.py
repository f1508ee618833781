"""Fit the pasted-page line classifier (``clean/data/lines.json``) on the training pages.

    python bench/fit_cleaner.py [--pages PATH] [--out src/narratrace/clean/data/lines.json]

Only the training split of ``bench/cleaning_data.py`` is read (held-out sites never
are). Each page is rendered as pasted text and its lines labelled article / debris
from the expected text; unsure lines give context but no label. Two small networks
(one tanh hidden layer, full-batch Adam, numpy only), balanced between the classes: the
first on the line's own and its neighbours' features, the second adding the first's
scores of the neighbours, trained on out-of-fold first-pass scores (folds by site) so
it does not learn an overconfident first pass. The threshold keeps 99% of the
article lines in site-fold cross-validation; the figures printed are that
cross-validation's, not a held-out measure (bench/eval_cleaning.py gives that).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleaning_data import Reference, label_line, load_pages, render_text

from narratrace.clean.lines import FIRST_PASS, SECOND_PASS, context, features
from narratrace.clean.text import TextCleaner, normalise
from narratrace.text.language import stop_words

OUT = Path(__file__).resolve().parents[1] / "src" / "narratrace" / "clean" / "data" / "lines.json"
FOLDS = 4
L2 = 1e-4
HIDDEN = 16
EPOCHS = 600
RATE = 0.02
THRESHOLD = 0.5  # region selection gains (score - threshold): balanced classes


def fit_pass(x: Any, y: Any, w: Any, seed: int = 0) -> dict[str, Any]:
    """A one-hidden-layer network, full-batch Adam on the class-balanced log loss."""
    rng = np.random.default_rng(seed)
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-3)
    z = (x - mean) / scale
    params = {"w1": rng.normal(0, 1 / np.sqrt(z.shape[1]), (z.shape[1], HIDDEN)), "b1": np.zeros(HIDDEN),
              "w2": rng.normal(0, 1 / np.sqrt(HIDDEN), HIDDEN), "b2": np.zeros(1)}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(val) for k, val in params.items()}
    wn = w / w.sum()
    for t in range(1, EPOCHS + 1):
        h = np.tanh(z @ params["w1"] + params["b1"])
        p = 1.0 / (1.0 + np.exp(-np.clip(h @ params["w2"] + params["b2"][0], -30, 30)))
        d_out = wn * (p - y)
        d_h = np.outer(d_out, params["w2"]) * (1 - h * h)
        grads = {"w2": h.T @ d_out + L2 * params["w2"], "b2": np.array([d_out.sum()]),
                 "w1": z.T @ d_h + L2 * params["w1"], "b1": d_h.sum(axis=0)}
        for k in params:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
            params[k] -= RATE * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
    return {"mean": mean, "scale": scale, "w1": params["w1"], "b1": params["b1"], "w2": params["w2"],
            "b2": float(params["b2"][0])}


def predict(params: dict[str, Any], x: Any) -> Any:
    h = np.tanh(((x - params["mean"]) / params["scale"]) @ params["w1"] + params["b1"])
    return 1.0 / (1.0 + np.exp(-np.clip(h @ params["w2"] + params["b2"], -30, 30)))


def page_rows() -> list[tuple[str, Any, Any, Any]]:
    """(site, features, labels 1/0/-1) for every training page."""
    rows = []
    cleaner = TextCleaner()
    for page in load_pages():
        if page.holdout:
            continue
        text = normalise(render_text(page.html)).split("\n")
        lines = [text[i].strip() for i in cleaner.model_lines(text)]  # what the cleaner gives the model
        if len(lines) < 5:
            continue
        ref = Reference.of(page.expected)
        labels = np.array([{"article": 1, "debris": 0}.get(label_line(ln, ref), -1) for ln in lines])
        rows.append((page.site, features(lines, stop_words(page.lang)), labels))
    return rows


def weights(y: Any) -> Any:
    pos = max(1, int(y.sum()))
    neg = max(1, len(y) - pos)
    return np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))


def stack(rows: list[tuple[str, Any, Any]], params: dict[str, Any]) -> list[Any]:
    return [np.hstack([f, context(predict(params, f))]) for _, f, _ in rows]


def labelled(xs: list[Any], rows: list[tuple[str, Any, Any]]) -> tuple[Any, Any]:
    x = np.vstack([x[lab >= 0] for x, (_, _, lab) in zip(xs, rows, strict=True)])
    y = np.concatenate([lab[lab >= 0] for _, _, lab in rows]).astype(float)
    return x, y


def fold_of(site: str) -> int:
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % FOLDS


def fit_models(rows: list[tuple[str, Any, Any]], folds: list[int] | None = None) -> tuple[Any, Any, list[Any]]:
    """First and second pass fitted on ``rows``; the second on out-of-fold first-pass scores.

    Returns (first, second, out-of-fold second-pass scores per row)."""
    folds = folds if folds is not None else [fold_of(r[0]) for r in rows]
    oof_stacked: list[Any] = [None] * len(rows)
    oof_second: list[Any] = [None] * len(rows)
    present = sorted(set(folds))
    for k in present:
        train = [r for r, f in zip(rows, folds, strict=True) if f != k]
        x1, y1 = labelled([f for _, f, _ in train], train)
        p1 = fit_pass(x1, y1, weights(y1))
        for i, r in enumerate(rows):
            if folds[i] == k:
                oof_stacked[i] = np.hstack([r[1], context(predict(p1, r[1]))])
    for k in present:
        idx = [i for i in range(len(rows)) if folds[i] != k]
        x2, y2 = labelled([oof_stacked[i] for i in idx], [rows[i] for i in idx])
        p2 = fit_pass(x2, y2, weights(y2))
        for i in range(len(rows)):
            if folds[i] == k:
                oof_second[i] = predict(p2, oof_stacked[i])
    x1, y1 = labelled([f for _, f, _ in rows], rows)
    p1 = fit_pass(x1, y1, weights(y1))
    x2, y2 = labelled(oof_stacked, rows)
    p2 = fit_pass(x2, y2, weights(y2))
    return p1, p2, oof_second


def dump(params: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"features": list(names)}
    for k, val in params.items():
        out[k] = round(val, 6) if isinstance(val, float) else np.round(val, 5).tolist()
    return out


def model_data(p1: Any, p2: Any) -> dict[str, Any]:
    return {"about": "Fitted by bench/fit_cleaner.py on the training split of the cleaning pages; "
            "weights only, no page text.", "threshold": THRESHOLD,
            "first": dump(p1, FIRST_PASS), "second": dump(p2, SECOND_PASS)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = page_rows()
    p1, p2, oof_second = fit_models(rows)
    scores = np.concatenate([s[r[2] >= 0] for s, r in zip(oof_second, rows, strict=True)])
    y = np.concatenate([r[2][r[2] >= 0] for r in rows])
    threshold = THRESHOLD
    kept = float((scores[y == 1] >= threshold).mean())
    removed = float((scores[y == 0] < threshold).mean())
    print(f"pages={len(rows)} lines={len(y)} article={int(y.sum())} debris={int((y == 0).sum())}")
    print(f"site-fold CV: threshold={threshold:.3f} article_lines_kept={kept:.3f} debris_lines_removed={removed:.3f}")
    args.out.write_text(json.dumps(model_data(p1, p2), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
