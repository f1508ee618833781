"""Ingest from the web (issue 15.3): `analyze URL`, watch's article pages, robots.txt, and
the archived raw copy (sha256, fetch time, final URL, status) in the export and the dashboard.
All servers on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from narratrace.cli import cli
from narratrace.config import Settings
from narratrace.ingest.web import WebOptions
from narratrace.pipeline import analyze
from narratrace.store import open_store
from narratrace.watch import NetPolicy, WatchOptions, poll_once
from narratrace.web.app import create_app
from tests.localhttp import reply, serving

SETTINGS = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
PAGE = (b"<html><head><title>Convoy reaches Ariha</title></head><body><article><h1>Convoy reaches Ariha</h1>"
        b"<p>ARIHA - A convoy of forty trucks reached the town on 4 June 2020 after a week on the road, "
        b"local officials said on Thursday.</p><p>The drivers described checkpoints every few kilometres "
        b"and long waits in the heat before they were allowed through.</p>"
        b"<script>alert('hostile')</script></article></body></html>")
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
LOCAL = WebOptions(NetPolicy(timeout=5, deadline=10, allow_private=True))


def _site(req: http.server.BaseHTTPRequestHandler) -> None:
    port = req.server.server_address[1]
    if req.path == "/robots.txt":
        reply(req, ROBOTS, headers={"Content-Type": "text/plain"})
    elif req.path == "/old":
        reply(req, b"", status=301, headers={"Location": f"http://localhost:{port}/news/convoy"})
    elif req.path in ("/news/convoy", "/private/convoy"):
        reply(req, PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    elif req.path == "/feed.xml":
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Convoy</title>'
                f"<link>http://127.0.0.1:{port}/news/convoy</link><guid>c1</guid>"
                "<description>Short excerpt only.</description></item></channel></rss>").encode()
        reply(req, feed, headers={"Content-Type": "application/rss+xml"})
    else:
        reply(req, b"not here", status=404)


def test_analyze_url_archives_the_bytes_with_sha256_time_final_url_and_status(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    with serving(_site) as srv:
        base = f"http://127.0.0.1:{srv.server_port}"
        summary = analyze([f"{base}/old", f"{base}/private/convoy", f"{base}/missing"], db, SETTINGS, jobs=1,
                          web=LOCAL)
    assert summary.accepted == 1
    assert summary.rejected_by_reason == {"robots_disallowed": 1, "fetch_failed": 1}
    store = open_store(db)
    (art,) = list(store.articles.iter())
    assert "forty trucks" in art.body and art.source.url and art.source.url.endswith("/news/convoy")
    (copy,) = store.evidence.for_article(art.id, with_body=True)
    assert copy.body == PAGE and copy.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert copy.status == 200 and copy.url == f"{base}/old"
    assert copy.final_url == f"http://localhost:{srv.server_port}/news/convoy"
    assert copy.fetched_at.endswith("+00:00") and copy.content_type == "text/html; charset=utf-8"

    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--with-raw", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (rec,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (raw,) = rec["raw"]
    assert base64.b64decode(raw["body_base64"]) == PAGE and raw["sha256"] == copy.sha256 and raw["status"] == 200

    client = TestClient(create_app(store, Settings()))
    page = client.get(f"/articles/{art.id}").text
    link = f"/articles/{art.id}/raw/{copy.sha256}"
    assert link in page and copy.sha256 in page
    got = client.get(link)
    assert got.status_code == 200 and got.content == PAGE
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in got.headers["content-security-policy"] and "nosniff" in got.headers["x-content-type-options"]
    assert client.get(f"/articles/{art.id}/raw/{'0' * 64}").status_code == 404


def test_robots_can_be_ignored_by_the_documented_switch(tmp_path: Path) -> None:
    with serving(_site) as srv:
        url = f"http://127.0.0.1:{srv.server_port}/private/convoy"
        ignored = WebOptions(LOCAL.policy, obey_robots=False)
        summary = analyze([url], str(tmp_path / "r.db"), SETTINGS, jobs=1, web=ignored)
    assert summary.accepted == 1 and not summary.rejected


def test_watch_fetches_the_article_page_behind_a_feed_item(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "watch.db"))
    with serving(_site) as srv:
        feed = f"http://127.0.0.1:{srv.server_port}/feed.xml"
        opts = WatchOptions(fetch_articles=True, net=NetPolicy(timeout=5, deadline=10, allow_private=True))
        report = poll_once(store, [feed], SETTINGS, [], opts)
    assert report.articles == 1 and not report.errors
    (art,) = list(store.articles.iter())
    assert "forty trucks" in art.body and "excerpt" not in art.body and art.title == "Convoy"
    (copy,) = store.evidence.for_article(art.id, with_body=True)
    assert copy.body == PAGE and copy.status == 200


def test_a_feed_link_to_a_private_address_is_refused_and_the_excerpt_kept(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "watch2.db"))
    with serving(_site) as srv:
        feed = f"http://127.0.0.1:{srv.server_port}/feed.xml"  # the feed URL itself is the user's
        report = poll_once(store, [feed], SETTINGS, [], WatchOptions(fetch_articles=True))
    assert report.articles == 1
    (art,) = list(store.articles.iter())
    assert "excerpt" in art.body
    assert any(w.startswith("article_fetch_failed") and "private address" in w for w in art.warnings)
    (copy,) = store.evidence.for_article(art.id, with_body=True)  # the feed itself is the evidence
    assert copy.body.startswith(b"<?xml")
