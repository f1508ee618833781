from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import inspect

from narratrace.records import Article, Comment, Entity, NarrativeMatch, Rejection, SourceRef, Span
from narratrace.store import open_store, resolve_db_url
from narratrace.store.store import StoreError


def _article(i: int, **kw: object) -> Article:
    return Article(id=f"id{i}", content_hash=f"h{i}", source=SourceRef(path=f"f{i}.txt"), body=f"Body {i}", **kw)  # type: ignore[arg-type]


def test_migrations_create_every_table_and_are_idempotent(db_path: str) -> None:
    store = open_store(db_path)
    assert store.schema_version() == store.latest_schema_version()
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "runs", "rejections", "vectors", "stories", "entities", "mentions", "pending"} <= tables
    open_store(db_path)  # second open: nothing to do, no error


def test_add_article_once_per_content_and_round_trip(db_path: str) -> None:
    store = open_store(db_path)
    run = store.start_run("test", ["x"])
    art = _article(
        1, lang="fr", comments=(Comment("A", "t"),),
        entities=(Entity("Idlib", "LOC", "geo:idlib", "Idlib", 0, 5),),
        narratives=(NarrativeMatch("n1", "N", 0.9, "promotes", (Span(0, 4, "Body"),)),),
    )
    assert store.add_article(art, run, pending=["stories.v1"])
    assert not store.add_article(art, run)  # same content hash: stored once
    assert store.get_article("id1") == art
    assert store.count_articles() == 1 and store.pending("stories.v1") == ["id1"]
    store.clear_pending("stories.v1", ["id1"])
    assert store.pending("stories.v1") == []
    store.update_articles([art.replace(story_id="s1", entities=())])
    got = store.get_article("id1")
    assert got is not None and got.story_id == "s1" and got.entities == ()


def test_iter_articles_orders_and_filters(db_path: str) -> None:
    store = open_store(db_path)
    r1 = store.start_run("a", [])
    r2 = store.start_run("b", [])
    store.add_article(_article(1, published="2020-01"), r1)
    store.add_article(_article(2, published="2019-05-02"), r2)
    store.add_article(_article(3), r2)
    assert [a.id for a in store.iter_articles()] == ["id1", "id2", "id3"]
    assert [a.id for a in store.iter_articles(order="published", batch=2)] == ["id2", "id1", "id3"]
    assert [a.id for a in store.iter_articles(run_id=r2)] == ["id2", "id3"]
    assert store.last_run_id() == r2


def test_rejections_and_vectors(db_path: str) -> None:
    store = open_store(db_path)
    run = store.start_run("a", [])
    store.add_article(_article(1), run)
    store.add_rejection(Rejection(SourceRef(path="bad.txt", line=3), "empty", "bad.txt: file is empty"), run)
    (rej,) = store.rejections(run)
    assert (rej["source_path"], rej["source_line"], rej["reason"]) == ("bad.txt", 3, "empty")
    vec = np.arange(4, dtype=np.float32)
    store.put_vectors("m", {"id1": vec})
    store.put_vectors("m", {"id1": vec * 2})  # replaced, not duplicated
    got = store.get_vectors("m")
    assert list(got) == ["id1"] and np.allclose(got["id1"], vec * 2)
    assert store.get_vectors("m", ["nope"]) == {}


def test_db_urls() -> None:
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("x.db").startswith("sqlite:////")
    for bad in ("://nothing", "postgresql://u@h:port/db"):
        with pytest.raises(StoreError, match=r"expected e\.g\."):
            resolve_db_url(bad)
