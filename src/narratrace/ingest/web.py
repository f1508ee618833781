"""Pages and feeds straight from the web, through the one hardened fetcher (``watch/net.py``).

``read_urls`` is what ``narratrace analyze URL...`` reads; ``with_article_pages`` is what
``watch`` does to a feed's new items: fetch the page each item links to (the feed usually
carries an excerpt) and read it like any page. Both honour robots.txt unless told not
to, and both hand every fetched response to ``keep`` as a ``RawCopy`` (the bytes, their
sha256, the fetch time, the final URL and the HTTP status) before anything is read from
it, so the archived copy is exactly what the server sent.

A URL the user typed is trusted as given; a link found in a feed is hostile input and
gets the same private-address checks as a redirect.
"""

from __future__ import annotations

import dataclasses
import hashlib
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..identity import content_hash
from ..records import RawCopy, RawItem, Rejection, SourceRef
from ..text.storable import storable_any
from ..watch.net import Fetched, FetchError, NetPolicy, fetch_page
from .decode import Decoded, decode_bytes

Keep = Callable[[RawCopy], None]
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_AGENT = "narratrace"
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


@dataclass(frozen=True)
class WebOptions:
    """How ``analyze URL...`` fetches: the fetcher's limits, and whether robots.txt is obeyed."""

    policy: NetPolicy = field(default_factory=NetPolicy)
    obey_robots: bool = True


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


@dataclass
class Robots:
    """robots.txt per site, fetched once per run; ``obey=False`` is the documented switch."""

    policy: NetPolicy
    obey: bool = True
    _sites: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def allows(self, url: str, trusted: bool) -> bool:
        if not self.obey:
            return True
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._sites:
            self._sites[site] = self._load(site, trusted)
        parser = self._sites[site]
        return parser is None or parser.can_fetch(ROBOTS_AGENT, url)

    def _load(self, site: str, trusted: bool) -> urllib.robotparser.RobotFileParser | None:
        small = dataclasses.replace(self.policy, max_bytes=min(self.policy.max_bytes, ROBOTS_MAX_BYTES))
        try:
            got = fetch_page(f"{site}/robots.txt", small, trusted=trusted)
        except FetchError:
            return None  # no robots.txt (4xx) or none readable: nothing forbidden
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(got.body.decode("utf-8", errors="replace").splitlines())
        return parser


def raw_copy(got: Fetched, item_hash: str) -> RawCopy:
    return RawCopy(sha256=hashlib.sha256(got.body).hexdigest(), content_hash=item_hash, body=got.body,
                   fetched_at=got.fetched_at, url=got.url, final_url=got.final_url, status=got.status,
                   content_type=got.content_type or None)


def pasted_copy(body: bytes, item: RawItem, content_type: str, when: str) -> RawCopy:
    return RawCopy(sha256=hashlib.sha256(body).hexdigest(), content_hash=content_hash(item), body=body,
                   fetched_at=when, content_type=content_type or None)


def _items_of(url: str, got: Fetched) -> list[RawItem | Rejection]:
    ref = SourceRef(path=url, url=got.final_url)
    kind = got.content_type.split(";")[0].strip().lower()
    head = got.body[:512].lstrip().lower()
    if kind in _FEED_TYPES or head.startswith((b"<rss", b"<feed")) or (head.startswith(b"<?xml") and b"<rss" in head):
        from .feeds import read_feed

        return list(read_feed(ref, got.body))
    decoded = decode_bytes(got.body)
    if not isinstance(decoded, Decoded):
        return [Rejection(ref, decoded.reason, f"{url}: {decoded.detail}")]
    if not decoded.text.strip():
        return [Rejection(ref, "empty", f"{url}: the page is empty")]
    if kind == "text/plain":
        return [RawItem(source=ref, fmt="txt", text=decoded.text, encoding=decoded.encoding)]
    return [RawItem(source=ref, fmt="html", html=decoded.text, encoding=decoded.encoding)]


def read_urls(urls: Iterable[str], policy: NetPolicy, keep: Keep, robots: Robots | None = None,
              trusted: bool = True) -> Iterator[RawItem | Rejection]:
    """The items of each URL (a page, or a feed's entries); a failed fetch is a rejection."""
    robots = robots or Robots(policy)
    for url in urls:
        ref = SourceRef(path=url, url=url)
        if not robots.allows(url, trusted):
            yield Rejection(ref, "robots_disallowed", f"{url}: robots.txt forbids fetching it "
                            "(pass --ignore-robots to fetch it anyway)")
            continue
        try:
            got = fetch_page(url, policy, trusted=trusted)
        except FetchError as exc:
            yield Rejection(ref, "fetch_failed", str(exc)[:500])
            continue
        for found in _items_of(url, got):
            found = storable_any(found)
            if isinstance(found, RawItem):
                keep(raw_copy(got, content_hash(found)))
            yield found


def with_article_pages(items: list[RawItem], policy: NetPolicy, keep: Keep,
                       robots: Robots | None = None) -> list[RawItem]:
    """Feed items with the page each links to read in their place (feed title, date and id kept).

    An item whose page cannot be fetched (or robots.txt forbids) keeps the feed's own
    content, with a warning saying why: the excerpt is better than nothing.
    """
    robots = robots or Robots(policy)
    out: list[RawItem] = []
    for item in items:
        link = item.source.url
        if not link or not is_url(link):
            out.append(item)
            continue
        why = None
        if not robots.allows(link, trusted=False):
            why = "robots_disallowed"
        else:
            try:
                got = fetch_page(link, policy, trusted=False)  # the link is the feed author's word
                pages = [p for p in _items_of(link, got) if isinstance(p, RawItem)]
                if pages and pages[0].fmt in ("html", "txt"):
                    page = pages[0]
                    merged = storable_any(dataclasses.replace(
                        item, fmt=page.fmt, html=page.html, text=page.text, encoding=page.encoding,
                        source=SourceRef(path=item.source.path, url=got.final_url, line=item.source.line)))
                    assert isinstance(merged, RawItem)
                    keep(raw_copy(got, content_hash(merged)))
                    out.append(merged)
                    continue
                why = "article_not_a_page"
            except FetchError as exc:
                why = f"article_fetch_failed:{str(exc)[:200]}"
        out.append(dataclasses.replace(item, warnings=(*item.warnings, why)))
    return out
