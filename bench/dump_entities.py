"""Entity ids over real articles, to see what a change to linking does (issue 16).

Dumps (document, surface, type, canonical id) for the FA-KES news (304) and the first 300
SemEval-2025 T10 training documents from ``../shared/eval/narratives/`` (research use only:
the dump stays outside the repository), through language + metadata + entities. Run it on two
trees and ``--compare`` the dumps: every mention whose type or id changed is printed.

    PYTHONPATH=OLD/src .venv/bin/python bench/dump_entities.py --out /tmp/before.json
    .venv/bin/python bench/dump_entities.py --out /tmp/after.json
    .venv/bin/python bench/dump_entities.py --compare /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "eval" / "narratives"


def dump(out: str, semeval: int) -> None:
    from narratrace.config import Settings
    from narratrace.pipeline import process_item
    from narratrace.records import Article, RawItem, SourceRef

    settings = Settings(analysers=("language.v1", "metadata.v1", "entities.v1"), corpus=())
    rows = [json.loads(line) for line in (DATA / "fakes_neutral.jsonl").open(encoding="utf-8")]
    with (DATA / "semeval2025_t10_train.jsonl").open(encoding="utf-8") as fh:
        rows += [json.loads(line) for _, line in zip(range(semeval), fh, strict=False)]
    found = []
    for r in rows:
        item = RawItem(source=SourceRef(path=r["id"]), fmt="jsonl", text=r.get("text") or "", title=r.get("title"))
        article = process_item(settings, item)
        if isinstance(article, Article):
            found += [[r["id"], e.text, e.type, e.canonical_id] for e in article.entities]
    Path(out).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} documents, {len(found)} mentions -> {out}")


def compare(before: str, after: str) -> None:
    a = json.loads(Path(before).read_text(encoding="utf-8"))
    b = json.loads(Path(after).read_text(encoding="utf-8"))
    if len(a) != len(b):
        print(f"mention lists differ in length ({len(a)} vs {len(b)}): the mentions themselves changed")
    changed = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    print(f"{len(a)} mentions, {len(changed)} changed type or id")
    for x, y in changed:
        print(f"  {x[0]} {x[1]!r}: {x[2]} {x[3]} -> {y[2]} {y[3]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="write the dump here")
    ap.add_argument("--semeval", type=int, default=300, help="SemEval documents to include (default 300)")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
    elif args.out:
        dump(args.out, args.semeval)
    else:
        ap.error("give --out or --compare")


if __name__ == "__main__":
    main()
