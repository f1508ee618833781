"""Poll feeds and folders, ingest what is new, raise alerts.

Why this order, per source and poll: fetch -> drop items already in ``watch_items`` ->
run the regular pipeline (``pipeline.run_items``; it skips content already stored) ->
raise alerts for the articles of these items -> mark the items seen. A crash at any point
redoes only the unmarked items, and the pipeline's content hash and the alerts' unique keys
make the redo harmless: nothing is lost and nothing is repeated. A failing source (network
error, malformed feed) is reported and retried next poll; the others go on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..identity import article_id, content_hash
from ..ingest import read_inputs
from ..ingest.feeds import read_feed
from ..ingest.walk import Skipped
from ..records import RawCopy, RawItem, Rejection, SourceRef
from ..store import Store
from .alerts import Sink, deliver_pending, raise_alert
from .net import FetchError, NetPolicy, fetch_page
from .searches import check_saved_searches

MAX_SOURCE_KEY = 1000


@dataclass
class PollReport:
    new_items: int = 0
    articles: int = 0
    rejected: int = 0
    alerts_raised: int = 0
    alerts_delivered: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class WatchOptions:
    narratives: tuple[str, ...] = ()  # tracked narrative ids; empty = all
    stances: tuple[str, ...] = ("promotes", "reports", "refutes")
    min_score: float = 0.0
    story_growth: int = 3  # alert when a story gains this many articles within the window
    growth_window: dt.timedelta = dt.timedelta(hours=24)
    net: NetPolicy = field(default_factory=NetPolicy)
    fetch_articles: bool = False  # fetch the page each feed item links to (the CLI's default is on)
    obey_robots: bool = True  # robots.txt, for those pages


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _item_key(item: RawItem) -> str:
    key = item.external_id or item.source.url or ""
    return (key or content_hash(item))[:500]


def read_source(source: str, policy: NetPolicy, max_file_bytes: int,
                keep: Callable[[RawCopy], None] | None = None) -> list[RawItem | Rejection]:
    """Current items of a feed URL or a folder/file. Raises FetchError for network problems.

    ``keep`` receives the feed as fetched, once per item it backs (the evidence of an item
    whose linked page is not fetched)."""
    if is_url(source):
        from ..ingest.web import raw_copy  # ingest.web imports this package: import when used

        got = fetch_page(source, policy)
        items = list(read_feed(SourceRef(path=source, url=got.final_url), got.body))
        if keep:
            for item in items:
                if isinstance(item, RawItem):
                    keep(raw_copy(got, content_hash(item)))
        return items
    if not Path(source).exists():
        raise FetchError(f"{source}: no such file or folder")
    return [x for x in read_inputs([source], max_file_bytes=max_file_bytes) if not isinstance(x, Skipped)]


MAX_PARALLEL_SOURCES = 8


Keep = Callable[[RawCopy], None] | None


def _read_guarded(source: str, policy: NetPolicy, max_file_bytes: int, keep: Keep) -> list[RawItem | Rejection] | str:
    try:
        return read_source(source, policy, max_file_bytes, keep)
    except FetchError as exc:
        return str(exc)
    except Exception as exc:  # a parser bug on hostile input must not stop the other sources
        return f"{source}: {type(exc).__name__}: {exc}"


def fetch_all(
    sources: Sequence[str], policy: NetPolicy, max_file_bytes: int, keep: Keep = None
) -> Iterator[tuple[str, list[RawItem | Rejection] | str]]:
    """Every source's items (or its error), fetched concurrently, yielded in the given order.

    Why concurrently: a slow feed holds its own thread up to the fetcher's deadline, not
    the sources after it (one feed dripping a byte every 2 s used to stall them all).
    """
    if len(sources) <= 1:
        for source in sources:
            yield source, _read_guarded(source, policy, max_file_bytes, keep)
        return
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SOURCES, len(sources)),
                            thread_name_prefix="watch-fetch") as pool:
        futures = [pool.submit(_read_guarded, s, policy, max_file_bytes, keep) for s in sources]
        for source, future in zip(sources, futures, strict=True):
            yield source, future.result()


def _seen(store: Store, source: str, keys: Iterable[str]) -> set[str]:
    return store.watch.seen(source, keys)


def _mark(store: Store, source: str, key: str, art: str | None) -> None:
    store.watch.mark(source, key, art)


def _narrative_alerts(store: Store, ids: Sequence[str], opts: WatchOptions) -> int:
    raised = 0
    for art in store.articles.get_many(list(ids)):
        for m in art.narratives:
            if opts.narratives and m.id not in opts.narratives:
                continue
            if m.stance not in opts.stances or m.score < opts.min_score:
                continue
            payload = {
                "narrative_id": m.id, "narrative_title": m.title, "score": m.score, "stance": m.stance,
                "article_id": art.id, "title": art.title, "outlet": art.outlet, "lang": art.lang,
                "published": art.published, "url": art.source.url,
                "evidence": [e.text for e in m.evidence][:3],
            }
            raised += raise_alert(store, f"narrative:{m.id}:{art.id}", "narrative", payload)
    return raised


def _story_alerts(store: Store, opts: WatchOptions) -> int:
    """A story that gained ``story_growth`` articles in the window; one alert per doubling."""
    if opts.story_growth <= 0:
        return 0
    since = dt.datetime.now(dt.UTC) - opts.growth_window
    raised = 0
    for story_id, count in store.stories.growing(since, opts.story_growth):
        level = opts.story_growth
        while level * 2 <= count:
            level *= 2
        payload = {"story_id": story_id, "new_articles": int(count),
                   "window_hours": opts.growth_window.total_seconds() / 3600}
        raised += raise_alert(store, f"story:{story_id}:{level}", "story_growth", payload)
    return raised


def _ingest_source(store: Store, source: str, items: list[RawItem | Rejection], settings: Settings,
                   opts: WatchOptions, jobs: int | None, report: PollReport) -> None:
    """The new items of one source through the pipeline, their alerts raised, then marked seen."""
    from ..pipeline import run_items

    skey = source[:MAX_SOURCE_KEY]
    fresh = [i for i in items if isinstance(i, RawItem)]
    report.rejected += sum(1 for i in items if isinstance(i, Rejection))
    for rej in (i for i in items if isinstance(i, Rejection)):
        report.errors.append(rej.detail)
    keys = {id(i): _item_key(i) for i in fresh}
    seen = _seen(store, skey, keys.values())
    new = [i for i in fresh if keys[id(i)] not in seen]
    if not new:
        return
    report.new_items += len(new)
    new_keys = [keys[id(i)] for i in new]
    if opts.fetch_articles and is_url(source):  # the page behind each item, not the feed's excerpt
        from ..ingest.web import Robots, with_article_pages

        new = with_article_pages(new, opts.net, store.evidence.put, Robots(opts.net, obey=opts.obey_robots))
    summary = run_items(new, store, settings, "watch", [source], jobs=jobs)
    report.articles += summary.accepted
    report.rejected += len(summary.rejected)  # the pipeline's rejections count too ("rejected 0" was wrong)
    report.errors.extend(r.detail for r in summary.rejected)
    for item, key, outcome in zip(new, new_keys, summary.outcomes, strict=True):
        aid = outcome.article_id
        if aid is not None:
            report.alerts_raised += _narrative_alerts(store, [aid], opts)
        _mark(store, skey, key, aid or article_id(content_hash(item)))


def poll_once(
    store: Store,
    sources: Sequence[str],
    settings: Settings,
    sinks: Sequence[Sink],
    opts: WatchOptions = WatchOptions(),
    jobs: int | None = 1,
) -> PollReport:
    report = PollReport()
    # the feed as fetched backs its items (one copy per body); a fetched article page, its own
    for source, got in fetch_all(sources, opts.net, settings.max_file_bytes, store.evidence.put):
        if isinstance(got, str):
            report.errors.append(got)
            continue
        try:
            _ingest_source(store, source, got, settings, opts, jobs, report)
        except Exception as exc:  # one source's failure (a store error on its items) must not stop the others
            report.errors.append(f"{source}: {type(exc).__name__}: {exc}"[:500])
    report.alerts_raised += _story_alerts(store, opts)
    try:
        report.alerts_raised += check_saved_searches(store, settings.encoder)
    except Exception as exc:  # a saved search must not stop the delivery of the other alerts
        report.errors.append(f"saved searches: {type(exc).__name__}: {exc}"[:500])
    delivered, errors = deliver_pending(store, sinks)
    report.alerts_delivered = delivered
    report.errors.extend(errors)
    return report


def watch(
    store: Store,
    sources: Sequence[str],
    settings: Settings,
    sinks: Sequence[Sink],
    every: float = 600.0,
    once: bool = False,
    opts: WatchOptions = WatchOptions(),
    on_report: Callable[[PollReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll forever (or once). Errors of one poll never stop the loop."""
    while True:
        started = time.monotonic()
        try:
            report = poll_once(store, sources, settings, sinks, opts)
        except Exception as exc:  # the store is down, a stage crashed: log, retry next time
            report = PollReport(errors=[f"poll failed: {type(exc).__name__}: {exc}"])
        if on_report:
            on_report(report)
        if once:
            return
        sleep(max(1.0, every - (time.monotonic() - started)))


def parse_every(text: str) -> float:
    """'90', '90s', '10m', '2h' -> seconds."""
    t = text.strip().lower()
    mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(t[-1:])
    try:
        value = float(t[:-1]) * mult if mult else float(t)
    except ValueError:
        raise ValueError(f"cannot read interval {text!r}; use e.g. 30s, 10m, 1h") from None
    if value < 1:
        raise ValueError("interval must be at least 1 second")
    return value
