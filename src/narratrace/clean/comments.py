"""Splitting a pasted reader-comment thread into comments with their authors.

Pasted threads lose their markup: what is left is an author line (a short name with
no sentence punctuation) followed by the comment, and wider gaps between threads.
A comment without a recognisable author line is kept with ``author=None`` rather than
glued to its neighbour's name.
"""

from __future__ import annotations

import re

from ..records import Comment

_AUTHOR = re.compile(r"^[\w@][\w .'’@_-]{0,38}$")
_SENTENCE_END = re.compile(r"[.!?…:;,)\"”»]$")
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


def split_comments(lines: list[tuple[int, str]]) -> list[Comment]:
    """``lines`` are (blank lines before, text) pairs of the thread, debris already removed."""
    comments: list[Comment] = []
    author: str | None = None
    parts: list[str] = []

    def flush() -> None:
        nonlocal author, parts
        if parts:
            comments.append(Comment(author=author, text="\n".join(parts)))
        elif author is not None:
            comments.append(Comment(author=None, text=author))  # a lone short line: a comment, not a name
        author, parts = None, []

    for i, (gap, line) in enumerate(lines):
        next_is_text = i + 1 < len(lines) and not looks_like_author(lines[i + 1][1])
        if looks_like_author(line) and next_is_text:
            flush()
            author = line
            continue
        if gap >= 2 and parts:
            flush()
        parts.append(line)
    flush()
    return comments
