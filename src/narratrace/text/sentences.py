"""The text kernel's sentence splitting: one module, one span type, code-point offsets.

Every splitter returns ``Span`` records (``start``, ``end`` end-exclusive code-point offsets
into the text, and the text itself), the type evidence spans have in the article record,
so any sentence can be shown as evidence as it is. Running a parser for boundaries would
cost more than the stages that need them, so the rules are ours, in three profiles whose
boundaries downstream data depend on:

- ``split_sentences`` (prose): what attribution and claim detection read. A paragraph break
  always ends a sentence; ``. ! ? …`` (optionally followed by a closing quote) end one when
  the next word starts with a capital, a digit or an opening quote, unless the period
  belongs to a known abbreviation (Maj., Gen., M., U.S.) or an initial; short lines
  (titles, credits) are sentences of their own; at most 1,500 characters each.
- ``split_units``: the units the narrative matcher compares with claim phrasings, and that
  are encoded once and stored per article (``embed.sentences``): ``. ! ? …`` and closing
  quotes before whitespace, or a line break; at least three characters with a letter; at
  most 600 characters and ``max_sentences`` units. The matcher's calibration and the
  stored units (``sentences.v1``) are tied to these boundaries.
- ``split_pieces``: what the encoder pools into an article vector and aligns for
  translation evidence (``embed.pooling``, ``stories.relations``): ``. ! ? …`` and their CJK
  forms before whitespace, or line breaks; long pieces cut at a space near ``max_chars``.
  The stories thresholds were tuned on these.

Unifying the three would change every calibrated threshold above; a change to one
profile bumps the version of what depends on it.
"""

from __future__ import annotations

import re

from ..records import Span

__all__ = ["MAX_SENTENCE_CHARS", "MAX_UNIT_CHARS", "Span", "split_pieces", "split_sentences", "split_units"]

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

def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the period at ``dot`` the end of an abbreviation or an initial?"""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` with offsets; line breaks inside a paragraph also split
    when the line is short (titles, credit lines)."""
    out: list[Span] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        punct = m.group(0)
        if punct[0] == "." and _is_abbreviation(text, m.start()):
            continue
        _emit(text, pos, m.start() + len(punct.rstrip()), out)
        pos = m.end()
    _emit(text, pos, len(text), out)
    return out


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    # single line breaks split too: web text puts headings and credits on lines of their own
    line_start = start
    for m in _LINE.finditer(text, start, end):
        _add(text, line_start, m.start(), out)
        line_start = m.end()
    _add(text, line_start, end, out)


def _add(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:  # run-on text: cut at the last space in range
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append(Span(start, cut, text[start:cut]))
        start = cut + 1
    if end > start:
        out.append(Span(start, end, text[start:end]))


# -- units: the narrative matcher's sentences ---------------------------------------

# A unit ends at . ! ? … (optionally followed by closing quotes/brackets) before
# whitespace, or at a line break. Bounded: no nested quantifiers.
_UNIT_END = re.compile(r"(?<=[.!?…])((?:[ \u00a0\u202f]?[\"'»”’)\]]){0,3})\s+|\n\s*")
MAX_UNIT_CHARS = 600


def split_units(text: str, max_sentences: int = 200) -> list[Span]:
    """Sentences with body offsets; over-long runs are cut so no unit exceeds 600 chars."""
    out: list[Span] = []
    pos = 0
    matches = list(_UNIT_END.finditer(text))
    bounds = [m.end(1) if m.group(1) is not None else m.start() for m in matches] + [len(text)]
    ends = [m.end() for m in matches] + [len(text)]
    for stop, nxt in zip(bounds, ends, strict=True):
        seg_start = pos
        while seg_start < stop:
            seg_end = min(stop, seg_start + MAX_UNIT_CHARS)
            piece = text[seg_start:seg_end]
            stripped = piece.strip()
            if len(stripped) >= 3 and any(c.isalpha() for c in stripped):
                lead = len(piece) - len(piece.lstrip())
                s = seg_start + lead
                out.append(Span(s, s + len(stripped), stripped))
                if len(out) >= max_sentences:
                    return out
            seg_start = seg_end
        pos = nxt
    return out


# -- pieces: what the encoder reads ------------------------------------------------

# A piece ends at . ! ? … (or their CJK forms) followed by space, or at a line break.
_PIECE_END = re.compile(r"(?<=[.!?…。！？])\s+|\n+")


def split_pieces(text: str, max_chars: int = 400) -> list[Span]:
    """Sentence-like pieces with offsets; very long sentences are cut at ``max_chars``."""
    out: list[Span] = []
    pos = 0
    for match in _PIECE_END.finditer(text + "\n"):
        _add_piece(out, text, pos, min(match.start(), len(text)), max_chars)
        pos = match.end()
    return out


def _add_piece(out: list[Span], text: str, start: int, end: int, max_chars: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end:
        stop = min(end, start + max_chars)
        if stop < end:  # cut at the last space inside the window when there is one
            space = text.rfind(" ", start + max_chars // 2, stop)
            stop = space if space > start else stop
        piece = text[start:stop].strip()
        if piece:
            out.append(Span(start, stop, piece))
        start = stop
        while start < end and text[start].isspace():
            start += 1
