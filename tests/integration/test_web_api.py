"""REST API over a store filled with hand-built analysed records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.records import Article
from narratrace.store import Store, open_store
from narratrace.web import create_app
from tests.integration.web_corpus import load


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = open_store(str(tmp_path_factory.mktemp("web") / "web.db"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def corpus(store: Store) -> dict[str, Article]:
    return load(store)


@pytest.fixture(scope="module")
def client(store: Store, corpus: dict[str, Article]) -> TestClient:
    return TestClient(create_app(store, Settings()))


def test_health_counts_the_store(client: TestClient, corpus: dict[str, Article]) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["articles"] == len(corpus)
    assert body["semantic_index"] == "exact"  # a small corpus is searched exactly, no graph is built


def test_request_handlers_run_on_the_configured_threads(store: Store) -> None:
    import anyio.to_thread

    def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(store, Settings(request_threads=3))) as running:
        assert running.portal is not None and running.portal.call(tokens) == 3
        assert running.get("/api/health").status_code == 200


def test_article_list_filters_and_keyset_pages(client: TestClient, corpus: dict[str, Article]) -> None:
    everything = client.get("/api/articles").json()
    assert everything["total"] == 5 and everything["total_exact"]
    assert everything["items"][0]["id"] == corpus["hostile"].id  # newest stored first
    fr = client.get("/api/articles", params={"lang": "fr"}).json()
    assert {a["id"] for a in fr["items"]} == {corpus["fr"].id, corpus["other"].id}
    assert client.get("/api/articles", params={"outlet": "Geo Front"}).json()["items"][0]["id"] == corpus["rep"].id
    march = client.get("/api/articles", params={"date_from": "2019-03-30", "date_to": "2019-03-31"}).json()
    assert {a["id"] for a in march["items"]} == {corpus["fr"].id, corpus["rep"].id}
    assert client.get("/api/articles", params={"story": "story-zerba"}).json()["total"] == 1
    assert client.get("/api/articles", params={"narrative": "staged-chemical-attacks"}).json()["total"] == 3
    assert client.get("/api/articles", params={"entity": "Q-white-helmets"}).json()["total"] == 3
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2, "sort": "published"}
    while True:
        page = client.get("/api/articles", params=params).json()
        seen += [a["id"] for a in page["items"]]
        if not page["next"]:
            break
        params["cursor"] = page["next"]
    assert len(seen) == len(set(seen)) == 5
    assert seen[0] == corpus["other"].id  # 2020-01 is the latest publication date


def test_article_record_is_the_full_jsonl_record(client: TestClient, corpus: dict[str, Article]) -> None:
    rec = client.get(f"/api/articles/{corpus['en'].id}").json()
    for key in (
        "id",
        "external_id",
        "source",
        "outlet",
        "lang",
        "title",
        "published",
        "authors",
        "body",
        "comments",
        "removed",
        "entities",
        "attributions",
        "claims",
        "story_id",
        "duplicate_of",
        "narratives",
        "techniques",
        "relations",
    ):
        assert key in rec
    ent = rec["entities"][0]
    assert rec["body"][ent["start"] : ent["end"]] == ent["text"]


def test_stories_narratives_entities(client: TestClient, corpus: dict[str, Article]) -> None:
    stories = client.get("/api/stories").json()
    assert stories["items"][0]["id"] == "story-idlib" and stories["items"][0]["size"] == 4
    story = client.get("/api/stories/story-idlib").json()
    assert {c["key"] for c in story["languages"]} == {"en", "fr"}
    kinds = {(e["source"], e["kind"], e["target"]) for e in story["edges"]}
    assert (corpus["fr"].id, "translated_from", corpus["en"].id) in kinds
    assert (corpus["rep"].id, "duplicate_of", corpus["en"].id) in kinds
    narratives = client.get("/api/narratives").json()["items"]
    assert narratives[0]["id"] == "staged-chemical-attacks" and narratives[0]["articles"] == 3
    assert narratives[0]["title"].startswith("Rescuers stage")
    detail = client.get("/api/narratives/staged-chemical-attacks").json()
    assert detail["matches"][0]["id"] == corpus["en"].id  # best score first
    # stance breakdown over all matches, with the mean and best score of each stance
    assert detail["stance_scores"] == [{"stance": "promotes", "articles": 3,
                                        "mean_score": round((0.87 + 0.81 + 0.86) / 3, 4), "max_score": 0.87}]
    page = client.get("/narratives/staged-chemical-attacks").text
    assert "Stance of all matching articles" in page and "<td>promotes</td><td>3</td><td>0.85</td>" in page
    entities = client.get("/api/entities", params={"q": "helmets"}).json()["items"]
    assert entities[0]["id"] == "Q-white-helmets" and entities[0]["articles"] == 3
    ent = client.get("/api/entities/Q-white-helmets").json()
    assert {v["key"] for v in ent["variants"]} == {"White Helmets", "Casques blancs"}
    assert ent["articles"]["total"] == 3


def test_articles_filter_by_technique_and_pages_count_them_per_outlet(
    client: TestClient, corpus: dict[str, Article]
) -> None:
    ids = {a["id"] for a in client.get("/api/articles", params={"technique": "Doubt"}).json()["items"]}
    assert ids == {corpus["fr"].id}
    loaded = {a["id"] for a in client.get("/api/articles", params={"technique": "Loaded_Language"}).json()["items"]}
    assert corpus["en"].id in loaded and corpus["fr"].id not in loaded
    assert client.get("/api/articles", params={"technique": "Slogans"}).json()["items"] == []
    record = client.get(f"/api/articles/{corpus['fr'].id}").json()
    assert record["techniques"][0]["disarm"] == ["T0168", "T0022"]
    story = client.get("/stories/story-idlib").text
    assert "Persuasion techniques per outlet" in story and "Le Veilleur" in story
    assert "/articles?technique=Doubt&amp;story=story-idlib" in story
    narrative = client.get("/narratives/staged-chemical-attacks").text
    assert "Persuasion techniques per outlet" in narrative and "Loaded Language" in narrative
    page = client.get("/articles", params={"technique": "Doubt"}).text
    assert "Moscou dénonce" in page and "Moscow warns" not in page


def test_text_search_with_snippets(client: TestClient, corpus: dict[str, Article]) -> None:
    res = client.get("/api/search", params={"q": "bidons chlore", "mode": "text"}).json()
    assert res["items"][0]["id"] == corpus["fr"].id
    assert any(p["hit"] for p in res["items"][0]["snippet"])
    accents = client.get("/api/search", params={"q": "ministere defense", "mode": "text"}).json()
    assert corpus["fr"].id in [h["id"] for h in accents["items"]]  # diacritics folded
    # FTS operators in the query are words, not syntax
    assert client.get("/api/search", params={"q": 'NEAR( " OR * -', "mode": "text"}).status_code == 200
    # a total of the results, exact for words, on every page, and shown on the search page
    import re

    having = {a.id for a in corpus.values() if re.search(r"\bprovocation\b", f"{a.title} {a.body}", re.I)}
    first = client.get("/api/search", params={"q": "provocation", "mode": "text", "limit": 1}).json()
    assert first["total"] == len(having) >= 2 and first["total_exact"] is True and len(first["items"]) == 1
    page = client.get("/search", params={"q": "provocation", "mode": "text"}).text
    assert f"{len(having)} results" in page


def test_any_word_fallback_pages_and_ignores_stop_words(client: TestClient, corpus: dict[str, Article]) -> None:
    """No article has every word: the fallback ranks by the content words, on every page."""
    q = {"q": "le chlore chlorine par zzqxw en", "mode": "text"}
    every = [h["id"] for h in client.get("/api/search", params=q | {"limit": 50}).json()["items"]]
    import re

    having = {a.id for a in corpus.values() if re.search(r"\bchlor(e|ine)\b", f"{a.title} {a.body}", re.I)}
    assert len(having) >= 2 and sorted(every) == sorted(having)  # not every article with "le", "par", "en"
    paged = [h["id"] for off in range(len(every) + 1) for h in
             client.get("/api/search", params=q | {"limit": 1, "offset": off}).json()["items"]]
    assert paged == every  # page 2 is the fallback's page 2, not an empty page
    # every hit carries duplicate_of like the other modes and lists
    hits = client.get("/api/search", params={"q": "provocation", "mode": "text", "limit": 50}).json()["items"]
    copies = {h["id"]: h["duplicate_of"] for h in hits}
    assert all("duplicate_of" in h for h in hits)
    for aid, dup in copies.items():
        assert dup == client.get(f"/api/articles/{aid}").json()["duplicate_of"]


@pytest.mark.slow
def test_semantic_search_crosses_languages(client: TestClient, corpus: dict[str, Article]) -> None:
    res = client.get(
        "/api/search", params={"q": "rescuers film a fake chemical attack", "mode": "semantic", "lang": "fr"}
    ).json()
    assert res["items"][0]["id"] == corpus["fr"].id
    hybrid = client.get("/api/search", params={"q": "provocation chimique à Idleb"}).json()
    assert {corpus["fr"].id, corpus["en"].id} <= {h["id"] for h in hybrid["items"][:3]}
    items = {h["id"]: h for h in hybrid["items"]}
    # every hit carries its summary; words found give a snippet, meaning alone gives none
    assert all(h["title"] and h["lang"] and "_record" not in h and "_snip" not in h for h in items.values())
    assert items[corpus["fr"].id]["via"] == ["semantic", "text"]
    assert any(p["hit"] for p in items[corpus["fr"].id]["snippet"])
    assert items[corpus["en"].id]["via"] == ["semantic"] and items[corpus["en"].id]["snippet"] == []
    scores = [h["score"] for h in hybrid["items"]]
    assert scores == sorted(scores, reverse=True)
    en_only = client.get("/api/search", params={"q": "provocation chimique à Idleb", "lang": "en"}).json()
    assert en_only["items"] and {h["lang"] for h in en_only["items"]} == {"en"}


def test_the_api_and_the_pages_search_alike(client: TestClient, corpus: dict[str, Article]) -> None:
    # the API awaits the semantic worker on the event loop, the pages wait on a thread
    index = client.app.state.web.search  # type: ignore[attr-defined]
    for params in (
        {"q": "provocation chimique à Idleb"},
        {"q": "provocation chimique à Idleb", "lang": "fr", "offset": 1, "limit": 2},
        {"q": "rescuers film a fake chemical attack", "mode": "semantic"},
        {"q": "rescuers film a fake chemical attack", "mode": "semantic", "offset": 1},
        {"q": "bidons chlore", "mode": "text"},
        {"q": "   ", "mode": "hybrid"},
    ):
        api = client.get("/api/search", params=params).json()["items"]
        args = (params["q"], params.get("mode", "hybrid"), params.get("lang"), params.get("limit", 20))
        direct = index.search(*args, params.get("offset", 0))
        assert [(h["id"], h["score"], h["via"]) for h in api] == [(h["id"], h["score"], h["via"]) for h in direct]


def test_exports(client: TestClient, corpus: dict[str, Article]) -> None:
    resp = client.get("/api/articles", params={"lang": "en", "format": "csv"})
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert {r["id"] for r in rows} == {corpus["en"].id, corpus["rep"].id, corpus["hostile"].id}
    hostile = next(r for r in rows if r["id"] == corpus["hostile"].id)
    assert hostile["url"] == "javascript:alert(4)"  # data stays data; only pages refuse to link it
    lines = client.get("/api/articles", params={"format": "jsonl", "limit": 1}).text.splitlines()
    assert len(lines) == 5 and all("body" in json.loads(line) for line in lines)  # the whole list
    assert client.get("/api/stories", params={"format": "csv"}).text.startswith("id,title,size")
    assert "staged-chemical-attacks" in client.get("/api/narratives", params={"format": "jsonl"}).text


def test_csv_cells_cannot_become_formulas(tmp_path: Path) -> None:
    from narratrace.exporters.records import csv_cell as _cell

    assert _cell('=HYPERLINK("http://x")').startswith("'=")
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("plain") == "plain"


def test_errors_are_problem_details(client: TestClient) -> None:
    for url, status in [
        ("/api/articles/nope", 404),
        ("/api/articles?limit=0", 422),
        ("/api/articles?cursor=@@@", 400),
        ("/api/stories/none", 404),
        ("/api/zzz", 404),
        ("/api/articles?date_from=yesterday", 422),
    ]:
        resp = client.get(url)
        assert resp.status_code == status, url
        assert resp.headers["content-type"] == "application/problem+json"
        body = resp.json()
        assert body["status"] == status and body["detail"]


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/", "/api/articles", "/static/style.css", "/api/nothing"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/docs").status_code == 404  # Swagger UI would need a CDN
    assert client.get("/openapi.json").json()["paths"]["/api/articles"]


def test_writes_need_a_configured_token(store: Store, corpus: dict[str, Article]) -> None:
    closed = TestClient(create_app(store, Settings()))
    resp = closed.post("/api/analyze", content="Some text", headers={"content-type": "text/plain"})
    assert resp.status_code == 403 and "NARRATRACE_TOKEN" in resp.json()["detail"]
    guarded = TestClient(create_app(store, Settings(token="s3cret")))
    assert guarded.post("/api/analyze", content="x", headers={"content-type": "text/plain"}).status_code == 401
    wrong = guarded.post(
        "/api/analyze", content="x", headers={"content-type": "text/plain", "authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    big = guarded.post(
        "/api/analyze",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "text/plain", "authorization": "Bearer s3cret"},
    )
    assert big.status_code == 413
    odd = guarded.post(
        "/api/analyze", content=b"x", headers={"content-type": "image/png", "authorization": "Bearer s3cret"}
    )
    assert odd.status_code == 415


@pytest.mark.slow
def test_analyze_returns_the_analysed_records(tmp_path: Path) -> None:
    settings = Settings(token="s3cret", analysers=("language.v1", "metadata.v1"), corpus=())
    client = TestClient(create_app(str(tmp_path / "analyze.db"), settings))
    auth = {"authorization": "Bearer s3cret"}
    text = "Le ministère a déclaré vendredi que des groupes armés préparent une provocation.\n\nSuite du texte."
    first = client.post("/api/analyze", content=text.encode(), headers=auth | {"content-type": "text/plain"})
    assert first.status_code == 200, first.text
    (rec,) = first.json()["articles"]
    assert rec["lang"] == "fr" and rec["body"].startswith("Le ministère")
    again = client.post("/api/analyze", content=text.encode(), headers=auth | {"content-type": "text/plain"})
    assert again.json()["articles"][0]["id"] == rec["id"]  # stored once, returned as stored
    batch = b'{"id": "x1", "title": "Only a title", "outlet": "Wire"}\nnot json\n{"text": ""}\n'
    res = client.post("/api/analyze", content=batch, headers=auth | {"content-type": "application/x-ndjson"}).json()
    assert [a["external_id"] for a in res["articles"]] == ["x1"]
    assert sorted(r["reason"] for r in res["rejected"]) == ["invalid_json", "missing_content"]
    assert client.get("/api/articles").json()["total"] == 2


def test_edit_narratives_with_token(
    store: Store, corpus: dict[str, Article], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {
        "title": "Floods are engineered",
        "summary": "Dams emptied on purpose.",
        "claims": {"en": ["Engineers emptied the dam to flood the valley."]},
    }
    client = TestClient(create_app(store, Settings(token="s3cret")))
    auth = {"authorization": "Bearer s3cret"}
    assert client.put("/api/narratives/engineered-floods", json=body).status_code == 401
    monkeypatch.delenv("NARRATRACE_CATALOG", raising=False)
    assert client.put("/api/narratives/engineered-floods", json=body, headers=auth).status_code == 409
    monkeypatch.setenv("NARRATRACE_CATALOG", str(tmp_path / "catalogue"))
    bad = client.put("/api/narratives/engineered-floods", json={"title": "No claims"}, headers=auth)
    assert bad.status_code == 422 and "claim" in bad.json()["detail"]
    assert client.put("/api/narratives/..%2F..%2Fetc", json=body, headers=auth).status_code in (404, 422)
    ok = client.put("/api/narratives/engineered-floods", json=body, headers=auth)
    assert ok.status_code == 200, ok.text
    assert (tmp_path / "catalogue" / "engineered-floods.yaml").exists()
    listed = {n["id"]: n for n in client.get("/api/narratives", params={"limit": 200}).json()["items"]}
    assert listed["engineered-floods"]["title"] == "Floods are engineered"
    assert listed["engineered-floods"]["articles"] == 0
    detail = client.get("/api/narratives/engineered-floods").json()
    assert detail["claims"] == {"en": ["Engineers emptied the dam to flood the valley."]}


def test_loopback_server_refuses_foreign_host_names(store: Store, corpus: dict[str, Article]) -> None:
    from narratrace.web.server import allowed_hosts

    app = create_app(store, Settings(), allowed_hosts=allowed_hosts("127.0.0.1"))
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/api/stories").status_code == 200
    assert TestClient(app, base_url="http://localhost:8000").get("/").status_code == 200
    rebound = TestClient(app, base_url="http://attacker.example:8000").get("/api/articles")
    assert rebound.status_code == 400  # DNS rebinding: a foreign name pointed at 127.0.0.1
    assert allowed_hosts("0.0.0.0") is None


def test_method_not_allowed_lists_every_method_of_the_path(client: TestClient) -> None:
    # /api/narratives/{id} has a GET and a (token-protected) PUT route; Starlette alone says "Allow: GET".
    r = client.options("/api/narratives/" + "0" * 40)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, PUT"
    assert r.json()["detail"] == "OPTIONS is not allowed here; use GET or PUT"
    r = client.delete("/api/analyze")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_concurrent_cache_misses_do_not_exhaust_the_connection_pool(store: Store, corpus: dict[str, Article]) -> None:
    """Requests waiting on one cache key each hold a connection; the one computing must not need another."""
    import threading

    from sqlalchemy import create_engine

    from narratrace.store import ArticleFilter, Store
    from narratrace.web.corpus import TTLCache

    engine = create_engine(store.url, pool_size=2, max_overflow=0, pool_timeout=3)
    small = Store(engine)
    cache = TTLCache()
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            with small.reading() as r:
                start.wait()  # both threads hold their connection before either computes
                page = r.articles.page(ArticleFilter(lang="fr"), memo=cache.get)
                results.append(page["total"])
        except BaseException as exc:  # the pool's TimeoutError before the fix
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.dispose()
    assert not errors, errors
    assert results == [2, 2]


def test_configured_catalogue_is_the_one_listed_edited_and_matched(tmp_path: Path) -> None:
    """[stages."narratives.v1"] catalog/shipped decide what the dashboard lists, where an
    edit is written and what the next analysis in the same server matches."""
    folder = tmp_path / "mycat"
    folder.mkdir()
    settings = Settings(token="t", stage_options={"narratives.v1": {"catalog": str(folder), "shipped": False}})
    store = open_store(str(tmp_path / "c.db"))
    client = TestClient(create_app(store, settings))
    auth = {"authorization": "Bearer t"}
    first = client.post("/api/analyze", content="Weather.\n\nIt rained in Paris on Monday, forecasters said.",
                        headers=auth | {"content-type": "text/plain"})
    assert first.status_code == 200  # the matcher of this process is built now, before the edit
    assert client.get("/api/narratives").json()["items"] == []  # shipped = false: nothing else
    body = {"title": "The moon is made of cheese",
            "claims": {"en": ["The moon is made of cheese and NASA hides it.", "NASA admits the moon is cheese."]},
            "keywords": {"en": ["moon", "cheese", "NASA"]}}
    assert client.put("/api/narratives/moon-cheese", json=body, headers=auth).status_code == 200
    assert (folder / "moon-cheese.yaml").exists()
    assert [n["id"] for n in client.get("/api/narratives").json()["items"]] == ["moon-cheese"]
    text = ("NASA hides that the moon is made of cheese.\n\nLeaked documents show that NASA scientists admit "
            "the moon is made of cheese. The moon is cheese, and NASA has hidden it for fifty years.")
    res = client.post("/api/analyze", content=text, headers=auth | {"content-type": "text/plain"}).json()
    assert [n["id"] for a in res["articles"] for n in a["narratives"]] == ["moon-cheese"]
    home = client.get("/")
    assert home.status_code == 200


def test_cli_narratives_read_the_configured_catalogue(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from narratrace.cli import cli

    folder = tmp_path / "mycat"
    folder.mkdir()
    cfg = tmp_path / "n.toml"
    cfg.write_text(f'[stages."narratives.v1"]\ncatalog = "{folder}"\nshipped = false\n', encoding="utf-8")
    add = CliRunner().invoke(cli, ["narratives", "add", "--catalog", str(folder), "--id", "moon-cheese",
                                   "--title", "The moon is made of cheese", "--claim", "NASA hides the cheese moon."])
    assert add.exit_code == 0, add.output
    listed = CliRunner().invoke(cli, ["narratives", "list", "--config", str(cfg), "--json"])
    assert [json.loads(line)["id"] for line in listed.output.splitlines()] == ["moon-cheese"]
    shown = CliRunner().invoke(cli, ["narratives", "show", "moon-cheese", "--config", str(cfg)])
    assert shown.exit_code == 0 and "The moon is made of cheese" in shown.output
    default = CliRunner().invoke(cli, ["narratives", "list", "--json"], env={"NARRATRACE_CATALOG": ""})
    assert "moon-cheese" not in default.output and len(default.output.splitlines()) > 10  # shipped ones


def test_an_original_lists_its_copies_and_translations(client: TestClient, corpus: dict[str, Article]) -> None:
    """Relations are stored on the copy; the source's page shows them the other way round."""
    import re

    def section(html: str, list_id: str) -> str:
        found = re.search(rf'<ul class="plain" id="{list_id}">(.*?)</ul>', html, re.S)
        return found.group(1) if found else ""

    en = client.get(f"/articles/{corpus['en'].id}").text
    derived = section(en, "derived")
    assert "Copies and translations of this article (2)" in en
    assert f'translation: <a href="/articles/{corpus["fr"].id}"' in derived
    assert f'copy: <a href="/articles/{corpus["rep"].id}"' in derived
    fr = client.get(f"/articles/{corpus['fr'].id}").text
    assert f'Translation of <a href="/articles/{corpus["en"].id}"' in section(fr, "sources")
    rep = client.get(f"/articles/{corpus['rep'].id}").text
    assert f'Copy of <a href="/articles/{corpus["en"].id}"' in section(rep, "sources")
    assert "Earliest version" in rep and 'id="derived"' not in rep


