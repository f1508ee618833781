"""Discovery groups recurring claims across outlets; promote writes a catalogue file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narratrace.narratives.catalogue import load_catalogue, read_narrative, write_narrative
from narratrace.narratives.discovery import (
    article_units,
    candidate_to_narrative,
    find_candidates,
    refresh_candidates,
    stored_candidate,
)
from narratrace.records import Article, Claim, NarrativeMatch, SourceRef, Span
from narratrace.store import open_store


class BagEncoder:
    """Deterministic stand-in: hashed bag of lower-cased words (same words -> same vector)."""

    name = "bag.test"
    dim = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().replace(".", " ").split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        result: np.ndarray = out / norms
        return result


NEW_CLAIM = "the harbour fish were poisoned by secret foreign chemicals last night"


def _art(i: int, outlet: str, lang: str, body: str, date: str, **kw: object) -> Article:
    return Article(id=f"a{i}", content_hash=f"h{i}", source=SourceRef(path=f"{i}.txt"), body=body,
                   outlet=outlet, lang=lang, published=date, **kw)  # type: ignore[arg-type]


def _corpus() -> list[Article]:
    arts = []
    for i, (outlet, lang, date) in enumerate([("alpha", "en", "2024-05-01"), ("beta", "en", "2024-05-06"),
                                              ("gamma", "fr", "2024-05-07"), ("alpha", "en", "2024-05-08")]):
        body = f"Local news item number {i} about the weather and the markets today. {NEW_CLAIM}."
        claims = (Claim(NEW_CLAIM, body.index(NEW_CLAIM), body.index(NEW_CLAIM) + len(NEW_CLAIM), None, 0.9),)
        arts.append(_art(i, outlet, lang, body, date, claims=claims))
    # a one-outlet story is not a candidate
    lonely = "A lonely claim that only one outlet ever repeated about bridges and tolls."
    arts.append(_art(10, "delta", "en", lonely,
                     "2024-05-02"))
    return arts


def test_candidates_are_ranked_with_spread_and_representatives() -> None:
    cands = find_candidates(_corpus(), BagEncoder(), threshold=0.9)
    assert len(cands) == 1
    c = cands[0]
    assert c.articles == 4 and c.outlets == ["alpha", "beta", "gamma"] and c.languages == ["en", "fr"]
    assert c.first_seen == "2024-05-01" and c.last_seen == "2024-05-08"
    assert c.growth == 2.0  # 3 articles in the last 7 days vs 1 before
    assert c.representatives[0]["text"] == NEW_CLAIM
    assert c.id.startswith("cand-")


def test_known_narrative_evidence_is_not_rediscovered() -> None:
    body = "The rescuers staged the attack again. Completely unrelated weather sentence with many words here."
    ev = Span(0, 38, body[:38])
    art = _art(1, "x", "en", body, "2024-01-01",
               narratives=(NarrativeMatch("staged-chemical-attacks-syria", "t", 0.9, "promotes", (ev,)),))
    texts = [u.text for u in article_units(art)]
    assert texts == ["Completely unrelated weather sentence with many words here."]


def test_refresh_store_and_promote(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "d.db"))
    run = store.runs.start("test", [])
    for a in _corpus():
        store.articles.add(a, run)
    cands = refresh_candidates(store, BagEncoder(), threshold=0.9)
    got = stored_candidate(store, cands[0].id)
    assert got is not None and got.article_ids == ["a0", "a1", "a2", "a3"]
    n = candidate_to_narrative(got, [x.id for x in load_catalogue([]).narratives])
    path = write_narrative(n, tmp_path / "cat")
    back = read_narrative(path)
    assert back.claims["en"][0] == NEW_CLAIM and back.first_seen == "2024-05-01"
    assert load_catalogue([tmp_path / "cat"]).get(back.id) is not None


def test_representatives_show_each_sentence_once_per_language() -> None:
    (c,) = find_candidates(_corpus(), BagEncoder(), threshold=0.9)
    assert [(r["lang"], r["text"]) for r in c.representatives] == [("en", NEW_CLAIM), ("fr", NEW_CLAIM)]


def _matching(art: Article) -> Article:
    return art.replace(narratives=(NarrativeMatch("western-biolabs", "t", 0.9, "promotes", ()),))


def test_details_of_a_known_narrative_are_not_a_new_one() -> None:
    plain = find_candidates(_corpus(), BagEncoder(), threshold=0.9)
    everywhere = [_matching(a) for a in _corpus()]
    assert find_candidates(everywhere, BagEncoder(), threshold=0.9) == []
    half = [_matching(a) if a.id in ("a0", "a1") else a for a in _corpus()]
    (c,) = find_candidates(half, BagEncoder(), threshold=0.9)
    assert c.known == {"western-biolabs": 0.5}
    assert c.score == round(plain[0].score * 0.75, 3)  # partly known: ranked lower, still shown
