"""Checks on an HTML page before any parser sees it, so hostile markup costs linear time.

Why: libxml2's HTML parser is quadratic in the number of attributes of one element (an
element with 200,000 attributes, 2.2 MB, held ``analyze`` for over 15 minutes, and C code
cannot be interrupted by Ctrl+C or a timer). An element's start tag longer than
``MAX_TAG_CHARS`` is cut back to its bare name: no article puts text in attributes, so
nothing of the article is lost, and a page with one 20 MB attribute is no longer
rejected whole by the size limit. Nesting deeper than ``MAX_DEPTH`` is refused with its
own reason (the parser would silently flatten it, and the page came out as "no text").
"""

from __future__ import annotations

import re

MAX_TAG_CHARS = 16 * 1024
MAX_DEPTH = 1000
_LONG_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9:_-]{{0,40}})(?:\s[^<>]{{{MAX_TAG_CHARS},}})>")
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9:_-]{{0,40}})\b[^<>]{{0,{MAX_TAG_CHARS}}}?(/?)>")
# elements without an end tag, and those whose end tag is optional in practice
_NO_END = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    "optgroup",
))


def strip_long_tags(page: str) -> tuple[str, int]:
    """``page`` with every start tag over ``MAX_TAG_CHARS`` reduced to ``<name>``, and how many."""
    if len(page) < MAX_TAG_CHARS:
        return page, 0
    return _LONG_TAG.subn(lambda m: f"<{m.group(1)}>", page)


def nesting_depth(page: str, limit: int = MAX_DEPTH) -> int:
    """The deepest element nesting, counted up to just past ``limit`` (linear in the page)."""
    depth = deepest = 0
    for m in _TAG.finditer(page):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _NO_END or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest
