"""Highlights from offsets, link safety and chart geometry of the dashboard."""

from __future__ import annotations

import threading
import time

import pytest

from narratrace.web.charts import bars, stacked, story_graph
from narratrace.web.corpus import TTLCache
from narratrace.web.render import day_number, marks_of, safe_url, segments, strongest_layer


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("https:///nohost", False),
        (None, False),
        ("https://x.example/" + "a" * 3000, False),
    ],
)
def test_only_plain_http_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_overlapping_flags_become_flat_segments() -> None:
    body = "Petrov said the White Helmets staged it."
    wh, claim, staged = body.index("White"), body.index("the White"), body.index("staged")
    record = {
        "body": body,
        "entities": [
            {
                "text": "White Helmets",
                "type": "ORG",
                "canonical_id": "Q1",
                "canonical_name": "White Helmets",
                "start": wh,
                "end": wh + 13,
            }
        ],
        "claims": [
            {
                "text": "the White Helmets staged it",
                "start": claim,
                "end": len(body) - 1,
                "speaker": "Petrov",
                "checkworthiness": 0.9,
            }
        ],
        "narratives": [
            {
                "id": "n1",
                "title": "Staging",
                "score": 0.8,
                "stance": "promotes",
                "evidence": [{"start": staged, "end": staged + 6, "text": "staged"}],
            }
        ],
    }
    segs = segments(body, marks_of(record))
    assert "".join(s["text"] for s in segs) == body  # nothing lost, nothing doubled
    helmets = next(s for s in segs if s["text"] == "White Helmets")
    assert helmets["kinds"] == ["claim", "entity"]
    assert "Claim (check-worthiness 0.90), said by Petrov" in helmets["label"]
    assert "Entity (ORG): White Helmets [Q1]" in helmets["label"]
    staged = next(s for s in segs if s["text"] == "staged")
    assert staged["kinds"] == ["narrative", "claim"]
    assert segs[0] == {"text": "Petrov said ", "kinds": [], "label": ""}


def test_untrusted_offsets_are_clipped_or_dropped() -> None:
    body = "short body"
    record = {
        "claims": [{"text": "x", "start": -5, "end": 10**9, "checkworthiness": "high"}],
        "entities": [{"text": "y", "start": "3", "end": 4}, {"text": "z", "start": 8, "end": 2}],
    }
    segs = segments(body, marks_of(record))
    assert "".join(s["text"] for s in segs) == body
    assert all(s["kinds"] == ["claim"] for s in segs)
    assert "check-worthiness ?" in segs[0]["label"]


def test_partial_dates_place_mid_period() -> None:
    assert day_number("2018-10") == day_number("2018-10-15")
    assert day_number("2019") == day_number("2019-07-15")
    assert day_number("2019-02-30") is None and day_number("soon") is None and day_number(None) is None


def test_charts_geometry() -> None:
    b = bars([{"key": "a", "n": 4}, {"key": "b" * 60, "n": 1}])
    assert b["rows"][0]["w"] > b["rows"][1]["w"] and len(b["rows"][1]["label"]) <= 22
    st = stacked(
        [{"month": "2019-01", "lang": "en", "n": 2}, {"month": "2019-04", "lang": "fr", "n": 1}],
        "month",
        "lang",
    )
    assert [lbl["text"] for lbl in st["labels"]] == ["2019-01", "2019-02", "2019-03", "2019-04"]  # gaps kept
    assert len(st["rects"]) == 2
    graph = story_graph(
        [
            {"id": "a", "lang": "en", "outlet": "X", "published": "2019-03-01"},
            {"id": "b", "lang": "fr", "outlet": "Y", "published": "2019-03-05"},
            {"id": "c", "lang": "fr", "outlet": "Y", "published": None},
        ],
        [
            {"source": "b", "target": "a", "kind": "translated_from", "score": 0.8},
            {"source": "b", "target": "a", "kind": "duplicate_of", "score": None},
            {"source": "b", "target": "elsewhere", "kind": "republished_from", "score": 0.9},
        ],
    )
    assert len(graph["nodes"]) == 3 and len(graph["edges"]) == 1  # one line per pair, known ends only
    xs = {n["id"]: n["x"] for n in graph["nodes"]}
    assert xs["a"] < xs["b"] < xs["c"]  # time flows right; undated at the end
    assert graph["ticks"][-1]["text"] == "undated"


