"""Stored sentence vectors: what goes in comes out, per article and encoder key."""

from __future__ import annotations

import numpy as np

from narratrace.embed.sentences import TITLE_SPAN, SentenceSet, sentence_key
from narratrace.records import Article, SourceRef
from narratrace.store import open_store


def _article(i: int, body: str) -> Article:
    return Article(id=f"a{i}", content_hash=f"h{i}", source=SourceRef(path=f"{i}.txt"), body=body, title="Headline")


def test_sentence_vectors_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "v.db"))
    body = "First sentence here. Second one follows."
    store.articles.add(_article(1, body), run_id=store.runs.start("t", []))
    store.articles.add(_article(2, "Another body."), run_id=store.runs.start("t", []))
    rng = np.random.default_rng(1)
    vecs = rng.standard_normal((3, 8)).astype(np.float32)
    units = SentenceSet.build([(0, 20), (21, 40), TITLE_SPAN], vecs)
    key = sentence_key()
    store.vectors.put_sentences(key, {"a1": units})
    got = store.vectors.get_sentences(key, ["a1", "a2", "missing"])
    assert list(got) == ["a1"]
    assert np.array_equal(got["a1"].vectors, vecs) and got["a1"].spans.tolist() == [[0, 20], [21, 40], [-1, -1]]
    assert got["a1"].texts(body, "Headline") == ["First sentence here.", "Second one follows.", "Headline"]
    assert store.vectors.sentence_ids(key, ["a1", "a2"]) == {"a1"}
    assert store.vectors.get_sentences("other-encoder/sentences.v1", ["a1"]) == {}
    # replacing keeps one row per article and key
    store.vectors.put_sentences(key, {"a1": SentenceSet.build([(0, 20)], vecs[:1])})
    assert len(store.vectors.get_sentences(key, ["a1"])["a1"]) == 1


def test_a_set_needs_one_vector_per_span() -> None:
    try:
        SentenceSet.build([(0, 1), (1, 2)], np.zeros((1, 4), np.float32))
    except ValueError as exc:
        assert "2 spans but 1 vectors" in str(exc)
    else:
        raise AssertionError("accepted a mismatched set")


def test_a_second_writer_of_the_same_vectors_replaces_them_instead_of_failing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two analyses of one store can write one article's vectors at the same moment (one keeps
    what its workers computed, the other's stories stage computes what it found missing): the
    later insert meets a row the earlier one committed after this one's delete, and must
    replace it rather than fail on the key (it crashed a run on PostgreSQL about 1 in 20)."""
    from narratrace.store import schema
    from narratrace.store.base import insert_replacing

    store = open_store(str(tmp_path / "r.db"))
    store.articles.add(_article(1, "A body."), run_id=store.runs.start("t", []))
    first, second = np.ones(4, dtype=np.float32), np.full(4, 2.0, dtype=np.float32)
    store.vectors.put("m", {"a1": first})
    db = store.vectors._db
    with db.begin() as conn:  # what the other writer's insert meets: the row is already there
        conn.execute(insert_replacing(db.dialect, schema.vectors),
                     [{"article_id": "a1", "model": "m", "dim": 4, "vector": second.tobytes()}])
        conn.execute(insert_replacing(db.dialect, schema.copy_sketches), [{"article_id": "a1", "value": 7}] * 2)
    assert np.array_equal(store.vectors.get("m", ["a1"])["a1"], second)
