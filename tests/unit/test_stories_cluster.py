"""Online story clustering: incremental, time-aware, deterministic, title-only items."""

from __future__ import annotations

import dataclasses

import numpy as np

from narratrace.stories.cluster import ClusterParams, Projection, StoryClusterer, cluster_all
from narratrace.stories.text import clean_title, parse_day, title_tokens

WORDS = ["harbour", "election", "vaccine", "flood", "strike", "wildfire", "budget", "drought",
         "satellite", "pipeline", "earthquake", "tariff", "museum", "glacier", "refinery", "airport",
         "bridge", "railway", "festival", "summit", "protest", "cyclone", "tunnel", "harvest"]


def _topic(rng: np.random.Generator, base: np.ndarray, noise: float = 0.35) -> np.ndarray:
    v = base + noise * rng.standard_normal(base.shape).astype(np.float32)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _corpus(n_topics: int = 6, per_topic: int = 8, seed: int = 1, interleave: bool = False):
    rng = np.random.default_rng(seed)
    bases = rng.standard_normal((n_topics, 64)).astype(np.float32)
    ids, vecs, days, titles, gold = [], [], [], [], []
    for t in range(n_topics):
        for j in range(per_topic):
            ids.append(f"a{t}-{j}")
            vecs.append(_topic(rng, bases[t]))
            days.append(18000.0 + (0.5 * j + 0.01 * t if interleave else 3 * t + 0.2 * j))
            titles.append(f"{WORDS[t]} {WORDS[-1 - t]} report {j}")
            gold.append(t)
    return ids, np.asarray(vecs), days, titles, gold


def test_separates_topics_and_is_deterministic() -> None:
    ids, vecs, days, titles, gold = _corpus()
    first = cluster_all(ids, vecs, days, titles)
    second = cluster_all(ids, vecs, days, titles)
    assert first == second
    by_gold: dict[int, set[str]] = {}
    for g, s in zip(gold, first, strict=True):
        by_gold.setdefault(g, set()).add(s)
    assert all(len(s) == 1 for s in by_gold.values())
    assert len(set(first)) == len(by_gold)


def test_incremental_equals_batch() -> None:
    ids, vecs, days, titles, _ = _corpus()
    batch = cluster_all(ids, vecs, days, titles)
    c = StoryClusterer(vecs.shape[1], capacity=4)  # also exercises index growth
    order = sorted(range(len(ids)), key=lambda i: days[i])
    online = {ids[i]: c.add(ids[i], vecs[i], days[i], titles[i]) for i in order}
    assert [online[i] for i in ids] == batch


def test_gap_of_months_starts_a_new_story() -> None:
    rng = np.random.default_rng(3)
    base = rng.standard_normal(64).astype(np.float32)
    v1, v2, v3 = (_topic(rng, base, 0.05) for _ in range(3))
    c = StoryClusterer(64)
    s1 = c.add("x1", v1, 18000.0, "Port fire destroys warehouse")
    s2 = c.add("x2", v2, 18001.0, "Port fire destroys warehouse")
    s3 = c.add("x3", v3, 18150.0, "Port fire destroys warehouse")
    assert s1 == s2
    assert s3 != s1


def test_title_only_and_undated_items_cluster() -> None:
    rng = np.random.default_rng(5)
    base = rng.standard_normal(64).astype(np.float32)
    c = StoryClusterer(64)
    s1 = c.add("t1", _topic(rng, base, 0.05), None, "Varna port fire")
    s2 = c.add("t2", _topic(rng, base, 0.05), None, "Varna port fire: wheat lost")
    assert s1 == s2


def test_projection_switches_in_and_keeps_assignments() -> None:
    ids, vecs, days, titles, _gold = _corpus(n_topics=12, per_topic=5, interleave=True)
    params = dataclasses.replace(ClusterParams(), fit_after=30, components=1)
    stories = cluster_all(ids, vecs, days, titles, params)
    c = StoryClusterer(vecs.shape[1], params)
    for i in sorted(range(len(ids)), key=lambda i: days[i]):
        c.add(ids[i], vecs[i], days[i], titles[i])
    assert c.projection is not None
    assert len(set(stories)) == 12
    proj = Projection.fit(vecs, 2)
    out = proj.apply(vecs[:3])
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)


def test_text_helpers() -> None:
    assert clean_title("Sports News | Olympians may bring babies | LatestLY") == "Olympians may bring babies"
    assert clean_title("Tênis de mesa: equipe se despede") == "Tênis de mesa: equipe se despede"
    assert title_tokens("Olympique") == title_tokens("Олимпийские")  # transliterated, y -> i
    assert title_tokens("Tokyo") == title_tokens("Tokio")
    assert "2021" in title_tokens("Games of 2021")
    assert parse_day("2018-10") is not None and parse_day("garbage") is None
    assert parse_day("2021-07-01T12:00:00+02:00") == parse_day("2021-07-01T10:00:00")


def test_recurring_topic_still_clusters_after_its_old_stories() -> None:
    """The nearest neighbours of a new article may all be closed stories of the same topic."""
    rng = np.random.default_rng(9)
    base = rng.standard_normal(64).astype(np.float32)
    c = StoryClusterer(64)
    old = {c.add(f"old{i}", _topic(rng, base, 0.02), 18000.0 + i * 0.1, "Harbour fire") for i in range(40)}
    a = c.add("new1", _topic(rng, base, 0.2), 18200.0, "Harbour fire")
    b = c.add("new2", _topic(rng, base, 0.2), 18200.5, "Harbour fire")
    assert a == b and a not in old
