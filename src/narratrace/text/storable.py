"""Characters no store can hold, taken out before anything reaches the store.

Why here and not in the store: PostgreSQL refuses NUL in text (``DataError``) and UTF-8
cannot encode a lone surrogate (JSON's ``"\\ud800"`` makes one), so one such character
in one article used to abort the whole run on every re-run (a poison pill). Readers
pass every item through ``storable_item``: the characters are stripped and the item
carries a warning saying how many, so nothing is lost silently and the rest is kept.
"""

from __future__ import annotations

import dataclasses
import re

from ..records import RawItem, Rejection, SourceRef

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
WARNING = "unstorable_characters_stripped"

def storable(text: str) -> tuple[str, int]:
    """``text`` without NUL and lone surrogates, and how many were taken out."""
    return UNSTORABLE.subn("", text)


def _maybe(text: str | None) -> tuple[str | None, int]:
    return (None, 0) if text is None else storable(text)


def _source(ref: SourceRef) -> tuple[SourceRef, int]:
    path, a = _maybe(ref.path)
    url, b = _maybe(ref.url)
    return (dataclasses.replace(ref, path=path, url=url) if a or b else ref), a + b


def storable_item(item: RawItem) -> RawItem:
    changes: dict[str, object] = {}
    total = 0
    for name in ("text", "html", "title", "external_id", "outlet", "lang", "date", "encoding"):
        value = getattr(item, name)
        if isinstance(value, str) and UNSTORABLE.search(value):
            changes[name], n = storable(value)
            total += n
    source, n = _source(item.source)
    total += n
    if n:
        changes["source"] = source
    if any(UNSTORABLE.search(a) for a in item.authors):
        changes["authors"] = tuple(storable(a)[0] for a in item.authors)
        total += sum(storable(a)[1] for a in item.authors)
    if any(UNSTORABLE.search(w) for w in item.warnings):
        changes["warnings"] = tuple(storable(w)[0] for w in item.warnings)
    if not total and "warnings" not in changes:
        return item
    kept: tuple[str, ...] = changes.get("warnings", item.warnings)  # type: ignore[assignment]
    changes["warnings"] = (*kept, f"{WARNING}:{total}")
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def storable_rejection(rejection: Rejection) -> Rejection:
    source, a = _source(rejection.source)
    detail, b = storable(rejection.detail)
    reason, c = storable(rejection.reason)
    if not (a or b or c):
        return rejection
    return Rejection(source, reason, detail)


def storable_any(item: RawItem | Rejection) -> RawItem | Rejection:
    return storable_item(item) if isinstance(item, RawItem) else storable_rejection(item)
