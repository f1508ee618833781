"""Outlet and network endpoints and pages over the web test corpus with its relay edges."""

from __future__ import annotations

import io
from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from narratrace.config import Settings
from narratrace.records import Article
from narratrace.store import Store, open_store
from narratrace.web import create_app
from tests.integration.network_corpus import HOSTILE_OUTLET, load_network


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Article]]]:
    store: Store = open_store(str(tmp_path_factory.mktemp("webnet") / "web.db"))
    corpus = load_network(store)
    yield TestClient(create_app(store, Settings())), corpus
    store.close()


def test_network_api_lists_tiered_edges_and_filters(client: tuple[TestClient, dict[str, Article]]) -> None:
    c, _ = client
    body = c.get("/api/network").json()
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert edges[("Agence Orient", "Le Veilleur")]["tier"] == "translation"
    assert edges[("Agence Orient", "Le Veilleur")]["median_lag_hours"] == 24.0
    assert edges[("Agence Orient", "Geo Front")]["tier"] == "copy"
    assert edges[("Agence Orient", "Geo Front")]["median_lag_hours"] == 48.0
    fr_only = c.get("/api/network", params={"lang": "fr"}).json()
    assert {(e["source"], e["target"]) for e in fr_only["edges"]} == {("Agence Orient", "Le Veilleur")}
    assert c.get("/api/network", params={"date_from": "2020-01-01"}).json()["edges"] == []
    assert c.get("/api/network", params={"date_from": "yesterday"}).status_code == 422
    gexf = c.get("/api/network", params={"format": "gexf"})
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    graph = nx.read_gexf(io.BytesIO(gexf.content))
    assert graph.has_edge("Agence Orient", "Geo Front") and graph.has_node(HOSTILE_OUTLET)


def test_outlets_are_found_by_name_with_either_apostrophe_or_case(
    client: tuple[TestClient, dict[str, Article]],
) -> None:
    c, _ = client
    listed = c.get("/api/outlets").json()["items"]
    assert listed[0] == {"outlet": "Le Veilleur", "articles": 2, "first": "2019-03-30", "last": "2020-01"}
    outlet = c.get("/api/outlets/le veilleur").json()
    assert outlet["outlet"] == "Le Veilleur" and outlet["articles"] == 2
    assert [r["outlet"] for r in outlet["copies_from"]] == ["Agence Orient"]
    assert {n["id"] for n in outlet["narratives"]} == {"staged-chemical-attacks"}
    source = c.get("/api/outlets/Agence Orient").json()
    assert {r["outlet"] for r in source["copied_by"]} == {"Le Veilleur", "Geo Front", HOSTILE_OUTLET}
    assert c.get("/api/outlets/Nobody Here").status_code == 404


def test_pages_escape_outlet_names_and_link_outlets(client: tuple[TestClient, dict[str, Article]]) -> None:
    c, _ = client
    for path in ("/network", "/outlets", "/outlets/Agence Orient"):
        html = c.get(path).text
        assert "<script>" not in html and "&lt;script&gt;" in html, path
    network = c.get("/network").text
    assert 'href="/outlets/Geo%20Front"' in network and "tier-copy" in network and "tier-translation" in network
    assert "Le Veilleur" in c.get("/outlets/Agence Orient").text


def test_api_exports_filtered_records_as_stix_misp_and_gexf(client: tuple[TestClient, dict[str, Article]]) -> None:
    import json

    from stix2validator import ValidationOptions, validate_string

    c, corpus = client
    stix = c.get("/api/export", params={"format": "stix2", "story": "story-idlib"})
    assert stix.status_code == 200 and stix.headers["content-type"].startswith("application/stix+json")
    assert validate_string(stix.text, ValidationOptions(version="2.1")).is_valid
    media = [o for o in json.loads(stix.text)["objects"] if o["type"] == "media-content"]
    assert {o["article_id"] for o in media} == {a.id for a in corpus.values() if a.story_id == "story-idlib"}
    misp = c.get("/api/export", params={"format": "misp", "outlet": "le veilleur"}).json()
    assert sum(o["name"] == "news-media" for o in misp["Event"]["Object"]) == 2
    assert c.get("/api/export", params={"format": "gexf"}).headers["content-type"].startswith("application/gexf")
    assert c.get("/api/export", params={"format": "docx"}).status_code == 422
    # list downloads offer the row formats only: a STIX bundle of story rows makes no sense
    assert c.get("/api/stories", params={"format": "stix2"}).status_code == 422


def test_filters_take_names_as_typed_and_cli_ids_resolve(client: tuple[TestClient, dict[str, Article]]) -> None:
    c, corpus = client
    veilleur = {a.id for a in corpus.values() if a.outlet == "Le Veilleur"}
    typed = c.get("/api/articles", params={"outlet": "le veilleur"}).json()
    assert {a["id"] for a in typed["items"]} == veilleur
    fr = corpus["fr"]
    assert c.get(f"/api/articles/{fr.id[:12]}").json()["id"] == fr.id  # the CLI prints 12 characters
    assert c.get(f"/articles/{fr.id[:12]}").status_code == 200
    assert c.get("/api/articles/ffffffffffff").status_code == 404
    mention = next(e for a in corpus.values() for e in a.entities if e.text != e.canonical_name)
    by_spelling = c.get("/api/articles", params={"entity": mention.text}).json()
    expected = {a.id for a in corpus.values() if any(e.canonical_id == mention.canonical_id for e in a.entities)}
    assert {a["id"] for a in by_spelling["items"]} == expected


def test_a_nonsense_query_finds_nothing_and_a_real_one_finds_articles(
    client: tuple[TestClient, dict[str, Article]],
) -> None:
    c, _ = client
    for mode in ("semantic", "hybrid"):
        nothing = c.get("/api/search", params={"q": "xqzvbn plorft", "mode": mode}).json()
        assert nothing["items"] == [] and nothing["total"] == 0, mode
        assert c.get("/api/search", params={"q": "chemical attack in Idlib", "mode": mode}).json()["items"], mode
