"""``narratrace export``: one record per article, in any registered format (JSONL, CSV, ...)."""

from __future__ import annotations

from typing import Any

import click

from ..exporters import export_articles, exporter_names
from .common import db_option, handle_broken_pipe, open_db, output_stream


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(exporter_names()), default="jsonl", show_default=True)
@click.option("-o", "--output", default=None, help="Output file (default: standard output).")
@click.option("--run", "run_id", type=int, default=None, help="Only the articles of this run.")
@handle_broken_pipe
def export_command(db: str, fmt: str, output: str | None, run_id: int | None) -> None:
    """Write every stored article as its record, docs/record.md (JSONL, or a CSV table)."""
    store = open_db(db, must_exist=True)
    if run_id is not None and run_id not in {r["id"] for r in store.runs.list()}:
        raise click.BadParameter(f"no run {run_id} in this database", param_hint="--run")
    stream = output_stream(output)
    try:
        count = export_articles(store.articles.iter(run_id=run_id), stream, fmt)
    finally:
        if output not in (None, "-"):
            stream.close()
    if output not in (None, "-"):
        click.echo(f"wrote {count} articles to {output}", err=True)


commands: list[Any] = [export_command]
