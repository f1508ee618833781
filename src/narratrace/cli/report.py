"""``narratrace report -o report.html``"""

from __future__ import annotations

import os
from typing import Any

import click

from ..report import write_report
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
        if not store.runs.exists(run_id):
            raise click.BadParameter(f"no run {run_id} in this database", param_hint="--run")
    if output in (None, "-"):
        write_report(store, output_stream(output), run_id)
        return
    # streamed into a file beside the target, renamed when whole: a failed report leaves no half page
    partial = f"{output}.part"
    stream = output_stream(partial)
    try:
        with stream:
            write_report(store, stream, run_id)
        os.replace(partial, output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    click.echo(f"wrote {output}", err=True)


commands: list[Any] = [report_command]