def test_direction_controls_in_article_fields_end_with_the_field(tmp_path: Path) -> None:
    """An outlet with a right-to-left override must not reverse the date and labels after it."""
    from narratrace.records import SourceRef

    store = open_store(str(tmp_path / "b.db"))
    run = store.runs.start("t", [])
    art = Article(id="bidi1", content_hash="hb1", source=SourceRef(path="x.txt"), body="Breaking news today.",
                  title="Breaking \u202enews", outlet="Trusted\u202e News", lang="en", published="2021-06-01")
    store.articles.add(art, run)
    client = TestClient(create_app(store, Settings()))
    for page in ("/articles/bidi1", "/articles", "/search?q=breaking&mode=text"):
        html = client.get(page).text
        assert "Trusted\u202e News\u202c" in html and "Trusted\u202e News<" not in html, page


def test_an_analysis_moves_every_count_at_once(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "n.db"))
    client = TestClient(create_app(store, Settings(token="t")))
    auth = {"authorization": "Bearer t", "content-type": "text/plain"}
    assert client.get("/api/health").json()["articles"] == 0 and client.get("/api/articles").json()["total"] == 0
    text = "Port strike ends\n\nDockers ended their strike on Monday after two weeks, the union said."
    assert client.post("/api/analyze", content=text, headers=auth).status_code == 200
    listed = client.get("/api/articles").json()
    assert listed["total"] == len(listed["items"]) == 1
    assert client.get("/api/health").json()["articles"] == 1 and client.get("/api/stories").json()["total"] == 1


