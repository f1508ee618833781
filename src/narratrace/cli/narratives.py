"""``narratrace narratives list|show|add|import|import-labelled|rematch|candidates|promote``: the catalogue."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..config import ConfigError, environ, load_settings
from ..narratives.catalogue import (
    Catalogue,
    CatalogueError,
    CatalogueSource,
    Narrative,
    load_catalogue,
    read_narrative,
    slugify,
    unique_id,
    write_narrative,
)
from ..narratives.views import ranked
from .common import EXIT_OK, EXIT_REJECTED, config_option, db_option, handle_broken_pipe, open_db

catalog_option = click.option(
    "--catalog",
    "catalog",
    default=lambda: environ("NARRATRACE_CATALOG"),
    show_default="$NARRATRACE_CATALOG",
    help="Your catalogue folder, layered on top of the shipped narratives.",
)


def _catalogue(catalog: str | None, config_path: str | None = None) -> Catalogue:
    """Explicit --catalog, else the configuration's catalogue (as analyze reads it), else $NARRATRACE_CATALOG."""
    explicit = click.get_current_context().get_parameter_source("catalog") not in (
        ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP, None)
    if catalog and explicit:
        cat = load_catalogue([catalog])
    else:
        try:
            options = load_settings(config_path).catalogue_options()
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None
        cat = CatalogueSource.from_options(options).load()
    for err in cat.errors:
        click.echo(f"warning: {err}", err=True)
    return cat


def _need_folder(catalog: str | None) -> str:
    if not catalog:
        raise click.UsageError(
            "where should the narrative go? Pass --catalog DIR (or set $NARRATRACE_CATALOG); "
            "the shipped catalogue is read-only."
        )
    return catalog


@click.group("narratives")
def narratives_group() -> None:
    """The catalogue of known narratives, their matches, and candidate new ones."""


@narratives_group.command("list")
@catalog_option
@config_option
@click.option(
    "--db",
    default=None,
    help="Also count each narrative's matching articles in this database (by stance, languages, "
    "outlets, dates), busiest first.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per narrative.")
@handle_broken_pipe
def list_command(catalog: str | None, config_path: str | None, db: str | None, as_json: bool) -> None:
    """List the narratives of the catalogue (shipped + yours)."""
    narratives = list(_catalogue(catalog, config_path).narratives)
    counts: dict[str, dict[str, Any]] | None = None
    if db:
        from ..narratives.views import narrative_counts

        counts = tally = narrative_counts(open_db(db, must_exist=True))
        narratives = sorted(narratives, key=lambda n: -tally.get(n.id, {}).get("articles", 0))
    for n in narratives:
        found = counts.get(n.id) if counts is not None else None
        if as_json:
            extra = {"matches": _counts_json(found)} if counts is not None else {}
            click.echo(json.dumps({**n.to_data(), "path": n.path, **extra}, ensure_ascii=False))
            continue
        langs = ",".join(sorted(n.claims))
        line = f"{n.id:<36} {langs:<6} {n.first_seen or '':<8} {n.title}"
        if counts is not None:
            line = f"{(found or {}).get('articles', 0):>6}  {line}"
            if found:
                stances = ", ".join(f"{k} {v}" for k, v in ranked(found["stances"]).items())
                spread = f"{len(found['languages'])} lang, {len(found['outlets'])} outlets"
                dates = f"{found['first'] or '?'}..{found['last'] or '?'}"
                line += f"\n{'':<8}{stances}; {spread}; {dates}"
        click.echo(line)


def _counts_json(found: dict[str, Any] | None) -> dict[str, Any]:
    if not found:
        return {"articles": 0}
    return {
        "articles": found["articles"],
        "stances": ranked(found["stances"]),
        "languages": ranked(found["languages"]),
        "outlets": ranked(found["outlets"]),
        "first": found["first"],
        "last": found["last"],
    }


