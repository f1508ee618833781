"""Cheap language-independent text keys: transliterated word prefixes, numbers, dates.

Titles of one story in different languages share more than meaning: names
(Biles, Байлз -> Bajlz), numbers and places survive translation, and inflected or
cognate words share a prefix (olympique / olympic / olímpico -> ``olymp``). Folding
every script to ASCII with ``anyascii`` and keeping a fixed-length prefix gives
tokens that match across Latin-script languages and, roughly, across scripts, with
no per-language resources to maintain.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..text.fold import translit

_WORD = re.compile(r"[a-z0-9]+")
_MAX_CHARS = 2_000  # a title (or the lead used as one) never needs more
PREFIX = 5
MIN_LEN = 3


def title_tokens(text: str | None, prefix: int = PREFIX) -> frozenset[str]:
    """The set of transliterated word prefixes of a short text (numbers kept whole)."""
    if not text:
        return frozenset()
    # y -> i: Olympic / Olimpico / Олимп, Tokyo / Tokio
    folded = translit(text[:_MAX_CHARS]).replace("y", "i")
    out = set()
    for word in _WORD.findall(folded):
        if word.isdigit():
            out.add(word)
        elif len(word) >= MIN_LEN:
            out.add(word[:prefix])
    return frozenset(out)


def parse_day(published: str | None) -> float | None:
    """Days since 1970 for an ISO 8601 date, possibly partial ("2018-10" -> mid-month).

    Partial dates are put in the middle of their period so that a month-only date
    is at most half a month from any day of that month.
    """
    if not published:
        return None
    text = published.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return _days(dt.datetime(int(text), 7, 2))
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:7])
            return _days(dt.datetime(year, month, 15))
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _days(value)


def _days(value: dt.datetime) -> float:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return (value - dt.datetime(1970, 1, 1)).total_seconds() / 86400.0


def idf_overlap(a: frozenset[str], b: frozenset[str], df: dict[str, int], n_docs: int) -> float:
    """IDF-weighted overlap of two token sets, in [0, 1] (shared weight / smaller side)."""
    if not a or not b:
        return 0.0
    shared = a & b
    if not shared:
        return 0.0

    def weight(tokens: frozenset[str]) -> float:
        return sum(math.log((n_docs + 1) / (df.get(t, 0) + 1)) + 1.0 for t in tokens)

    return weight(shared) / max(min(weight(a), weight(b)), 1e-9)


_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s*\|\s*")


def clean_title(title: str | None) -> str:
    """The headline without the site furniture around it.

    Page titles carry the outlet and section ("... - Esportes - Estadão",
    "Sports News | ... | LatestLY"); those words tie together unrelated stories of one
    outlet. The longest separator-delimited segment is almost always the headline.
    """
    if not title:
        return ""
    text = " ".join(title[:_MAX_CHARS].split())
    parts = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(parts) <= 1:
        return text
    return max(parts, key=len).strip()
