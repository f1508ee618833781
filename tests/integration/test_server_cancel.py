"""Server analyses are cancellable (issue 12): a deadline, and a client that goes away.

Cancelling means "read no further item": what was analysed is stored, the analysis slot is
free for the next request at once.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.web import create_app

from .live_server import serve

pytestmark = pytest.mark.slow
AUTH = {"authorization": "Bearer s3cret"}
SENTENCE = ("The ministry said on Friday that aid convoys reached the northern villages after the "
            "council vote, and officials expect more trucks next week. ")


def _batch(n: int) -> bytes:
    lines = [json.dumps({"id": f"item-{k}", "title": f"Convoy report {k}", "text": f"Report {k}. " + SENTENCE * 8})
             for k in range(n)]
    return ("\n".join(lines) + "\n").encode()


def _settings(seconds: int) -> Settings:
    # the default analysers (entities, attributions, claims, techniques, narratives): real work per item
    return Settings(token="s3cret", max_analysis_seconds=seconds, corpus=())


def test_an_analysis_over_its_deadline_stops_keeps_what_it_did_and_frees_the_slot(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    client = TestClient(create_app(db, _settings(2)))
    client.post("/api/analyze", content=b"warm up the models.", headers=AUTH | {"content-type": "text/plain"})
    started = time.monotonic()
    res = client.post("/api/analyze", content=_batch(400), headers=AUTH | {"content-type": "application/x-ndjson"})
    took = time.monotonic() - started
    assert res.status_code == 503, res.text[:300]
    body = res.json()
    assert "max_analysis_seconds" in body["detail"] and res.headers["retry-after"]
    stored = len(body["articles"])
    assert 0 < stored < 400 and body["not_analysed"] >= 400 - stored - 1
    assert took < 30  # 400 items take far longer than that; the deadline is 2 s plus the current item
    assert open_store(db).articles.count() == stored + 1  # the warm-up text and what was analysed
    # the slot is free: the next small analysis answers normally
    ok = client.post("/api/analyze", content=b"A short note about the harbour bridge repairs.",
                     headers=AUTH | {"content-type": "text/plain"})
    assert ok.status_code == 200 and len(ok.json()["articles"]) == 1


def test_a_client_that_goes_away_cancels_its_analysis(tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    app = create_app(db, _settings(3600))
    server, port = serve(app)
    try:
        body = _batch(400)
        head = (f"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret\r\n"
                f"Content-Type: application/x-ndjson\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(head + body)
            time.sleep(4)  # the analysis is under way
        # the client is gone: the analysis stops after its current item and the run ends
        store = open_store(db)
        count = store.articles.count()
        stop = time.monotonic() + 30
        while time.monotonic() < stop:
            time.sleep(1)
            now = store.articles.count()
            if now == count:
                break
            count = now
        assert 0 < count < 400
        time.sleep(2)
        assert store.articles.count() == count  # nothing more is analysed
    finally:
        server.should_exit = True


def test_the_item_time_budget_holds_on_the_server_thread(tmp_path: Path) -> None:
    from narratrace import registry

    registry.STAGES.register("test-slow.v1", "tests.integration.hostile_stages:SlowStage")
    try:
        settings = Settings(token="s3cret", analysers=("language.v1", "test-slow.v1"), corpus=(), max_item_seconds=1)
        client = TestClient(create_app(str(tmp_path / "c.db"), settings))
        batch = (json.dumps({"id": "slow", "text": "This one is SLOW on purpose, says the test."}) + "\n"
                 + json.dumps({"id": "quick", "text": "An ordinary note about the harbour bridge."}) + "\n")
        started = time.monotonic()
        ndjson = AUTH | {"content-type": "application/x-ndjson"}
        res = client.post("/api/analyze", content=batch.encode(), headers=ndjson)
        assert time.monotonic() - started < 20  # the slow item would take 60 s
    finally:
        registry.STAGES.unregister("test-slow.v1")
    assert res.status_code == 200, res.text[:300]
    body = res.json()
    assert [a["external_id"] for a in body["articles"]] == ["quick"]
    assert [r["reason"] for r in body["rejected"]] == ["over_budget"]
