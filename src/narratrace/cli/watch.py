"""``narratrace watch SOURCES...``: poll feeds and folders, ingest what is new, raise alerts."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import click

from ..narratives.catalogue import CatalogueSource
from ..watch import (
    JsonlSink,
    NetPolicy,
    PollReport,
    StdoutSink,
    WatchOptions,
    WebhookSink,
    parse_every,
    watch,
)
from .common import EXIT_OK, EXIT_REJECTED, checked_settings, config_option, db_option, open_db
from .terminal import one_line


@click.command("watch")
@click.argument("sources", nargs=-1, required=True)
@db_option
@config_option
@click.option("--every", default="10m", show_default=True, help="Polling interval: 30s, 10m, 1h.")
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--narrative", "narratives", multiple=True, help="Track only these narrative ids (repeat).")
@click.option("--stance", "stances", multiple=True, type=click.Choice(["promotes", "reports", "refutes"]),
              help="Alert only on these stances (default: all).")
@click.option("--min-score", type=float, default=0.0, show_default=True)
@click.option("--story-growth", type=int, default=3, show_default=True,
              help="Alert when a story gains this many articles within --growth-hours (0: off).")
@click.option("--growth-hours", type=float, default=24.0, show_default=True)
@click.option("--alerts", "alerts_file", default=None, help="Append alerts to this JSONL file.")
@click.option("--webhook", default=None, help="POST each alert as JSON to this URL.")
@click.option("--quiet", is_flag=True, help="Do not print alerts on standard output.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--max-bytes", type=int, default=10 * 1024 * 1024, show_default=True,
              help="Largest feed accepted.")
@click.option("--allow-private", is_flag=True, help="Follow redirects to private/loopback addresses.")
@click.option("--fetch-articles/--no-fetch-articles", default=True, show_default=True,
              help="Fetch the page each feed item links to and analyse it instead of the feed's excerpt.")
@click.option("--ignore-robots", is_flag=True, help="Fetch article pages even where robots.txt forbids it.")
@click.option("--deadline", type=float, default=60.0, show_default=True,
              help="Seconds for a whole fetch, redirects included.")
def watch_command(sources: tuple[str, ...], db: str, config_path: str | None, every: str, once: bool,
                  narratives: tuple[str, ...], stances: tuple[str, ...], min_score: float, story_growth: int,
                  growth_hours: float, alerts_file: str | None, webhook: str | None, quiet: bool,
                  timeout: float, max_bytes: int, allow_private: bool, fetch_articles: bool, ignore_robots: bool,
                  deadline: float) -> None:
    """Poll RSS/Atom feeds (http/https URLs) and folders; alert on tracked narratives.

    Also alerts on growing stories and on each new article matching a saved search (saved
    with POST /api/searches). State lives in the database: restarting neither repeats nor
    loses items or alerts.
    Alerts go to standard output (unless --quiet), a JSONL file and/or a webhook.
    With --once, the exit code is 1 if items were rejected, a source failed or an alert
    could not be delivered (it is retried on the next poll), else 0.
    """
    settings = checked_settings(config_path)
    try:
        interval = parse_every(every)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    sinks: list[Any] = []
    if not quiet:
        sinks.append(StdoutSink())
    if alerts_file:
        sinks.append(JsonlSink(alerts_file))
    if webhook:
        sinks.append(WebhookSink(webhook, NetPolicy(timeout=timeout, allow_private=allow_private)))
    opts = WatchOptions(
        narratives=narratives,
        stances=stances or ("promotes", "reports", "refutes"),
        min_score=min_score,
        story_growth=story_growth,
        growth_window=dt.timedelta(hours=growth_hours),
        net=NetPolicy(timeout=timeout, max_bytes=max_bytes, allow_private=allow_private, deadline=deadline),
        fetch_articles=fetch_articles,
        obey_robots=not ignore_robots,
    )
    store = open_db(db)
    known = {n.id for n in CatalogueSource.from_options(settings.catalogue_options()).load().narratives}
    for nid in narratives:
        if nid not in known:
            click.echo(f"warning: --narrative {one_line(nid)!r} is not in the catalogue: it will never alert",
                       err=True)
    troubles: list[PollReport] = []

    def report(r: PollReport) -> None:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        counts = {k: v for k, v in r.as_dict().items() if k != "errors"}
        click.echo(f"{stamp} poll: {json.dumps(counts)}", err=True)
        for e in r.errors:
            click.echo(f"  error: {one_line(str(e))}", err=True)
        if r.rejected or r.errors or r.alerts_delivered < r.alerts_raised:
            troubles.append(r)

    try:
        watch(store, list(sources), settings, sinks, every=interval, once=once, opts=opts, on_report=report)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    # like analyze: 1 when inputs were rejected, a source failed or an alert was not delivered
    sys.exit(EXIT_REJECTED if once and troubles else EXIT_OK)


commands: list[Any] = [watch_command]
