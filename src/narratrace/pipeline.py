"""The pipeline: ingest -> clean -> per-article stages -> store -> corpus stages.

``analyze`` is the plain function behind ``narratrace analyze``, the Python API and
the REST API. Per-article work runs through an executor (inline, process pool or
Dask); writing happens here, one article per transaction, in input order. Articles
are marked pending for every corpus stage in the same transaction, so a run killed
before the corpus stages finish has them done by the next run: nothing lost, nothing
twice.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import inspect
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import registry
from .budget import OverBudget, memory_budget, time_budget
from .clean.templates import MIN_ARTICLES as TEMPLATE_MIN_ARTICLES
from .clean.templates import body_hashes, template_key
from .config import ConfigError, Settings
from .embed.memo import article_scope
from .executors import DaskExecutor, Executor, InlineExecutor, PoolExecutor
from .identity import content_hash
from .ingest import read_inputs
from .ingest.walk import Skipped
from .ingest.web import Robots, WebOptions, is_url, read_urls
from .records import Article, RawItem, Rejection, SourceRef
from .runs import ALREADY_STORED, DUPLICATE, REJECTED, SKIPPED, STORED, ItemOutcome, Run, RunSummary
from .runtime import one_blas_thread
from .selection import DateRange, first
from .stages import ArticleStage, Cleaner, CorpusStage, check_order, create, resolve, unknown_options
from .store import Store, open_store
from .text.storable import storable_any

if TYPE_CHECKING:  # the matcher loads models: imported only when a run matches narratives
    from .narratives.matcher import Matcher

__all__ = ["ItemOutcome", "RunSummary", "analyze", "analyze_items", "process_item", "run_items"]

Timings = tuple[tuple[str, float], ...]


# -- per-article work (runs in workers) --------------------------------------------


@dataclass(frozen=True)
class _Stages:
    cleaner: Cleaner
    analysers: tuple[ArticleStage, ...]
    # corpus stages with a per-article part (``prepare``), run in the workers
    preparers: tuple[tuple[str, Any], ...] = ()


_STAGE_CACHE: dict[str, _Stages] = {}


def _stages(settings: Settings) -> _Stages:
    key = repr(settings)
    if key not in _STAGE_CACHE:
        cleaner_opts = {"max_article_chars": settings.max_article_chars,
                        **stage_options(settings, "cleaner", settings.cleaner)}
        _STAGE_CACHE[key] = _Stages(
            cleaner=create("cleaner", settings.cleaner, **cleaner_opts),
            analysers=tuple(create("analyser", n, **stage_options(settings, "analyser", n))
                            for n in settings.analysers),
            preparers=_preparers(settings),
        )
    return _STAGE_CACHE[key]


def stage_options(settings: Settings, role: str, name: str) -> dict[str, Any]:
    """A stage's options, plus the shared resources (``[encoder]``, ``[catalogue]``) its factory
    takes by name and its own options leave unset."""
    options = settings.options_for(name)
    shared = settings.resources()
    if shared:
        params = inspect.signature(resolve(role, name)).parameters
        options = {k: v for k, v in shared.items() if k in params} | options
    return options


def _preparers(settings: Settings) -> tuple[tuple[str, Any], ...]:
    out = []
    for name in settings.corpus:
        stage = create("corpus", name, **stage_options(settings, "corpus", name))
        if callable(getattr(stage, "prepare", None)) and callable(getattr(stage, "keep", None)):
            out.append((name, stage))
    return tuple(out)


Prepared = dict[str, Any]  # corpus stage name -> what its per-article part computed


def process_item(settings: Settings, item: RawItem) -> Article | Rejection:
    """Clean and analyse one item. Never raises: a failing stage becomes a rejection."""
    with article_scope():
        return _analyse(_stages(settings), settings, item)[0]


def process_timed(settings: Settings, item: RawItem) -> tuple[Article | Rejection, Timings]:
    """``process_item`` plus the seconds each stage took on this item (for the run summary)."""
    with article_scope():
        return _analyse(_stages(settings), settings, item)


def prepare_item(settings: Settings, item: RawItem) -> tuple[Article | Rejection, Timings, Prepared]:
    """``process_timed`` plus the per-article parts of the corpus stages.

    One encoding scope covers the analysers and the corpus stages' parts, so a sentence the
    narrative matcher encoded is not encoded again for the stories stage. A failing part is
    left out: the corpus stage then computes it itself, later.
    """
    stages = _stages(settings)
    prepared: Prepared = {}
    with article_scope():
        result, timings = _analyse(stages, settings, item)
        if isinstance(result, Article):
            extra = []
            for name, stage in stages.preparers:
                clock = time.perf_counter()
                try:
                    prepared[name] = stage.prepare(result)
                except MemoryError:
                    raise  # the item's memory budget: _work rejects the item
                except Exception:
                    continue
                finally:
                    extra.append((f"{name}:prepare", time.perf_counter() - clock))
            timings = (*timings, *extra)
    return result, timings, prepared


def _analyse(stages: _Stages, settings: Settings, item: RawItem) -> tuple[Article | Rejection, Timings]:
    """Clean and analyse within the item's time budget ([limits] max_item_seconds)."""
    started = time.perf_counter()
    try:
        with time_budget(settings.max_item_seconds):
            return _analyse_unbounded(stages, settings, item)
    except OverBudget as exc:
        where = item.source.label()
        return (Rejection(item.source, "over_budget", f"{where}: {exc}; raise [limits] max_item_seconds "
                          "if such articles are real"), (("budget", time.perf_counter() - started),))


