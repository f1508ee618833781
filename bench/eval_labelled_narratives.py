"""Narratives learnt from labelled documents: SemEval-2025 Task 10 subtask 2, cross-validated.

    .venv/bin/python bench/eval_labelled_narratives.py [--folds 5] [--json OUT]

For each of ``--folds`` folds (by a hash of the document id) of the 768 shared training
documents (../shared/eval/narratives/semeval2025_t10_train.jsonl, research use only): the other
folds go through ``narratives import-labelled``'s function into a temporary catalogue, a
matcher is built on that catalogue alone (as ``analyze --catalog DIR`` with ``shipped = false``
builds it), and the fold's documents are matched. Reported: the organisers' F1-samples, coarse
(narratives) and fine (subnarratives), overall and per language, over the out-of-fold
predictions (every document is predicted by a model that never saw it).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from narratives_real import DATA, CachingEncoder, _bucket

from narratrace.embed import get_encoder
from narratrace.narratives.catalogue import load_catalogue
from narratrace.narratives.labelled import NO_LABEL, f1_samples, import_labelled
from narratrace.narratives.matcher import CatalogueIndex, Matcher, MatcherParams


def predicted_sets(matcher: Matcher, text: str) -> tuple[set[str], set[str]]:
    by_id = {n.id: n for n in matcher.index.narratives}
    coarse, fine = set(), set()
    for m in matcher.match(text, None):
        n = by_id[m.id]
        if n.parent:
            fine.add(n.title)
            coarse.add(by_id[n.parent].title)
        else:
            coarse.add(n.title)
    parents = {by_id[n.parent].title for n in by_id.values() if n.parent and n.title in fine}
    fine |= {f"{c}: {NO_LABEL}" for c in coarse - parents}
    return coarse, fine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    enc = CachingEncoder(get_encoder())
    taxonomy = DATA / "semeval2025_t10_taxonomy.json"
    rows = [json.loads(x) for x in (DATA / "semeval2025_t10_train.jsonl").read_text(encoding="utf-8").splitlines()]
    gold: dict[str, tuple[set[str], set[str]]] = {}
    pred: dict[str, tuple[set[str], set[str]]] = {}
    thresholds = []
    for k in range(args.folds):
        train = [r for r in rows if _bucket(r["id"], args.folds) != k]
        test = [r for r in rows if _bucket(r["id"], args.folds) == k]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "train.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in train), encoding="utf-8")
            result = import_labelled(path, taxonomy, Path(tmp) / "catalogue", encoder=enc)
            thresholds.append(result.thresholds)
            catalogue = load_catalogue([Path(tmp) / "catalogue"], shipped=False, strict=True)
            matcher = Matcher(CatalogueIndex(catalogue, enc, use_file_cache=False), enc, MatcherParams.load())
            for r in test:
                pred[r["id"]] = predicted_sets(matcher, r["text"])
                gold[r["id"]] = ({x for x in r["narratives"] if x != NO_LABEL},
                                 {x for x in r["subnarratives"] if x != NO_LABEL})
        enc.save()
        print(f"fold {k}: {len(train)} train / {len(test)} test documents, thresholds {result.thresholds}",
              flush=True)
    by_lang: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_lang[r["lang"]].append(r["id"])
    by_lang["all"] = [r["id"] for r in rows]
    figures: dict[str, Any] = {"method": f"{args.folds}-fold cross-validation by document id", "languages": {}}
    for lang, ids in sorted(by_lang.items()):
        figures["languages"][lang] = {
            "documents": len(ids),
            "coarse_f1_samples": round(f1_samples([gold[i][0] for i in ids], [pred[i][0] for i in ids]), 3),
            "fine_f1_samples": round(f1_samples([gold[i][1] for i in ids], [pred[i][1] for i in ids]), 3),
        }
    figures["thresholds_per_fold"] = thresholds
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
