"""Timeline and the HTML section for the report: grouped, ordered, escaped."""

from __future__ import annotations

from pathlib import Path

from narratrace.narratives.views import (
    format_timeline,
    narrative_counts,
    narrative_timeline,
    narratives_section_html,
)
from narratrace.records import Article, NarrativeMatch, SourceRef
from narratrace.store import open_store


def _art(i: int, outlet: str, lang: str, date: str | None, stance: str) -> Article:
    m = NarrativeMatch("bucha-staged", "The killings in Bucha were staged", 0.9, stance)
    return Article(id=f"a{i}", content_hash=f"h{i}", source=SourceRef(path=f"{i}"), body="b", outlet=outlet,
                   lang=lang, published=date, title=f"<script>alert({i})</script>", narratives=(m,))


def test_timeline_and_html_section(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "v.db"))
    run = store.runs.start("t", [])
    for a in [_art(1, "B<b>", "fr", "2022-04-05", "promotes"), _art(2, "A", "en", "2022-04-03", "refutes"),
              _art(3, "A", "en", None, "reports")]:
        store.articles.add(a, run)
    rows = narrative_timeline(store, "bucha-staged")
    assert [r["id"] for r in rows] == ["a2", "a1", "a3"]
    text = format_timeline(rows)
    assert text.index("[en]") < text.index("[fr]") and "refutes" in text
    counts = narrative_counts(store)["bucha-staged"]
    assert counts["articles"] == 3 and counts["first"] == "2022-04-03" and counts["last"] == "2022-04-05"
    html = narratives_section_html(store)
    assert "<script>" not in html and "&lt;script&gt;" in html and "B&lt;b&gt;" in html
    assert 'id="narrative-bucha-staged"' in html and "promotes: 1" in html
    assert format_timeline([]) == "no matching articles in this database"
