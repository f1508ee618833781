"""``narratrace network``: which outlets relay which (copies, rewordings, translations), and who acts together."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..network.formats import FORMATS, write_network
from ..network.views import format_lag, outlet_network
from ..selection import DateRange
from .common import db_option, handle_broken_pipe, open_db
from .terminal import one_line as safe


@click.command("network")
@db_option
@click.option("--since", default=None, help="Only relays published on or after this date.")
@click.option("--until", default=None, help="Only relays published on or before this date.")
@click.option("--narrative", default=None, help="Only relays of articles matching this narrative id.")
@click.option("--lang", default=None, help="Only relays from or into this language (ISO 639-1).")
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default="table", show_default=True,
              help="table for reading; gexf (Gephi), graphml or json to open elsewhere.")
@click.option("-o", "--output", default=None, help="Output file (default: standard output).")
@handle_broken_pipe
def network_command(db: str, since: str | None, until: str | None, narrative: str | None, lang: str | None,
                    fmt: str, output: str | None) -> None:
    """The outlet relay network: an edge A -> B counts the items B copied, reworded or translated
    from A, with the median lag; coordinated groups publish the same content within the
    quick-share window estimated from the data.

    Built by the network.v1 corpus stage of `narratrace analyze`.
    """
    try:
        DateRange(since, until)  # the dates analyze --since/--until take
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    store = open_db(db, must_exist=True)
    network = outlet_network(store, since=since, until=until, narrative=narrative,
                             lang=lang.lower() if lang else None)
    if fmt != "table":
        if output in (None, "-"):
            write_network(network, fmt, sys.stdout.buffer)
        else:
            try:
                with open(output, "wb") as fh:
                    write_network(network, fmt, fh)
            except OSError as exc:
                raise click.UsageError(f"cannot write {output!r}: {exc.strerror}") from None
            click.echo(f"wrote {len(network.nodes)} outlets and {len(network.edges)} relay edges to {output}",
                       err=True)
        return
    if not network.edges:
        click.echo("no relays yet: run `narratrace analyze` with the network.v1 corpus stage", err=True)
        return
    click.echo(f"{'items':>5}  {'copy':>4} {'rew.':>4} {'tr.':>4}  {'lag':>6}  langs      source -> relay")
    for e in sorted(network.edges, key=lambda e: (-e.items, e.source, e.target)):
        loop = "  (own items)" if e.source == e.target else ""
        click.echo(f"{e.items:>5}  {e.tiers.get('copy', 0):>4} {e.tiers.get('rewording', 0):>4} "
                   f"{e.tiers.get('translation', 0):>4}  {format_lag(e.median_lag_hours):>6}  "
                   f"{','.join(e.languages):<9}  {safe(e.source)} -> {safe(e.target)}{loop}")
    window = "not estimated (no dated relays)" if network.window_hours is None else format_lag(network.window_hours)
    click.echo(f"\nquick-share window: {window}")
    if not network.groups:
        click.echo("coordinated groups: none")
    for g in network.groups:
        click.echo(f"group {g.id}: {', '.join(safe(o) for o in g.outlets)}  "
                   f"(co-published {g.copublished}, density {g.density:g})")


commands: list[Any] = [network_command]
