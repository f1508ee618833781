"""``narratrace report -o report.html``"""

from __future__ import annotations

from typing import Any

import click

from ..report import render_report
from .common import db_option, handle_broken_pipe, open_db, output_stream


@click.command("report")
@db_option
@click.option("-o", "--output", default="report.html", show_default=True, help="HTML file to write ('-' for stdout).")
@click.option("--run", "run", default=None, help="Only one run: its number, or 'last'. Default: everything stored.")
@handle_broken_pipe
def report_command(db: str, output: str, run: str | None) -> None:
    """Write a self-contained HTML report: articles by story, with language, outlet,
    date, clean body, removed debris and comments; rejected inputs with their reasons."""
    store = open_db(db, must_exist=True)
    run_id: int | None = None
    if run == "last":
        run_id = store.runs.last_id()
    elif run is not None:
        try:
            run_id = int(run)
        except ValueError:
            raise click.BadParameter("give a run number or 'last'", param_hint="--run") from None
        if run_id not in {r["id"] for r in store.runs.list()}:
            raise click.BadParameter(f"no run {run_id} in this database", param_hint="--run")
    html = render_report(store, run_id)
    stream = output_stream(output)
    stream.write(html)
    if output not in (None, "-"):
        stream.close()
        click.echo(f"wrote {output}", err=True)


commands: list[Any] = [report_command]
