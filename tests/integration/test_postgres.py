"""The same store code on PostgreSQL (CI starts a server and sets NARRATRACE_TEST_PG_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.store import open_store
from tests.pg import PG

pytestmark = pytest.mark.skipif(not PG, reason="set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")




def test_pipeline_on_postgres(tmp_path: Path, pg_url: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("Convoy Reaches Ariha\n\nARIHA – Trucks arrived on 4 June 2020, officials said.\n",
                             encoding="utf-8")
    (d / "b.txt").write_text("Le convoi arrive\n\nARIHA – Les camions sont arrivés le 4 juin 2020.\n", encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    settings = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
    first = analyze([str(d)], pg_url, settings, jobs=1)
    assert first.accepted == 2 and first.rejected_by_reason == {"empty": 1}
    again = analyze([str(d)], pg_url, settings, jobs=1)
    assert again.accepted == 0 and again.already_stored == 2
    store = open_store(pg_url)
    assert store.schema_version() == store.latest_schema_version()
    arts = {a.lang: a for a in store.articles.iter(order="published")}
    assert arts["fr"].published == "2020-06-04" and arts["en"].title == "Convoy Reaches Ariha"
    assert len(store.runs.rejections(first.run_id)) == 1 and len(store.runs.rejections()) == 2  # one per run
    store.close()
