"""Narrative matching and stance on REAL data, on the held-out TEST split only.

    .venv/bin/python bench/eval_narratives_real.py [--json OUT]

Data and splits: bench/narratives_real.py (../shared/eval/narratives/, research use only; the
test side: EUvsDisinfo cases of 2017 and case titles of 2020-2021 by date, FA-KES news from
2016-09-01, half of the SemEval-2025 T10 training documents by id hash). The matcher is the one
``analyze`` runs (shipped catalogue, data/matcher.yaml, the shipped heads); nothing is fitted here.

Reports: narrative precision / recall / F1 on the cases (summary as body, title as title), on
the titles alone, on the SemEval documents per language (gold through
bench/data/semeval_catalogue_map.yaml); disproofs matched and read as ``refutes``; share of
neutral news (FA-KES, SemEval "Other") with any match and with a ``promotes`` match; the stance
confusion on matched gold pairs; matching CPU time per document.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from typing import Any

from narratives_real import CachingEncoder, Doc, all_docs, prf

from narratrace.embed import get_encoder
from narratrace.narratives.catalogue import load_catalogue
from narratrace.narratives.matcher import CatalogueIndex, Matcher, MatcherParams


def run(matcher: Matcher, docs: list[Doc]) -> list[tuple[Doc, dict[str, str]]]:
    out = []
    for d in docs:
        matches = matcher.match(d.body, d.title)
        out.append((d, {m.id: m.stance for m in matches}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--rules", action="store_true", help="stance from the rules alone (no stance head)")
    args = ap.parse_args()
    enc = CachingEncoder(get_encoder())
    params = MatcherParams.load(stance_head=not args.rules)
    matcher = Matcher(CatalogueIndex(load_catalogue(None, shipped=True), enc, use_file_cache=False), enc, params)
    docs = [d for d in all_docs() if d.split == "test"]
    t0 = time.process_time()
    results = run(matcher, docs)
    cpu = time.process_time() - t0
    enc.save()
    by_kind: dict[str, list[tuple[Doc, dict[str, str]]]] = defaultdict(list)
    for d, pred in results:
        by_kind[d.kind].append((d, pred))
    figures: dict[str, Any] = {
        "split": "test (held out by date / id hash)",
        "documents": len(docs),
        "cpu_ms_per_document": round(1000 * cpu / max(1, len(docs)), 2),
    }
    for kind in ("case", "title"):
        rows = [(d.gold, d.also, set(p)) for d, p in by_kind[kind] if d.gold]
        figures[kind] = prf(rows)
        unmapped = [p for d, p in by_kind[kind] if not d.gold]
        figures[kind]["unmapped_documents"] = len(unmapped)
        figures[kind]["unmapped_with_a_match"] = round(sum(bool(p) for p in unmapped) / max(1, len(unmapped)), 3)
    stance_pairs: Counter[str] = Counter()
    for kind in ("case", "title", "disproof", "fakes", "semeval"):
        for d, p in by_kind[kind]:
            for nid, st in p.items():
                if nid in d.gold or (kind == "fakes"):
                    stance_pairs[f"{kind}:{d.stance}->{st}"] += 1
    disp = [(d, p) for d, p in by_kind["disproof"] if d.gold]
    matched = [(d, p) for d, p in disp if set(p) & d.gold]
    refutes = sum(1 for d, p in matched if any(p[n] == "refutes" for n in set(p) & d.gold))
    any_refutes = sum(1 for d, p in by_kind["disproof"] if p and all(s == "refutes" for s in p.values()))
    any_matched = sum(1 for d, p in by_kind["disproof"] if p)
    figures["disproof"] = {
        "with_gold": len(disp),
        "gold_matched": round(len(matched) / max(1, len(disp)), 3),
        "refutes_of_gold_matched": round(refutes / max(1, len(matched)), 3),
        "all_disproofs_with_a_match": any_matched,
        "refutes_of_all_matched": round(any_refutes / max(1, any_matched), 3),
    }
    neutral = [(d, p) for kind in ("fakes", "semeval") for d, p in by_kind[kind] if d.neutral]
    for name, rows in (
        ("fakes", [x for x in neutral if x[0].kind == "fakes"]),
        ("semeval_other", [x for x in neutral if x[0].kind == "semeval"]),
    ):
        figures[f"neutral_{name}"] = {
            "documents": len(rows),
            "flagged": round(sum(bool(p) for _, p in rows) / max(1, len(rows)), 3),
            "flagged_promotes": round(
                sum(any(s == "promotes" for s in p.values()) for _, p in rows) / max(1, len(rows)), 3
            ),
        }
    per_lang: dict[str, Any] = {}
    sem = [(d, p) for d, p in by_kind["semeval"] if not d.neutral]
    for lang in sorted({d.lang for d, _ in sem}):
        rows = [(d.gold, d.also, set(p)) for d, p in sem if d.lang == lang]
        per_lang[lang] = prf(rows)
        per_lang[lang]["documents"] = len(rows)
        per_lang[lang]["documents_with_gold"] = sum(1 for d, _ in sem if d.lang == lang and d.gold)
        others = [p for d, p in by_kind["semeval"] if d.neutral and d.lang == lang]
        per_lang[lang]["other_flagged"] = (
            round(sum(bool(p) for p in others) / max(1, len(others)), 3) if others else None
        )
    figures["semeval_per_language"] = per_lang
    figures["semeval_all"] = prf([(d.gold, d.also, set(p)) for d, p in sem])
    figures["stance_pairs"] = dict(sorted(stance_pairs.items()))
    print(json.dumps(figures, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=1)


if __name__ == "__main__":
    main()