def test_entities_are_found_by_any_spelling_in_the_articles(client: TestClient) -> None:
    listed = {e["id"]: e for e in client.get("/api/entities", params={"limit": 200}).json()["items"]}
    # listed under its most frequent spelling, as on its own page
    assert listed["Q-white-helmets"]["name"] == client.get("/api/entities/Q-white-helmets").json()["name"]
    assert "casques" not in listed["Q-white-helmets"]["name"].casefold()  # neither that name nor the id ...
    found = client.get("/api/entities", params={"q": "casques b"}).json()["items"]
    assert [e["id"] for e in found] == ["Q-white-helmets"]  # ... the French spelling in one article does
    assert 'href="/entities/Q-white-helmets"' in client.get("/entities", params={"q": "CASQUES B"}).text
    assert client.get("/api/entities", params={"q": "%"}).json()["items"] == []  # LIKE wildcards are text
    typed = client.get("/api/entities", params={"type": "org"}).json()["items"]
    assert typed and {e["type"] for e in typed} == {"ORG"}


def test_language_filter_is_case_blind_and_title_only_items_say_so(tmp_path: Path) -> None:
    from narratrace.records import SourceRef

    store = open_store(str(tmp_path / "t.db"))
    run = store.runs.start("t", [])
    store.articles.add(Article(id="t1", content_hash="ht1", source=SourceRef(path="x.jsonl", line=1), body="",
                              title="Only a headline", lang="fr"), run)
    client = TestClient(create_app(store, Settings()))
    assert [a["id"] for a in client.get("/api/articles", params={"lang": "FR"}).json()["items"]] == ["t1"]
    assert "Title only: no text was given" in client.get("/articles/t1").text


