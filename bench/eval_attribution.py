"""Attribution: speaker accuracy and cue recall per language on annotated real sentences.

    python bench/eval_attribution.py [--shared ../shared] [--errors]

``eval/attribution/annotations.jsonl`` holds no text: each row is a sentence of a shared
research file or seed (dataset path under ``shared/``, document id, language, code-point
offsets) and, when the sentence is attributed, the offsets of the gold speaker's mention
in the same document (guidelines: ``docs/attribution_eval.md``). Without the shared
folder the script says so and exits 0.

Each document runs through ``entities.v1`` and ``attributions.v1`` as a whole. For every
gold-attributed sentence: *cue recall* counts it when an attribution (``quotes`` or
``cites``) covers it; *speaker accuracy* is the share of those found whose speaker is
right; *end to end* is right speakers over all gold sentences. A speaker is right when it
has the gold mention's canonical id, the same normalised name, the same surname, or when
one name's words hold the other's ("the source" for "a source at Aleppo Police Command").
*False* counts attributions on sentences annotated as not attributed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from narratrace.analyse.attribution import attributions
from narratrace.analyse.entities import extract_entities
from narratrace.analyse.entities.normalise import ascii_fold
from narratrace.records import Attribution, Entity

REPO = Path(__file__).resolve().parents[1]
ANNOTATIONS = REPO / "eval" / "attribution" / "annotations.jsonl"
_FILLER = frozenset([
    "the", "a", "an", "of", "at", "in", "for", "from", "on", "le", "la", "les", "l", "de", "du", "des", "un",
    "une", "o", "os", "as", "um", "uma", "do", "da",
])


def find_shared(given: str | None) -> Path | None:
    cands = [Path(given)] if given else [REPO.parent / "shared", REPO.parents[1] / "shared"]
    return next((p for p in cands if (p / "eval").is_dir()), None)


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"\w+", ascii_fold(name).lower()) if w not in _FILLER]


def right_speaker(pred: Attribution, gold: str, gold_ids: set[str]) -> bool:
    if pred.canonical_source and pred.canonical_source in gold_ids:
        return True
    p, g = _words(pred.source), _words(gold)
    if not p or not g:
        return False
    if p == g or (len(p[-1]) >= 4 and p[-1] == g[-1]):
        return True
    return set(p) <= set(g) or set(g) <= set(p)


def load_docs(shared: Path, rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    texts: dict[tuple[str, str], str] = {}
    for ds in sorted({r["dataset"] for r in rows}):
        if ds.startswith("seeds/"):
            texts[(ds, ds[len("seeds/") :])] = (shared / ds).read_text(encoding="utf-8")
            continue
        wanted = {r["id"] for r in rows if r["dataset"] == ds}
        with (shared / "eval" / ds).open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                if doc["id"] in wanted:
                    texts[(ds, doc["id"])] = doc["text"]
    return texts


def evaluate(shared: Path, errors: bool = False) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in ANNOTATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = load_docs(shared, rows)
    by_doc: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_doc[(r["dataset"], r["id"])].append(r)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, doc_rows in by_doc.items():
        text, lang = texts[key], doc_rows[0]["lang"]
        ents: tuple[Entity, ...] = tuple(extract_entities(text, lang))
        atts = [a for a in attributions(text, ents, lang) if a.kind in {"quotes", "cites"}]
        for r in doc_rows:
            c = counts[lang]
            hits = [a for a in atts if a.start < r["end"] and a.end > r["start"]]
            pred = max(hits, key=lambda a: min(a.end, r["end"]) - max(a.start, r["start"]), default=None)
            if "speaker_start" not in r:
                c["not_attributed"] += 1
                c["false"] += pred is not None
                if errors and pred is not None:
                    print(f"  FALSE [{lang}] {pred.source!r}: {text[r['start']:r['end']][:100]!r}")
                continue
            gold = text[r["speaker_start"] : r["speaker_end"]]
            gold_ids = {
                e.canonical_id
                for e in ents
                if e.canonical_id and e.start < r["speaker_end"] and e.end > r["speaker_start"]
            }
            c["gold"] += 1
            c["found"] += pred is not None
            ok = pred is not None and right_speaker(pred, gold, gold_ids)
            c["right"] += ok
            if errors and not ok:
                got = pred.source if pred is not None else None
                print(f"  {'MISS' if pred is None else 'WRONG'} [{lang}] gold {gold!r} got {got!r}: "
                      f"{text[r['start']:r['end']][:90]!r}")
    out: dict[str, dict[str, Any]] = {}
    total: dict[str, int] = defaultdict(int)
    for lang, c in sorted(counts.items()):
        for k, v in c.items():
            total[k] += v
        out[lang] = _figures(c)
    out["all"] = _figures(total)
    return out


def _figures(c: dict[str, int]) -> dict[str, Any]:
    return {
        "attributed": c["gold"],
        "cue_recall": round(c["found"] / c["gold"], 3) if c["gold"] else None,
        "speaker_accuracy": round(c["right"] / c["found"], 3) if c["found"] else None,
        "end_to_end": round(c["right"] / c["gold"], 3) if c["gold"] else None,
        "not_attributed": c["not_attributed"],
        "false": c["false"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared data folder (default: ../shared beside the repository)")
    ap.add_argument("--errors", action="store_true", help="print every miss, wrong speaker and false attribution")
    args = ap.parse_args(argv)
    shared = find_shared(args.shared)
    if shared is None:
        print("shared/eval not found: nothing to evaluate (pass --shared)")
        return 0
    for lang, figures in evaluate(shared, args.errors).items():
        print(f"{lang}: {json.dumps(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
