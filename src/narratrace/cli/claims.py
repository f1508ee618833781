"""``narratrace claim-match``: rank fact-checked claims for each query (TREC run)."""

from __future__ import annotations

import sys

import click

from .common import EXIT_OK, EXIT_REJECTED, handle_broken_pipe, output_stream


@click.command("claim-match")
@click.option(
    "--catalog",
    "catalog",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Fact-checked claims: JSONL {id, text, title?} or ClaimReview JSON-LD.",
)
@click.option("--queries", required=True, type=click.Path(exists=True, dir_okay=False), help="JSONL lines {id, text}.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("-o", "--output", default=None, help="Write the run to FILE instead of standard output.")
@handle_broken_pipe
def claim_match(catalog: str, queries: str, top: int, output: str | None) -> None:
    """Write a TREC run `query_id Q0 claim_id rank score narratrace`.

    Lines that cannot be read are reported on standard error and skipped (exit code 1).
    """
    from ..factcheck import match_files, write_trec

    results, problems = match_files(catalog, queries, top=top)
    out = output_stream(output)
    try:
        write_trec(results, out)
    finally:
        if out is not sys.stdout and output not in (None, "-"):
            out.close()
    for p in problems:
        click.echo(f"skipped {p}", err=True)
    sys.exit(EXIT_REJECTED if problems else EXIT_OK)


commands = [claim_match]
