"""A fast rule-based sentence splitter with code-point offsets.

Attribution and claim detection work sentence by sentence; running a parser for
sentence boundaries would cost more than all the rest of those stages together. Rules:
a paragraph break always ends a sentence; ``. ! ? …`` (optionally followed by a closing
quote) end one when the next word starts with a capital, a digit or an opening quote,
unless the period belongs to a known abbreviation (Maj., Gen., M., U.S.) or an initial.
Sentences are capped in length so that later regular expressions work on bounded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 1500

_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "maj",
        "col",
        "lt",
        "capt",
        "sgt",
        "adm",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "no",
        "nos",
        "fig",
        "p",
        "pp",
        "vol",
        "art",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "m",
        "mm",
        "mme",
        "mlle",
        "dr",
        "me",
        "env",
        "cf",
        "av",
        "apr",
        "j.-c",
        "bd",
        "inc",
        "ltd",
        "co",
        "corp",
        "gov",
        "sen",
        "rep",
    ]
)
# what may open the next sentence: a capital of a cased script (Latin, Greek, Cyrillic),
# a digit, or any Arabic letter (the script has no case)
_NEXT = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĘĚĞĠĢĤĦĨĪĮİĶĹĻĽĿŁŃŅŇŌŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΑ-ΩА-ЯЁЄІЇ\u0621-\u064a0-9"
_BOUNDARY = re.compile(
    rf"[.!?…؟]+[\"'»”’)]*\s+(?=[\"'«“‘„(]?\s?[{_NEXT}])|\n\s*\n|\n(?=\s*[«“\"-–—•*])"
)
_LINE = re.compile(r"\n")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the period at ``dot`` the end of an abbreviation or an initial?"""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets; line breaks inside a paragraph also split
    when the line is short (titles, credit lines)."""
    out: list[Sentence] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        punct = m.group(0)
        if punct[0] == "." and _is_abbreviation(text, m.start()):
            continue
        _emit(text, pos, m.start() + len(punct.rstrip()), out)
        pos = m.end()
    _emit(text, pos, len(text), out)
    return out


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    # single line breaks split too: web text puts headings and credits on lines of their own
    line_start = start
    for m in _LINE.finditer(text, start, end):
        _add(text, line_start, m.start(), out)
        line_start = m.end()
    _add(text, line_start, end, out)


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:  # run-on text: cut at the last space in range
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append(Sentence(start, cut, text[start:cut]))
        start = cut + 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