def _analyse_unbounded(stages: _Stages, settings: Settings, item: RawItem) -> tuple[Article | Rejection, Timings]:
    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()
    try:
        result = stages.cleaner(item)
    except MemoryError:
        raise
    except Exception as exc:  # a cleaner bug must not end the run
        where = item.source.label()
        return (Rejection(item.source, "stage_error", f"{where}: cleaner {stages.cleaner.name} failed: {exc!r}"),
                ((settings.cleaner, time.perf_counter() - clock),))
    now = time.perf_counter()
    timings.append((settings.cleaner, now - clock))
    if isinstance(result, Rejection):
        return result, tuple(timings)
    for name, stage in zip(settings.analysers, stages.analysers, strict=True):
        clock = now
        try:
            result = stage(result)
        except MemoryError:
            raise
        except Exception as exc:
            where = item.source.label()
            timings.append((name, time.perf_counter() - clock))
            return Rejection(item.source, "stage_error", f"{where}: stage {stage.name} failed: {exc!r}"), tuple(timings)
        now = time.perf_counter()
        timings.append((name, now - clock))
    return result, tuple(timings)


def _work(settings: Settings, added: Mapping[str, Mapping[str, str]],
          item: RawItem) -> tuple[Article | Rejection, Timings, Prepared]:
    """The worker function: this session's registrations replayed, then the item processed."""
    if added:
        registry.restore(added)
    try:
        with memory_budget(settings.max_item_memory_mb):
            return prepare_item(settings, item)
    except MemoryError:
        where = item.source.label()
        return (Rejection(item.source, "over_memory", f"{where}: needed more than the {settings.max_item_memory_mb} MB "
                          "budget for one item; raise [limits] max_item_memory_mb if such articles are real"), (), {})


