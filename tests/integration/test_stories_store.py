"""The stories.v1 stage on a temporary SQLite store: vectors, stories, copies, views, CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.embed import Encoder, get_encoder
from narratrace.records import Article, SourceRef
from narratrace.store import Store, open_store
from narratrace.stories import StoriesStage, stories_for_report
from narratrace.stories.stage import VECTOR_MODEL
from narratrace.stories.state import INDEX_FILE, STATE_FILE

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stories" / "articles.json"
ARTS = json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return get_encoder()


def _article(a: dict[str, str]) -> Article:
    digest = hashlib.sha1(a["key"].encode()).hexdigest()
    return Article(id=digest[:16], content_hash=digest, source=SourceRef(path=f"{a['key']}.txt"),
                   body=a["body"], lang=a["lang"], outlet=a["outlet"], published=a["published"],
                   title=a["title"])


def _add(store: Store, keys: list[str]) -> list[str]:
    run = store.runs.start("test", keys)
    arts = [_article(a) for a in ARTS if a["key"] in keys]
    for art in arts:
        store.articles.add(art, run)
    return [a.id for a in arts]


def _by_key(store: Store) -> dict[str, Article]:
    return {Path(a.source.path or "").stem: a for a in store.articles.iter()}


def test_stage_end_to_end_incremental(tmp_path: Path, encoder: Encoder) -> None:
    db = str(tmp_path / "t.db")
    store = open_store(db)
    stage = StoriesStage()
    stage.update(store, _add(store, ["src", "copy", "other"]))
    stage.update(store, _add(store, ["fr", "titleonly", "later"]))  # second run: state from files
    arts = _by_key(store)
    assert len(store.vectors.get(VECTOR_MODEL)) == 6
    story = arts["src"].story_id
    assert story and all(arts[k].story_id == story for k in ("copy", "fr", "titleonly"))
    assert arts["other"].story_id != story
    assert arts["later"].story_id not in (story, arts["other"].story_id)  # months later: new story

    copy_rel = arts["copy"].relations[0]
    assert (copy_rel.kind, copy_rel.article_id) == ("republished_from", arts["src"].id)
    assert all(arts["copy"].body[s.start : s.end] == s.text for s in copy_rel.evidence)
    fr_rel = arts["fr"].relations[0]
    assert (fr_rel.kind, fr_rel.article_id) == ("translated_from", arts["src"].id)
    assert arts["copy"].duplicate_of == arts["src"].id == arts["fr"].duplicate_of
    assert arts["src"].duplicate_of is None and not arts["later"].relations

    stories = {s.id: s for s in store.stories.list()}
    assert stories[story].size == 4
    assert stories[story].languages == {"en": 3, "fr": 1}
    assert stories[story].first_date == "2021-05-03" and stories[story].last_date == "2021-05-04"
    report = {r.story.id: r for r in stories_for_report(store)}
    kinds = {a.id: a.relation for a in report[story].articles}
    assert kinds[arts["fr"].id] == "translated_from" and kinds[arts["src"].id] is None

    # re-running changes nothing; deleting the side files rebuilds the same state
    before = {k: (a.story_id, a.duplicate_of) for k, a in _by_key(store).items()}
    stage.update(store, [a.id for a in arts.values()])
    for name in (INDEX_FILE, STATE_FILE):
        store.side_path(name).unlink()
    extra = _article({**ARTS[0], "key": "src-again", "published": "2021-05-05",
                      "body": ARTS[0]["body"] + " The port reopened on Wednesday as planned."})
    run = store.runs.start("test", ["again"])
    store.articles.add(extra, run)
    stage.update(store, [extra.id])
    after = _by_key(store)
    assert {k: (a.story_id, a.duplicate_of) for k, a in after.items() if k != "src-again"} == before
    assert after["src-again"].story_id == story
    assert store.side_path(INDEX_FILE).exists()

    result = CliRunner().invoke(cli, ["stories", "--db", db])
    assert result.exit_code == 0, result.output
    assert "size=5" in result.output and "en:4" in result.output
    as_json = CliRunner().invoke(cli, ["stories", "--db", db, "--json", "--min-size", "2"])
    assert [json.loads(line)["size"] for line in as_json.output.splitlines()] == [5]


def test_same_data_gives_same_stories(tmp_path: Path, encoder: Encoder) -> None:
    results = []
    for name in ("a.db", "b.db"):
        store = open_store(str(tmp_path / name))
        StoriesStage().update(store, _add(store, [a["key"] for a in ARTS]))
        results.append(sorted((k, a.story_id, a.duplicate_of) for k, a in _by_key(store).items()))
    assert results[0] == results[1]


def test_unknown_option_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown stories\.v1 option"):
        StoriesStage(treshold=0.5)


def test_search_reads_the_vectors_the_stage_wrote(tmp_path: Path, encoder: Encoder) -> None:
    """The dashboard's semantic search must use the stored article vectors, not re-encode."""
    from narratrace.web.search import SearchIndex

    store = open_store(str(tmp_path / "s.db"))
    StoriesStage().update(store, _add(store, [a["key"] for a in ARTS]))

    def must_not_encode(texts: list[str]) -> object:
        raise AssertionError(f"re-encoded {len(texts)} stored articles")

    vectors = SearchIndex(store).semantic.vectors
    vectors.encode = must_not_encode  # type: ignore[assignment]
    ids, matrix = vectors.current()
    stored = store.vectors.get(VECTOR_MODEL)
    assert sorted(ids) == sorted(stored) and len(ids) == len(ARTS)
    assert all(np.array_equal(matrix[i], stored[aid]) for i, aid in enumerate(ids))


