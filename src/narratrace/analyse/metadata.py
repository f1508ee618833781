"""Dates and outlets that need the language or the whole body.

Runs after the cleaner (which took bylines, page metadata and self-references) and the
language stage (dates are read with the article's language).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..records import Article
from .dates import estimate_published, normalise_date


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = host.lower().removeprefix("www.").removeprefix("m.").removeprefix("amp.")
    return host or None


class MetadataStage:
    name = "metadata.v1"
    role = "analyser"
    requires = ("body", "lang")  # record fields an earlier stage must assign
    assigns = ("published", "published_source", "outlet")

    def __call__(self, article: Article) -> Article:
        changes: dict[str, object] = {}
        if article.published:
            iso = normalise_date(article.published, article.lang)
            if iso is None:
                changes["warnings"] = (*article.warnings, f"unparsed_date:{article.published[:40]}")
            changes["published"] = iso
        if not changes.get("published") and not article.published:
            estimate = estimate_published(article.body)
            if estimate:
                changes["published"] = estimate
                changes["published_source"] = "text"
        elif changes.get("published") is None and article.published:
            changes["published_source"] = None
        if not article.outlet:
            outlet = outlet_from_url(article.source.url)
            if outlet:
                changes["outlet"] = outlet
        return article.replace(**changes) if changes else article