def warm_up(settings: Settings, added: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Set up a worker process: one BLAS thread, models loaded before the first item arrives."""
    one_blas_thread()
    if added:
        registry.restore(added)
    probe = RawItem(source=SourceRef(path="<warm-up>"), fmt="txt", text="Warm-up text.\n\nIt has a body.")
    prepare_item(settings, probe)


def make_executor(jobs: int | None, scheduler: str | None, settings: Settings) -> Executor:
    if scheduler:
        return DaskExecutor(scheduler, initializer=warm_up, initargs=(settings, registry.additions()))
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1:
        return InlineExecutor()
    return PoolExecutor(jobs, initializer=warm_up, initargs=(settings, registry.additions()))


# -- the run (main process) --------------------------------------------------------


def check_settings(settings: Settings) -> None:
    """Fail before reading anything if a configured stage or one of its options does not exist.

    A typo in ``[stages.*]`` must not cost a run: found after the articles are stored,
    it would leave them waiting for a corpus stage, or break the worker pool.
    Corpus stages are cheap to build, so they are built here, which also checks their
    option values (an encoder directory that is not there, say).
    """
    roles = {settings.cleaner: "cleaner"}
    roles.update({name: "analyser" for name in settings.analysers})
    roles.update({name: "corpus" for name in settings.corpus})
    for name, role in roles.items():
        resolve(role, name)
    check_order(settings.cleaner, settings.analysers, settings.corpus)
    for name, options in settings.stage_options.items():
        if name not in roles:
            raise ConfigError(f'[stages."{name}"]: no such stage in the pipeline '
                              f"(configured: {', '.join(sorted(roles))})")
        unknown, known = unknown_options(roles[name], name, options)
        if unknown:
            raise ConfigError(f'[stages."{name}"]: unknown option(s) {", ".join(unknown)}; '
                              f"known: {', '.join(known)}")
    for name in settings.corpus:
        try:
            stage = create("corpus", name, **stage_options(settings, "corpus", name))
            check = getattr(stage, "check", None)
            if callable(check):
                check()
        except (TypeError, ValueError, LookupError, OSError, ImportError) as exc:
            raise ConfigError(f'[stages."{name}"]: {exc}') from None


ProgressCallback = Callable[[str, int, int | None], None]  # event, done, total


def analyze(
    paths: Sequence[str],
    db: str | Store = "narratrace.db",
    settings: Settings | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    web: WebOptions | None = None,
    limit: int | None = None,
    dates: DateRange | None = None,
) -> RunSummary:
    """Analyse files, folders and http(s) URLs into the store; returns what happened to every input.

    URLs are fetched by the hardened fetcher (``ingest/web.py``), robots.txt honoured unless
    ``web.obey_robots`` is off, and each response archived in ``store.evidence``. ``-`` among
    ``paths`` is JSONL on standard input. ``limit`` stops after that many inputs; ``dates``
    keeps only articles published in that range (``selection.py``).
    """
    settings = settings or Settings()
    check_settings(settings)
    store = open_store(db) if isinstance(db, str) else db
    urls = [str(p) for p in paths if is_url(str(p))]
    files = [str(p) for p in paths if not is_url(str(p))]
    items: Iterable[RawItem | Rejection | Skipped] = read_inputs(files, max_file_bytes=settings.max_file_bytes)
    if urls:
        web = web or WebOptions()
        items = itertools.chain(items, read_urls(urls, web.policy, store.evidence.put,
                                                 Robots(web.policy, obey=web.obey_robots)))
    items = first(items, limit)
    return run_items(items, store, settings, "analyze", [str(p) for p in paths], jobs=jobs, scheduler=scheduler,
                     progress=progress, dates=dates)


def run_items(
    items: Iterable[RawItem | Rejection | Skipped],
    store: Store,
    settings: Settings,
    kind: str,
    inputs: Sequence[str],
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    dates: DateRange | None = None,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """The run lifecycle around ``analyze_items``: started, then finished with the summary
    or failed with the reason (and the exception raised on).

    ``cancel``: once set, no further item is read; the items already read are analysed and
    stored, the corpus stages run on them, and the summary says ``cancelled`` (the server's
    analyses stop so when their client goes away or their deadline passes). ``executor``: one
    the caller owns and keeps (the server's analysis process) instead of one made for the run.
    """
    run = Run(store, kind, inputs)
    if cancel is not None:
        items = _until(items, cancel)
    try:
        summary = analyze_items(items, store, settings, run.id, jobs=jobs, scheduler=scheduler, progress=progress,
                                dates=dates, executor=executor)
        summary.cancelled = cancel is not None and cancel.is_set()
    except BaseException as exc:  # an unreachable scheduler, Ctrl+C: the run says it ended, and how
        run.fail(exc)
        raise
    run.finish(summary)
    return summary


class _Templates:
    """Outlet templates for one run (clean/templates.py): each item leaves with the template lines
    of its outlet known so far; each stored article counts its lines for its outlet."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, frozenset[str]] = {}

    def attach(self, item: RawItem) -> RawItem:
        key = template_key(item.outlet, item.source.url)
        if key is None:
            return item
        if key not in self.cache:
            self.cache[key] = self.store.outlets.template_lines(key, TEMPLATE_MIN_ARTICLES)
        lines = self.cache[key]
        return dataclasses.replace(item, template_lines=lines) if lines else item

    def learn(self, article: Article) -> None:
        key = template_key(article.outlet, article.source.url)
        if key is None:
            return
        self.store.outlets.learn_lines(key, body_hashes(article.body))
        self.cache.pop(key, None)


def _until(items: Iterable[RawItem | Rejection | Skipped], cancel: threading.Event) -> Iterator[
        RawItem | Rejection | Skipped]:
    for item in items:
        if cancel.is_set():
            return
        yield item


def analyze_items(
    items: Iterable[RawItem | Rejection | Skipped],
    store: Store,
    settings: Settings,
    run_id: int,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    dates: DateRange | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Items through the per-article stages into the store, then the corpus stages.

    The run row ``run_id`` is the caller's (``run_items`` opens and ends it). A given
    ``executor`` is used and left open; otherwise one is made for the run and closed.
    """
    started = time.perf_counter()
    summary = RunSummary(run_id=run_id)
    rematch_archive(store, settings, summary, progress)
    seen: dict[str, str | None] = {}  # content hash -> stored id (None while in flight)
    outcomes: dict[int, ItemOutcome] = {}
    in_flight: collections.deque[tuple[int, str]] = collections.deque()  # (input position, content hash)
    repeats: dict[int, str] = {}  # input position of a duplicate -> the content hash it repeats

    def fresh() -> Iterator[RawItem]:
        for seq, item in enumerate(items):
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                outcomes[seq] = ItemOutcome(SourceRef(path=str(item.path)), SKIPPED, reason=item.why)
                continue
            summary.read += 1
            item = storable_any(item)  # whatever the reader, nothing the store cannot hold
            if dates is not None and not isinstance(item, Rejection) and dates.refuses_early(item):
                summary.skipped.append(Skipped(Path(item.source.path or ""), dates.describe()))
                outcomes[seq] = ItemOutcome(item.source, SKIPPED, reason=dates.describe())
                continue
            if isinstance(item, Rejection):
                summary.rejected.append(item)
                store.runs.reject(item, run_id)
                outcomes[seq] = ItemOutcome(item.source, REJECTED, reason=item.reason)
                continue
            h = content_hash(item)
            if h in seen:
                summary.duplicates += 1
                outcomes[seq] = ItemOutcome(item.source, DUPLICATE)  # its id is known once the first is stored
                repeats[seq] = h
                continue
            seen[h] = None
            found = store.articles.has_content(h)
            if found:
                summary.already_stored += 1
                seen[h] = found
                outcomes[seq] = ItemOutcome(item.source, ALREADY_STORED, article_id=found)
                continue
            in_flight.append((seq, h))
            yield templates.attach(item)

    templates = _Templates(store)
    todo: Iterator[RawItem] = fresh()
    if executor is None and jobs is None and scheduler is None:
        # A pool pays for loading every model in every worker: not worth it for one item
        # (a one-file run took 9.9 instead of 6.0 CPU seconds with two workers).
        head = list(itertools.islice(todo, 2))
        jobs = 1 if len(head) < 2 else None
        todo = itertools.chain(head, todo)
    owned = executor is None
    runner = make_executor(jobs, scheduler, settings) if executor is None else executor
    worker = functools.partial(_work, settings, registry.additions())
    keeper = _Keeper(store, settings, summary)
    done = 0
    try:
        for result, timings, prepared in runner.imap(worker, todo):
            seq, h = in_flight.popleft()
            done += 1
            for name, seconds in timings:
                summary.stage(name).add(seconds)
            if isinstance(result, Rejection):
                summary.rejected.append(result)
                store.runs.reject(result, run_id)
                outcomes[seq] = ItemOutcome(result.source, REJECTED, reason=result.reason)
            elif dates is not None and not dates.admits(result.published):
                summary.skipped.append(Skipped(Path(result.source.path or ""), dates.describe()))
                outcomes[seq] = ItemOutcome(result.source, SKIPPED, reason=dates.describe())
                seen.pop(h, None)
            else:
                clock = time.perf_counter()
                stored = store.articles.add(result, run_id, pending=settings.corpus)
                summary.stage("store").add(time.perf_counter() - clock)
                seen[h] = result.id if stored else store.articles.has_content(result.content_hash)
                if stored:
                    templates.learn(result)
                    summary.accepted += 1
                    summary.article_ids.append(result.id)
                    summary.languages[result.lang or "unknown"] += 1
                    outcomes[seq] = ItemOutcome(result.source, STORED, article_id=result.id)
                    keeper.add(result.id, prepared)
                else:
                    summary.duplicates += 1
                    outcomes[seq] = ItemOutcome(result.source, DUPLICATE, article_id=seen[h])
            if progress:
                progress("article", done, None)
    finally:
        if owned:
            runner.close()
        keeper.flush()
    for seq, h in repeats.items():
        outcomes[seq] = ItemOutcome(outcomes[seq].source, DUPLICATE, seen.get(h))
    summary.outcomes = [outcomes[k] for k in sorted(outcomes)]
    run_corpus_stages(store, settings, summary, progress)
    summary.seconds = time.perf_counter() - started
    return summary


class _Keeper:
    """Writes what the workers prepared for the corpus stages, a batch at a time.

    After the articles themselves: a run killed before a batch is written leaves those
    articles without it, and the corpus stage computes it when it sees them.
    """

    BATCH = 64

    def __init__(self, store: Store, settings: Settings, summary: RunSummary) -> None:
        self.store = store
        self.summary = summary
        self.stages = dict(_preparers(settings))
        self.batch: dict[str, dict[str, Any]] = {name: {} for name in self.stages}

    def add(self, article_id: str, prepared: Prepared) -> None:
        for name, value in prepared.items():
            if name in self.batch:
                self.batch[name][article_id] = value
                if len(self.batch[name]) >= self.BATCH:
                    self._write(name)

    def flush(self) -> None:
        for name in self.batch:
            self._write(name)

    def _write(self, name: str) -> None:
        if self.batch[name]:
            clock = time.perf_counter()
            self.stages[name].keep(self.store, self.batch[name])
            self.summary.stage(f"{name}:keep").add(time.perf_counter() - clock, len(self.batch[name]))
            self.batch[name] = {}


def narrative_matcher(settings: Settings) -> tuple[Matcher, str | None]:
    """The matcher ``narratives.v1`` runs with these settings, and its encoder spec."""
    from .narratives.stage import get_matcher

    opts = stage_options(settings, "analyser", "narratives.v1")
    matcher = get_matcher(opts.get("catalog"), bool(opts.get("shipped", True)), opts.get("threshold"),
                          opts.get("encoder"))
    return matcher, opts.get("encoder")


def rematch_archive(
    store: Store, settings: Settings, summary: RunSummary | None = None, progress: ProgressCallback | None = None
) -> Any:
    """Re-match stored articles against the narratives changed since their matches were made
    (``narratives/rematch.py``), when this pipeline matches narratives at all; returns the
    ``RematchResult`` (None when it does not). No model is loaded here when nothing changed or
    the store is empty: the catalogue's versions are compared first."""
    if "narratives.v1" not in settings.analysers:
        return None
    from .narratives.rematch import rematch, without_matcher
    from .narratives.stage import matcher_inputs

    opts = stage_options(settings, "analyser", "narratives.v1")
    catalogue, params = matcher_inputs(opts.get("catalog"), bool(opts.get("shipped", True)), opts.get("threshold"))
    quick = without_matcher(store, catalogue, params, opts.get("encoder"))
    if quick is not None:
        return quick
    matcher, encoder = narrative_matcher(settings)
    result = rematch(store, matcher, encoder, progress=progress)
    if summary is not None and result.rematched:
        summary.stage("rematch").add(result.seconds, result.rematched)
    return result


def run_corpus_stages(
    store: Store, settings: Settings, summary: RunSummary | None = None, progress: ProgressCallback | None = None
) -> None:
    """Run each corpus stage on every article still pending for it (this run's and any
    left over by an interrupted run).

    One process at a time per store for all the corpus stages together: a corpus stage reads
    the state others wrote (the clusterer files, the stored records) and writes it back, and
    corpus stages rewrite whole records (``entities-index.v1`` its entities, ``stories.v1``
    the story and relations), so two `analyze` (or `watch`) whose stages ran at once would
    lose each other's updates, also across stages (an article's story written by one process,
    then its record rewritten without it by the other's entity index). The second waits, then
    finds the first one's articles done and its own still pending.
    """
    if not any(store.articles.pending(name) for name in settings.corpus):
        return
    with store.exclusive("corpus"):
        for name in settings.corpus:
            ids = store.articles.pending(name)  # read under the lock
            if not ids:
                continue
            if progress:
                progress(f"corpus:{name}", 0, len(ids))
            stage: CorpusStage = create("corpus", name, **stage_options(settings, "corpus", name))
            clock = time.perf_counter()
            try:
                stage.update(store, ids)
            except Exception as exc:
                if summary is not None:
                    summary.corpus_errors.append(f"{name}: {exc!r}")
                continue
            finally:
                if summary is not None:
                    summary.stage(name).add(time.perf_counter() - clock, len(ids))
            store.articles.clear_pending(name, ids)
            if progress:
                progress(f"corpus:{name}", len(ids), len(ids))
