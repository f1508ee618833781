"""First published: explicit dates before estimates, a source before its copies."""

from __future__ import annotations

from narratrace.provenance import chronology, estimated, first_published
from narratrace.records import Article, Relation, SourceRef


def _art(aid: str, published: str | None, source: str | None, relations: tuple[Relation, ...] = ()) -> Article:
    return Article(
        id=aid,
        content_hash=aid,
        source=SourceRef(),
        body="x",
        published=published,
        published_source=source,
        relations=relations,
    )


def test_an_estimate_from_the_text_does_not_beat_an_explicit_date() -> None:
    guessed = _art("guess", "2019-03-29", "text")  # "vendredi" after "27 mars 2019"
    dated = _art("dated", "2019-03-30", "metadata")
    assert first_published([guessed, dated]).id == "dated"
    assert estimated(guessed) and not estimated(dated)


def test_only_estimates_then_the_earliest_estimate() -> None:
    a, b = _art("a", "2019-03-29", "text"), _art("b", "2019-04-02", "text")
    assert first_published([b, a]).id == "a"


def test_same_day_the_source_comes_before_its_copy() -> None:
    src = _art("src", "2019-03-29", "metadata")
    copy = _art("copy", "2019-03-29", "metadata", (Relation("republished_from", "src", 0.97),))
    assert [a.id for a in chronology([copy, src])] == ["src", "copy"]
    assert first_published([copy, src]).id == "src"


def test_a_dated_translation_points_back_to_its_undated_source() -> None:
    src = _art("src", None, None)
    tr = _art("tr", "2019-03-30", "input", (Relation("translated_from", "src", 0.9),))
    assert first_published([tr, src]).id == "src"
