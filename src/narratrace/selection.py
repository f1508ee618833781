"""Taking part of a big input for a trial: the first N items, or a publication-date range.

``analyze --limit N`` reads until N inputs have been read (rejected ones count: they
were inputs); ``--since/--until`` keep articles whose publication date overlaps the
range. Dates may be partial on both sides ("2018-10" overlaps "2018-10-05"). An item
whose input carries an ISO date outside the range is skipped before any analysis; other
items are analysed first (their date may come from the text) and the ones outside are
not stored. Undated articles are outside any range: nothing says they are in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from .records import RawItem, Rejection

_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_END = "~"  # sorts after every digit and "-": "2018-10~" is the end of October 2018
T = TypeVar("T")


@dataclass(frozen=True)
class DateRange:
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        for value in (self.since, self.until):
            if value is not None and not _ISO.fullmatch(value):
                raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    def admits(self, published: str | None) -> bool:
        """Whether a (possibly partial) ISO date overlaps the range."""
        if not self.active:
            return True
        m = _ISO.match(published or "")
        if m is None:
            return False
        day = m.group()
        return (self.since is None or day + _END >= self.since) and (self.until is None or day <= self.until + _END)

    def refuses_early(self, item: RawItem) -> bool:
        """An input date (JSONL ``date``, feed date) in ISO form that is outside the range."""
        given = item.date or ""
        return self.active and _ISO.match(given) is not None and not self.admits(given)

    def describe(self) -> str:
        return f"published outside {self.since or '...'} to {self.until or '...'}"


def first(items: Iterable[T], limit: int | None) -> Iterator[T]:
    """The items until ``limit`` inputs (items and rejections, not skipped files) were seen."""
    if limit is None:
        yield from items
        return
    seen = 0
    for item in items:
        if seen >= limit:
            return
        if isinstance(item, (RawItem, Rejection)):
            seen += 1
        yield item
