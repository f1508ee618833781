"""Hostile records (issue 12 items 3 and 4): lines beyond JSON's limits, characters a store
cannot hold. Each bad line is rejected or repaired with a reason, the good ones are kept."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.ingest.readers import read_file
from narratrace.pipeline import analyze
from narratrace.records import RawItem, Rejection
from narratrace.store import open_store
from narratrace.web.app import create_app

SETTINGS = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
GOOD = json.dumps({"id": "good", "title": "Convoy reaches Ariha", "text": "Trucks arrived on 4 June 2020."})


def _hostile_jsonl(path: Path) -> Path:
    lines = [
        '{"id": "big-int", "title": "t", "n": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        '{"id": "deep-field", "title": "t", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"id": "nul", "title": "Null\u0000 byte", "text": "A body with a NUL\u0000 inside it."}),
        json.dumps({"id": "surrogate", "title": "Lone \ud800 surrogate", "text": "Body \udfff here."}),
        GOOD,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    return path


def test_reader_rejects_each_line_beyond_the_limits_and_repairs_unstorable_text(tmp_path: Path) -> None:
    found = list(read_file(_hostile_jsonl(tmp_path / "h.jsonl")))
    rejected = [f for f in found if isinstance(f, Rejection)]
    items = {f.external_id: f for f in found if isinstance(f, RawItem)}
    assert [r.source.line for r in rejected] == [1, 2, 3]
    assert {r.reason for r in rejected} == {"invalid_json"}
    assert "limit" in rejected[0].detail and "nested too deeply" in rejected[1].detail
    assert set(items) == {"nul", "surrogate", "good"}
    assert "\x00" not in (items["nul"].text or "") and "NUL inside" in (items["nul"].text or "")
    assert any(w.startswith("unstorable_characters_stripped:2") for w in items["nul"].warnings)
    assert (items["surrogate"].title or "").encode("utf-8")  # encodable now


def _run_and_check(tmp_path: Path, db: str) -> None:
    src = _hostile_jsonl(tmp_path / "h.jsonl")
    first = analyze([str(src)], db, SETTINGS, jobs=1)
    assert first.accepted == 3 and first.rejected_by_reason == {"invalid_json": 3}
    again = analyze([str(src)], db, SETTINGS, jobs=1)  # no poison pill: the re-run is clean too
    assert again.accepted == 0 and again.already_stored == 3
    store = open_store(db)
    arts = {a.external_id: a for a in store.articles.iter()}
    assert set(arts) == {"nul", "surrogate", "good"}
    assert "\x00" not in arts["nul"].body and "unstorable_characters_stripped:2" in arts["nul"].warnings
    store.close()


def test_pipeline_on_sqlite_stores_the_good_lines(tmp_path: Path) -> None:
    _run_and_check(tmp_path, str(tmp_path / "s.db"))




def test_nul_is_no_poison_pill_on_postgres(tmp_path: Path, pg_url: str) -> None:
    _run_and_check(tmp_path, pg_url)


def test_api_answers_400_or_per_line_rejections_never_500(tmp_path: Path) -> None:
    settings = Settings(token="s3cret", analysers=("language.v1", "metadata.v1"), corpus=())
    client = TestClient(create_app(str(tmp_path / "api.db"), settings), raise_server_exceptions=False)
    auth = {"authorization": "Bearer s3cret"}
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    for body in (deep, b'{"title": "t", "n": ' + b"9" * 5000 + b"}"):
        res = client.post("/api/analyze", content=body, headers=auth | {"content-type": "application/json"})
        assert res.status_code == 400, res.text
    batch = (b'{"title": "t", "n": ' + b"9" * 5000 + b"}\n" + deep + b"\n" +
             json.dumps({"title": "Null\u0000 title", "text": "Some body text here."}).encode() + b"\n")
    res = client.post("/api/analyze", content=batch, headers=auth | {"content-type": "application/x-ndjson"})
    assert res.status_code == 200, res.text
    data = res.json()
    assert [r["line"] for r in data["rejected"]] == [1, 2]
    assert [a["title"] for a in data["articles"]] == ["Null title"]
