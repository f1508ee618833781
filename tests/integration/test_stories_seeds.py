"""On ../shared/seeds: 000, 001 and 003 tell one story; 002 and 004 are each their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.store import open_store

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.seeds
def test_seed_stories(tmp_path: Path) -> None:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("../shared/seeds is not present on this machine")
    db = str(tmp_path / "seeds.db")
    settings = Settings(analysers=("language.v1", "metadata.v1"), corpus=("stories.v1",))
    summary = analyze([str(SEEDS)], db, settings, jobs=1)
    assert not summary.corpus_errors
    story = {Path(a.source.path or "").name[:3]: a.story_id for a in open_store(db).articles.iter()}
    assert set(story) == {"000", "001", "002", "003", "004"}
    assert story["000"] == story["001"] == story["003"]
    assert len({story["000"], story["002"], story["004"]}) == 3
