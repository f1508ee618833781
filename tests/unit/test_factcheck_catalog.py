"""Fact-check catalogues: JSONL and ClaimReview reading, query cleaning, TREC output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from narratrace.factcheck.catalog import read_catalog, write_trec
from narratrace.factcheck.matching import Match
from narratrace.factcheck.text import clean_query, tokens

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "factchecks"


def test_jsonl_catalog_reports_bad_lines() -> None:
    report = read_catalog(FIX / "catalog.jsonl")
    assert len(report.entries) == 8
    assert report.entries[0].verdict == "false" and report.entries[0].title
    assert len(report.problems) == 2
    assert any(":9:" in p and "not JSON" in p for p in report.problems)
    assert any(":10:" in p and "required" in p for p in report.problems)


def test_claimreview_graph() -> None:
    report = read_catalog(FIX / "claimreview.json")
    assert [e.verdict for e in report.entries] == ["Unproven", "Faux"]
    assert report.entries[0].id == "https://factcheck.example/chlorine-saraqib"
    assert report.entries[1].lang == "fr" and not report.problems


def test_google_factcheck_layout(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(
        '{"claims": [{"text": "Drinking bleach cures the flu.", "claimReview": '
        '[{"url": "https://x.example/1", "title": "No", "textualRating": "False", "languageCode": "en"}]}]}'
    )
    (entry,) = read_catalog(path).entries
    assert entry.text.startswith("Drinking bleach") and entry.verdict == "False"


def test_query_cleaning() -> None:
    q = (
        "Look at this #FakeGasAttack in @IdlibNews pic.twitter.com/abc https://t.co/x"
        " — Some One (@someone) March 3, 2020"
    )
    assert clean_query(q) == "Look at this Fake Gas Attack in Idlib News"


def test_bm25_tokens_are_stemmed() -> None:
    pytest.importorskip("Stemmer")
    assert tokens("The officers are paying actors") == ["offic", "pay", "actor"]


def test_trec_lines() -> None:
    out = io.StringIO()
    n = write_trec([("q1", [Match("c2", 0.9), Match("c1", 0.5)])], out)
    assert n == 2
    assert out.getvalue().splitlines() == ["q1 Q0 c2 1 0.900000 narratrace", "q1 Q0 c1 2 0.500000 narratrace"]
    spaced = io.StringIO()
    write_trec([("q 2", [Match("fc\t3", 0.3)])], spaced)
    assert spaced.getvalue().split() == ["q_2", "Q0", "fc_3", "1", "0.300000", "narratrace"]  # six fields


def test_repeated_ids_keep_the_first_entry(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "first"}\n{"id": "a", "text": "second"}\n')
    report = read_catalog(path)
    assert [e.text for e in report.entries] == ["first"]
    assert "appears again" in report.problems[0]
