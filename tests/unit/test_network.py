"""Relay edges, the quick-share window and coordinated groups, on records the tests build."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np

from narratrace.network.edges import RelayEdge, edges_of, lag_hours, rewording_edges
from narratrace.network.formats import write_network
from narratrace.network.graph import CoordinationParams, build_network, quick_share_window
from narratrace.records import Article, Relation, SourceRef


def _article(aid: str, outlet: str | None, lang: str, published: str | None, **kw: object) -> Article:
    return Article(id=aid, content_hash=aid * 4, source=SourceRef(path=f"{aid}.txt"), body="text " * 50,
                   outlet=outlet, lang=lang, published=published, **kw)  # type: ignore[arg-type]


def _edge(src: str, dst: str, root: str, t_src: str, t_dst: str, tier: str = "copy") -> RelayEdge:
    return RelayEdge(source_id=f"{src}-{root}", target_id=f"{dst}-{root}", tier=tier, score=0.9,
                     source_outlet=src, target_outlet=dst, source_lang="en", target_lang="en",
                     source_published=t_src, target_published=t_dst, lag_hours=lag_hours(t_src, t_dst),
                     root_id=root, story_id=None)


def test_lag_needs_both_dates_to_the_day() -> None:
    assert lag_hours("2019-03-29", "2019-03-30") == 24.0
    assert lag_hours("2019-03-29T10:00:00+00:00", "2019-03-29T13:30:00+00:00") == 3.5
    assert lag_hours("2019-03", "2019-03-30") is None  # a month-only date says nothing about hours
    assert lag_hours(None, "2019-03-30") is None
    assert lag_hours("2019-03-29", "not a date") is None


def test_relations_become_tiered_edges_from_source_to_relay() -> None:
    source = _article("a" * 16, "TASS", "en", "2019-03-29")
    copy = _article("b" * 16, "GeoFront", "en", "2019-03-29", duplicate_of=source.id,
                    relations=(Relation("republished_from", source.id, 0.94),))
    translation = _article("c" * 16, "Le Veilleur", "fr", "2019-03-31", duplicate_of=source.id,
                           relations=(Relation("translated_from", source.id, 0.6),))
    (e1,) = edges_of(copy, {source.id: source})
    (e2,) = edges_of(translation, {source.id: source})
    assert (e1.source_outlet, e1.target_outlet, e1.tier, e1.lag_hours, e1.root_id) == (
        "TASS", "GeoFront", "copy", 0.0, source.id)
    assert (e2.tier, e2.lag_hours, e2.source_lang, e2.target_lang) == ("translation", 48.0, "en", "fr")
    assert edges_of(copy, {}) == []  # its source is not stored: no edge


def test_rewording_needs_same_language_an_earlier_source_and_a_close_vector() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=16).astype(np.float32)
    base /= np.linalg.norm(base)
    near = base + 0.05 * rng.normal(size=16).astype(np.float32)
    near /= np.linalg.norm(near)
    far = rng.normal(size=16).astype(np.float32)
    far /= np.linalg.norm(far)
    new = _article("n" * 16, "Proxy", "en", "2019-04-01")
    earlier = _article("e" * 16, "Wire", "en", "2019-03-30")
    later = _article("l" * 16, "Later", "en", "2019-04-05")
    other_lang = _article("f" * 16, "Fr", "fr", "2019-03-30")
    unrelated = _article("u" * 16, "Other", "en", "2019-03-30")
    peers = [(earlier, near), (later, near), (other_lang, near), (unrelated, far)]
    found = rewording_edges(new, base, peers, min_cos=0.9)
    assert [(e.source_outlet, e.tier) for e in found] == [("Wire", "rewording")]
    # two copies of one text are not a rewording of each other
    copy = new.replace(duplicate_of=earlier.id)
    assert rewording_edges(copy, base, [(earlier, near)], min_cos=0.9) == []


def test_outlet_edges_count_items_per_tier_with_the_median_lag() -> None:
    edges = [_edge("TASS", "GeoFront", f"r{i}", "2019-03-29", f"2019-03-{29 + i:02d}") for i in range(3)]
    edges.append(_edge("TASS", "GeoFront", "r9", "2019-03-29", "2019-03-29", tier="translation"))
    network = build_network(edges)
    (edge,) = network.edges
    assert edge.items == 4 and edge.tiers == {"copy": 3, "translation": 1}
    assert edge.main_tier == "copy" and edge.median_lag_hours == 12.0
    assert network.node("GeoFront").relayed == 4 and network.node("TASS").relayed_from_it == 4  # type: ignore[union-attr]


def test_quick_share_window_comes_from_the_fastest_contents() -> None:
    # ten contents: the fastest second publication after 2 h, the slowest after 20 days
    edges = [_edge("A", "B", f"r{i}", "2020-01-01T00:00:00+00:00",
                   f"2020-01-{1 + i * 2:02d}T02:00:00+00:00") for i in range(10)]
    assert quick_share_window(edges, CoordinationParams()) == 2.0
    assert quick_share_window(edges, CoordinationParams(fastest_share=1.0, max_window_hours=1000)) > 100
    assert quick_share_window([], CoordinationParams()) is None


def test_outlets_that_repeatedly_copublish_form_a_group_and_others_do_not() -> None:
    edges = []
    for i in range(6):  # a ring of three proxies relays every item of the source within the hour
        day = f"2021-05-{i + 1:02d}"
        for proxy in ("P1", "P2", "P3"):
            edges.append(_edge("Source", proxy, f"r{i}", f"{day}T08:00:00+00:00", f"{day}T08:30:00+00:00"))
    # a slow aggregator picks two items up days later
    edges += [_edge("Source", "Aggregator", f"r{i}", f"2021-05-0{i + 1}T08:00:00+00:00",
                    f"2021-05-{i + 10}T08:00:00+00:00") for i in range(2)]
    network = build_network(edges)
    assert network.window_hours == 1.0  # the 30-minute lags, floored at one hour
    (group,) = network.groups
    assert group.outlets == ("P1", "P2", "P3", "Source")
    assert network.node("Aggregator").group is None  # type: ignore[union-attr]
    assert build_network(edges).groups == network.groups  # seeded: the same store gives the same groups


def test_gexf_and_graphml_parse_and_survive_hostile_outlet_names() -> None:
    edges = [_edge("Bad\x00\x1bName", "B<&>", "r1", "2020-01-01", "2020-01-02")]
    network = build_network(edges)
    for fmt in ("gexf", "graphml"):
        buf = io.BytesIO()
        write_network(network, fmt, buf)
        ET.fromstring(buf.getvalue())  # well-formed XML
        graph = nx.read_gexf(io.BytesIO(buf.getvalue())) if fmt == "gexf" else nx.read_graphml(
            io.BytesIO(buf.getvalue()))
        assert graph.number_of_edges() == 1
        assert "B<&>" in graph.nodes
