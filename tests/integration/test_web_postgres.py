"""The API on PostgreSQL: same queries, tsvector search (skipped unless NARRATRACE_TEST_PG_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.web import create_app
from tests.integration.web_corpus import load

PG = os.environ.get("NARRATRACE_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG, reason="set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")


@pytest.fixture
def pg_url() -> Iterator[str]:
    assert PG
    name = f"nt_web_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
