"""Narrative matches on the example corpus against its TRUTH.yaml (narratives + stance).

    .venv/bin/python bench/examples_narratives.py [--corpus examples/corpus]

The corpus was written by another engineer for the whole pipeline (longer articles with web
debris, feeds, JSONL dumps); it is not used to fit anything here. An article counts as right
when its gold narrative is matched with the gold stance, or, for gold "none", nothing matches.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narratrace.config import Settings  # noqa: E402
from narratrace.pipeline import analyze  # noqa: E402
from narratrace.records import Article  # noqa: E402
from narratrace.store import open_store  # noqa: E402


def truth_key(art: Article) -> str:
    name = Path(art.source.path or "?").name
    if name.endswith(".jsonl"):
        return f"{name}#{art.external_id}"
    if name.endswith(".xml") and art.source.line:
        return f"{name}#{art.source.line - 1}"
    return name


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "examples" / "corpus"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    truth = yaml.safe_load((Path(args.corpus) / "TRUTH.yaml").read_text(encoding="utf-8"))
    gold_n, gold_s = truth["narratives"], truth["stance"]
    settings = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=())
    right = found = stance_ok = extra = neutral = neutral_hit = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "ex.db")
        analyze([args.corpus], db, settings, jobs=1)
        for art in open_store(db).articles.iter():
            key = truth_key(art)
            if key not in gold_n:
                continue
            total += 1
            gold = gold_n[key]
            got = {m.id: m.stance for m in art.narratives}
            if gold == "none":
                neutral += 1
                neutral_hit += bool(got)
                ok = not got
            else:
                found += gold in got
                stance_ok += got.get(gold) == gold_s.get(key)
                extra += len(set(got) - {gold})
                ok = got.get(gold) == gold_s.get(key)
            right += ok
            if args.verbose or not ok:
                print(f"{'ok ' if ok else 'BAD'} {key}: gold {gold}/{gold_s.get(key)}, got {got}")
    carrying = total - neutral
    print(f"articles {total}: gold narrative found {found}/{carrying}, with gold stance {stance_ok}/{carrying}; "
          f"neutral articles with a match {neutral_hit}/{neutral}; other narratives also matched: {extra}; "
          f"fully right {right}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
