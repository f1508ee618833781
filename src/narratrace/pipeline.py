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
import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import ConfigError, Settings
from .executors import DaskExecutor, Executor, InlineExecutor, PoolExecutor
from .identity import content_hash
from .ingest import read_inputs
from .ingest.walk import Skipped
from .records import Article, RawItem, Rejection, SourceRef
from .stages import ArticleStage, Cleaner, CorpusStage, create, resolve, unknown_options
from .store import Store, open_store


@dataclass
class RunSummary:
    run_id: int
    read: int = 0
    accepted: int = 0
    already_stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    languages: collections.Counter[str] = field(default_factory=collections.Counter)
    corpus_errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        return dict(collections.Counter(r.reason for r in self.rejected))

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "read": self.read,
            "accepted": self.accepted,
            "already_stored": self.already_stored,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "rejected_by_reason": self.rejected_by_reason,
            "skipped": len(self.skipped),
            "languages": dict(self.languages),
            "corpus_errors": self.corpus_errors,
            "seconds": round(self.seconds, 3),
        }


# -- per-article work (runs in workers) --------------------------------------------


@dataclass(frozen=True)
class _Stages:
    cleaner: Cleaner
    analysers: tuple[ArticleStage, ...]


_STAGE_CACHE: dict[str, _Stages] = {}


def _stages(settings: Settings) -> _Stages:
    key = repr(settings)
    if key not in _STAGE_CACHE:
        cleaner_opts = {"max_article_chars": settings.max_article_chars, **settings.options_for(settings.cleaner)}
        _STAGE_CACHE[key] = _Stages(
            cleaner=create("cleaner", settings.cleaner, **cleaner_opts),
            analysers=tuple(create("analyser", n, **settings.options_for(n)) for n in settings.analysers),
        )
    return _STAGE_CACHE[key]


def process_item(settings: Settings, item: RawItem) -> Article | Rejection:
    """Clean and analyse one item. Never raises: a failing stage becomes a rejection."""
    stages = _stages(settings)
    try:
        result = stages.cleaner(item)
    except Exception as exc:  # a cleaner bug must not end the run
        where = item.source.label()
        return Rejection(item.source, "stage_error", f"{where}: cleaner {stages.cleaner.name} failed: {exc!r}")
    if isinstance(result, Rejection):
        return result
    for stage in stages.analysers:
        try:
            result = stage(result)
        except Exception as exc:
            where = item.source.label()
            return Rejection(item.source, "stage_error", f"{where}: stage {stage.name} failed: {exc!r}")
    return result


def warm_up(settings: Settings) -> None:
    """Load models once per worker process before the first item arrives."""
    stages = _stages(settings)
    probe = RawItem(source=SourceRef(path="<warm-up>"), fmt="txt", text="Warm-up text.\n\nIt has a body.")
    article = stages.cleaner(probe)
    if isinstance(article, Article):
        for stage in stages.analysers:
            article = stage(article)


def make_executor(jobs: int | None, scheduler: str | None, settings: Settings) -> Executor:
    if scheduler:
        return DaskExecutor(scheduler)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1:
        return InlineExecutor()
    return PoolExecutor(jobs, initializer=warm_up, initargs=(settings,))


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
            stage = create("corpus", name, **settings.options_for(name))
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
) -> RunSummary:
    """Analyse files and folders into the store; returns what happened to every input."""
    settings = settings or Settings()
    check_settings(settings)
    store = open_store(db) if isinstance(db, str) else db
    run_id = store.start_run("analyze", [str(p) for p in paths])
    items = read_inputs(list(paths), max_file_bytes=settings.max_file_bytes)
    try:
        summary = analyze_items(items, store, settings, run_id, jobs=jobs, scheduler=scheduler, progress=progress)
    except BaseException as exc:  # an unreachable scheduler, Ctrl+C: the run says it ended, and how
        store.finish_run(run_id, {"failed": repr(exc)[:500]})
        raise
    store.finish_run(run_id, summary.as_dict())
    return summary


def analyze_items(
    items: Iterable[RawItem | Rejection | Skipped],
    store: Store,
    settings: Settings,
    run_id: int,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary(run_id=run_id)
    seen: set[str] = set()

    def fresh() -> Iterator[RawItem]:
        for item in items:
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                continue
            summary.read += 1
            if isinstance(item, Rejection):
                summary.rejected.append(item)
                store.add_rejection(item, run_id)
                continue
            h = content_hash(item)
            if h in seen:
                summary.duplicates += 1
                continue
            seen.add(h)
            if store.has_content(h):
                summary.already_stored += 1
                continue
            yield item

    executor = make_executor(jobs, scheduler, settings)
    worker = functools.partial(process_item, settings)
    done = 0
    try:
        for result in executor.imap(worker, fresh()):
            done += 1
            if isinstance(result, Rejection):
                summary.rejected.append(result)
                store.add_rejection(result, run_id)
            elif store.add_article(result, run_id, pending=settings.corpus):
                summary.accepted += 1
                summary.article_ids.append(result.id)
                summary.languages[result.lang or "unknown"] += 1
            else:
                summary.duplicates += 1
            if progress:
                progress("article", done, None)
    finally:
        executor.close()
    run_corpus_stages(store, settings, summary, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def run_corpus_stages(
    store: Store, settings: Settings, summary: RunSummary | None = None, progress: ProgressCallback | None = None
) -> None:
    """Run each corpus stage on every article still pending for it (this run's and any
    left over by an interrupted run).

    One process at a time per store and stage: a corpus stage reads the state others
    wrote (the clusterer files, the stored relations) and writes it back, so two
    `analyze` (or `watch`) running at once would lose each other's updates. The second
    waits, then finds the first one's articles done and its own still pending.
    """
    for name in settings.corpus:
        if not store.pending(name):
            continue
        with store.exclusive(f"corpus-{name}"):
            ids = store.pending(name)  # read again under the lock
            if not ids:
                continue
            if progress:
                progress(f"corpus:{name}", 0, len(ids))
            stage: CorpusStage = create("corpus", name, **settings.options_for(name))
            try:
                stage.update(store, ids)
            except Exception as exc:
                if summary is not None:
                    summary.corpus_errors.append(f"{name}: {exc!r}")
                continue
            store.clear_pending(name, ids)
        if progress:
            progress(f"corpus:{name}", len(ids), len(ids))
