"""`narratrace entities` and `narratrace provenance` over articles stored by the analysers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from narratrace.analyse.attribution import AttributionStage
from narratrace.analyse.claims import ClaimStage
from narratrace.analyse.entities import EntityStage
from narratrace.analyse.entities.index import EntityIndexStage, list_entities
from narratrace.cli import cli
from narratrace.records import Article, Relation, SourceRef
from narratrace.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"


def _analysed(aid: str, name: str, lang: str, outlet: str, published: str, **extra: object) -> Article:
    body = (FIX / name).read_text(encoding="utf-8")
    art = Article(
        id=aid,
        content_hash=f"h-{aid}",
        source=SourceRef(path=name),
        body=body,
        lang=lang,
        outlet=outlet,
        published=published,
        story_id="s1",
        **extra,
    )  # type: ignore[arg-type]
    for stage in (EntityStage(), AttributionStage(), ClaimStage()):
        art = stage(art)
    return art


def _store(tmp_path: Path) -> str:
    db = str(tmp_path / "t.db")
    store = open_store(db)
    run = store.runs.start("test", [])
    en = _analysed("a1", "en_briefing.txt", "en", "Wire One", "2019-03-29")
    fr = _analysed(
        "a2",
        "fr_translation.txt",
        "fr",
        "Le Veilleur",
        "2019-03-30",
        relations=(Relation("translated_from", "a1", 0.91),),
    )
    for art in (en, fr):
        store.articles.add(art, run)
    EntityIndexStage().update(store, ["a1", "a2"])
    return db


def test_entities_table_and_listing(tmp_path: Path) -> None:
    db = _store(tmp_path)
    store = open_store(db)
    rows = {r["canonical_name"]: r for r in list_entities(store)}
    khan = next(r for r in rows.values() if "Khan Shaykhun" in r["spellings"])
    assert set(khan["spellings"]) >= {"Khan Shaykhun", "Khan Cheikhoun"}
    assert khan["languages"] == ["en", "fr"] and khan["outlets"] == ["Le Veilleur", "Wire One"]
    # the index gave every article the same canonical name for one id
    names = {
        e.canonical_name
        for a in store.articles.get_many(["a1", "a2"])
        for e in a.entities
        if e.canonical_id == khan["canonical_id"]
    }
    assert names == {khan["canonical_name"]}
    res = CliRunner().invoke(cli, ["entities", "--db", db, "--type", "LOC"])
    assert res.exit_code == 0 and "Khan" in res.output
    res = CliRunner().invoke(cli, ["entities", "--db", db, "--format", "jsonl", "--limit", "0"])
    assert len(res.output.splitlines()) == len(rows)


def test_provenance(tmp_path: Path) -> None:
    db = _store(tmp_path)
    res = CliRunner().invoke(cli, ["provenance", "s1", "--db", db, "--format", "json"])
    assert res.exit_code == 0, res.output
    p = json.loads(res.output)
    assert p["first_published"]["article_id"] == "a1"
    assert p["first_said_by"][0]["source"] == "Viktor Kupchishin"
    assert "Réseau International" in p["translators"] and "Le Veilleur" in p["translators"]
    assert {o["source"] for o in p["cited_origins"]} >= {"Sputnik", "RT", "TASS"}
    assert [t["role"] for t in p["timeline"]] == ["republication", "translation"]
    assert all(t["factchecks"] == [] for t in p["timeline"])  # nothing imported yet
    text = CliRunner().invoke(cli, ["provenance", "s1", "--db", db])
    assert "First said by: Viktor Kupchishin" in text.output
    # origins are counted per article, and a timeline line names each credited source once
    assert all(1 <= o["articles"] <= p["articles"] for o in p["cited_origins"])
    for line in text.output.split("Timeline:")[1].splitlines():
        labels = [x.strip() for x in line.split(";")]
        assert len(labels) == len(set(labels)), line
    missing = CliRunner().invoke(cli, ["provenance", "nope", "--db", db])
    assert missing.exit_code == 2


def test_lone_surname_is_linked_across_articles(tmp_path: Path) -> None:
    db = _store(tmp_path)
    store = open_store(db)
    run = store.runs.start("test", [])
    body = "Kupchishin repeated on Monday that the convoy had reached Saraqib."
    art = Article(id="a3", content_hash="h-a3", source=SourceRef(), body=body, lang="en", story_id="s1")
    store.articles.add(EntityStage()(art), run)
    EntityIndexStage().update(store, ["a3"])
    (stored,) = store.articles.get_many(["a3"])
    kup = next(e for e in stored.entities if e.text == "Kupchishin")
    (full,) = {e.canonical_id for e in store.articles.get_many(["a1"])[0].entities if e.text == "Viktor Kupchishin"}
    assert kup.canonical_id == full and kup.canonical_name == "Viktor Kupchishin"


def test_a_source_named_twice_in_one_article_is_one_relay(tmp_path: Path) -> None:
    from narratrace.records import Attribution

    body = "TASS reported the convoy. Later, TASS reported it again, according to Sputnik."
    cites = (
        Attribution("cites", "TASS", "TASS reported the convoy.", 0, 25),
        Attribution("cites", "TASS", "Later, TASS reported it again", 26, 55),
        Attribution("cites", "Sputnik", "according to Sputnik", 57, 77),
    )
    db = str(tmp_path / "p.db")
    store = open_store(db)
    run = store.runs.start("test", [])
    for aid, day in (("b1", "2019-03-29"), ("b2", "2019-03-30")):
        store.articles.add(
            Article(
                id=aid,
                content_hash=f"h-{aid}-{day}",
                source=SourceRef(),
                body=body + f" ({aid})",
                lang="en",
                outlet=f"Outlet {aid}",
                published=day,
                story_id="s2",
                attributions=cites,
            ),
            run,
        )
    res = CliRunner().invoke(cli, ["provenance", "s2", "--db", db, "--format", "json"])
    p = json.loads(res.output)
    assert p["cited_origins"] == [{"source": "Sputnik", "articles": 2}, {"source": "TASS", "articles": 2}]
    assert len(p["timeline"][0]["credits"]) == 3  # the JSON keeps every mention with its evidence
    text = CliRunner().invoke(cli, ["provenance", "s2", "--db", db]).output
    assert "Cited origins: Sputnik (2), TASS (2)" in text
    assert text.count("cites TASS") == 2  # once per article line
