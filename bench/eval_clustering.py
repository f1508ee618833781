"""BCubed evaluation of story clustering on a titles-only gold file (e.g. OG2021 dev).

    .venv/bin/python bench/eval_clustering.py --data ../shared/eval/clustering/og2021_dev.jsonl

Input lines: {id, lang, title, text|null, date, cluster}. Titles are embedded with the
project encoder (cached in --cache so parameter sweeps do not re-encode), clustered
online in date order with ``narratrace.stories.cluster``, and scored with BCubed
precision/recall/F1 overall, per language and on gold clusters spanning languages.
``--folds K`` also reports a K-fold check of the threshold: it is picked on K-1 folds
(split by gold cluster) and scored on the held-out fold. ``--encoder onnx:DIR`` measures
another encoder (its thresholds differ: sweep ``threshold_projected`` with ``--sweep``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from narratrace.embed import DEFAULT_ENCODER, encoder_identity, get_encoder
from narratrace.stories.cluster import ClusterParams, cluster_all
from narratrace.stories.text import clean_title, parse_day


def bcubed(pred: list[str], gold: list[str], subset: list[int] | None = None) -> tuple[float, float, float]:
    """BCubed P/R/F1 over items in ``subset`` (clusters computed on all items)."""
    by_pred: dict[str, set[int]] = collections.defaultdict(set)
    by_gold: dict[str, set[int]] = collections.defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    items = range(len(pred)) if subset is None else subset
    ps, rs = [], []
    for i in items:
        inter = len(by_pred[pred[i]] & by_gold[gold[i]])
        ps.append(inter / len(by_pred[pred[i]]))
        rs.append(inter / len(by_gold[gold[i]]))
    if not ps:
        return 0.0, 0.0, 0.0
    p, r = float(np.mean(ps)), float(np.mean(rs))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def vectors_for(rows: list[dict[str, object]], cache: Path | None, encoder: str = DEFAULT_ENCODER) -> np.ndarray:
    """Title vectors, from ``cache`` when it holds this encoder's vectors of as many rows."""
    identity = encoder_identity(encoder)
    tag = cache.with_name(cache.name + ".encoder") if cache is not None else None
    cached_by = tag.read_text(encoding="utf-8") if tag is not None and tag.exists() else DEFAULT_ENCODER
    if cache is not None and cache.exists() and cached_by == identity:
        vecs = np.load(cache)
        if len(vecs) == len(rows):
            return vecs
    vecs = get_encoder(encoder).encode([clean_title(str(r["title"] or "")) for r in rows])
    if cache is not None and tag is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vecs)
        tag.write_text(identity, encoding="utf-8")
    return vecs


def run(rows: list[dict[str, object]], vecs: np.ndarray, params: ClusterParams) -> list[str]:
    return cluster_all(
        [str(r["id"]) for r in rows], vecs,
        [parse_day(str(r["date"])) if r.get("date") else None for r in rows],
        [str(r["title"]) if r.get("title") else None for r in rows], params)


_INT_FIELDS = {f.name for f in dataclasses.fields(ClusterParams) if f.type in (int, "int")}


def _value(name: str, text: str) -> float | int:
    """A ClusterParams override parsed with its field's type (counts are ints)."""
    return int(text) if name in _INT_FIELDS else float(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=None, help="where to keep the title vectors (.npy)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a ClusterParams field, e.g. --set threshold=0.6")
    ap.add_argument("--sweep", default=None, help="NAME=v1,v2,... : F1 for each value")
    ap.add_argument("--folds", type=int, default=0, help="K-fold check of the threshold")
    ap.add_argument("--encoder", default=DEFAULT_ENCODER, help="encoder spec, e.g. onnx:/models/labse")
    args = ap.parse_args()
    rows = load(args.data)
    vecs = vectors_for(rows, args.cache, args.encoder)
    gold = [str(r["cluster"]) for r in rows]
    overrides = {k: _value(k, v) for k, v in (s.split("=", 1) for s in args.set)}
    params = dataclasses.replace(ClusterParams(), **overrides)  # type: ignore[arg-type]
    if args.sweep:
        name, values = args.sweep.split("=", 1)
        for v in values.split(","):
            pred = run(rows, vecs, dataclasses.replace(params, **{name: _value(name, v)}))  # type: ignore[arg-type]
            p, r, f = bcubed(pred, gold)
            print(f"{name}={v}\tP={p:.3f}\tR={r:.3f}\tF1={f:.3f}")
        return 0
    pred = run(rows, vecs, params)
    print(f"encoder: {encoder_identity(args.encoder)}")
    print(f"params: {params}")
    print(f"items={len(rows)} gold_clusters={len(set(gold))} predicted={len(set(pred))}")
    p, r, f = bcubed(pred, gold)
    print(f"ALL\tP={p:.3f}\tR={r:.3f}\tF1={f:.3f}")
    by_lang: dict[str, list[int]] = collections.defaultdict(list)
    for i, row in enumerate(rows):
        by_lang[str(row["lang"])].append(i)
    for lang in sorted(by_lang, key=lambda x: -len(by_lang[x])):
        p, r, f = bcubed(pred, gold, by_lang[lang])
        print(f"lang={lang} (n={len(by_lang[lang])})\tP={p:.3f}\tR={r:.3f}\tF1={f:.3f}")
    langs_of: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        langs_of[str(row["cluster"])].add(str(row["lang"]))
    cross = [i for i, g in enumerate(gold) if len(langs_of[g]) > 1]
    p, r, f = bcubed(pred, gold, cross)
    print(f"cross-lingual gold clusters (n={len(cross)})\tP={p:.3f}\tR={r:.3f}\tF1={f:.3f}")
    if args.folds:
        kfold(rows, vecs, gold, params, args.folds)
    return 0


def kfold(rows: list[dict[str, object]], vecs: np.ndarray, gold: list[str], params: ClusterParams,
          k: int) -> None:
    """Pick the (projected-space) threshold on K-1 folds split by gold cluster, score the held-out fold.

    A fold is a smaller corpus (fewer competing stories), so its F1 is not comparable
    with the full-dev F1; what matters is how much worse held-out is than the best.
    """
    clusters = sorted(set(gold))
    fold_of = {c: i % k for i, c in enumerate(clusters)}
    grid = [round(params.threshold_projected + d, 3) for d in (-0.06, -0.04, -0.02, 0.0, 0.02, 0.04, 0.06)]
    scores = []
    for fold in range(k):
        train = [i for i, g in enumerate(gold) if fold_of[g] != fold]
        test = [i for i, g in enumerate(gold) if fold_of[g] == fold]

        def f1(idx: list[int], thr: float) -> float:
            sub = [rows[i] for i in idx]
            pred = run(sub, vecs[idx], dataclasses.replace(params, threshold_projected=thr))
            return bcubed(pred, [gold[i] for i in idx])[2]

        best = max(grid, key=lambda t: f1(train, t))
        scores.append(f1(test, best))
        oracle = max(f1(test, t) for t in grid)
        print(f"fold {fold}: threshold_projected={best} held-out F1={scores[-1]:.3f} "
              f"(best possible on that fold {oracle:.3f})")
    print(f"{k}-fold held-out F1 mean={np.mean(scores):.3f}")


if __name__ == "__main__":
    sys.exit(main())
