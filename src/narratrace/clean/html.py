"""HTML pages: trafilatura for the article, the page's own markup for the comments.

trafilatura's ``bare_extraction`` keeps comments apart from the text (plain
``extract`` would append them); it flattens them without authors, so authored
comments are read from the usual comment layouts first (``data/html.yaml``) and the
flattened text is the fallback. Page furniture (menus, share bars, captions, related
boxes, comment forms) is taken out by markup first and recorded (``markup.py``);
fragments from feeds and JSONL skip trafilatura, which needs a whole page. The
extracted text then goes through the same line rules as pasted text, because share
bars and "Read more" links survive extraction.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lxml import html as lxml_html  # type: ignore[import-untyped]

from ..records import Comment
from ..yamlfile import load_yaml
from .comments import comment_date
from .markup import block_text, is_fragment, prune
from .recall import dense, fill_gaps

MAX_TREE = 200_000  # elements; a hostile page with millions of nodes is cut, not parsed forever


@dataclass
class HtmlExtract:
    text: str
    title: str | None
    comments: list[Comment] = field(default_factory=list)
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    sitename: str | None = None
    url: str | None = None
    debris: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) taken out by markup


@functools.cache
def _layouts() -> list[dict[str, Any]]:
    data = load_yaml(resources.files("narratrace.clean").joinpath("data/html.yaml").read_text("utf-8"))
    return list(data["layouts"])


def _text_of(nodes: list[Any]) -> str:
    return "\n".join(" ".join(n.text_content().split()) for n in nodes if n.text_content().strip())


def _owner(node: Any, comments: set[Any]) -> Any:
    for anc in node.iterancestors():
        if anc in comments:
            return anc
    return None


_DATE_PATHS = (
    ".//time/@datetime",
    ".//*[@itemprop='dateCreated' or @itemprop='datePublished' or @itemprop='commentTime']/@content",
    ".//*[@itemprop='dateCreated' or @itemprop='datePublished']/@datetime",
    ".//*[@data-timestamp]/@data-timestamp",
    ".//*[contains(@class, 'time-ago') or contains(@class, 'post-date')]/@title",
    ".//time",
    ".//*[contains(@class, 'comment-date') or contains(@class, 'comment-metadata')"
    " or contains(@class, 'wpd-comment-date') or contains(@class, 'relative-date') or contains(@class, 'post-date')]",
)


def _date_of(node: Any, layout: dict[str, Any], members: set[Any]) -> str | None:
    """The comment's own date: the layout's ``date`` XPath, else common markup (``<time datetime>``,
    schema.org ``dateCreated``, a date-classed element), not a reply's."""
    paths = layout.get("date") or _DATE_PATHS
    for path in [paths] if isinstance(paths, str) else paths:
        for found in node.xpath(path):
            owner = found.getparent() if isinstance(found, str) and hasattr(found, "getparent") else found
            if owner is not None and hasattr(owner, "iterancestors") and _owner(owner, members) is not node:
                continue
            text = str(found) if isinstance(found, str) else " ".join(found.text_content().split())
            if text.isdigit() and len(text) >= 10:  # a Unix time stamp (seconds or milliseconds)
                try:
                    stamp = int(text[:10])
                    return dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None).isoformat(timespec="minutes")
                except (ValueError, OverflowError, OSError):
                    continue
            date = comment_date(text)
            if date:
                return date
    return None


def authored_comments(page: str) -> list[Comment]:
    """Comments with authors from the page's comment markup (replies in document order)."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    for layout in _layouts():
        found = tree.xpath(layout["comment"])
        author_paths = layout["author"] if isinstance(layout["author"], list) else [layout["author"]]
        members = set(found)
        comments: list[Comment] = []
        for node in found:
            texts = [t for t in node.xpath(layout["text"]) if _owner(t, members) is node]
            authors: list[Any] = []
            for path in author_paths:
                authors = [a for a in node.xpath(path) if _owner(a, members) is node]
                if authors:
                    break
            text = _text_of(texts[:1])
            author = _text_of(authors[:1]).split("\n")[0][:120] or None
            if text:
                comments.append(Comment(author=author, text=text, date=_date_of(node, layout, members)))
        if comments:
            return comments
    return []


@functools.cache
def _config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    config["DEFAULT"]["max_tree_size"] = str(MAX_TREE)
    config["DEFAULT"]["extensive_date_search"] = "off"  # dates in the text are the metadata stage's job
    config["DEFAULT"]["min_extracted_size"] = "100"
    return config


def _parse(page: str, fragment: bool) -> Any:
    try:
        if fragment:
            return lxml_html.fragment_fromstring(page, create_parent="div")
        return lxml_html.document_fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None


MIN_THREAD = 2  # trafilatura's comments count when at least this many pieces read as comments
MIN_COMMENT_CHARS = 15  # shorter pieces are buttons and counters ("Reply", "3 comments")


def thread_like(pieces: list[str]) -> bool:
    """trafilatura's flattened comments are a thread when several pieces are long enough to say
    something: on pages without a thread it returns one widget label ("Sign in"), not comments."""
    return sum(len(p) >= MIN_COMMENT_CHARS for p in pieces) >= MIN_THREAD


def _with_gaps_filled(text: str, rendered: str, comments: list[Comment]) -> str:
    """trafilatura's text with the article sentences it skipped put back (``recall.py``),
    never a line of the comments."""
    if not comments:
        return fill_gaps(text, rendered)[0]
    thread = "\x00".join(dense(c.text) for c in comments)
    kept = "\n".join(ln for ln in rendered.split("\n") if not (ln.strip() and dense(ln) in thread))
    return fill_gaps(text, kept)[0]


def extract_html(page: str, url: str | None = None) -> HtmlExtract | None:
    """Furniture out by markup first, then trafilatura (whole pages) or direct text (fragments)."""
    import trafilatura

    comments = authored_comments(page)
    fragment = is_fragment(page)
    tree = _parse(page, fragment)
    if tree is None:
        return None
    debris = prune(tree, keep_comments=not comments)
    if fragment:
        return HtmlExtract(text=block_text(tree), title=None, comments=comments, url=url, debris=debris)
    doc = trafilatura.bare_extraction(
        lxml_html.tostring(tree, encoding="unicode"),
        url=url,
        include_comments=True,
        with_metadata=True,
        include_tables=True,
        favor_recall=True,
        config=_config(),
    )
    if doc is None:
        body = tree.find("body")
        text = block_text(body) if body is not None else ""
        return HtmlExtract(text=text, title=None, comments=comments, url=url, debris=debris)
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    lines = str(data.get("text") or "").split("\n")
    text = "\n\n".join(line for line in lines if line.strip())  # one line per paragraph
    if not comments and data.get("comments"):
        pieces = [c.strip() for c in str(data["comments"]).split("\n") if c.strip()]
        if thread_like(pieces):
            comments = [Comment(author=None, text=c) for c in pieces]
        else:  # a lone "Sign in to comment" or a widget label: page furniture, kept as such
            debris += [("boilerplate", c) for c in pieces]
    body = tree.find("body")
    if body is not None and text:
        text = _with_gaps_filled(text, block_text(body), comments)
    authors = [a.strip() for a in str(data.get("author") or "").split(";") if a.strip()]
    return HtmlExtract(
        text=text,
        title=data.get("title") or None,
        comments=comments,
        date=data.get("date") or None,
        authors=authors,
        sitename=data.get("sitename") or None,
        url=data.get("url") or url,
        debris=debris,
    )
