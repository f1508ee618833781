"""The stories.v1 stage on a temporary SQLite store: vectors, stories, copies, views, CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.embed import Encoder, get_encoder
from narratrace.records import Article, SourceRef
from narratrace.store import Store, open_store
from narratrace.stories import StoriesStage, list_stories, stories_for_report
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
    run = store.start_run("test", keys)
    arts = [_article(a) for a in ARTS if a["key"] in keys]
    for art in arts:
        store.add_article(art, run)
    return [a.id for a in arts]


def _by_key(store: Store) -> dict[str, Article]:
    return {Path(a.source.path or "").stem: a for a in store.iter_articles()}


def test_stage_end_to_end_incremental(tmp_path: Path, encoder: Encoder) -> None:
    db = str(tmp_path / "t.db")
    store = open_store(db)
    stage = StoriesStage()
    stage.update(store, _add(store, ["src", "copy", "other"]))
    stage.update(store, _add(store, ["fr", "titleonly", "later"]))  # second run: state from files
    arts = _by_key(store)
    assert len(store.get_vectors(VECTOR_MODEL)) == 6
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

    stories = {s.id: s for s in list_stories(store)}
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
    run = store.start_run("test", ["again"])
    store.add_article(extra, run)
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
