"""MinHash sketches: copies share many minima whatever their headline, unrelated texts almost none."""

from __future__ import annotations

import json
from pathlib import Path

from narratrace.stories.sketch import MIN_SHARED, K, sketch

ARTS = {a["key"]: a for a in json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "stories"
                                          / "articles.json").read_text(encoding="utf-8"))["articles"]}


def test_copies_share_minima_unrelated_texts_do_not() -> None:
    src = sketch(ARTS["src"]["body"])
    assert len(src) == K and src == sketch(ARTS["src"]["body"])  # stable across calls (and processes)
    proxy = sketch("Republished with permission from our partners.\n" + ARTS["src"]["body"])
    excerpt = sketch(ARTS["src"]["body"][: len(ARTS["src"]["body"]) // 2])
    unrelated = sketch(ARTS["other"]["body"])
    assert len(set(src) & set(proxy)) >= K // 2
    assert len(set(src) & set(excerpt)) >= MIN_SHARED
    assert len(set(src) & set(unrelated)) < MIN_SHARED
    assert sketch("Too short to trace.") == []