def test_another_encoder_gets_its_own_vectors_and_state(tmp_path: Path, encoder: Encoder) -> None:
    """Configured with a local ONNX model, the stage stores that model's vectors under its own
    key; switching encoders on the same database rebuilds the state in the new vector space
    (embedding the stored articles again) instead of mixing two spaces in one index."""
    from narratrace.embed import vector_key
    from narratrace.stories import state
    from narratrace.web.search import SearchIndex
    from tests.onnx_model import DIM, build

    build(tmp_path / "tiny")
    spec = f"onnx:{tmp_path / 'tiny'}"
    store = open_store(str(tmp_path / "o.db"))
    first = _add(store, ["src", "copy", "other"])
    StoriesStage(encoder=spec).update(store, first)
    onnx_vectors = store.vectors.get(vector_key(spec))
    assert sorted(onnx_vectors) == sorted(first) and {v.shape for v in onnx_vectors.values()} == {(DIM,)}
    assert not store.vectors.get(VECTOR_MODEL)
    assert all(a.story_id for a in store.articles.iter())
    vectors = SearchIndex(store, encoder=spec).semantic.vectors
    ids, matrix = vectors.current()
    assert sorted(ids) == sorted(first) and matrix.shape == (3, DIM)

    later = _add(store, ["fr", "titleonly"])
    StoriesStage().update(store, later)  # back to the default encoder
    assert sorted(store.vectors.get(VECTOR_MODEL)) == sorted(first + later)
    clusterer = state.load(store, encoder.dim, StoriesStage().params, VECTOR_MODEL)
    assert len(clusterer) == 5 and clusterer.raw.shape[1] == encoder.dim
    assert all(a.story_id for a in store.articles.iter())
    # the state files now name the default encoder's vectors: loading them for the ONNX model refuses
    assert state._load_files(store.side_path(state.INDEX_FILE), store.side_path(state.STATE_FILE), DIM,
                             StoriesStage().params, vector_key(spec)) is None


