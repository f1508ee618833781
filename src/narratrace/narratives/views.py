"""Read-side views of narrative matches: timelines, per-narrative summaries, an HTML section.

Plain functions over the store so the CLI (`narratives show`), the HTML report and the
dashboard share one query. Everything put into HTML is escaped: titles and outlets come
from the articles we study.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..store import Store
from .catalogue import Catalogue, load_catalogue


def ranked(counts: dict[str, int]) -> dict[str, int]:
    """Largest first, ties by name: the same order from SQLite and PostgreSQL."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def narrative_timeline(store: Store, narrative_id: str, limit: int = 1000) -> list[dict[str, Any]]:
    """Matching articles of one narrative, oldest first (undated last)."""
    return store.narratives.timeline(narrative_id, limit)


def narrative_counts(store: Store) -> dict[str, dict[str, Any]]:
    """Per narrative: articles, stances, languages, outlets, first and last date (``store.narratives.stats``)."""
    return {nid: vars(s).copy() for nid, s in store.narratives.stats().items()}


def format_timeline(rows: list[dict[str, Any]]) -> str:
    """Text timeline grouped by language then outlet, as `narratives show` prints it."""
    if not rows:
        return "no matching articles in this database"
    lines = []
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_lang.setdefault(r["lang"] or "und", []).append(r)
    for lang in sorted(by_lang):
        lines.append(f"[{lang}] {len(by_lang[lang])} article(s)")
        by_outlet: dict[str, list[dict[str, Any]]] = {}
        for r in by_lang[lang]:
            by_outlet.setdefault(r["outlet"] or "unknown outlet", []).append(r)
        for outlet in sorted(by_outlet):
            lines.append(f"  {outlet}")
            for r in by_outlet[outlet]:
                title = (r["title"] or "").replace("\n", " ")[:90]
                lines.append(
                    f"    {r['published'] or '????-??-??':<20} {r['stance']:<9} {r['score']:.2f}  "
                    f"{title} ({r['id']})"
                )
    return "\n".join(lines)


def narratives_section_html(store: Store, catalogue: Catalogue | None = None, per_narrative: int = 10) -> str:
    """An HTML ``<section>`` for the report: one block per matched narrative, escaped."""
    cat = catalogue or load_catalogue()
    counts = narrative_counts(store)
    parts = ['<section class="narratives"><h2>Known narratives</h2>']
    if not counts:
        parts.append("<p>No article matches a catalogue narrative.</p></section>")
        return "".join(parts)
    for nid in sorted(counts, key=lambda k: (-counts[k]["articles"], k)):
        d = counts[nid]
        n = cat.get(nid)
        title = n.title if n else nid
        stances = ", ".join(f"{k}: {v}" for k, v in sorted(d["stances"].items()))
        langs = ", ".join(f"{k} ({v})" for k, v in ranked(d["languages"]).items())
        parts.append(f'<article class="narrative" id="narrative-{escape(nid)}"><h3>{escape(title)}</h3>')
        if n and n.summary:
            parts.append(f"<p class=\"summary\">{escape(n.summary)}</p>")
        parts.append(
            f"<p>{d['articles']} article(s); {escape(stances)}; languages {escape(langs)}; "
            f"{len(d['outlets'])} outlet(s); {escape(str(d['first'] or '?'))} to "
            f"{escape(str(d['last'] or '?'))}</p><ul>"
        )
        for r in narrative_timeline(store, nid, per_narrative):
            parts.append(
                f"<li>{escape(r['published'] or '?')} · {escape(r['lang'] or 'und')} · "
                f"{escape(r['outlet'] or 'unknown')} · <em>{escape(r['stance'] or '')}</em> "
                f"{escape((r['title'] or r['id'])[:150])}</li>"
            )
        parts.append("</ul></article>")
    parts.append("</section>")
    return "".join(parts)
