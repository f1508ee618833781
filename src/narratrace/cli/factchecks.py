"""``narratrace factchecks``: import fact-check catalogues and link stored claims to them."""

from __future__ import annotations

import json
import sys

import click

from .common import EXIT_OK, EXIT_REJECTED, db_option, handle_broken_pipe, open_db


@click.group("factchecks")
def factchecks() -> None:
    """Fact-check catalogues (JSONL or ClaimReview JSON-LD) and claim links."""


@factchecks.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@db_option
def import_cmd(files: tuple[str, ...], db: str) -> None:
    """Import FILES into the factchecks table (same id: replaced)."""
    from ..factcheck import import_factchecks, read_catalog

    store = open_db(db)
    problems: list[str] = []
    added = replaced = 0
    for path in files:
        report = read_catalog(path)
        problems += report.problems
        if report.entries:
            a, r = import_factchecks(store, report.entries)
            added, replaced = added + a, replaced + r
    for p in problems:
        click.echo(f"skipped {p}", err=True)
    click.echo(f"{added} fact-checks added, {replaced} replaced, {len(problems)} skipped")
    sys.exit(EXIT_REJECTED if problems else EXIT_OK)


@factchecks.command("link")
@db_option
@click.option("--top", default=3, show_default=True, type=click.IntRange(1, 50))
@click.option(
    "--min-similarity",
    default=0.5,
    show_default=True,
    type=click.FloatRange(-1, 1),
    help="Keep matches whose multilingual similarity to the fact-check reaches this.",
)
def link_cmd(db: str, top: int, min_similarity: float) -> None:
    """Match the claims of every stored article against the imported fact-checks."""
    from ..factcheck import link_claims

    store = open_db(db, must_exist=True)
    n = link_claims(store, top=top, min_similarity=min_similarity)
    click.echo(f"{n} claim-to-fact-check links written")


@factchecks.command("links")
@db_option
@click.option("--article", default=None, help="Only this article id.")
@handle_broken_pipe
def links_cmd(db: str, article: str | None) -> None:
    """List claim-to-fact-check links as JSON lines.

    ``rank`` is the matcher's order (its fitted ranker weighs lexical and multilingual
    evidence); ``score`` is the multilingual similarity alone, so a rank-2 link can have
    the higher score.
    """
    from ..factcheck.catalog import claim_links

    store = open_db(db, must_exist=True)
    for row in claim_links(store, article):
        click.echo(json.dumps(row, ensure_ascii=False, default=str))


commands = [factchecks]
