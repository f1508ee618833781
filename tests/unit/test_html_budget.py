"""Hostile markup costs linear time (issue 12.2 and the HTML items of 12.10)."""

from __future__ import annotations

import time

import pytest

from narratrace.clean.budget import nesting_depth, strip_long_tags
from narratrace.records import Article, RawItem, Rejection, SourceRef
from narratrace.stages import create

BODY = ("<p>The convoy reached Ariha on 4 June 2020, officials said, after a week on the road "
        "through the hills north of the city.</p>")


@pytest.fixture(scope="module")
def cleaner() -> object:
    c = create("cleaner", "rules.v1")
    c(RawItem(source=SourceRef(path="warm.html"), fmt="html", html=f"<html><body>{BODY}</body></html>"))
    return c


def _clean(cleaner: object, page: str) -> Article | Rejection:
    return cleaner(RawItem(source=SourceRef(path="x.html"), fmt="html", html=page))  # type: ignore[operator]


def test_an_element_with_200000_attributes_is_cleaned_quickly(cleaner: object) -> None:
    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    page = f"<html><head><title>Hostile</title></head><body><div {attrs}>{BODY}</div></body></html>"
    started = time.monotonic()
    result = _clean(cleaner, page)
    assert time.monotonic() - started < 5  # quadratic in libxml2: over 15 minutes before
    assert isinstance(result, Article) and "convoy reached Ariha" in result.body
    assert "oversized_tags_stripped:1" in result.warnings


def test_one_huge_attribute_does_not_get_the_page_rejected_as_too_large(cleaner: object) -> None:
    page = f'<html><body><img alt="{"x" * 6_000_000}">{BODY}</body></html>'
    result = cleaner.__class__(max_article_chars=1_000_000)(  # type: ignore[call-arg]
        RawItem(source=SourceRef(path="x.html"), fmt="html", html=page))
    assert isinstance(result, Article) and "convoy reached Ariha" in result.body


def test_deep_nesting_is_refused_with_its_own_reason(cleaner: object) -> None:
    page = "<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000 + "</body></html>"
    started = time.monotonic()
    result = _clean(cleaner, page)
    assert time.monotonic() - started < 5
    assert isinstance(result, Rejection) and result.reason == "too_deep"


def test_ordinary_markup_is_untouched() -> None:
    page = f'<html><body><div class="a" id="b"><ul><li>one<li>two</ul><br/>{BODY}</div></body></html>'
    assert strip_long_tags(page) == (page, 0)
    assert nesting_depth(page) == 4  # html body div ul
    assert nesting_depth("<p>" * 5000) == 0  # optional end tags do not nest