def test_impossible_dates_are_refused(client: TestClient) -> None:
    assert client.get("/api/articles", params={"date_from": "2019-13-45"}).status_code == 422
    assert client.get("/api/articles", params={"date_to": "2019-02-30"}).status_code == 200  # a valid shape
    assert client.get("/api/articles", params={"date_from": "2019-03"}).status_code == 200


def test_search_results_export_in_both_formats(client: TestClient, corpus: dict[str, Article]) -> None:
    import html as html_lib
    import re

    page = client.get("/search", params={"q": "chlore", "mode": "text"}).text
    links = [html_lib.unescape(u) for u in re.findall(r'href="(/api/search\?[^"]+)"', page)]
    assert {"csv", "jsonl"} <= {re.search(r"format=(\w+)", u).group(1) for u in links}  # type: ignore[union-attr]
    jsonl = next(u for u in links if "format=jsonl" in u)
    rows = [json.loads(line) for line in client.get(jsonl).text.splitlines()]
    assert corpus["fr"].id in {r["id"] for r in rows}


def test_hybrid_search_answers_with_the_words_when_the_encoder_fails(tmp_path: Path) -> None:
    from narratrace.web.search import SearchIndex

    store = open_store(str(tmp_path / "f.db"))
    load(store)

    class Broken:
        name, dim = "broken", 512

        def encode(self, texts: list[str]) -> object:
            raise RuntimeError("the encoder is gone")

    index = SearchIndex(store, encoder_factory=Broken)
    hits = index.search("chlore", mode="hybrid")
    assert hits and all(h["via"] == ["text"] for h in hits)
    client = TestClient(create_app(store, Settings()))
    client.app.state.web.search = index  # type: ignore[attr-defined]
    res = client.get("/api/search", params={"q": "chlore"})
    assert res.status_code == 200 and [h["id"] for h in res.json()["items"]] == [h["id"] for h in hits]


def test_head_requests_are_answered_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/", "/articles", "/api/health", "/api/articles"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
        assert "content-security-policy" in head.headers
    assert client.head("/articles/nope").status_code == 404


def test_article_page_opens_with_only_the_strongest_layer(client: TestClient, corpus: dict[str, Article]) -> None:
    import re

    html = client.get(f"/articles/{corpus['fr'].id}").text
    body_class = re.search(r'<div class="([^"]*)" id="body">', html)
    assert body_class is not None
    classes = body_class.group(1).split()
    assert "hide-entity" in classes and "hide-attribution" in classes and "hide-narrative" not in classes
    assert 'data-layer="narrative" aria-pressed="true"' in html
    assert 'data-layer="entity" aria-pressed="false"' in html
