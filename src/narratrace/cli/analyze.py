"""``narratrace analyze PATH...``"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from ..config import ConfigError
from ..executors import SchedulerError
from ..ingest.web import WebOptions
from ..pipeline import RunSummary, analyze
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
def analyze_command(
    paths: tuple[str, ...], db: str, config_path: str | None, jobs: int | None, scheduler: str | None,
    progress: bool | None, verbose: bool, ignore_robots: bool, timeout: float, deadline: float, max_bytes: int,
) -> None:
    """Ingest files, folders and http(s) URLs (.txt, .html, .jsonl, RSS/Atom) and run the whole pipeline.

    A URL is fetched (robots.txt honoured unless --ignore-robots; redirects to private
    addresses refused) and the bytes received are archived with their sha256, fetch
    time, final URL and HTTP status (`export --with-raw`, the dashboard's article page).

    Re-running on the same inputs adds nothing twice; an interrupted run resumes.
    Exit codes: 0 all inputs processed, 1 some inputs rejected (each listed with its
    reason), 2 usage or configuration error, 70 a crash, 130 interrupted.
    """
    settings = checked_settings(config_path)
    web = WebOptions(NetPolicy(timeout=timeout, deadline=deadline, max_bytes=max_bytes), obey_robots=not ignore_robots)
    store = open_db(db)
    console = Console(stderr=True)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        if show:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=console, transient=True,
            ) as bar:
                task = bar.add_task("analysing", total=None)

                def report(event: str, done: int, total: int | None) -> None:
                    desc = "analysing" if event == "article" else event.replace("corpus:", "corpus stage ")
                    bar.update(task, completed=done, total=total, description=desc)

                summary = analyze(list(paths), store, settings, jobs=jobs, scheduler=scheduler, progress=report,
                                  web=web)
        else:
            summary = analyze(list(paths), store, settings, jobs=jobs, scheduler=scheduler, web=web)
    except (UnknownStageError, ConfigError, SchedulerError) as exc:
        raise click.UsageError(str(exc)) from None
    print_summary(summary, console, show_all=verbose)
    sys.exit(EXIT_REJECTED if summary.rejected or summary.corpus_errors else EXIT_OK)


commands: list[Any] = [analyze_command]
