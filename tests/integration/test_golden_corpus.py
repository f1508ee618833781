"""Golden clean bodies of the bundled example corpus.

A change in cleaning shows up here as a diff against ``tests/golden/corpus``; when it
is intended, regenerate with ``python scripts/update_golden.py`` and review the diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narratrace.config import Settings
from narratrace.ingest import read_inputs
from narratrace.pipeline import process_item
from narratrace.records import Article, RawItem

from ..accounting import unaccounted_lines

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
GOLDEN_DIR = ROOT / "tests" / "golden" / "corpus"
SPINE = Settings(analysers=("language.v1", "metadata.v1"))


def _name(item: RawItem) -> str:
    stem = Path(item.source.path or "").stem
    if item.fmt in ("jsonl", "feed"):
        return f"{stem}__{item.external_id if item.fmt == 'jsonl' else (item.source.line or 1) - 1}"
    return stem


def corpus_articles() -> Iterator[tuple[str, Article]]:
    for item in read_inputs([str(CORPUS)]):
        if isinstance(item, RawItem):
            article = process_item(SPINE, item)
            assert isinstance(article, Article), article
            yield _name(item), article


ARTICLES = dict(corpus_articles())


def test_corpus_is_complete() -> None:
    assert len(ARTICLES) >= 16
    assert {a.lang for a in ARTICLES.values()} == {"en", "fr"}
    assert sorted(p.name.removesuffix(".body.txt") for p in GOLDEN_DIR.glob("*.body.txt")) == sorted(ARTICLES)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_clean_body_matches_golden(name: str) -> None:
    golden = (GOLDEN_DIR / f"{name}.body.txt").read_text(encoding="utf-8")
    assert ARTICLES[name].body + "\n" == golden


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_pasted_text_loses_nothing(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert unaccounted_lines(raw, ARTICLES[path.stem]) == []
