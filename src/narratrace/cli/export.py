"""``narratrace export``: one record per article, JSONL or CSV."""

from __future__ import annotations

from typing import Any

import click

from ..exporters import write_csv, write_jsonl
from .common import db_option, handle_broken_pipe, open_db, output_stream


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", default=None, help="Output file (default: standard output).")
@click.option("--run", "run_id", type=int, default=None, help="Only the articles of this run.")
@handle_broken_pipe
def export_command(db: str, fmt: str, output: str | None, run_id: int | None) -> None:
    """Write every stored article as its record, docs/record.md (JSONL, or a CSV table)."""
    store = open_db(db, must_exist=True)
    if run_id is not None and run_id not in {r["id"] for r in store.runs()}:
        raise click.BadParameter(f"no run {run_id} in this database", param_hint="--run")
    stream = output_stream(output)
    try:
        articles = store.iter_articles(run_id=run_id)
        count = write_jsonl(articles, stream) if fmt == "jsonl" else write_csv(articles, stream)
    finally:
        if output not in (None, "-"):
            stream.close()
    if output not in (None, "-"):
        click.echo(f"wrote {count} articles to {output}", err=True)


commands: list[Any] = [export_command]