def test_cache_computes_once_under_concurrency_and_serves_stale() -> None:
    cache = TTLCache(ttl=0.05)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return len(calls)

    threads = [threading.Thread(target=cache.get, args=("k", slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    time.sleep(0.06)
    assert cache.get("k", slow) == 1  # expired: still the old value, refreshed behind
    time.sleep(0.1)
    assert cache.get("k", slow) == 2


def test_cache_never_serves_a_value_long_expired() -> None:
    """After a quiet spell the first reader gets a fresh value, not one from minutes ago."""
    cache = TTLCache(ttl=0.02, max_stale=0.02)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("k", compute) == 1
    time.sleep(0.1)  # expired 0.08 s ago: beyond max_stale
    assert cache.get("k", compute) == 2  # computed before answering
    cache.clear()
    assert cache.get("k", compute) == 3


def test_timeline_ticks_are_whole_days_where_the_articles_are() -> None:
    from narratrace.web.charts import story_graph

    arts = [{"id": f"a{k}", "published": d, "lang": "en", "outlet": "X"}
            for k, d in enumerate(["2019-03-29", "2019-03-31", "2019-04-03", "2019-04"])]
    graph = story_graph(arts, [])
    labels = [t["text"] for t in graph["ticks"]]
    # 17 days (the month-only date is drawn on the 15th): a tick every 4 days
    assert labels == ["2019-03-29", "2019-04-02", "2019-04-06", "2019-04-10", "2019-04-14"]
    x_of = {t["text"]: t["x"] for t in graph["ticks"]}
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert abs(nodes["a0"]["x"] - x_of["2019-03-29"]) < 1e-6 and abs(nodes["a2"]["x"] - x_of["2019-04-02"]) > 5
    assert nodes["a3"]["partial"] and "day unknown" in nodes["a3"]["title"]  # "2019-04": drawn mid-month
    assert not any(nodes[f"a{k}"]["partial"] for k in range(3))
    short = story_graph(arts[:3], [])
    assert [t["text"] for t in short["ticks"]] == ["2019-03-29", "2019-03-30", "2019-03-31", "2019-04-01",
                                                   "2019-04-02", "2019-04-03"]  # one a day, none skipped


def test_language_colours_are_the_same_on_every_chart() -> None:
    from narratrace.web.charts import lang_colour, stacked

    english_first = stacked([{"month": "2022-03", "lang": "en", "n": 5}, {"month": "2022-03", "lang": "fr", "n": 1}],
                            "month", "lang")
    french_first = stacked([{"month": "2022-03", "lang": "en", "n": 1}, {"month": "2022-03", "lang": "fr", "n": 5}],
                           "month", "lang")
    for chart in (english_first, french_first):
        assert {x["name"]: x["cls"] for x in chart["legend"]} == {"en": lang_colour("en"), "fr": lang_colour("fr")}
    assert lang_colour("en") != lang_colour("fr") and lang_colour("sl") == lang_colour("sl")
    months = [{"month": "2019-03", "lang": "en", "n": 1}, {"month": "2022-03", "lang": "en", "n": 1}]
    last = stacked(months, "month", "lang", width=720)["labels"][-1]  # 37 columns, "2022-03" in the last
    assert last["anchor"] == "end" and last["x"] <= 720  # the last month's label is not cut off


def test_only_the_strongest_layer_is_shown_by_default() -> None:
    assert strongest_layer({"entity", "claim", "attribution"}) == "claim"
    assert strongest_layer(["entity", "narrative", "technique"]) == "narrative"
    assert strongest_layer({"entity"}) == "entity"
    assert strongest_layer(set()) is None
