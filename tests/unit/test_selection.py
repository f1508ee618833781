"""--limit and --since/--until: which inputs a trial run takes."""

from __future__ import annotations

import pytest

from narratrace.ingest.walk import Skipped
from narratrace.records import RawItem, Rejection, SourceRef
from narratrace.selection import DateRange, first


def test_partial_dates_overlap_the_range() -> None:
    r = DateRange("2019-03", "2019-03-31")
    assert r.admits("2019-03-29") and r.admits("2019-03") and r.admits("2019")
    assert not r.admits("2019-04-01") and not r.admits("2019-02-28") and not r.admits("2018")
    assert not r.admits(None)  # undated: nothing says it is in the range
    assert DateRange().admits(None) and not DateRange().active
    assert DateRange(since="2020").admits("2020-01-01") and not DateRange(since="2020").admits("2019-12-31")
    assert DateRange(until="2019-12").admits("2019-12-31") and not DateRange(until="2019-12").admits("2020-01")


def test_a_bad_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        DateRange(since="last week")


def test_only_iso_input_dates_are_decided_before_analysis() -> None:
    r = DateRange(since="2020-01-01")
    item = RawItem(source=SourceRef(path="a.jsonl"), fmt="jsonl", text="x", date="2019-05-02")
    assert r.refuses_early(item)
    assert not r.refuses_early(RawItem(source=SourceRef(path="a"), fmt="jsonl", text="x", date="May 2, 2019"))
    assert not r.refuses_early(RawItem(source=SourceRef(path="a"), fmt="txt", text="x"))


def test_first_counts_inputs_not_skipped_files() -> None:
    ref = SourceRef(path="x")
    items = [Skipped(__import__("pathlib").Path("s.bin"), "type"), RawItem(source=ref, fmt="txt", text="a"),
             Rejection(ref, "empty", "x: empty"), RawItem(source=ref, fmt="txt", text="b")]
    assert list(first(items, 2)) == items[:3]
    assert list(first(items, None)) == items