def test_state_loaded_from_files_scores_like_a_rebuilt_one(tmp_path: Path, encoder: Encoder) -> None:
    """The side files hold only part of the clusterer; what is derived (token frequencies, the
    sorted dates behind the stream density of the gap penalty) must come back identical, or
    an incremental run would cluster differently from a full one."""
    from narratrace.stories import state

    store = open_store(str(tmp_path / "d.db"))
    stage = StoriesStage()
    stage.update(store, _add(store, ["src", "copy", "other"]))
    stage.update(store, _add(store, ["fr", "titleonly", "later"]))
    loaded = state._load_files(store.side_path(state.INDEX_FILE), store.side_path(state.STATE_FILE),
                               encoder.dim, stage.params, VECTOR_MODEL)
    rebuilt = state.rebuild(store, encoder.dim, stage.params, VECTOR_MODEL)
    assert loaded is not None and len(loaded) == len(rebuilt) == 6
    assert loaded._sorted_days == rebuilt._sorted_days and len(loaded._sorted_days) == 6
    assert loaded._df == rebuilt._df
    for day in [*loaded._sorted_days, loaded._sorted_days[0] - 3.0, None]:
        assert loaded._stream_density(day) == rebuilt._stream_density(day)


def test_state_files_of_other_projection_settings_are_rebuilt(tmp_path: Path, encoder: Encoder) -> None:
    import dataclasses

    from narratrace.stories import state

    store = open_store(str(tmp_path / "p.db"))
    stage = StoriesStage()
    stage.update(store, _add(store, ["src", "copy", "other"]))
    files = (store.side_path(state.INDEX_FILE), store.side_path(state.STATE_FILE))
    assert state._load_files(*files, encoder.dim, stage.params, VECTOR_MODEL) is not None
    other = dataclasses.replace(stage.params, components=5)
    assert state._load_files(*files, encoder.dim, other, VECTOR_MODEL) is None
    assert len(state.load(store, encoder.dim, other, VECTOR_MODEL)) == 3  # rebuilt from the store


def test_the_same_text_at_two_outlets_is_a_republication_not_a_duplicate_input(tmp_path: Path) -> None:
    """Verbatim re-publication is the laundering case: both stored, the later one linked."""
    from narratrace.config import Settings
    from narratrace.pipeline import analyze

    src = ARTS[0]
    lines = [{"id": "wire-1", "title": src["title"], "text": src["body"], "outlet": "State Wire",
              "url": "https://wire.example/1", "date": "2023-05-01", "lang": "en"},
             {"id": "proxy-9", "title": src["title"], "text": src["body"], "outlet": "Proxy Blog",
              "url": "https://proxy.example/9", "date": "2023-05-03", "lang": "en"}]
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "r.db")
    settings = Settings(analysers=("language.v1", "metadata.v1"))
    assert analyze([str(dump)], db, settings, jobs=1).accepted == 2
    assert analyze([str(dump)], db, settings, jobs=1).accepted == 0  # the same entries again: nothing new
    by_ext = {a.external_id: a for a in open_store(db).articles.iter()}
    wire, proxy = by_ext["wire-1"], by_ext["proxy-9"]
    assert proxy.duplicate_of == wire.id and proxy.story_id == wire.story_id
    assert [(r.kind, r.article_id) for r in proxy.relations] == [("republished_from", wire.id)]


def _variant(key: str, like: str, outlet: str, published: str) -> dict[str, str]:
    base = next(a for a in ARTS if a["key"] == like)
    return {**base, "key": key, "outlet": outlet, "published": published}


def _stored(store: Store, arts: list[dict[str, str]]) -> list[str]:
    run = store.runs.start("test", [a["key"] for a in arts])
    for a in arts:
        store.articles.add(_article(a), run)
    return [_article(a).id for a in arts]


def test_a_late_source_becomes_the_source_of_every_copy_stored_before_it(tmp_path: Path, encoder: Encoder) -> None:
    """Copies and translations stored first, their source last: all end up pointing to it."""
    store = open_store(str(tmp_path / "late.db"))
    stage = StoriesStage()
    by_key = {a["key"]: a for a in ARTS}
    stage.update(store, _stored(store, [by_key["copy"], by_key["fr"]]))
    stage.update(store, _stored(store, [by_key["src"]]))
    arts = _by_key(store)
    src = arts["src"].id
    assert arts["copy"].duplicate_of == src and arts["fr"].duplicate_of == src
    assert ("republished_from", src) in {(r.kind, r.article_id) for r in arts["copy"].relations}
    assert arts["src"].duplicate_of is None and not arts["src"].relations


