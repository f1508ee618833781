"""``narratrace.open``: the read API of a store (its examples in docs/python.md run in
tests/unit/test_python_api.py, on the example corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

import narratrace
from narratrace.store import open_store
from tests.integration.web_corpus import load


def test_open_refuses_a_missing_file_instead_of_creating_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="narratrace analyze"):
        narratrace.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_the_reader_answers_as_the_store_does(tmp_path: Path) -> None:
    """One read model: the reader's lists are the store's, in the same order."""
    db = tmp_path / "n.db"
    store = open_store(str(db))
    arts = load(store)
    with narratrace.open(db) as reader:
        assert reader.stories.list() == store.stories.list()
        assert [s.id for s in reader.stories.list()] == ["story-idlib", "story-zerba"]
        assert [e.id for e in reader.entities.list()] == [e.id for e in store.entities.list()]
        assert reader.entities.list(limit=1)[0].spellings == ("White Helmets", "Casques blancs")
        first = reader.articles.get(reader.stories.article_ids("story-idlib")[0])
        assert first is not None and first.id == arts["en"].id
        assert reader.narratives.stats()["staged-chemical-attacks"].articles == 3
        told = reader.provenance("story-idlib")
        assert told is not None and told["articles"] == 4
        assert reader.provenance("no-such-story") is None
    store.close()
