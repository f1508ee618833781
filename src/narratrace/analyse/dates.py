"""Publication dates: explicit ones normalised, missing ones estimated honestly.

Explicit dates (JSONL ``date``, feed ``pubDate``, HTML metadata, a ``date 2018-10``
line) are normalised with ``dateparser`` in the article's language and keep their
precision: "2018-10" stays a month. When a text carries no explicit date, the
estimate is the latest *day-precise* date it mentions (an article is written after
the events it reports), with a missing year taken from the text's own dated mentions
and a relative weekday ("vendredi", "on Tuesday") resolved to the first such day on
or after that anchor. Without a day-precise anchor there is no estimate: a date is
never invented.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources

from ..yamlfile import load_yaml

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")


@dataclass(frozen=True)
class Mention:
    date: dt.date
    precision: str  # day | month
    start: int
    end: int
    has_year: bool


@functools.cache
def _tables() -> tuple[dict[str, int], dict[str, int]]:
    source = resources.files("narratrace.analyse").joinpath("data/dates.yaml")
    data = load_yaml(source.read_text("utf-8"))
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for table in data["months"].values():
        months.update(table)
    for table in data["weekdays"].values():
        weekdays.update(table)
    return months, weekdays


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    months, weekdays = _tables()
    month = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    day_first = re.compile(
        rf"\b(?P<d>[0-3]?\d)(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?(?P<m>{month})\.?(?:\s+(?:de\s+)?(?P<y>(?:19|20)\d\d))?\b",
        re.IGNORECASE,
    )
    month_first = re.compile(
        rf"\b(?P<m>{month})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d))?",
        re.IGNORECASE,
    )
    weekday = re.compile(rf"\b(?P<w>{'|'.join(weekdays)})\b", re.IGNORECASE)
    return day_first, month_first, weekday


def find_mentions(text: str) -> list[Mention]:
    """Day-precise date mentions, with years inferred where the text gives one."""
    months, _ = _tables()
    day_first, month_first, _ = _patterns()
    raw: list[tuple[int, int, int, int | None, int]] = []  # start, end, month, year, day
    taken: list[tuple[int, int]] = []
    for pattern in (day_first, month_first):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            month_no = months.get(m.group("m").lower().rstrip("."))
            day = int(m.group("d"))
            if not month_no or not 1 <= day <= 31:
                continue
            year = int(m.group("y")) if m.group("y") else None
            raw.append((m.start(), m.end(), month_no, year, day))
            taken.append((m.start(), m.end()))
    years = [y for *_, y, _d in raw if y is not None]
    anchor_year = max(years) if years else None
    out: list[Mention] = []
    for start, end, month_no, year, day in sorted(raw):
        y = year if year is not None else anchor_year
        if y is None:
            continue
        try:
            out.append(Mention(dt.date(y, month_no, day), "day", start, end, year is not None))
        except ValueError:
            continue
    return out


def estimate_published(text: str) -> str | None:
    mentions = find_mentions(text)
    if not mentions:
        return None
    anchor = max(m.date for m in mentions)
    _, weekdays = _tables()
    _, _, weekday = _patterns()
    best = anchor
    for m in weekday.finditer(text):
        wanted = weekdays[m.group("w").lower()]
        candidate = anchor + dt.timedelta(days=(wanted - anchor.weekday()) % 7)
        best = max(best, candidate)
    return best.isoformat()


def normalise_date(value: str | None, lang: str | None = None) -> str | None:
    """An explicit date as ISO 8601, keeping partial precision ("2018-10")."""
    if not value or not value.strip():
        return None
    m = _ISO.match(value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        try:
            if day:
                return dt.date(int(year), int(month), int(day)).isoformat()
            if month:
                return f"{int(year):04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None
        except ValueError:
            return None
        return f"{int(year):04d}"
    import dateparser

    languages = [lang] if lang else None
    try:
        parsed = dateparser.parse(
            value[:100],
            languages=languages,
            settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
        )
    except (ValueError, OverflowError, LookupError):
        return None
    return parsed.date().isoformat() if parsed else None
