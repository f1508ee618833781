"""``narratrace entities``: the corpus's entities with counts, languages and outlets."""

from __future__ import annotations

import json

import click

from .common import db_option, handle_broken_pipe, open_db
from .terminal import shown

ENTITY_TYPES = ["PER", "ORG", "LOC", "MEDIA", "NORP", "MISC", "DATE", "MONEY", "PERCENT"]


@click.command("entities")
@db_option
@click.option("--type", "type_", default=None, help="Only this type.",
              type=click.Choice(ENTITY_TYPES, case_sensitive=False))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0), help="0 for all.")
@click.option("--min-mentions", default=1, show_default=True, type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@handle_broken_pipe
def entities_cmd(db: str, type_: str | None, limit: int, min_mentions: int, fmt: str) -> None:
    """List entities, most mentioned first, with their spellings across articles."""
    from ..analyse.entities.index import list_entities

    store = open_db(db, must_exist=True)
    rows = list_entities(store, type_=type_, limit=limit or None, min_mentions=min_mentions)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(f"{'mentions':>8} {'articles':>8}  {'type':<6} {'name':<32} {'languages':<10} outlets / spellings")
    for r in rows:
        click.echo(
            f"{r['mentions']:>8} {r['articles']:>8}  {shown(r['type']):<6} {shown(r['canonical_name'][:32]):<32} "
            f"{shown(','.join(r['languages'])[:10]):<10} {shown(', '.join(r['outlets'])[:40])}"
            + (f"  [{shown(' / '.join(r['spellings'][:4]))}]" if len(r["spellings"]) > 1 else "")
        )


commands = [entities_cmd]
