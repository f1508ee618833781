"""Checks that cleaning loses nothing: every input line ends up somewhere."""

from __future__ import annotations

import unicodedata

from narratrace.records import Article


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def unaccounted_lines(raw: str, article: Article) -> list[str]:
    """Lines of the raw text found neither in the body, nor in removed debris, nor in comments."""
    places = [_norm(article.body)]
    places += [_norm(r.text) for r in article.removed]
    places += [_norm(c.text) for c in article.comments]
    places += [_norm(c.author) for c in article.comments if c.author]
    missing = []
    for line in raw.splitlines():
        text = _norm(line)
        if not text:
            continue
        if any(text in place for place in places):
            continue
        # a line split by the cleaner (page metadata glued to the first paragraph)
        rest = text
        for piece in sorted((_norm(r.text) for r in article.removed), key=len, reverse=True):
            if piece and piece in rest:
                rest = rest.replace(piece, " ")
        rest = _norm(rest)
        if rest != text and (not rest or rest in places[0]):
            continue
        missing.append(line)
    return missing
