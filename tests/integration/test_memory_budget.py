"""A per-item memory budget (issue 12): an item that needs too much memory is rejected as
``over_memory`` in its pool worker, and the other items of the run are stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace import registry
from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.store import open_store

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("jobs", [2, 1])  # pool workers, and a one-process run
def test_an_item_over_its_memory_budget_is_rejected_and_the_run_goes_on(tmp_path: Path, jobs: int) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Harbour bridge\n\nThe council voted to repair the old harbour bridge.\n",
                                encoding="utf-8")
    (docs / "b.txt").write_text("Hungry\n\nThis article says HUNGRY and asks for gigabytes.\n", encoding="utf-8")
    (docs / "c.txt").write_text("School choir\n\nThe school choir sang at the spring festival.\n", encoding="utf-8")
    registry.STAGES.register("test-hungry.v1", "tests.integration.hostile_stages:HungryStage")
    try:
        settings = Settings(analysers=("language.v1", "test-hungry.v1"), corpus=(), max_item_memory_mb=512)
        db = str(tmp_path / "m.db")
        summary = analyze([str(docs)], db, settings, jobs=jobs)
    finally:
        registry.STAGES.unregister("test-hungry.v1")
    assert summary.accepted == 2
    (rejected,) = summary.rejected
    assert rejected.reason == "over_memory" and "max_item_memory_mb" in rejected.detail
    assert rejected.source.path and rejected.source.path.endswith("b.txt")
    titles = {a.title for a in open_store(db).articles.iter()}
    assert titles == {"Harbour bridge", "School choir"}
