"""The real pages of ``../shared/eval/cleaning`` as labelled lines, for fitting and evaluation.

Research use only: nothing of the pages is written into the repository; the fitted
weights (``clean/data/lines.json``) and the split (page ids) are.

* ``split``: held out are the pages of the sites (registrable domain, or the page's
  name when it has no URL) whose salted hash falls in the held-out bucket: one site in
  two outside English, one in three in English (68 pages, 49 sites, 8 languages).
  Nothing of them is used for fitting or tuning.
* ``render_text``: what a reader gets by selecting a page in a browser and pasting it:
  visible text, block elements on their own lines, scripts, styles, hidden elements and
  the head left out.
* ``label_lines``: each rendered line is *article* (its words are in the expected text),
  *debris* (they are not), or *unsure* (short lines whose words also occur in the
  article, partial overlaps); unsure lines are not scored.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lxml import html as lxml_html

DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "cleaning" / "pages.jsonl"
FALLBACK_PAGES = Path("/work/shared/eval/cleaning/pages.jsonl")
SALT = "cleaning-holdout-v1"
COMMENTS_FILE = Path(__file__).resolve().parents[1] / "eval" / "cleaning" / "comment_pages.json"

_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "button", "label", "option", "select", "legend", "menu",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "math", "textarea"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    id: str
    lang: str
    url: str | None
    html: str
    expected: str
    title: str | None
    site: str
    comments: bool  # labelled by hand: the page carries reader comments

    @property
    def holdout(self) -> bool:
        return is_holdout(self.site, self.lang)


def site_of(row: dict[str, Any]) -> str:
    if row.get("url"):
        host = urlparse(row["url"]).netloc.lower().removeprefix("www.")
        parts = host.split(".")
        if len(parts) > 2 and parts[-2] in {"co", "com", "org", "net", "ac"} and len(parts[-1]) == 2:
            return ".".join(parts[-3:])
        return ".".join(parts[-2:])
    return str(row["id"]).split("-", 1)[1].rstrip("0123456789-_") or str(row["id"])


def is_holdout(site: str, lang: str) -> bool:
    bucket = int(hashlib.sha1((SALT + site).encode()).hexdigest(), 16)
    return bucket % (3 if lang == "en" else 2) == 0


def load_pages(path: Path | None = None) -> list[Page]:
    path = path or (DEFAULT_PAGES if DEFAULT_PAGES.exists() else FALLBACK_PAGES)
    with_comments: set[str] = set()
    if COMMENTS_FILE.exists():
        with_comments = set(json.loads(COMMENTS_FILE.read_text("utf-8"))["pages_with_comments"])
    pages = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            pages.append(
                Page(
                    id=row["id"], lang=row["lang"], url=row.get("url"), html=row["html"],
                    expected=row["expected_text"], title=row.get("expected_title"), site=site_of(row),
                    comments=row["id"] in with_comments,
                )
            )
    return pages


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN.search(style))


def render_text(page_html: str) -> str:
    """The page as a reader would paste it (see the module docstring)."""
    try:
        tree = lxml_html.document_fromstring(page_html)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    out: list[str] = []
    line: list[str] = []

    def brk() -> None:
        text = " ".join("".join(line).split())
        if text:
            out.append(text)
        line.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag or _hidden(el):
            if el.tail:
                line.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            brk()
        if tag == "br":
            brk()
        if tag == "img" and el.get("alt") is None:
            pass
        if el.text:
            line.append(el.text)
        for child in el:
            walk(child)
        if block:
            brk()
        if el.tail:
            line.append(el.tail)

    body = tree.find("body")
    walk(body if body is not None else tree)
    brk()
    return "\n".join(out)


def norm_tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Reference:
    """The expected text, normalised three ways for the matches below."""

    spaced: str  # " tok tok tok "
    dense: str  # tokens glued: for scripts without spaces
    paragraphs: frozenset[str]
    vocabulary: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Reference:
        toks = norm_tokens(text)
        paras = frozenset(" ".join(norm_tokens(p)) for p in re.split(r"\n+", text) if p.strip())
        return cls(" " + " ".join(toks) + " ", "".join(toks), paras, frozenset(toks))

    def contains(self, toks: list[str]) -> bool:
        if not toks:
            return False
        if (" " + " ".join(toks) + " ") in self.spaced:
            return True
        dense = "".join(toks)
        return len(dense) >= 12 and dense in self.dense


def label_line(line: str, ref: Reference) -> str:
    """``article``, ``debris`` or ``unsure`` (see the module docstring)."""
    toks = norm_tokens(line)
    if not toks:
        return "unsure"
    joined = " ".join(toks)
    dense = "".join(toks)
    long_enough = len(toks) >= 4 or len(dense) >= 12
    if joined in ref.paragraphs or (long_enough and ref.contains(toks)):
        return "article"
    if ref.contains(toks):
        return "unsure"  # "Home", "Reuters": words that also occur in the article
    shared = sum(1 for t in toks if t in ref.vocabulary) / len(toks)
    if long_enough and shared > 0.6:
        return "unsure"
    return "debris"


def labelled_lines(text: str, expected: str) -> Iterator[tuple[str, str]]:
    ref = Reference.of(expected)
    for line in text.split("\n"):
        if line.strip():
            yield line, label_line(line, ref)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def must_keep(expected: str) -> list[str]:
    """Sentences of the expected text long enough to matter (6+ words, or 15+ characters unspaced)."""
    out = []
    for para in expected.split("\n"):
        for sent in _SENTENCE_END.split(para):
            toks = norm_tokens(sent)
            if len(toks) >= 6 or (len(toks) < 6 and len("".join(toks)) >= 15 and not sent.isascii()):
                out.append(sent)
    return out
