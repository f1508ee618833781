"""The text kernel's sentence splitter: one rule set, one span type, code-point offsets.

Every caller (attribution and claims, the narrative matcher's units and the sentence
vectors stored per article, the encoder's pooled chunks, translation evidence) reads the
same boundaries, so a sentence shown as evidence by one stage is the sentence another
stage scored. Running a parser for boundaries would cost more than the stages that need
them, so the rules are ours:

- a line break always ends a sentence (web text puts headings, credits and list items on
  lines of their own);
- ``. ! ? … ؟ ।`` (with up to three closing quotes or brackets; a guillemet may follow a
  space, as French typesets ``. »``) end one when whitespace or the end of the text follows and the
  next visible character is not a lower-case letter ("« C'est faux ! » a dit un expert."
  stays one sentence), unless a lone period closes a known abbreviation (Maj., Gen., M.,
  U.S.) or an initial; the full-width ``。！？`` end one whatever follows;
- a sentence longer than ``max_chars`` is cut at its last space in the second half of the
  window (a hard cut when there is none), so a hostile run-on costs what a sentence costs;
- a piece without a letter (a rule of dashes, a lone page number) is not a sentence.

The list of abbreviations is data (``data/abbreviations.txt``). Callers choose the
length bound: 1,500 for prose, 600 for the narrative matcher's units, a few hundred
characters for the encoder's chunks. What depends on these boundaries carries a
version (``embed.sentences.SENTENCES_VERSION``, ``embed.registry.POOLING_VERSION``) that
changes with them.
"""

from __future__ import annotations

import re
from importlib import resources

from ..records import Span

__all__ = ["MAX_SENTENCE_CHARS", "UNIT_CHARS", "Span", "split_sentences"]

MAX_SENTENCE_CHARS = 1500  # prose: what attribution and claims read
UNIT_CHARS = 600  # the units the narrative matcher compares and each article stores vectors of


def _abbreviations() -> frozenset[str]:
    text = resources.files("narratrace.text").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


_ABBREV = _abbreviations()
# a run of terminal punctuation and up to three closing quotes/brackets; always matches
# from its first character to the end of the run, so scanning stays linear
_END = re.compile(r"[.!?…؟।。！？]+(?:[ \u00a0\u202f]?»|[\"'»”’)\]」』]){0,3}|\n")
_FULL_WIDTH = frozenset("。！？")


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS, limit: int | None = None) -> list[Span]:
    """Sentences of ``text`` with offsets, at most ``max_chars`` each and ``limit`` in all."""
    out: list[Span] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if m.group(0) != "\n" and not _is_boundary(text, m.start(), end, n):
            continue
        _add(text, start, end, max_chars, out)
        start = end
        if limit is not None and len(out) >= limit:
            return out[:limit]
    _add(text, start, n, max_chars, out)
    return out if limit is None else out[:limit]


def _is_boundary(text: str, start: int, end: int, n: int) -> bool:
    if text[end - 1] in _FULL_WIDTH or text[start] in _FULL_WIDTH:
        return True
    if end < n and not text[end].isspace():
        return False  # "U.S.A", "3.5", "?!»x": inside a token
    j = end
    while j < n and text[j] in " \t\u00a0\u202f":
        j += 1
    if j < n and text[j].islower():
        return False  # the sentence goes on: "« C'est faux ! » a dit un expert."
    lone_period = text[start] == "." and (end - start == 1 or text[start + 1] not in ".!?…")
    return not (lone_period and _is_abbreviation(text, start))


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the period at ``dot`` the end of an abbreviation or an initial?"""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def _add(text: str, start: int, end: int, max_chars: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:  # run-on text: cut at the last space in the window's second half
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        _keep(text, start, cut, out)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    _keep(text, start, end, out)


def _keep(text: str, start: int, end: int, out: list[Span]) -> None:
    while end > start and text[end - 1].isspace():
        end -= 1
    piece = text[start:end]
    if any(c.isalpha() for c in piece):
        out.append(Span(start, end, piece))