def test_a_middle_copy_arriving_last_keeps_everyone_on_the_earliest(tmp_path: Path, encoder: Encoder) -> None:
    """alpha (05-01) stored, then gamma (05-05, a copy of beta's text), then beta (05-03)."""
    store = open_store(str(tmp_path / "mid.db"))
    stage = StoriesStage()
    alpha = _variant("alpha", "src", "Coast Herald", "2021-05-01")
    gamma = _variant("gamma", "copy", "Echo Blog", "2021-05-05")
    beta = _variant("beta", "copy", "Daily Relay", "2021-05-03")
    for batch in ([alpha], [gamma], [beta]):
        stage.update(store, _stored(store, batch))
    arts = _by_key(store)
    root = arts["alpha"].id
    assert arts["beta"].duplicate_of == root and arts["gamma"].duplicate_of == root
    assert {r.article_id for r in arts["beta"].relations} == {root}
    # gamma is word for word beta: beta is its best source, and the earliest stays its root
    assert arts["beta"].id in {r.article_id for r in arts["gamma"].relations}


def test_a_copy_under_a_headline_of_its_own_is_found_and_joins_its_source(tmp_path: Path,
                                                                          encoder: Encoder) -> None:
    """The headline weighs three sentences in the article vector: a verbatim copy under a
    clickbait headline was neither compared with its source nor put in its story."""
    store = open_store(str(tmp_path / "h.db"))
    stage = StoriesStage()
    src = next(a for a in ARTS if a["key"] == "src")
    bait = {**src, "key": "bait", "outlet": "Viral Page", "published": "2021-05-05",
            "title": "You will not believe what happened next",
            "body": "Shared by our readers.\n" + src["body"]}
    stage.update(store, _stored(store, [src]))
    stage.update(store, _stored(store, [bait]))
    arts = _by_key(store)
    assert arts["bait"].duplicate_of == arts["src"].id
    assert [(r.kind, r.article_id) for r in arts["bait"].relations] == [("republished_from", arts["src"].id)]
    assert arts["bait"].story_id == arts["src"].story_id
    rebuilt = {k: (a.story_id, a.duplicate_of) for k, a in arts.items()}
    from narratrace.stories import state

    for name in (state.INDEX_FILE, state.STATE_FILE):
        store.side_path(name).unlink()
    assert len(state.load(store, encoder.dim, stage.params, VECTOR_MODEL)) == 2  # the restored copy survives
    assert {k: (a.story_id, a.duplicate_of) for k, a in _by_key(store).items()} == rebuilt


def test_articles_stored_before_sketches_existed_are_sketched_once(tmp_path: Path, encoder: Encoder) -> None:
    """A database from before copy sketches: its articles get theirs, so a new copy under its
    own headline still finds them."""
    from sqlalchemy import text

    store = open_store(str(tmp_path / "old.db"))
    stage = StoriesStage()
    src = next(a for a in ARTS if a["key"] == "src")
    stage.update(store, _stored(store, [src]))
    with store._engine.begin() as conn:
        conn.execute(text("DELETE FROM copy_sketches"))  # as in a database of the previous version
    assert [aid for aid, _ in store.sketches.unsketched()] == [_article(src).id]
    bait = {**src, "key": "bait", "outlet": "Viral Page", "published": "2021-05-05",
            "title": "You will not believe what happened next", "body": "Shared by our readers.\n" + src["body"]}
    stage.update(store, _stored(store, [bait]))
    assert store.sketches.unsketched() == []
    arts = _by_key(store)
    assert arts["bait"].duplicate_of == arts["src"].id
    short = {**src, "key": "short", "body": "Too short.", "published": "2021-05-06"}
    stage.update(store, _stored(store, [short]))
    assert store.sketches.unsketched() == []  # a body too short for a sketch is marked, not retried forever
