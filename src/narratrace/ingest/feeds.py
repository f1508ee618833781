"""RSS and Atom feeds (feedparser): one ``RawItem`` per entry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import feedparser

from ..records import RawItem, Rejection, SourceRef
from ..text.storable import storable_any


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    except (TypeError, ValueError):
        return None


def read_feed(ref: SourceRef, data: bytes) -> Iterator[RawItem | Rejection]:
    """The entries of a feed, with characters no store can hold taken out (``text.storable``)."""
    for found in _read_feed(ref, data):
        yield storable_any(found)


def _read_feed(ref: SourceRef, data: bytes) -> Iterator[RawItem | Rejection]:
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        why = f" ({problem})" if problem else ""
        yield Rejection(ref, "invalid_feed", f"{ref.path}: no RSS/Atom entries found{why}")
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for index, entry in enumerate(entries):
        html = None
        content = entry.get("content") or []
        if content:
            html = max((c.get("value") or "" for c in content), key=len) or None
        if not html:
            html = entry.get("summary") or None
        title = entry.get("title") or None
        if not (title or html):
            yield Rejection(
                SourceRef(path=ref.path, line=index + 1), "missing_content", f"{ref.path}: entry {index} is empty"
            )
            continue
        authors = tuple(a["name"] for a in entry.get("authors") or [] if a.get("name"))
        if not authors and entry.get("author"):
            authors = (str(entry["author"]),)
        yield RawItem(
            source=SourceRef(path=ref.path, url=entry.get("link") or None, line=index + 1),
            authors=authors,
            fmt="feed",
            html=html,
            title=title,
            external_id=entry.get("id") or entry.get("link") or None,
            outlet=outlet,
            date=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            encoding="utf-8",
        )
