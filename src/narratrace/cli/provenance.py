"""``narratrace provenance STORY_ID``: who first said it, who relayed or translated it."""

from __future__ import annotations

import json
import sys

import click

from .common import EXIT_USAGE, db_option, handle_broken_pipe, open_db


def _date(item: dict) -> str:  # type: ignore[type-arg]
    """A date with where it came from; an estimate from the text says so."""
    if not item.get("published"):
        return "undated"
    if item.get("estimated"):
        return f"{item['published']} (estimated)"
    src = item.get("published_source")
    return f"{item['published']} ({src})" if src else str(item["published"])


def _render(p: dict) -> str:  # type: ignore[type-arg]
    lines = [f"Story {p['story_id']}: {p['articles']} article(s)"]
    fp = p["first_published"]
    lines.append(
        f"First published: {_date(fp)} {fp['outlet'] or '-'} ({fp['article_id']})"
    )
    if p["first_said_by"]:
        said = ", ".join(f"{s['source']} ({s['articles']} article(s))" for s in p["first_said_by"])
        lines.append(f"First said by: {said}")
    if p["cited_origins"]:
        lines.append("Cited origins: " + ", ".join(f"{o['source']} ({o['articles']})" for o in p["cited_origins"]))
    if p["translators"]:
        lines.append("Translated by: " + ", ".join(p["translators"]))
    lines.append("Timeline:")
    for t in p["timeline"]:
        extra = []
        for r in t["relations"]:
            extra.append(f"{r['kind'].replace('_', ' ')} {r['article_id']}")
        for label in dict.fromkeys(f"{c['kind'].replace('_', ' ')} {c['source']}" for c in t["credits"]):
            extra.append(label)  # one label per source and kind; the JSON keeps every mention
        if t["quotes"]:
            extra.append("quotes " + ", ".join(q["source"] for q in t["quotes"][:3]))
        for fc in t.get("factchecks", [])[:3]:
            extra.append(f"fact-checked {fc['verdict'] or '?'} ({fc['factcheck_id']})")
        lines.append(
            f"  {_date(t):<22} {t['lang'] or '--':<3} {(t['outlet'] or '-')[:24]:<24} "
            f"{t['article_id'][:12]:<12} {t['role']:<13} {'; '.join(extra)}"
        )
    return "\n".join(lines)


@click.command("provenance")
@click.argument("story_id")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_broken_pipe
def provenance_cmd(story_id: str, db: str, fmt: str) -> None:
    """Show who first said a story's claims and which outlets relayed or translated it."""
    from ..provenance import provenance

    store = open_db(db, must_exist=True)
    result = provenance(store, story_id)
    if result is None:
        click.echo(f"no story {story_id!r} in {db}; list stories with `narratrace stories`", err=True)
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(_render(result))


commands = [provenance_cmd]
