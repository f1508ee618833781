"""Narrative matches of the seed articles (cleaned by the pipeline), one line per seed.

    .venv/bin/python bench/seeds_narratives.py [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narratrace.config import Settings  # noqa: E402
from narratrace.pipeline import analyze  # noqa: E402
from narratrace.store import open_store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"))
    args = ap.parse_args()
    settings = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=())
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "seeds.db")
        analyze([args.seeds], db, settings, jobs=1)
        for art in sorted(open_store(db).articles.iter(), key=lambda a: a.source.path or ""):
            name = Path(art.source.path or "?").name
            found = ", ".join(f"{m.id} {m.score:.2f} {m.stance} ({len(m.evidence)} evidence)"
                              for m in art.narratives)
            print(f"{name}: {found or 'no match'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
