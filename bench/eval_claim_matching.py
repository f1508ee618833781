"""Evaluate (and optionally fit) the claim matcher on CheckThat! 2022 task 2A (English).

    python bench/eval_claim_matching.py --data ../shared/eval/claims [--fit] [--splits dev,dev_test]

Prints MAP@5 per split for BM25 alone, USE alone, the plain z-score mix and the shipped
ranker. ``--fit`` refits the ranker on the TRAIN queries only and writes its weights
(numbers only, no text) to src/narratrace/factcheck/data/ranker.json.
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--splits", default="dev,dev_test")
    ap.add_argument("--fit", action="store_true")
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
    if args.fit:
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