@narratives_group.command("show")
@click.argument("narrative_id")
@catalog_option
@config_option
@click.option("--db", default=None, help="Also print the timeline of matching articles in this database.")
@handle_broken_pipe
def show_command(narrative_id: str, catalog: str | None, config_path: str | None, db: str | None) -> None:
    """Show one narrative; with --db, a timeline of matching articles by language and outlet."""
    n = _catalogue(catalog, config_path).get(narrative_id)
    if n is None:
        raise click.UsageError(f"no narrative {narrative_id!r}; see `narratrace narratives list`")
    click.echo(f"{n.id}: {n.title}")
    if n.summary:
        click.echo(f"\n{n.summary}\n")
    for lang in sorted(n.claims):
        click.echo(f"claims [{lang}]:")
        for c in n.claims[lang]:
            click.echo(f"  - {c}")
    for lang in sorted(n.keywords):  # one line per language: eleven languages on one line is unreadable
        click.echo(f"keywords [{lang}]: " + "; ".join(n.keywords[lang]))
    if n.entities:
        click.echo("entities: " + "; ".join(n.entities))
    if n.parent:
        click.echo(f"parent: {n.parent}")
    for label, values in (("debunks", n.debunks), ("sources", n.sources)):
        for v in values:
            click.echo(f"{label}: {v}")
    click.echo(f"first seen: {n.first_seen or 'unknown'}   file: {n.path}")
    if db:
        from ..narratives.views import format_timeline, narrative_timeline

        store = open_db(db, must_exist=True)
        click.echo("\ntimeline:")
        click.echo(format_timeline(narrative_timeline(store, n.id)))


@narratives_group.command("add")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@catalog_option
@click.option("--id", "nid", default=None, help="Narrative id (default: from the title).")
@click.option("--title", default=None)
@click.option("--summary", default="")
@click.option("--claim", "claims", multiple=True, help="A core claim; repeat. Language from --lang.")
@click.option("--lang", default="en", show_default=True, help="Language of the --claim texts.")
@click.option("--keyword", "keywords", multiple=True)
@click.option("--entity", "entities", multiple=True)
@click.option("--debunk", "debunks", multiple=True, help="URL of a public debunk.")
@click.option("--first-seen", default=None)
@click.option("--overwrite", is_flag=True, help="Replace a narrative with the same id.")
def add_command(file: str | None, catalog: str | None, nid: str | None, title: str | None, summary: str,
                claims: tuple[str, ...], lang: str, keywords: tuple[str, ...], entities: tuple[str, ...],
                debunks: tuple[str, ...], first_seen: str | None, overwrite: bool) -> None:
    """Add a narrative from a YAML FILE or from options, into your catalogue folder."""
    folder = _need_folder(catalog)
    try:
        if file:
            n = read_narrative(Path(file))
        else:
            if not title or not claims:
                raise click.UsageError("give a YAML FILE, or at least --title and one --claim")
            taken = [x.id for x in load_catalogue([folder]).narratives]
            n = Narrative(
                # --overwrite replaces the narrative of that title; otherwise a new id is found
                id=nid or (slugify(title, 50) if overwrite else unique_id(slugify(title, 50), taken)),
                title=title, summary=summary,
                claims={lang: claims}, keywords={lang: keywords} if keywords else {},
                entities=entities, debunks=debunks, first_seen=first_seen,
            )
        path = write_narrative(n, folder, overwrite=overwrite)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {path}")


@narratives_group.command("import")
@click.argument("posts", type=click.Path(exists=True, dir_okay=False))
@click.option("--annotations", type=click.Path(exists=True, dir_okay=False), default=None,
              help="annotations.csv (id, summary, disproof, summary_links, disproof_links).")
@catalog_option
@click.option("--overwrite", is_flag=True)
def import_command(posts: str, annotations: str | None, catalog: str | None, overwrite: bool) -> None:
    """Import EUvsDisinfo-style cases (posts.csv [+ annotations.csv]) into your catalogue."""
    from ..narratives.importer import import_cases

    folder = _need_folder(catalog)
    try:
        result = import_cases(posts, folder, annotations, overwrite=overwrite)
    except UnicodeDecodeError as exc:
        raise click.UsageError(f"{posts} or {annotations}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                               "save the CSV as UTF-8") from None
    except (csv.Error, OSError) as exc:  # a malformed or oversized CSV field; a catalogue that is a file
        raise click.UsageError(str(exc)) from None
    for why in result.skipped:
        click.echo(f"skipped {why}", err=True)
    click.echo(f"imported {len(result.written)} narrative(s) into {folder}")
    raise SystemExit(EXIT_REJECTED if result.skipped else EXIT_OK)


@narratives_group.command("import-labelled")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--taxonomy", required=True, type=click.Path(exists=True, dir_okay=False),
              help='JSON {"narratives": [labels], "subnarratives": [labels]}.')
