"""``narratrace stories``: the stories of a database, largest first."""

from __future__ import annotations

import json
from typing import Any

import click

from ..records import to_dict
from .common import db_option, handle_broken_pipe, open_db
from .terminal import shown


def _top(counts: dict[str, int], n: int = 3) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{shown(k)}:{v}" for k, v in items[:n])
    return text + (f" +{len(items) - n}" if len(items) > n else "")


@click.command("stories")
@db_option
@click.option("--min-size", type=int, default=1, show_default=True, help="Hide smaller stories.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many stories.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story instead of a table.")
@handle_broken_pipe
def stories_command(db: str, min_size: int, limit: int | None, as_json: bool) -> None:
    """List stories: size, languages, outlets, first/last date and a representative title.

    Stories are built by the stories.v1 stage of `narratrace analyze`.
    """
    store = open_db(db, must_exist=True)
    stories = store.stories.list(min_size=min_size, limit=limit)
    if not stories:
        click.echo("no stories yet: run `narratrace analyze` with the stories.v1 corpus stage", err=True)
        return
    for story in stories:
        if as_json:
            click.echo(json.dumps(to_dict(story), ensure_ascii=False))
            continue
        title = shown(" ".join((story.title or "(no title)").split())[:100])
        click.echo(f"{story.id}  size={story.size}  {story.first_date or '?'} .. {story.last_date or '?'}"
                   f"  langs=[{_top(story.languages)}]  outlets=[{_top(story.outlets)}]")
        click.echo(f"    {click.style(title, bold=True)}")


commands: list[Any] = [stories_command]
