"""The ``cleaner`` role: a raw item in, a clean article (or a reasoned rejection) out."""

from __future__ import annotations

import dataclasses
import re

from ..identity import article_id, content_hash
from ..records import Article, RawItem, Rejection, Removed
from .budget import MAX_DEPTH, nesting_depth, strip_long_tags
from .html import extract_html
from .rules import load_rules
from .templates import drop_template_lines
from .text import TextCleaner, normalise

_SENTENCE = re.compile(r"^(.{20,200}?[.!?])(?:\s|$)", re.DOTALL)


def lead_title(body: str, limit: int = 160) -> str | None:
    """A stand-in title for text without a headline: its first sentence, cut at a word."""
    first = body.split("\n", 1)[0].strip()
    if not first:
        return None
    m = _SENTENCE.match(first)
    title = m.group(1) if m else first
    if len(title) > limit:
        title = title[:limit].rsplit(" ", 1)[0] + "…"
    return title


class RuleCleaner:
    """Rules from ``clean/data/rules.yaml`` (plus an optional user rules file)."""

    name = "rules.v1"
    role = "cleaner"
    requires = ()  # record fields an earlier stage must assign
    assigns = ("body", "title", "authors", "comments", "removed", "outlet", "published")

    def __init__(self, rules_file: str | None = None, max_article_chars: int = 1_000_000) -> None:
        self.text_cleaner = TextCleaner(load_rules(rules_file))
        self.max_chars = max_article_chars

    def __call__(self, item: RawItem) -> Article | Rejection:
        pre_warnings: list[str] = []
        h = content_hash(item)  # of the input as read: a re-run finds it stored
        if item.html:  # hostile markup made linear before any parser or size limit sees it
            page, cut = strip_long_tags(item.html)
            if cut:
                item = dataclasses.replace(item, html=page)
                pre_warnings.append(f"oversized_tags_stripped:{cut}")
            if nesting_depth(page) > MAX_DEPTH:
                return Rejection(item.source, "too_deep", f"{self._where(item)}: HTML elements nested more "
                                 f"than {MAX_DEPTH} deep; no real article is built like that")
        raw = item.html or item.text or ""
        if len(raw) > self.max_chars * 5 or len(item.text or "") > self.max_chars:
            return Rejection(
                item.source,
                "too_large",
                f"{self._where(item)}: {len(raw):,} characters is over the limit of "
                f"{self.max_chars:,} for one article; raise [limits] max_article_chars if it is real",
            )
        warnings: list[str] = list(item.warnings) + pre_warnings
        published, published_source = item.date, "input" if item.date else None
        outlet, title = item.outlet, item.title
        # a reader's author field (a feed's dc:creator), once RawItem carries one
        authors: list[str] = [a.strip() for a in item.authors if a.strip()]
        if item.html and item.html.strip():
            extract = extract_html(item.html, url=item.source.url)
            if extract is None or not (extract.text.strip() or extract.title or item.title):
                reason = f"{self._where(item)}: no article text found in the HTML"
                return Rejection(item.source, "no_text", reason)
            cleaned = self.text_cleaner.clean(extract.text, lang=item.lang, use_model=False)
            self.text_cleaner.absorb(cleaned, extract.debris)
            comments = list(extract.comments) + cleaned.comments
            title = title or extract.title or cleaned.title
            outlet = outlet or extract.sitename
            authors = authors + [a for a in extract.authors if a not in authors]
            if not published and extract.date:
                published, published_source = extract.date, "metadata"
        elif item.text and item.text.strip():
            cleaned = self.text_cleaner.clean(item.text, lang=item.lang)
            comments = cleaned.comments
            title = title or cleaned.title
        else:
            cleaned = None
            comments = []
            title = normalise(title or "").strip() or None
        body = cleaned.body if cleaned else ""
        removed = list(cleaned.removed) if cleaned else []
        if item.template_lines and body:  # the outlet's own furniture, learnt from its earlier articles
            body, dropped = drop_template_lines(body, item.template_lines)
            removed += [Removed("outlet_template", line) for line in dropped]
        if cleaned:
            authors = authors + [a for a in cleaned.authors if a not in authors]
            outlet = outlet or (cleaned.outlets[0] if cleaned.outlets else None)
            if not published and cleaned.date:
                published, published_source = cleaned.date, "metadata"
        if not title and body:
            title = lead_title(body)
            warnings.append("title_from_lead")
        if not body and not title:
            return Rejection(item.source, "no_text", f"{self._where(item)}: nothing left after cleaning")
        return Article(
            id=article_id(h),
            content_hash=h,
            source=item.source,
            body=body,
            external_id=item.external_id,
            outlet=outlet.strip() if outlet else None,
            lang=item.lang,
            title=title,
            published=published,
            published_source=published_source,
            authors=tuple(authors),
            comments=tuple(comments),
            removed=tuple(removed),
            warnings=tuple(warnings),
        )

    @staticmethod
    def _where(item: RawItem) -> str:
        return item.source.label()
