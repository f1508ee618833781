"""The lead zone: what comes before the first paragraph, and which line is the headline.

A pasted page often starts with the site's name, its menu, a breadcrumb trail or a
section name before the headline ("Le Veilleur d’Orient", "Home | World | ...",
"Military & Defense"). These are short lines without sentence punctuation, like the
headline itself. The zone ends at the first line that reads as prose (a sentence of
some length, or a dateline); inside it, the headline is the first line of headline
length that no rule claims, and the short lines above it are labelled: a row of items
is navigation, the first line above a menu is the site's own name (an outlet), any
other short line a section label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .widgets import items, menu_like

MAX_LEAD_LINES = 12  # non-blank lines looked at before giving up on a headline
MIN_HEADLINE_WORDS = 4  # section names and site names are shorter
_TERMINAL = re.compile(r"[.!?…。！？][»”\"’'」』]?\s*$")
# Chinese, Japanese, Korean, Thai, Burmese: no spaces between words, so words are counted by characters
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f]")
CHARS_PER_WORD = 2.5  # as the line model counts them (lines.py)
# "DAMASCUS – ...", "MOSCOU, 29 mars (Sputnik) – ..." : a dateline opening the story.
DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{2,40}(?:,[^–—\n]{1,40})?\s*(?:\([^)]{1,30}\))?\s*[–—-]\s")


@dataclass
class LeadPlan:
    headline: int | None = None  # index into the page's lines
    labels: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # index -> (kind, outlet)


def word_count(line: str) -> float:
    """Words of a line; for scripts written without spaces, its length over ``CHARS_PER_WORD``."""
    if len(_UNSPACED.findall(line[:200])) >= 0.3 * min(len(line), 200):
        return len(line) / CHARS_PER_WORD
    return len(line.split())


def headline_like(line: str) -> bool:
    if len(line) > 250 or re.search(r"[.,;。，；]\W*$", line):
        return False  # headlines do not end like sentences
    inner = line.rstrip(".!?…。！？ ")
    return len(re.findall(r"[.!?](?:\s|$)|[。！？]", inner)) == 0 and word_count(line) >= 2


def prose_like(line: str) -> bool:
    """A line that opens the article text: long, a sentence, or a dateline."""
    if len(line) > 250 or DATELINE.match(line):
        return True
    return bool(_TERMINAL.search(line)) and word_count(line) >= 8


def plan_lead(lines: list[str], claimed: Callable[[str], bool]) -> LeadPlan:
    """Find the headline among the first lines; ``claimed`` says a debris rule takes a line."""
    zone: list[tuple[int, str]] = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if prose_like(line) and claimed(line):
            continue  # a cookie notice reads like prose but does not open the article
        if prose_like(line) or len(zone) >= MAX_LEAD_LINES:
            break
        zone.append((index, line))
    candidates = [
        (i, line) for i, line in zone if not claimed(line) and len(items(line)) == 1 and headline_like(line)
    ]
    if not candidates:
        return LeadPlan()
    long_enough = [c for c in candidates if word_count(c[1]) >= MIN_HEADLINE_WORDS]
    head_index = (long_enough or [max(candidates, key=lambda c: len(c[1]))])[0][0]
    plan = LeadPlan(headline=head_index)
    before = [(i, line) for i, line in zone if i < head_index and not claimed(line)]
    for n, (i, line) in enumerate(before):
        parts = items(line)
        if menu_like(line):
            plan.labels[i] = ("navigation", None)
        elif n == 0 and len(before) > 1 and menu_like(before[1][1]):
            plan.labels[i] = ("navigation", parts[0])  # the site's name (and tagline) above its menu
        else:
            plan.labels[i] = ("section_label", None)
    return plan
