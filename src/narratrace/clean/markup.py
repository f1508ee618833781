"""Page furniture found by its markup, and small HTML fragments turned into text.

trafilatura drops menus, share bars, captions and related-link boxes silently; the
project records what it drops. So the furniture is taken out of the lxml tree first
by the XPath rules of ``data/html.yaml`` and returned as (kind, text) pieces. Feed
items and JSONL ``html`` fields are fragments (a few paragraphs, no ``<body>``), too
short for trafilatura's heuristics: they are converted to text directly, one
paragraph per block element.
"""

from __future__ import annotations

import copy
import functools
import re
from importlib import resources
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from ..yamlfile import load_yaml

BLOCKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "figure",
        "figcaption", "section", "article", "header", "footer", "aside", "pre", "table", "tr", "dl",
        "dt", "dd", "main", "nav", "form", "address",
    }
)
MAX_ELEMENTS = 2000  # furniture elements taken per page; past that a hostile page is left to the text rules
MAX_FURNITURE = 1500  # characters: furniture is short; more text under such a class is left to trafilatura
_FULL_PAGE = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
# "... (Image: YouTube screenshot)", "... © Sputnik / Photothèque": the credit inside a caption.
_CREDIT = re.compile(
    r"^(?P<caption>.*?)[\s.]*(?P<credit>©[^©]{1,80}|\((?:image|photo|picture|crédit|credit|bild|foto)\s?:[^()]{1,80}\))\s*$",
    re.IGNORECASE | re.DOTALL,
)
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


@functools.cache
def _rules() -> list[tuple[str, Any]]:
    data = load_yaml(resources.files("narratrace.clean").joinpath("data/html.yaml").read_text("utf-8"))
    return [(str(r["kind"]), etree.XPath(r["xpath"])) for r in data.get("debris") or []]


def is_fragment(page: str) -> bool:
    """No ``<html>``/``<body>``: a feed item or a JSONL field, not a whole page."""
    return not _FULL_PAGE.search(page[:5000])


def block_text(node: Any) -> str:
    """The text of an element with one paragraph (blank line) per block element."""
    node = copy.deepcopy(node)
    preformatted = {inner for pre in node.iter("pre") for inner in pre.iter()}
    for el in node.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if el not in preformatted:
            el.text = _WHITESPACE.sub(" ", el.text) if el.text else el.text  # source line breaks mean nothing
        el.tail = _WHITESPACE.sub(" ", el.tail) if el.tail else el.tail
        if tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag in BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
        elif tag in ("script", "style", "noscript", "template"):
            el.text, el.tail = "", el.tail
            for child in list(el):
                el.remove(child)
    text = "".join(node.itertext()) if isinstance(node.tag, str) else ""
    lines = (" ".join(_SPACES.sub(" ", line).split()) for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _drop(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def prune(tree: Any, keep_comments: bool = True) -> list[tuple[str, str]]:
    """Take the furniture out of ``tree`` (in place); return (kind, text) pieces in page order."""
    found: list[tuple[str, str]] = []
    taken = 0
    for kind, xpath in _rules():
        if kind == "comments" and keep_comments:
            continue
        for el in xpath(tree):
            taken += 1
            if taken > MAX_ELEMENTS:
                return found
            if el is tree or not any(a is tree for a in el.iterancestors()):
                continue  # the page itself, or already gone with an ancestor
            text = block_text(el)
            if len(text) > MAX_FURNITURE and kind != "comments":
                continue  # a class name that merely contains "share" or "related" around real text
            _drop(el)
            if kind == "comments" or not text:
                continue
            if kind == "caption":
                found.extend(_split_credit(text))
            else:
                found.extend((kind, line) for line in text.split("\n\n") if line.strip())
    return found


def _split_credit(text: str) -> list[tuple[str, str]]:
    text = " ".join(text.split())[:600]
    m = _CREDIT.match(text)
    if not m:
        return [("caption", text)]
    pieces = [("caption", m.group("caption").strip(" .,"))] if m.group("caption").strip(" .,") else []
    return [*pieces, ("photo_credit", m.group("credit").strip("() "))]
