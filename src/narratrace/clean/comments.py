"""Splitting a pasted reader-comment thread into comments with their authors and dates.

Pasted threads lose their markup: what is left is an author line (a short name with
no sentence punctuation), often a date line ("12 mars 2021 à 14:32", "3. März 2021",
"March 3, 2021 at 5:02 pm", "03.03.2021 14:02"), then the comment, and wider gaps between
threads. A comment without a recognisable author line is kept with ``author=None`` rather
than glued to its neighbour's name; a date is kept only when the line is a complete date
(day, month and year: "2 hours ago" has no anchor and stays text).
"""

from __future__ import annotations

import datetime as dt
import re

from ..records import Comment

_AUTHOR = re.compile(r"^[\w@][\w .'’@_-]{0,38}$")
_SENTENCE_END = re.compile(r"[.!?…:;,)\"”»]$")
_DATE_LINE = re.compile(r"^(?=.*\d)[^\s].{3,48}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ABSOLUTE = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2}\b")  # a year is written
_INITIAL = re.compile(r"\s[^\W\d_]\.$")  # "Mira K.", "Сергей К.": a name cut to an initial, not a sentence


def looks_like_author(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= 5 or not _AUTHOR.match(line):
        return False
    initial = _INITIAL.search(line)
    if _SENTENCE_END.search(line) and not (initial and line[-2].isupper()):
        return False
    if line[0].isdigit():
        return False
    # names and handles start with a capital or are a single handle-like token
    handle = len(words) == 1 and any(c.isdigit() or c == "_" for c in line)
    return line[0].isupper() or line[0] == "@" or handle


def comment_date(text: str) -> str | None:
    """An absolute date or date-time in ``text`` as ISO 8601 (``2021-03-12T14:32``), else None."""
    value = " ".join(text.split())[:60]
    if not value or not any(c.isdigit() for c in value):
        return None
    if _ISO.match(value):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None).isoformat(
                timespec="minutes") if len(value) > 10 else dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    if not _ABSOLUTE.search(value):  # "2 hours ago", "yesterday": no anchor, no date
        return None
    import dateparser

    cleaned = re.sub(r"\s(?:à|a las|alle|um|в|at|às|o)\s", " ", value)  # "12 mars 2021 à 14:32"
    try:
        parsed = dateparser.parse(cleaned, settings={"REQUIRE_PARTS": ["day", "month", "year"],
                                                     "RETURN_AS_TIMEZONE_AWARE": False,
                                                     "PREFER_DAY_OF_MONTH": "first"})
    except (ValueError, OverflowError, LookupError, TypeError):
        return None
    if parsed is None or not 1990 <= parsed.year <= dt.date.today().year + 1:
        return None
    has_time = bool(re.search(r"\d{1,2}[:h]\d{2}", value))
    out: str = parsed.isoformat(timespec="minutes") if has_time else parsed.date().isoformat()
    return out


def _date_line(line: str) -> str | None:
    return comment_date(line) if _DATE_LINE.match(line) else None


def split_comments(lines: list[tuple[int, str]]) -> list[Comment]:
    """``lines`` are (blank lines before, text) pairs of the thread, debris already removed."""
    comments: list[Comment] = []
    author: str | None = None
    date: str | None = None
    parts: list[str] = []

    def flush() -> None:
        nonlocal author, date, parts
        if parts:
            comments.append(Comment(author=author, text="\n".join(parts), date=date))
        elif author is not None:
            comments.append(Comment(author=None, text=author))  # a lone short line: a comment, not a name
        author, date, parts = None, None, []

    for i, (gap, line) in enumerate(lines):
        next_is_text = i + 1 < len(lines) and not looks_like_author(lines[i + 1][1])
        if looks_like_author(line) and next_is_text:
            flush()
            author = line
            continue
        if not parts and date is None and (found := _date_line(line)) is not None:
            date = found  # the date line under the author (or opening the comment)
            continue
        if gap >= 2 and parts:
            flush()
        parts.append(line)
    flush()
    return comments
