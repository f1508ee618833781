"""Regenerate the golden files after an intended change to cleaning or metadata.

    python scripts/update_golden.py

Writes ``tests/golden/corpus/*.body.txt`` (clean bodies of the example corpus) and,
where ../shared/seeds exists, ``tests/golden/seeds.yaml`` (facts and hashes only: the
seeds' text is not ours to copy). Review the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.test_golden_corpus import GOLDEN_DIR, corpus_articles  # noqa: E402
from tests.integration.test_seeds import GOLDEN, SEEDS_DIR, _analyse, _facts  # noqa: E402


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN_DIR.glob("*.body.txt"):
        old.unlink()
    for name, article in corpus_articles():
        (GOLDEN_DIR / f"{name}.body.txt").write_text(article.body + "\n", encoding="utf-8")
    if SEEDS_DIR.is_dir():
        facts = {p.name[:3]: _facts(_analyse(p)[1]) for p in sorted(SEEDS_DIR.glob("*.txt"))}
        GOLDEN.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
