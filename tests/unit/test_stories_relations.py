"""Copies (shared word runs), translations (aligned sentences) and which one is the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narratrace.embed import Encoder, get_encoder
from narratrace.records import Article, SourceRef
from narratrace.stories.relations import copy_evidence, translation_evidence
from narratrace.stories.stage import _older_first

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stories" / "articles.json"
ARTS = {a["key"]: a for a in json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]}


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return get_encoder()


def _article(key: str, **changes: str | None) -> Article:
    a = ARTS[key]
    art = Article(id=key, content_hash=key, source=SourceRef(), body=a["body"], lang=a["lang"],
                  outlet=a["outlet"], published=a["published"], title=a["title"])
    return art.replace(**changes)


def test_copy_is_found_with_spans_in_the_copy() -> None:
    copy, src = ARTS["copy"]["body"], ARTS["src"]["body"]
    score, shared, spans = copy_evidence(copy, src)
    assert score > 0.8 and shared > 20
    assert spans and all(copy[s.start : s.end] == s.text for s in spans)
    assert "Our partners" not in " ".join(s.text for s in spans)  # the copier's own intro


def test_unrelated_texts_share_nothing() -> None:
    score, _shared, spans = copy_evidence(ARTS["other"]["body"], ARTS["src"]["body"])
    assert score < 0.1 and not spans


def test_hostile_sizes_are_bounded() -> None:
    huge = "spam " * 500_000
    score, _, _ = copy_evidence(huge, huge)
    assert score == 1.0


def test_translation_aligns_sentences(encoder: Encoder) -> None:
    fr, src = ARTS["fr"]["body"], ARTS["src"]["body"]
    score, aligned, spans = translation_evidence(encoder, fr, src)
    assert score >= 0.8 and aligned >= 5
    assert all(fr[s.start : s.end] == s.text for s in spans)
    other, _n_other, _ = translation_evidence(encoder, ARTS["other"]["body"], src)
    assert other < 0.3


def test_source_direction() -> None:
    src, copy = _article("src"), _article("copy")
    assert _older_first(copy, src)  # src is a day older
    assert not _older_first(src, copy)
    # same day: the article naming the other's outlet is the copy, whichever arrives first
    same_day = copy.replace(published="2021-05-03")
    assert _older_first(same_day, src)
    assert not _older_first(src, same_day)
    # a partial date ties with any day of its month
    assert _older_first(same_day.replace(published="2021-05"), src)
