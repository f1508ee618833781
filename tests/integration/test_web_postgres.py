"""The API on PostgreSQL: same queries, tsvector search (skipped unless NARRATRACE_TEST_PG_URL is set)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.web import create_app
from tests.integration.web_corpus import load
from tests.pg import PG

pytestmark = pytest.mark.skipif(not PG, reason="set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")




def test_api_on_postgres(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        corpus = load(store)
        client = TestClient(create_app(store, Settings()))
        assert client.get("/api/articles").json()["total"] == 5
        seen: list[str] = []
        params: dict[str, str | int] = {"limit": 2, "sort": "published"}
        while True:
            page = client.get("/api/articles", params=params).json()
            seen += [a["id"] for a in page["items"]]
            if not page["next"]:
                break
            params["cursor"] = page["next"]
        assert len(set(seen)) == 5 and seen[0] == corpus["other"].id
        assert client.get("/api/articles", params={"entity": "Q-white-helmets"}).json()["total"] == 3
        hits = client.get("/api/search", params={"q": "bidons chlore", "mode": "text"}).json()["items"]
        assert hits[0]["id"] == corpus["fr"].id and any(p["hit"] for p in hits[0]["snippet"])
        story = client.get("/api/stories/story-idlib").json()
        assert story["size"] == 4 and story["title"].startswith("Moscow warns")
        assert client.get("/api/narratives").json()["items"][0]["articles"] == 3
        assert client.get("/api/entities/Q-white-helmets").json()["articles"]["total"] == 3
        for path in (
            "/",
            "/stories/story-idlib",
            f"/articles/{corpus['en'].id}",
            "/search?q=chlore&mode=text",
        ):
            assert client.get(path).status_code == 200, path
    finally:
        store.close()
