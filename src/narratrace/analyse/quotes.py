"""Quotation spans of a body: where quoted words begin and end.

Attribution works sentence by sentence, but a quotation does not: « ... » often runs
over two or three sentences and is attributed only after it closes ("..., a déclaré le
major-général X"), or not at all when the speaker was named in the sentence before.
This module finds the spans first so that every sentence inside one gets the quote's
speaker, and so that a name inside quoted words is never taken for the speaker.

Marks handled: « » (with stray or doubled guillemets, as web copies have them),
“ ” and ‘ ’ pairs, German „ “, and straight double quotes paired within a paragraph.
A span must hold at least ``MIN_WORDS`` words: scare quotes ("victims", ‘chemical
attack‘) are not quotations. The scan is one linear pass per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 4
MAX_QUOTE_CHARS = 3000
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # index of the opening mark
    end: int  # index just after the closing mark (or the paragraph end when unclosed)
    closed: bool


def _opens_guillemet(text: str, i: int) -> bool:
    """A » glued to the next word ("»Casques blancs") is a mis-typed opening, not a close."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    return nxt.isalnum() and prv.isspace()


def quote_spans(text: str) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    pos = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        out.extend(_spans_in(text, pos, end))
        pos = m.end() if m else len(text)
    return [s for s in out if len(text[s.start : s.end].split()) >= MIN_WORDS]


def _spans_in(text: str, lo: int, hi: int) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    open_at: int | None = None
    closer = ""
    depth = 0
    i = lo
    while i < hi:
        ch = text[i]
        if open_at is None:
            if ch == "«" or (ch == "»" and _opens_guillemet(text, i)):
                open_at, closer, depth = i, "»", 1
            elif ch == "“":
                open_at, closer, depth = i, "”", 1
            elif ch == "„":
                open_at, closer, depth = i, "“", 1
            elif ch == '"' and (i == lo or not text[i - 1].isalnum()):
                open_at, closer, depth = i, '"', 1
        else:
            if closer == "»" and ch == "«":
                depth += 1
            elif closer == "»" and ch == "»" and _opens_guillemet(text, i):
                pass  # "»Casques blancs (White helmets)' »": a stray mark inside, not the close
            elif ch == closer and (closer != '"' or i + 1 >= hi or not text[i + 1].isalnum()):
                depth -= 1
                if depth == 0:
                    out.append(QuoteSpan(open_at, i + 1, True))
                    open_at = None
            if open_at is not None and i - open_at > MAX_QUOTE_CHARS:
                open_at = None  # an unbalanced mark: give up on it rather than swallow the text
        i += 1
    if open_at is not None and closer != '"':
        out.append(QuoteSpan(open_at, hi, False))  # a quote running on to the next paragraph
    return out
