"""Measure techniques.v1 on the PTC dev articles (SemEval-2020 Task 11), as the task did.

    nice python bench/eval_techniques.py [--ptc DIR] [--lang en|xx]

Prints span identification (official SI: partial-overlap precision/recall over
merged spans), technique classification micro-F1 given the gold spans (through
``classify_spans``), and the full task (SI within each technique). The dev set is
never used for fitting or tuning (bench/train_techniques.py tunes by cross-validation
on the training articles); the cross-validated training figures stored with the
weights are printed beside. ``--lang xx`` scores the language-independent weights
that articles in other languages get.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from narratrace.analyse.techniques import classify_spans, features, labels, lexicon, model, vectors
from narratrace.analyse.techniques import scoring as S

DEFAULT_PTC = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "eval" / "persuasion"


def ptc_spans(body: str, lang: str) -> list[tuple[int, int, str]]:
    """Predicted spans with their PTC label (the full task is scored on PTC labels)."""
    w = model.load()
    fam, lexical = ("lex", True) if lang == "en" else ("uni", False)
    fw = w.families[fam]
    ctx = features.context(body, lexicon.load("en"))
    vecs = vectors.ArticleVectors(body, ctx)
    probs = model.tag(ctx, fw, lexical, model.gate(vecs, fw))
    spans = [(ctx.tokens[a].start, ctx.tokens[b].end) for a, b, _ in model.decode(ctx, probs, fw)]
    out = []
    for (s, e), x in zip(spans, vecs.span_inputs(spans), strict=True):
        p = model.classify(ctx, body, s, e, fw, lexical, x)
        out.append((s, e, w.classes[int(p.argmax())]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    ap.add_argument("--lang", default="en", help="en: English weights; anything else: language-independent ones")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in (args.ptc / "ptc_semeval2020_dev.jsonl").open(encoding="utf-8")]
    labels.load()
    t0 = time.time()
    pred, gold, pred_full, gold_full = {}, {}, {}, {}
    tc_pred, tc_gold = [], []
    for r in rows:
        body = r["text"]
        spans = ptc_spans(body, args.lang)
        pred[r["id"]] = [(s, e) for s, e, _ in spans]
        pred_full[r["id"]] = spans
        gold[r["id"]] = [(s["start"], s["end"]) for s in r["spans"]]
        gold_full[r["id"]] = [(s["start"], s["end"], s["technique"]) for s in r["spans"]]
        by_span: dict[tuple[int, int], list[str]] = {}
        for s in r["spans"]:
            by_span.setdefault((s["start"], s["end"]), []).append(s["technique"])
        keys = list(by_span)
        ranked = classify_spans(body, keys, "en" if args.lang == "en" else "xx")
        for key, ranks in zip(keys, ranked, strict=False):
            k = len(by_span[key])
            tc_pred.append([lab for lab, _ in ranks[:k]])
            tc_gold.append(by_span[key])
    secs = time.time() - t0
    si = S.span_prf(pred, gold)
    full = S.full_prf(pred_full, gold_full)
    tc = S.tc_micro_f1(tc_pred, tc_gold)
    fam = "lex" if args.lang == "en" else "uni"
    cv = model.load().meta["families"][fam].get("cv", {})
    chars = sum(len(r["text"]) for r in rows)
    print(f"PTC dev, {len(rows)} articles, weights '{fam}'")
    print(f"SI   P {si.precision:.3f} R {si.recall:.3f} F1 {si.f1:.3f}   (CV on train: F1 {cv.get('si_f1')})")
    print(f"TC   micro-F1 {tc:.3f}   (CV on train: {cv.get('tc_micro_f1')})")
    print(f"full P {full.precision:.3f} R {full.recall:.3f} F1 {full.f1:.3f}")
    print(f"{secs:.1f}s for {chars} characters ({1000 * secs / chars * 3000:.1f} ms per 3,000 characters, SI+TC)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
