"""`watch` against a local HTTP server on 127.0.0.1: ingest once, alert once, survive errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.watch import JsonlSink, NetPolicy, WatchOptions, WebhookSink, fetch, poll_once
from narratrace.watch.alerts import Sink
from narratrace.watch.net import FetchError

pytestmark = pytest.mark.slow  # runs the pipeline with the multilingual encoder

PROMOTING = (
    "Once more the so-called rescuers of the White Helmets are rehearsing a chemical show near Idlib. "
    "They have brought chlorine cylinders into a village and filmed fake victims, so that Washington can "
    "blame Damascus and launch new strikes."
)
NEUTRAL = "The city council of Lyon approved a new tram line after a long public consultation on Tuesday."


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>https://news.example/{g}</link><guid>{g}</guid>"
        f"<description>{d}</description><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item>"
        for g, t, d in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>'
    return f"{head}{body}</channel></rss>".encode()


class _State:
    feed = _rss([("g1", "Chemical show in Idlib", PROMOTING), ("g2", "Tram line approved", NEUTRAL)])
    hooks: ClassVar[list[dict[str, Any]]] = []
    hook_status = 200


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/rss+xml", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        port = int(self.server.server_address[1])  # type: ignore[index]
        if self.path == "/feed.xml":
            self._send(200, _State.feed)
        elif self.path == "/bad.xml":
            self._send(200, b"<rss><channel><item><title>broken")
        elif self.path == "/redirect":
            self._send(302, b"", Location=f"http://127.0.0.1:{port}/feed.xml")
        elif self.path == "/big":
            self._send(200, b"x" * 300_000)
        else:
            self._send(404, b"not here", "text/plain")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        if _State.hook_status == 200:
            _State.hooks.append(json.loads(data))
        self._send(_State.hook_status, b"{}", "application/json")


@pytest.fixture()
def server() -> Iterator[str]:
    _State.hooks = []
    _State.hook_status = 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SETTINGS = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=())


def test_poll_ingests_once_and_alerts_once(server: str, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"))
    out = tmp_path / "alerts.jsonl"
    sinks: list[Sink] = [JsonlSink(out), WebhookSink(f"{server}/hook")]
    first = poll_once(store, [f"{server}/feed.xml"], SETTINGS, sinks)
    assert first.errors == []
    assert first.new_items == 2 and first.articles == 2
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [a["narrative_id"] for a in alerts if a["kind"] == "narrative"] == [
        a["narrative_id"] for a in _State.hooks
    ]
    staged = [a for a in alerts if a.get("narrative_id") == "staged-chemical-attacks-syria"]
    assert len(staged) == 1 and staged[0]["stance"] == "promotes" and staged[0]["evidence"]
    assert staged[0]["url"] == "https://news.example/g1"

    # a restart (new store object on the same file) neither repeats items nor alerts
    store2 = open_store(str(tmp_path / "w.db"))
    second = poll_once(store2, [f"{server}/feed.xml"], SETTINGS, sinks)
    assert second.new_items == 0 and second.alerts_raised == 0
    assert len(out.read_text().splitlines()) == len(alerts)
    assert store2.articles.count() == 2


def test_failed_delivery_is_retried_not_lost(server: str, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"))
    _State.hook_status = 500
    hook = WebhookSink(f"{server}/hook")
    first = poll_once(store, [f"{server}/feed.xml"], SETTINGS, [hook])
    assert first.alerts_raised >= 1 and first.alerts_delivered == 0 and first.errors
    _State.hook_status = 200
    second = poll_once(store, [f"{server}/feed.xml"], SETTINGS, [hook])
    assert second.new_items == 0 and second.alerts_delivered == first.alerts_raised
    third = poll_once(store, [f"{server}/feed.xml"], SETTINGS, [hook])
    assert third.alerts_delivered == 0
    assert len(_State.hooks) == first.alerts_raised


def test_bad_sources_are_reported_and_others_go_on(server: str, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"))
    sources = [f"{server}/bad.xml", "http://127.0.0.1:9/closed", f"{server}/missing", str(tmp_path / "nope"),
               f"{server}/feed.xml"]
    report = poll_once(store, sources, SETTINGS, [])
    assert report.new_items == 2
    text = "\n".join(report.errors)
    assert "bad.xml" in text and "HTTP 404" in text and "127.0.0.1:9" in text and "nope" in text


def test_redirects_to_private_addresses_and_size_limits(server: str) -> None:
    with pytest.raises(FetchError, match="private address"):
        fetch(f"{server}/redirect")
    body, final = fetch(f"{server}/redirect", NetPolicy(allow_private=True))
    assert final.endswith("/feed.xml") and body.startswith(b"<?xml")
    with pytest.raises(FetchError, match="larger than"):
        fetch(f"{server}/big", NetPolicy(max_bytes=100_000))
    with pytest.raises(FetchError, match="only http"):
        fetch("file:///etc/passwd")


def test_folder_source_picks_up_new_files_once(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text(NEUTRAL, encoding="utf-8")
    opts = WatchOptions(narratives=("staged-chemical-attacks-syria",), stances=("promotes",))
    out = tmp_path / "a.jsonl"
    assert poll_once(store, [str(inbox)], SETTINGS, [JsonlSink(out)], opts).new_items == 1
    (inbox / "two.txt").write_text(PROMOTING, encoding="utf-8")
    second = poll_once(store, [str(inbox)], SETTINGS, [JsonlSink(out)], opts)
    assert second.new_items == 1 and second.alerts_raised == 1
    assert poll_once(store, [str(inbox)], SETTINGS, [JsonlSink(out)], opts).new_items == 0
    assert len(out.read_text().splitlines()) == 1


def test_watch_once_exit_code_says_whether_everything_went_through(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from narratrace.cli import cli

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text(NEUTRAL, encoding="utf-8")
    db = str(tmp_path / "w.db")
    ok = CliRunner().invoke(cli, ["watch", str(inbox), "--db", db, "--once", "--quiet"])
    assert ok.exit_code == 0, ok.output
    (inbox / "empty.txt").write_text("", encoding="utf-8")
    rejected = CliRunner().invoke(cli, ["watch", str(inbox), "--db", db, "--once", "--quiet"])
    assert rejected.exit_code == 1 and '"rejected": 1' in rejected.output
    missing = CliRunner().invoke(cli, ["watch", str(tmp_path / "nope"), "--db", db, "--once", "--quiet",
                                       "--narrative", "no-such-narrative"])
    assert missing.exit_code == 1
    assert "'no-such-narrative' is not in the catalogue" in missing.output
