"""Saved searches with alerts (issue 14): saved through the API, new matching articles raise one
alert each (by words, and by meaning across languages), delivered by watch's sinks, listed on the
search page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.watch.alerts import JsonlSink
from narratrace.watch.loop import poll_once
from narratrace.watch.searches import check_saved_searches
from narratrace.web import create_app

pytestmark = pytest.mark.slow
AUTH = {"authorization": "Bearer s3cret"}


def _items(*rows: dict[str, str]) -> bytes:
    return ("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n").encode()


def test_saved_searches_alert_on_new_matching_articles(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    settings = Settings(token="s3cret", analysers=("language.v1", "metadata.v1"), corpus=("stories.v1",))
    client = TestClient(create_app(db, settings))
    ndjson = AUTH | {"content-type": "application/x-ndjson"}
    before = _items({"id": "old", "title": "Chlorine stock found",
                     "text": "Inspectors found a chlorine stock in 2019."})
    assert client.post("/api/analyze", content=before, headers=ndjson).status_code == 200

    assert client.post("/api/searches", json={"name": "x", "q": "chlorine"}).status_code == 401
    words = client.post("/api/searches", json={"name": "Chlorine", "q": "chlorine", "mode": "text"}, headers=AUTH)
    assert words.status_code == 201, words.text
    meaning = client.post("/api/searches", json={"name": "Chemical weapons for rebels", "mode": "semantic",
                                                  "q": "chemical weapons were delivered to the rebels"}, headers=AUTH)
    assert meaning.status_code == 201
    again = client.post("/api/searches", json={"name": "Chlorine (renamed)", "q": "chlorine", "mode": "text"},
                        headers=AUTH)
    assert again.json()["id"] == words.json()["id"]  # the same search, renamed, not a second one
    listed = client.get("/api/searches").json()["items"]
    assert [s["name"] for s in listed] == ["Chemical weapons for rebels", "Chlorine (renamed)"]

    new = _items(
        {"id": "en", "title": "Chlorine barrels in Idlib", "lang": "en",
         "text": "Officials said chlorine barrels were delivered to a depot near Idlib on Tuesday."},
        {"id": "fr", "title": "Armes chimiques livrées", "lang": "fr",
         "text": "Des armes chimiques ont été livrées aux groupes rebelles, affirme le ministère."},
        {"id": "bread", "title": "Bakery anniversary", "lang": "en",
         "text": "The old town bakery celebrated its hundredth anniversary with free bread for everyone."},
    )
    assert client.post("/api/analyze", content=new, headers=ndjson).status_code == 200
    store = open_store(db)
    assert check_saved_searches(store) >= 2
    _, by_words = store.watch.alerts(f"search:{words.json()['id']}:")
    _, by_meaning = store.watch.alerts(f"search:{meaning.json()['id']}:")
    ext = {a.id: a.external_id for a in store.articles.iter()}
    assert {ext[a["article_id"]] for a in by_words} == {"en"}  # the 2019 article was there before the search
    assert "fr" in {ext[a["article_id"]] for a in by_meaning}  # across languages, by meaning
    assert "bread" not in {ext[a["article_id"]] for a in by_meaning + by_words}
    assert check_saved_searches(store) == 0  # each article alerts once

    # watch delivers them to its sinks
    out = tmp_path / "alerts.jsonl"
    report = poll_once(store, [], settings, [JsonlSink(out)])
    kinds = [json.loads(line)["kind"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert report.alerts_delivered == len(kinds) and kinds.count("saved_search") == len(by_words) + len(by_meaning)

    page = client.get("/search").text
    assert "Saved searches" in page and "Chlorine (renamed)" in page and "1 new since saved" in page
    assert "<title>Search · narratrace</title>" in page and page.count("Saved searches</h2>") == 1
    assert "Chlorine barrels in Idlib" in page

    sid = words.json()["id"]
    assert client.delete(f"/api/searches/{sid}", headers=AUTH).status_code == 204
    assert client.delete(f"/api/searches/{sid}", headers=AUTH).status_code == 404
    assert [s["name"] for s in client.get("/api/searches").json()["items"]] == ["Chemical weapons for rebels"]
