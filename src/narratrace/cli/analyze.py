"""``narratrace analyze PATH...``"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ..config import ConfigError
from ..executors import SchedulerError
from ..ingest.readers import STDIN
from ..ingest.walk import FoundFile, iter_files
from ..ingest.web import WebOptions, is_url
from ..pipeline import RunSummary, analyze
from ..selection import DateRange
from ..stages import UnknownStageError
from ..watch.net import NetPolicy
from .common import EXIT_OK, EXIT_REJECTED, checked_settings, config_option, db_option, open_db
from .terminal import one_line


def print_summary(summary: RunSummary, console: Console, show_all: bool = False) -> None:
    table = Table(title=f"run {summary.run_id}", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("inputs read", str(summary.read))
    table.add_row("articles stored", str(summary.accepted))
    if summary.already_stored:
        table.add_row("already stored", f"{summary.already_stored} (skipped)")
    if summary.duplicates:
        table.add_row("duplicate inputs", f"{summary.duplicates} (stored once)")
    langs = ", ".join(f"{k} {v}" for k, v in summary.languages.most_common()) or "-"
    table.add_row("languages", langs)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary.rejected_by_reason.items())) or "none"
    table.add_row("rejected", f"{len(summary.rejected)} ({reasons})" if summary.rejected else "0")
    if summary.skipped:
        table.add_row("skipped", f"{len(summary.skipped)} file(s) of unsupported type in folders")
    table.add_row("time", f"{summary.seconds:.1f} s")
    console.print(table)
    limit = None if show_all else 20
    for rejection in summary.rejected[:limit]:
        # Text, not markup: a file name or a detail may contain [brackets] of its own
        line = one_line(f"[{rejection.reason}] {rejection.detail}")
        console.print(Text.assemble(("rejected ", "red"), line), soft_wrap=True)
    if limit and len(summary.rejected) > limit:
        console.print(f"... and {len(summary.rejected) - limit} more (see `narratrace report` or --verbose)")
    for err in summary.corpus_errors:
        console.print(Text.assemble(("corpus stage failed ", "red"), one_line(err)), soft_wrap=True)


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@db_option
@config_option
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) to run on a cluster.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("-v", "--verbose", is_flag=True, help="List every rejected input, not only the first 20.")
@click.option("--ignore-robots", is_flag=True, help="Fetch URLs even where robots.txt forbids it.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per network operation.")
@click.option("--deadline", type=float, default=60.0, show_default=True,
              help="Seconds for a whole fetch, redirects included.")
@click.option("--max-bytes", type=int, default=10 * 1024 * 1024, show_default=True,
              help="Largest page accepted (after decompression).")
@click.option("--limit", type=click.IntRange(1, None), default=None,
              help="Stop after this many inputs (a trial on the start of a big corpus).")
@click.option("--since", default=None, help="Keep only articles published on or after this date (YYYY[-MM[-DD]]).")
@click.option("--until", default=None, help="Keep only articles published on or before this date (YYYY[-MM[-DD]]).")
def analyze_command(
    paths: tuple[str, ...], db: str, config_path: str | None, jobs: int | None, scheduler: str | None,
    progress: bool | None, verbose: bool, ignore_robots: bool, timeout: float, deadline: float, max_bytes: int,
    limit: int | None, since: str | None, until: str | None,
) -> None:
    """Ingest files, folders and http(s) URLs (.txt, .html, .jsonl, RSS/Atom) and run the whole pipeline.

    A URL is fetched (robots.txt honoured unless --ignore-robots; redirects to private
    addresses refused) and the bytes received are archived with their sha256, fetch
    time, final URL and HTTP status (`export --with-raw`, the dashboard's article page).

    PATH ``-`` reads JSONL from standard input. Re-running on the same inputs adds
    nothing twice; an interrupted run resumes. Exit codes: 0 all inputs processed, 1
    some inputs rejected (each listed with its reason), 2 usage or configuration error,
    70 a crash, 130 interrupted.
    """
    try:
        dates = DateRange(since, until)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = checked_settings(config_path)
    web = WebOptions(NetPolicy(timeout=timeout, deadline=deadline, max_bytes=max_bytes), obey_robots=not ignore_robots)
    store = open_db(db)
    console = Console(stderr=True)
    show = sys.stderr.isatty() if progress is None else progress
    options: dict[str, Any] = {"jobs": jobs, "scheduler": scheduler, "limit": limit, "dates": dates, "web": web}
    try:
        if show:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                RateColumn(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                console=console, transient=True,
            ) as bar:
                expected = count_items(paths, limit)
                task = bar.add_task("analysing", total=expected)
                phase = {"name": "article"}

                def report(event: str, done: int, total: int | None) -> None:
                    if event != phase["name"]:  # a new phase: its own rate and time remaining
                        phase["name"] = event
                        bar.reset(task, total=total)
                    desc = "analysing" if event == "article" else event.replace("corpus:", "corpus stage ")
                    bar.update(task, completed=done, total=total if event != "article" else expected,
                               description=desc)

                summary = analyze(list(paths), store, settings, progress=report, **options)
        else:
            summary = analyze(list(paths), store, settings, **options)
    except (UnknownStageError, ConfigError, SchedulerError) as exc:
        raise click.UsageError(str(exc)) from None
    print_summary(summary, console, show_all=verbose)
    sys.exit(EXIT_REJECTED if summary.rejected or summary.corpus_errors else EXIT_OK)


class RateColumn(ProgressColumn):
    """Items per second over the phase so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "-/s", style="progress.data.speed")


def count_items(paths: Sequence[str], limit: int | None) -> int | None:
    """How many articles the inputs hold, when that is cheap to know (files of one article
    each: text and HTML); None for JSONL, feeds and standard input (the bar then counts up)."""
    if STDIN in paths or any(is_url(p) for p in paths):
        return limit
    n = 0
    for found in iter_files(list(paths)):
        if isinstance(found, FoundFile):
            if found.path.suffix.lower() not in SINGLE_ITEM_SUFFIXES:
                return limit
            n += 1
            if limit is not None and n >= limit:
                return limit
    return n


SINGLE_ITEM_SUFFIXES = frozenset({".txt", ".html", ".htm"})
commands: list[Any] = [analyze_command]
