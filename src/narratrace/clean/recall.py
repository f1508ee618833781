"""Sentences trafilatura drops from the middle of an article, put back from the page's own text.

trafilatura judges each block of a page by its surroundings and link density, and on
real pages it leaves out paragraphs inside the article: a paragraph in an unusual
wrapper, a list item, a table cell, a pull quote. The page's rendered text (the pruned
tree, furniture already out) still has them, in order. Lines of that text which
trafilatura kept are anchors; a line between the first and the last anchor that reads
as prose (a sentence of some length) and that trafilatura left out is put back after
the paragraph of the anchor before it. Nothing outside the article's span is added, so
menus, teasers and comment threads around it stay out; the merged text then goes
through the same line rules as the rest, which still take share rows and "Read more"
lines.
"""

from __future__ import annotations

import re
import unicodedata

from .lead import prose_like, word_count
from .widgets import items

_WORD = re.compile(r"\w+")
MIN_ANCHOR = 20  # dense characters: a shorter line ("Home", "Reuters") proves nothing
MIN_WORDS = 8  # a line put back is a sentence of at least this many words
MAX_LINES = 5000  # rendered lines looked at; a longer page is left to trafilatura


def dense(text: str) -> str:
    """Lower-case word characters glued together: a match across spacing and markup."""
    return "".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _candidate(line: str) -> bool:
    """A line that may be put back: a sentence of some length, not a row of items."""
    return word_count(line) >= MIN_WORDS and prose_like(line) and len(items(line)) <= 1


def fill_gaps(extracted: str, rendered: str) -> tuple[str, list[str]]:
    """``extracted`` with the prose lines of ``rendered`` it lacks inside its span put back.

    Both are texts with one paragraph per line (blank lines ignored); returns the merged
    text (one paragraph per blank-line-separated block) and the lines put back.
    """
    paras = [p.strip() for p in extracted.split("\n") if p.strip()]
    lines = [ln.strip() for ln in rendered.split("\n") if ln.strip()][:MAX_LINES]
    if not paras or not lines:
        return extracted, []
    if all(line in extracted for line in lines if _candidate(line)):
        return extracted, []  # every prose line is there as it stands: the usual case, no matching needed
    para_keys = [dense(p) for p in paras]
    whole = "\x00".join(para_keys)
    line_keys = [dense(ln) for ln in lines]
    matched = [bool(k) and k in whole for k in line_keys]
    anchors = [i for i, k in enumerate(line_keys) if matched[i] and len(k) >= MIN_ANCHOR]
    if len(anchors) < 2:
        return extracted, []
    inserts: dict[int, list[str]] = {}
    added: list[str] = []
    para_at = -1  # paragraph of the last anchor passed
    cursor = 0
    for i in range(anchors[0], anchors[-1] + 1):
        key = line_keys[i]
        if matched[i]:
            if len(key) >= MIN_ANCHOR:
                for j in range(cursor, len(para_keys)):
                    if key in para_keys[j]:
                        para_at, cursor = j, j
                        break
            continue
        line = lines[i]
        if not _candidate(line):
            continue
        inserts.setdefault(para_at, []).append(line)
        added.append(line)
    if not added:
        return extracted, []
    out: list[str] = inserts.get(-1, [])[:]
    for j, para in enumerate(paras):
        out.append(para)
        out.extend(inserts.get(j, []))
    return "\n\n".join(out), added
