"""Data-driven checks of cleaning and metadata against the team's expectation files.

Each YAML file under ``tests/fixtures/cleaning`` and ``tests/fixtures/expectations``
says what a correct cleaner must produce for one input (see the corpus README): what
the body must and must not contain, the comments with their authors, the removed
kinds, and the metadata (language, title, date, authors, outlet).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from narratrace.config import Settings
from narratrace.ingest.readers import read_file
from narratrace.pipeline import process_item
from narratrace.records import Article, RawItem

from ..conftest import FIXTURES, REPO

CASES = sorted((FIXTURES / "cleaning").glob("*.yaml")) + sorted((FIXTURES / "expectations").glob("*.yaml"))
SPINE = Settings(analysers=("language.v1", "metadata.v1"))


@functools.cache
def _items(path: str) -> list[RawItem]:
    return [i for i in read_file(REPO / path) if isinstance(i, RawItem)]


def _article(case: dict[str, Any]) -> Article:
    items = _items(case["file"])
    if case.get("item") is None:
        (item,) = items
    elif isinstance(case["item"], int) and str(case["file"]).endswith((".xml", ".rss", ".atom")):
        item = items[case["item"]]
    else:
        item = next(i for i in items if i.external_id == str(case["item"]))
    result = process_item(SPINE, item)
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_expectation(case_file: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    art = _article(case)
    for text in case.get("body_must_contain") or []:
        assert text in art.body, f"lost article text: {text!r}"
    for text in case.get("body_must_not_contain") or []:
        assert text not in art.body, f"debris left in body: {text!r}"
    kinds = {r.kind for r in art.removed}
    assert set(case.get("removed_kinds") or []) <= kinds, f"removed kinds {sorted(kinds)}"
    expected_comments = case.get("comments") or []
    assert len(art.comments) == len(expected_comments), [(c.author, c.text[:30]) for c in art.comments]
    for got, want in zip(art.comments, expected_comments, strict=True):
        assert got.author == want.get("author")
        assert got.text.startswith(want["text_startswith"])
    assert art.lang == case["lang"]
    if case.get("title") is not None:
        assert art.title == case["title"]
    assert art.published == case.get("published")
    assert list(art.authors) == list(case.get("authors") or [])
    if "outlet" in case:
        assert art.outlet == case["outlet"]
