"""Evaluate (and optionally fit) the claim matcher on CheckThat! 2022 task 2A (English).

    python bench/eval_claim_matching.py --data ../shared/eval/claims [--fit | --cv] [--splits dev,dev_test]

Prints MAP@5 per split for BM25 alone, USE alone, the plain z-score mix and the shipped
ranker. ``--fit`` refits the ranker on the TRAIN queries only and writes its weights
(numbers only, no text) to src/narratrace/factcheck/data/ranker.json.
``--cv`` chooses the feature set and the L2 penalty by 5-fold cross-validation over the TRAIN
queries only (MAP@5 on the held-out folds), then fits on all train queries and writes the weights:
dev and dev_test play no part in any choice.
``--cache DIR`` keeps the encoded vectors between runs (research convenience).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from narratrace.factcheck.matching import FEATURES, CatalogEntry, ClaimMatcher, default_weights
from narratrace.factcheck.ranker import fit_listwise
from narratrace.factcheck.text import clean_query

WEIGHTS = Path(__file__).resolve().parents[1] / "src/narratrace/factcheck/data/ranker.json"


def map_at_k(run: dict[str, list[str]], qrels: dict[str, set[str]], k: int = 5) -> float:
    total = 0.0
    for qid, rel in qrels.items():
        hits, ap = 0, 0.0
        for i, did in enumerate(run.get(qid, [])[:k]):
            if did in rel:
                hits += 1
                ap += hits / (i + 1)
        total += ap / min(len(rel), k) if rel else 0.0
    return total / max(1, len(qrels))


FEATURE_SETS = (".z", ".z,.share", ".z,.rrank", ".raw,.z", "")
L2S = (1e-4, 1e-3, 1e-2)


def cross_validate(queries: list[dict], texts: list[str], qv: np.ndarray, qrels: dict[str, set[str]],
                   entries: list[CatalogEntry], matcher: ClaimMatcher, folds: int = 5) -> None:
    """Feature set and L2 by ``folds``-fold CV over the train queries, then the fit on all of them."""
    import hashlib

    rows = []
    for q, text, vec in zip(queries, texts, qv, strict=True):
        if q["split"] != "train":
            continue
        idx, feats = matcher.features(text, vec)
        rel = qrels.get(q["query_id"], set())
        labels = np.array([entries[i].id in rel for i in idx], dtype=np.float64)
        fold = int(hashlib.sha256(q["query_id"].encode()).hexdigest()[:8], 16) % folds
        rows.append((q["query_id"], idx, feats, labels, rel, fold))
    best: tuple[float, str, float] = (-1.0, "", 0.0)
    for fs in FEATURE_SETS:
        chosen = [f for f in FEATURES if any(p in f for p in fs.split(","))]
        cols = [FEATURES.index(f) for f in chosen]
        for l2 in L2S:
            scores = []
            for k in range(folds):
                fit_rows = [(r[2][:, cols], r[3]) for r in rows if r[5] != k and r[3].any()]
                w = fit_listwise(fit_rows, chosen, l2=l2)
                wv = np.array([w.get(f, 0.0) for f in chosen])
                run, sq = {}, {}
                for qid, idx, feats, _labels, rel, fold in rows:
                    if fold != k:
                        continue
                    order = np.argsort(-(feats[:, cols] @ wv), kind="stable")[:5]
                    run[qid] = [entries[int(idx[j])].id for j in order]
                    sq[qid] = rel
                scores.append(map_at_k(run, sq))
            mean = float(np.mean(scores))
            print(f"cv features {fs or 'all'!r} l2 {l2:g}: train {folds}-fold MAP@5 {mean:.4f}", flush=True)
            if mean > best[0]:
                best = (mean, fs, l2)
    _, fs, l2 = best
    chosen = [f for f in FEATURES if any(p in f for p in fs.split(","))]
    cols = [FEATURES.index(f) for f in chosen]
    weights = dict.fromkeys(FEATURES, 0.0) | fit_listwise([(r[2][:, cols], r[3]) for r in rows if r[3].any()],
                                                          chosen, l2=l2)
    WEIGHTS.write_text(json.dumps({
        "fitted_on": "CheckThat! 2022 2A English train queries",
        "chosen_by": f"{folds}-fold CV on the train queries: features {fs or 'all'!r}, l2 {l2:g} "
                     f"(MAP@5 {best[0]:.4f})",
        "weights": weights}, indent=1) + "\n", encoding="utf-8")
    print(f"chose features {fs or 'all'!r} l2 {l2:g} (train CV MAP@5 {best[0]:.4f}); fitted on "
          f"{sum(1 for r in rows if r[3].any())} train queries -> {WEIGHTS}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--splits", default="dev,dev_test")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--cv", action="store_true", help="choose features and L2 by CV on train, then fit")
    ap.add_argument("--cache")
    ap.add_argument("--l2", type=float, default=0.001)
    ap.add_argument("--features", default=".z", help="fit only features whose name contains one of these")
    args = ap.parse_args()
    data = Path(args.data)
    claims = [json.loads(x) for x in (data / "ct2022_2a_en_vclaims.jsonl").open(encoding="utf-8")]
    queries = [json.loads(x) for x in (data / "ct2022_2a_en_queries.jsonl").open(encoding="utf-8")]
    qrels: dict[str, set[str]] = {}
    for line in (data / "ct2022_2a_en_qrels.tsv").open(encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            qrels.setdefault(parts[0], set()).add(parts[2])
    entries = [CatalogEntry(c["vclaim_id"], c["vclaim"], c.get("title")) for c in claims]
    texts = [clean_query(q["text"]) for q in queries]
    t0 = time.time()
    from narratrace.embed import get_encoder

    enc = get_encoder()
    cache = Path(args.cache) if args.cache else None
    if cache and (cache / "vt.npy").exists():
        vt, vti = (np.load(cache / f) for f in ("vt.npy", "vti.npy"))
    else:
        vt = enc.encode([e.text for e in entries])
        vti = enc.encode([e.title or e.text for e in entries])
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            for name, arr in (("vt.npy", vt), ("vti.npy", vti)):
                np.save(cache / name, arr)
    qv = enc.encode(texts)
    matcher = ClaimMatcher(entries, encoder=enc, vectors=(vt, vti))
    print(f"indexed {len(entries)} claims, encoded {len(texts)} queries in {time.time() - t0:.1f}s")
    if args.cv:
        cross_validate(queries, texts, qv, qrels, entries, matcher)
    elif args.fit:
        chosen = [f for f in FEATURES if any(p in f for p in args.features.split(","))]
        cols = [FEATURES.index(f) for f in chosen]
        rows = []
        for q, text, vec in zip(queries, texts, qv, strict=True):
            if q["split"] != "train":
                continue
            idx, feats = matcher.features(text, vec)
            feats = feats[:, cols]
            rel = qrels.get(q["query_id"], set())
            labels = np.array([entries[i].id in rel for i in idx], dtype=np.float64)
            if labels.any():
                rows.append((feats, labels))
        weights = dict.fromkeys(FEATURES, 0.0) | fit_listwise(rows, chosen, l2=args.l2)
        WEIGHTS.write_text(
            json.dumps({"fitted_on": "CheckThat! 2022 2A English train queries", "weights": weights}, indent=1) + "\n",
            encoding="utf-8",
        )
        print(f"fitted on {len(rows)} train queries -> {WEIGHTS}")
    configs = {
        "bm25": {"bm25_all.raw": 1.0},
        "use": {"cos_text.raw": 1.0},
        "zmix": default_weights(),
        "ranker": json.loads(WEIGHTS.read_text())["weights"] if WEIGHTS.exists() else default_weights(),
    }
    for split in args.splits.split(","):
        sel = [i for i, q in enumerate(queries) if q["split"] == split]
        sq = {queries[i]["query_id"]: qrels.get(queries[i]["query_id"], set()) for i in sel}
        line = [f"{split} ({len(sel)} queries):"]
        for name, w in configs.items():
            m = ClaimMatcher.__new__(ClaimMatcher)
            m.__dict__.update(matcher.__dict__)
            m._w = np.array([w.get(f, 0.0) for f in FEATURES])
            m._bias = float(w.get("bias", 0.0))
            run = {queries[i]["query_id"]: [x.id for x in m._rank(texts[i], qv[i], 5)] for i in sel}
            line.append(f"{name} MAP@5={map_at_k(run, sq):.4f}")
        print(" ".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
