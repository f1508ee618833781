"""A story is named by its original, not by a translation, and on one day sources come first (issue 14)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from narratrace.records import Article, SourceRef
from narratrace.store import open_store
from narratrace.stories.tables import write_stories


def _article(aid: str, title: str, lang: str, published: str, duplicate_of: str | None = None) -> Article:
    return Article(id=aid, content_hash=aid * 4, source=SourceRef(path=f"{aid}.txt"), body=f"body of {aid}",
                   title=title, lang=lang, published=published, story_id="s1", duplicate_of=duplicate_of)


def test_the_story_title_comes_from_the_original_and_sources_lead_their_day(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    run = store.runs.start("test", ["x"])
    # stored in this order: a translation and a copy time-stamped before their source, same day
    for art in (
        _article("fr1", "Des militants préparent une provocation", "fr", "2020-01-10T06:00:00", "en1"),
        _article("cp1", "Militants prepare provocation (copy)", "en", "2020-01-10T07:00:00", "en1"),
        _article("en1", "Militants prepare a provocation, ministry says", "en", "2020-01-10T09:00:00"),
        _article("en2", "Follow-up: inspectors arrive", "en", "2020-01-11T08:00:00"),
    ):
        store.articles.add(art, run)
    clusterer = SimpleNamespace(story_index={})  # no clustering state: the representative is unknown
    write_stories(store, clusterer, ["s1"])  # type: ignore[arg-type]
    (story,) = store.stories.list()
    assert story.title == "Militants prepare a provocation, ministry says"
    assert store.stories.article_ids("s1") == ["en1", "fr1", "cp1", "en2"]
    assert [m.id for m in store.stories.members(["s1"])["s1"]] == ["en1", "fr1", "cp1", "en2"]
