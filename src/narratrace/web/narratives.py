"""Narratives: the matches stored per article, joined with the catalogue that defines them.

The catalogue is the narratives capability's: a ``narratives`` table when a migration
adds one, else its YAML files (``narratrace.narratives.catalogue``: shipped narratives plus
the analyst's folder in ``$NARRATRACE_CATALOG``). Editing through the API writes a YAML
file to that folder with the capability's own validation, so the dashboard and
``narratrace narratives add`` produce the same files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, Table, func, inspect, select
from sqlalchemy.engine import Connection

from ..store import schema
from .corpus import tally
from .queries import SUMMARY_COLUMNS, A, summary

if TYPE_CHECKING:
    from ..narratives.catalogue import CatalogueSource


def _catalogue_table(engine: Engine) -> Table | None:
    """The narratives capability's catalogue table, when it exists in this database."""
    if not inspect(engine).has_table("narratives"):
        return None
    md = MetaData()
    return Table("narratives", md, autoload_with=engine)


def list_narratives(engine: Engine, source: CatalogueSource | None = None) -> list[dict[str, Any]]:
    """Every narrative of the catalogue (``source``: as the analyses read it) and every matched one."""
    nm = schema.narrative_matches
    with engine.connect() as conn:
        stats = {
            nid: {"articles": int(n), "mean_score": float(avg or 0), "max_score": float(mx or 0)}
            for nid, n, avg, mx in conn.execute(
                select(nm.c.narrative_id, func.count(), func.avg(nm.c.score), func.max(nm.c.score)).group_by(
                    nm.c.narrative_id
                )
            )
        }
        catalogue = _catalogue(engine, conn, source)
    out = []
    for nid in sorted(set(stats) | set(catalogue)):
        entry: dict[str, Any] = {
            "id": nid,
            "title": None,
            "description": None,
            "articles": 0,
            "mean_score": 0.0,
            "max_score": 0.0,
        }
        entry.update(catalogue.get(nid, {}))
        entry.update(stats.get(nid, {}))
        out.append(entry)
    if any(not e["title"] for e in out):
        _fill_titles(engine, out)
    out.sort(key=lambda e: (-e["articles"], e["id"]))
    return out


def _catalogue(engine: Engine, conn: Connection, source: CatalogueSource | None) -> dict[str, dict[str, Any]]:
    table = _catalogue_table(engine)
    if table is None or "id" not in table.c:
        return _catalogue_files(source)
    cols = [c for c in ("title", "description", "summary") if c in table.c]
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(select(table.c.id, *[table.c[c] for c in cols])):
        m = row._mapping
        out[str(m["id"])] = {
            "title": m.get("title"),
            "description": m.get("description") or m.get("summary"),
        }
    return out


def _catalogue_files(source: CatalogueSource | None) -> dict[str, dict[str, Any]]:
    """The YAML catalogue (shipped + the configured folders), when that capability is installed."""
    try:
        from ..narratives.catalogue import CatalogueSource
    except ImportError:
        return {}
    return {
        n.id: {
            "title": n.title,
            "description": n.summary or None,
            "claims": {lang: list(v) for lang, v in n.claims.items()},
            "debunks": list(n.debunks),
        }
        for n in (source or CatalogueSource()).load().narratives
    }


def _fill_titles(engine: Engine, entries: list[dict[str, Any]]) -> None:
    """Titles of narratives without a catalogue row, from one matching article record."""
    nm = schema.narrative_matches
    with engine.connect() as conn:
        for entry in entries:
            if entry["title"]:
                continue
            rec = conn.execute(
                select(A.c.record).join(nm, nm.c.article_id == A.c.id).where(nm.c.narrative_id == entry["id"]).limit(1)
            ).scalar()
            for match in (rec or {}).get("narratives") or []:
                if match.get("id") == entry["id"]:
                    entry["title"] = match.get("title")


def narrative_detail(
    engine: Engine, narrative_id: str, entries: list[dict[str, Any]] | None = None, limit: int = 200,
    source: CatalogueSource | None = None,
) -> dict[str, Any] | None:
    """One narrative with its best matches; ``entries`` is a (cached) ``list_narratives``."""
    entries = list_narratives(engine, source) if entries is None else entries
    entry = next((n for n in entries if n["id"] == narrative_id), None)
    if entry is None:
        return None
    nm = schema.narrative_matches
    with engine.connect() as conn:
        rows = conn.execute(
            select(*SUMMARY_COLUMNS, nm.c.score, nm.c.stance)
            .join(nm, nm.c.article_id == A.c.id)
            .where(nm.c.narrative_id == narrative_id)
            .order_by(nm.c.score.desc(), A.c.id)
            .limit(limit)
        ).all()
    articles = [summary(r) for r in rows]
    return (
        {"claims": {}, "debunks": []}
        | entry
        | {
            "matches": articles,
            "stances": tally(a.get("stance") for a in articles),
            "languages": tally(a.get("lang") for a in articles),
            "outlets": tally(a.get("outlet") for a in articles),
            "timeline": tally((a.get("published") or "")[:7] or None for a in articles),
        }
    )


class EditError(ValueError):
    """A narrative edit that cannot be saved; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def save_narrative(narrative_id: str, data: Any, source: CatalogueSource | None = None) -> dict[str, Any]:
    """Create or replace ``<folder>/<id>.yaml`` from API data (validated), where the analyses read it.

    The folder is the last of ``[stages."narratives.v1"] catalog``, else
    ``$NARRATRACE_CATALOG``; matchers built in this process are dropped, so the next
    analysis here matches against the edit.
    """
    try:
        from ..narratives.catalogue import CatalogueError, CatalogueSource, narrative_from_data, write_narrative
        from ..narratives.stage import clear_cache
    except ImportError as exc:  # pragma: no cover - the catalogue ships with the package
        raise EditError(503, f"the narrative catalogue is not available in this build: {exc}") from None
    folder = (source or CatalogueSource()).write_folder()
    if folder is None:
        raise EditError(
            409,
            "no catalogue folder to write to: set $NARRATRACE_CATALOG (or [stages.\"narratives.v1\"] catalog) "
            "to a folder and restart the server",
        )
    if not isinstance(data, dict):
        raise EditError(400, "send the narrative as a JSON object: {title, summary, claims: {en: [...]}, ...}")
    try:
        narrative = narrative_from_data({**data, "id": narrative_id}, f"narrative {narrative_id!r}")
        write_narrative(narrative, folder, overwrite=True)
    except CatalogueError as exc:
        raise EditError(422, str(exc)) from None
    clear_cache()
    saved: dict[str, Any] = narrative.to_data()
    return saved
