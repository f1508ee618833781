"""``narratrace export``: one record per article, in any registered format (JSONL, CSV, ...)."""

from __future__ import annotations

import base64
from typing import Any

import click

from ..exporters import export_articles, exporter_names, get_exporter
from .common import db_option, handle_broken_pipe, open_db, output_stream


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(exporter_names()), default="jsonl", show_default=True)
@click.option("-o", "--output", default=None, help="Output file (default: standard output).")
@click.option("--run", "run_id", type=int, default=None, help="Only the articles of this run.")
@click.option("--with-raw", is_flag=True,
              help="JSONL only: add `raw`, the archived copies each article was read from (bytes in base64, "
                   "sha256, fetch time, final URL, HTTP status).")
@handle_broken_pipe
def export_command(db: str, fmt: str, output: str | None, run_id: int | None, with_raw: bool) -> None:
    """Write every stored article as its record, docs/record.md (JSONL, or a CSV table)."""
    if with_raw and fmt != "jsonl":
        raise click.UsageError("--with-raw needs --format jsonl (the bytes do not fit a table)")
    store = open_db(db, must_exist=True)
    if run_id is not None and run_id not in {r["id"] for r in store.runs.list()}:
        raise click.BadParameter(f"no run {run_id} in this database", param_hint="--run")
    stream = output_stream(output)
    try:
        articles = store.articles.iter(run_id=run_id)
        if with_raw:
            exporter = get_exporter(fmt)(stream)
            count = exporter.export(_with_raw(store, exporter.article_row(a)) for a in articles)
        else:
            count = export_articles(articles, stream, fmt)
    finally:
        if output not in (None, "-"):
            stream.close()
    if output not in (None, "-"):
        click.echo(f"wrote {count} articles to {output}", err=True)


def _with_raw(store: Any, row: dict[str, Any]) -> dict[str, Any]:
    copies = store.evidence.for_article(row["id"], with_body=True)
    row["raw"] = [{**c.meta(), "body_base64": base64.b64encode(c.body).decode("ascii")} for c in copies]
    return row


commands: list[Any] = [export_command]
