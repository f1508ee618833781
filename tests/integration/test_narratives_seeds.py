"""On the five seed articles: all match the staged-chemical-attacks narrative, promoting it."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.config import Settings
from narratrace.narratives.stage import get_matcher
from narratrace.pipeline import analyze

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

pytestmark = [pytest.mark.slow, pytest.mark.seeds]


def test_seeds_match_staged_chemical_attacks(tmp_path: Path) -> None:
    if not SEEDS.is_dir() or not list(SEEDS.glob("*.txt")):
        pytest.skip("../shared/seeds is not available")
    settings = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=())
    db = str(tmp_path / "seeds.db")
    summary = analyze([str(SEEDS)], db, settings, jobs=1)
    assert summary.accepted == 5
    from narratrace.store import open_store

    for art in open_store(db).articles.iter():
        matches = {m.id: m for m in art.narratives}
        m = matches.get("staged-chemical-attacks-syria")
        assert m is not None, art.source.path
        assert m.stance == "promotes", art.source.path
        assert m.score >= get_matcher().params.threshold and m.evidence
        for span in m.evidence:
            assert art.body[span.start : span.end] == span.text
