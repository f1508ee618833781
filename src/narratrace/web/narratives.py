"""Narratives: the matches stored per article, joined with the catalogue that defines them.

The catalogue is the narratives capability's: a ``narratives`` table when a migration
adds one, else its YAML files (``narratrace.narratives.catalogue``: shipped narratives plus
the analyst's folder in ``$NARRATRACE_CATALOG``). Editing through the API writes a YAML
file to that folder with the capability's own validation, so the dashboard and
``narratrace narratives add`` produce the same files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import Store
from .corpus import tally

if TYPE_CHECKING:
    from ..narratives.catalogue import CatalogueSource


def list_narratives(store: Store, source: CatalogueSource | None = None) -> list[dict[str, Any]]:
    """Every narrative of the catalogue (``source``: as the analyses read it) and every matched one."""
    with store.reading() as r:
        stats = {
            nid: {"articles": s.articles, "mean_score": s.mean_score, "max_score": s.max_score}
            for nid, s in r.narratives.stats().items()
        }
        rows = r.narratives.catalogue_rows()
    catalogue = rows if rows is not None else _catalogue_files(source)
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
        if not entry["title"]:  # a narrative without a catalogue row: as a matching record names it
            entry["title"] = store.narratives.title_from_matches(nid)
        out.append(entry)
    out.sort(key=lambda e: (-e["articles"], e["id"]))
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


def narrative_detail(
    store: Store, narrative_id: str, entries: list[dict[str, Any]] | None = None, limit: int = 200,
    source: CatalogueSource | None = None,
) -> dict[str, Any] | None:
    """One narrative with its best matches; ``entries`` is a (cached) ``list_narratives``."""
    entries = list_narratives(store, source) if entries is None else entries
    entry = next((n for n in entries if n["id"] == narrative_id), None)
    if entry is None:
        return None
    articles = store.narratives.best_matches(narrative_id, limit)
    by_stance = store.narratives.stance_breakdown(narrative_id)  # all matches, not only the best shown
    return (
        {"claims": {}, "debunks": []}
        | entry
        | {
            "matches": articles,
            "stances": [{"key": r["stance"], "n": r["articles"]} for r in by_stance],
            "stance_scores": by_stance,
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