@catalog_option
@click.option("--overwrite", is_flag=True, help="Replace narrative files of the same ids.")
@click.option("--json", "as_json", is_flag=True, help="Print what was learnt as JSON.")
def import_labelled_command(file: str, taxonomy: str, catalog: str | None, overwrite: bool, as_json: bool) -> None:
    """Create one narrative per taxonomy label, learnt from labelled example documents.

    FILE holds JSON lines {id, lang, text, narratives: [labels], subnarratives: [labels]}
    (the SemEval-2025 Task 10 layout). Each label becomes a narrative whose title is the
    label (subnarratives name their parent); a document-level head fitted on the examples is
    written beside them, with thresholds chosen by cross-validation on the examples.
    """
    from ..narratives.labelled import LabelledError, describe, import_labelled

    folder = _need_folder(catalog)
    try:
        result = import_labelled(file, taxonomy, folder, overwrite=overwrite)
    except (LabelledError, CatalogueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None
    for why in result.skipped:
        click.echo(f"skipped {why}", err=True)
    if as_json:
        click.echo(json.dumps(describe(result), ensure_ascii=False))
    else:
        t = result.thresholds
        click.echo(f"learnt {len(result.written)} narrative(s) from {result.documents} document(s) into {folder} "
                   f"(thresholds: narratives {t.get('narratives')}, subnarratives {t.get('subnarratives')})")
    raise SystemExit(EXIT_REJECTED if result.skipped else EXIT_OK)


@narratives_group.command("rematch")
@db_option
@config_option
@click.option("--all", "force", is_flag=True, help="Re-match against every narrative, changed or not.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def rematch_command(db: str, config_path: str | None, force: bool, as_json: bool) -> None:
    """Re-match stored articles against the narratives added, edited or removed since.

    Only articles that match a changed narrative, or could (judged from their stored
    sentence vectors and markers), are matched again; ``analyze`` does the same first.
    """
    from ..narratives.rematch import rematch
    from ..pipeline import narrative_matcher

    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    matcher, encoder = narrative_matcher(settings)
    result = rematch(open_db(db, must_exist=True), matcher, encoder, force=force)
    if as_json:
        click.echo(json.dumps(result.__dict__))
    else:
        click.echo(f"{len(result.changed)} narrative(s) changed, {len(result.removed)} removed; "
                   f"{result.scanned} article(s) scanned, {result.rematched} re-matched, {result.updated} updated "
                   f"in {result.seconds:.1f} s")


@narratives_group.command("candidates")
@db_option
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.72, show_default=True,
              help="Claim similarity to link.")
@click.option("--min-outlets", type=click.IntRange(1), default=2, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@handle_broken_pipe
def candidates_command(db: str, threshold: float, min_outlets: int, limit: int, as_json: bool) -> None:
    """Recurring claims matching no known narrative, ranked by spread (saved for `promote`)."""
    from ..narratives.discovery import refresh_candidates

    store = open_db(db, must_exist=True)
    cands = refresh_candidates(store, threshold=threshold, min_outlets=min_outlets, limit=limit)
    if not cands:
        click.echo("no candidate narratives (no claim outside the known narratives recurs across outlets)", err=True)
    for c in cands:
        if as_json:
            click.echo(json.dumps(c.as_dict(), ensure_ascii=False))
            continue
        click.echo(f"{c.id}  score {c.score:.2f}  {c.articles} articles, {len(c.outlets)} outlets, "
                   f"langs {','.join(c.languages)}, growth {c.growth:+.2f}, "
                   f"{c.first_seen or '?'}..{c.last_seen or '?'}")
        if c.known:
            shares = ", ".join(f"{k} {v:.0%}" for k, v in c.known.items())
            click.echo(f"    some of its articles match known narratives: {shares}")
        for rep in c.representatives[:4]:
            click.echo(f"    [{rep['lang']}] {rep['text'][:160]}")


@narratives_group.command("promote")
@click.argument("candidate_id")
@db_option
@catalog_option
@click.option("--title", default=None, help="Title for the new narrative (default: its label).")
def promote_command(candidate_id: str, db: str, catalog: str | None, title: str | None) -> None:
    """Write a catalogue file from a candidate listed by `narratives candidates`."""
    from ..narratives.discovery import candidate_to_narrative, stored_candidate

    folder = _need_folder(catalog)
    store = open_db(db, must_exist=True)
    cand = stored_candidate(store, candidate_id)
    if cand is None:
        raise click.UsageError(
            f"no candidate {candidate_id!r} in {db}; run `narratrace narratives candidates --db {db}` first"
        )
    taken = [n.id for n in load_catalogue([folder]).narratives]
    try:
        path = write_narrative(candidate_to_narrative(cand, taken, title), folder)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {path}; review its wording and add keywords before relying on it")


commands: list[Any] = [narratives_group]
