"""Fuzzing the readers and the cleaner (issue 12): random bytes, random JSON, random HTML from
a grammar. No exception escapes, every input ends as an article the store can hold or as a
rejection with a reason, and each input takes bounded time. Kept to a few seconds for CI."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narratrace.config import Settings
from narratrace.ingest.readers import jsonl_item, read_file
from narratrace.ingest.walk import Skipped
from narratrace.pipeline import process_item
from narratrace.records import Article, RawItem, Rejection, SourceRef
from narratrace.text.storable import UNSTORABLE

SETTINGS = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
PER_INPUT_SECONDS = 5.0
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _storable(article: Article) -> bool:
    values = [article.body, article.title or "", article.outlet or "", article.external_id or "",
              *(c.text for c in article.comments), *(r.text for r in article.removed), *article.warnings]
    return not any(UNSTORABLE.search(v) for v in values)


def _settle(found: list[RawItem | Rejection | Skipped]) -> None:
    """Every item read goes through the cleaner and analysers; check how each one ends."""
    for item in found:
        if isinstance(item, Skipped):
            continue
        if isinstance(item, Rejection):
            assert item.reason and item.detail
            continue
        started = time.monotonic()
        result = process_item(SETTINGS, item)
        assert time.monotonic() - started < PER_INPUT_SECONDS
        if isinstance(result, Rejection):
            assert result.reason and result.detail
        else:
            assert isinstance(result, Article) and _storable(result)


def _read(data: bytes, suffix: str) -> list[RawItem | Rejection | Skipped]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        started = time.monotonic()
        found = list(read_file(path, max_file_bytes=1 << 20, max_line_bytes=1 << 16))
        assert time.monotonic() - started < PER_INPUT_SECONDS
    return found


@FUZZ
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".html", ".jsonl", ".xml"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    _settle(_read(data, suffix))


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=200), st.sampled_from(["\x00", "\ud800", "\u202e", "\x1b[2J", "9" * 5000]),
)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) |
                     st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)
_fields = st.sampled_from(["id", "url", "outlet", "title", "text", "html", "lang", "date", "authors", "x"])


@FUZZ
@given(st.lists(st.one_of(_json, st.dictionaries(_fields, _json, max_size=8)), min_size=1, max_size=5))
def test_random_json_lines(values: list[Any]) -> None:
    lines = [json.dumps(v).encode() for v in values]
    found: list[RawItem | Rejection | Skipped] = [
        jsonl_item(line, SourceRef(path="fuzz.jsonl", line=i)) for i, line in enumerate(lines, 1)]
    assert len(found) == len(values)  # one outcome per line
    _settle(found)
    _settle(_read(b"\n".join(lines) + b"\n", ".jsonl"))


_TAGS = ["html", "head", "body", "title", "div", "p", "span", "a", "article", "section", "ul", "li", "table",
         "tr", "td", "script", "style", "br", "img", "meta", "h1", "h2", "iframe", "svg", "template", "noscript"]
_text = st.text(st.characters(codec="utf-8"), max_size=80)
_attr = st.tuples(st.sampled_from(["class", "id", "href", "src", "onclick", "style", "data-x", "itemprop"]),
                  st.text(max_size=30))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attrs: list[tuple[str, str]], kids: list[str], closed: bool) -> str:
        attr_text = "".join(f' {k}="{v}"' for k, v in attrs)
        return f"<{tag}{attr_text}>{''.join(kids)}" + (f"</{tag}>" if closed else "")
    return st.builds(build, st.sampled_from(_TAGS), st.lists(_attr, max_size=4), st.lists(children, max_size=4),
                     st.booleans())


_html = st.recursive(_text, _element, max_leaves=40)


@FUZZ
@given(_html, st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>"]))
def test_random_html_from_a_grammar(page: str, prefix: str) -> None:
    data = (prefix + page).encode("utf-8", errors="surrogatepass")
    _settle(_read(data, ".html"))
    _settle([RawItem(source=SourceRef(path="fuzz.html"), fmt="html", html=prefix + page)])
