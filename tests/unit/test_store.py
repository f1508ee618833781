from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import inspect

from narratrace.records import Article, Comment, Entity, NarrativeMatch, Rejection, SourceRef, Span
from narratrace.store import StoreError, open_store, resolve_db_url


def _article(i: int, **kw: object) -> Article:
    return Article(id=f"id{i}", content_hash=f"h{i}", source=SourceRef(path=f"f{i}.txt"), body=f"Body {i}", **kw)  # type: ignore[arg-type]


def test_migrations_create_every_table_and_are_idempotent(db_path: str) -> None:
    store = open_store(db_path)
    assert store.schema_version() == store.latest_schema_version()
    tables = set(inspect(store._engine).get_table_names())
    assert {"articles", "runs", "rejections", "vectors", "stories", "entities", "mentions", "pending"} <= tables
    open_store(db_path)  # second open: nothing to do, no error


def test_add_article_once_per_content_and_round_trip(db_path: str) -> None:
    store = open_store(db_path)
    run = store.runs.start("test", ["x"])
    art = _article(
        1, lang="fr", comments=(Comment("A", "t"),),
        entities=(Entity("Idlib", "LOC", "geo:idlib", "Idlib", 0, 5),),
        narratives=(NarrativeMatch("n1", "N", 0.9, "promotes", (Span(0, 4, "Body"),)),),
    )
    assert store.articles.add(art, run, pending=["stories.v1"])
    assert not store.articles.add(art, run)  # same content hash: stored once
    assert store.articles.get("id1") == art
    assert store.articles.count() == 1 and store.articles.pending("stories.v1") == ["id1"]
    store.articles.clear_pending("stories.v1", ["id1"])
    assert store.articles.pending("stories.v1") == []
    store.articles.update([art.replace(story_id="s1", entities=())])
    got = store.articles.get("id1")
    assert got is not None and got.story_id == "s1" and got.entities == ()


def test_iter_articles_orders_and_filters(db_path: str) -> None:
    store = open_store(db_path)
    r1 = store.runs.start("a", [])
    r2 = store.runs.start("b", [])
    store.articles.add(_article(1, published="2020-01"), r1)
    store.articles.add(_article(2, published="2019-05-02"), r2)
    store.articles.add(_article(3), r2)
    assert [a.id for a in store.articles.iter()] == ["id1", "id2", "id3"]
    assert [a.id for a in store.articles.iter(order="published", batch=2)] == ["id2", "id1", "id3"]
    assert [a.id for a in store.articles.iter(run_id=r2)] == ["id2", "id3"]
    assert store.runs.last_id() == r2


def test_rejections_and_vectors(db_path: str) -> None:
    store = open_store(db_path)
    run = store.runs.start("a", [])
    store.articles.add(_article(1), run)
    store.runs.reject(Rejection(SourceRef(path="bad.txt", line=3), "empty", "bad.txt: file is empty"), run)
    (rej,) = store.runs.rejections(run)
    assert (rej["source_path"], rej["source_line"], rej["reason"]) == ("bad.txt", 3, "empty")
    vec = np.arange(4, dtype=np.float32)
    store.vectors.put("m", {"id1": vec})
    store.vectors.put("m", {"id1": vec * 2})  # replaced, not duplicated
    got = store.vectors.get("m")
    assert list(got) == ["id1"] and np.allclose(got["id1"], vec * 2)
    assert store.vectors.get("m", ["nope"]) == {}


def test_db_urls() -> None:
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("x.db").startswith("sqlite:////")
    for bad in ("://nothing", "postgresql://u@h:port/db"):
        with pytest.raises(StoreError, match=r"expected e\.g\."):
            resolve_db_url(bad)
