"""Entity canonicalisation: pairwise precision/recall on the project's name-variant set.

    python bench/eval_entities.py [--pairs tests/fixtures/entity_variants.yaml] [--seeds ../shared/seeds]

Every name is resolved on its own (no article context). A pair is predicted "same"
when both names get the same canonical id. With ``--seeds``, also runs the entity
stage on the seed articles and prints each variant group's canonical ids.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import yaml

from narratrace.analyse.entities.canonical import AliasTable, canonical_id

REPO = Path(__file__).resolve().parents[1]
SEED_GROUPS = [
    ["Khan Shaykhun", "Khan Sheikhoun", "Khan Cheikhoun"],
    ["Hurras al-Din", "Horas Al-Din", "Haras Eddine", "Hurras Al-Din"],
    ["Hayat Tahrir al-Sham", "Hayyat Tahrir Al-Sham", "Tahrir al-Cham", "HTS"],
    ["White Helmets", "Casques blancs", "Casques Blancs"],
    ["Daesh", "Daech", "ISIS"],
    ["Al-Nusra", "Al-Nosra", "Al-Nusra Front"],
    ["Maarrat Horma", "Maaret Horma"],
    ["Kafr Zita", "Kafer Zaita"],
    ["Viktor Kupchishin", "Kupchishin"],
    ["Idlib", "Iblib"],
]


def pairs(path: Path) -> list[tuple[str, str, bool]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = [(a, b, True) for g in data["groups"] for a, b in itertools.combinations(g, 2)]
    out += [(a, b, False) for a, b in data["negatives"]]
    return out


def evaluate(
    items: list[tuple[str, str, bool]], verbose: bool = False, table: AliasTable | None = None
) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for a, b, same in items:
        pred = canonical_id(a, table) == canonical_id(b, table)
        tp += pred and same
        fp += pred and not same
        fn += same and not pred
        tn += not pred and not same
        if verbose and pred != same:
            print(f"  {'FP' if pred else 'FN'}: {a!r} {canonical_id(a, table)}  |  {b!r} {canonical_id(b, table)}")
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {
        "pairs": len(items),
        "positives": tp + fn,
        "negatives": fp + tn,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
    }


def seeds_report(seeds: Path) -> int:
    from narratrace.analyse.entities import extract_entities

    ids: dict[str, set[str]] = {}
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = "fr" if any(w in text for w in (" les ", " des ", " une ")) else "en"
        for e in extract_entities(text, lang):
            ids.setdefault(e.text, set()).add(e.canonical_id or "")
    failures = 0
    group_ids = []
    for group in SEED_GROUPS:
        found = {name: ids[name] for name in group if name in ids}
        all_ids = set().union(*found.values()) if found else set()
        ok = len(all_ids) == 1
        failures += not ok
        group_ids.append(all_ids)
        print(f"  {'ok ' if ok else 'BAD'} {sorted(all_ids)} <- {sorted(found)}")
    merged = [(i, j) for i, j in itertools.combinations(range(len(group_ids)), 2) if group_ids[i] & group_ids[j]]
    print(
        f"seed variant groups resolved to one id: {len(SEED_GROUPS) - failures}/{len(SEED_GROUPS)}; "
        f"groups wrongly merged together: {len(merged)}"
    )
    return failures + len(merged)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", default=str(REPO / "tests" / "fixtures" / "entity_variants.yaml"))
    ap.add_argument("--seeds", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    items = pairs(Path(args.pairs))
    for label, table in (("alias table + rules", None), ("rules only (empty alias table)", AliasTable([]))):
        m = evaluate(items, verbose=args.verbose, table=table)
        print(
            f"{m['pairs']} pairs ({m['positives']} positive, {m['negatives']} negative), {label}: "
            f"precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f}"
        )
    if args.seeds:
        seeds_report(Path(args.seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
