"""Widget rows: lines made of separate short items rather than prose.

A share bar ("Email   Print   Facebook   X"), a donation form ("$5   $10   Other
amount") or a site menu ("Home | World | Middle East") loses its markup when pasted
and survives as one line of items split by wide spaces, bars or middle dots. Such a
line is recognised by its items (``data/widgets.yaml``), not by its exact text.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from ..yamlfile import load_yaml

MAX_ROW = 200  # characters; a longer line is prose
_SEPARATOR = re.compile(r"\s{2,}|\t|\s[|·•]\s")
_AMOUNT = re.compile(r"^[$€£]?\s?\d{1,6}(?:[.,]\d{1,2})?\s?(?:[$€£]|usd|eur|gbp)?$", re.IGNORECASE)
_CURRENCY = re.compile(r"[$€£]|usd|eur|gbp")
_PROSE_END = re.compile(r"[.!?;,]$")


@functools.cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    source = resources.files("narratrace.clean").joinpath("data/widgets.yaml")
    data = load_yaml(source.read_text("utf-8"))
    return frozenset(data["share"]), frozenset(data["amount_words"])


def items(line: str) -> list[str]:
    """The items of a line split at widget separators (one item when there are none)."""
    if len(line) > MAX_ROW:
        return [line]
    return [p.strip() for p in _SEPARATOR.split(line) if p.strip()]


def widget_kind(line: str) -> str | None:
    """``share`` or ``donation`` for a row of share buttons or donation amounts."""
    parts = items(line)
    if len(parts) < 2:
        return None
    share, amount_words = _words()
    lowered = [p.lower().rstrip(" :") for p in parts]
    if all(p in share for p in lowered):
        return "share"
    amounts = any(_AMOUNT.match(p) for p in lowered)
    amounts = amounts and all(_AMOUNT.match(p) or p in amount_words for p in lowered)
    if amounts and any(p in amount_words or _CURRENCY.search(p) for p in lowered):  # not a row of years
        return "donation"
    return None


def menu_like(line: str, min_items: int = 3) -> bool:
    """A row of at least ``min_items`` short labels (a menu or breadcrumb trail)."""
    parts = items(line)
    if len(parts) < min_items:
        return False
    return all(len(p) <= 40 and len(p.split()) <= 4 and not _PROSE_END.search(p) for p in parts)
