"""Outlet templates: lines that recur across one outlet's articles are that outlet's debris.

Rules and the extractor remove debris they know; a site's own furniture ("Suivez-nous sur
Telegram", "Notre chaîne : t.me/...", a fixed disclaimer) is new to them. Each stored article
teaches its outlet's line counts (``store.outlets.learn_lines``: distinct articles per
normalised line, as hashes, never the text); a line found in at least ``MIN_ARTICLES`` of an
outlet's articles is then removed from that outlet's next articles by the cleaner, recorded
as ``outlet_template``: the second article of a site is cleaned better than the first.

The outlet is known before cleaning when the input names it (a JSONL ``outlet``) or has a URL
(its host); pasted files without either are not matched to a template.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from ..text.fold import fold

MIN_ARTICLES = 3  # articles of one outlet a line must occur in to count as that outlet's template
MIN_CHARS, MAX_CHARS = 12, 200  # shorter lines say too little, longer ones are paragraphs
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def template_key(outlet: str | None, url: str | None) -> str | None:
    """Whose template a text follows: the URL's host, else the outlet's name (folded)."""
    if url:
        host = (urlsplit(url).hostname or "").lower()
        if host:
            return host.removeprefix("www.")[:200]
    name = " ".join(fold(outlet or "").split())
    return f"outlet:{name[:190]}" if name else None


def line_hash(line: str) -> str | None:
    """The hash a body line is counted under (folded, digits and spacing ignored), or None
    for a line too short or too long to be furniture."""
    text = line.strip()
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        return None
    norm = _SPACE.sub(" ", _DIGITS.sub("0", fold(text))).strip()
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def body_hashes(body: str) -> set[str]:
    return {h for line in body.split("\n") if (h := line_hash(line))}


def drop_template_lines(body: str, template: frozenset[str]) -> tuple[str, list[str]]:
    """``body`` without the lines of ``template``, and the lines removed (in order)."""
    if not template:
        return body, []
    kept: list[str] = []
    removed: list[str] = []
    for line in body.split("\n"):
        if (h := line_hash(line)) is not None and h in template:
            removed.append(line.strip())
        else:
            kept.append(line)
    if not removed:
        return body, []
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return text, removed
