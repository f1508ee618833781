"""Turning a stored record into safe, explained pieces for the article page.

Every flag the pipeline raises carries offsets into the clean body; here they become
flat segments of text, each with the list of flags that cover it, so overlapping flags
(an entity inside a claim inside narrative evidence) need no nested markup. Templates
escape every piece; nothing in this module produces HTML. Offsets from the store are
not trusted either: they are clipped to the body and capped in number.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any
from urllib.parse import urlsplit

MAX_MARKS = 5000
KIND_ORDER = ("narrative", "claim", "attribution", "entity", "technique")  # techniques open only alone
MAX_TECHNIQUE_COLUMNS = 12


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript:, data:, ...)."""
    if not isinstance(url, str) or len(url) > 2048 or re.search(r"[\x00-\x20\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _num(value: Any) -> str:
    return f"{float(value):.2f}" if isinstance(value, (int, float)) else "?"


def marks_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """All flags of a record as (start, end, kind, label) with a sentence explaining each."""
    marks: list[dict[str, Any]] = []
    for e in record.get("entities") or []:
        name = e.get("canonical_name") or e.get("text")
        ident = f" [{e['canonical_id']}]" if e.get("canonical_id") else ""
        marks.append(_mark(e, "entity", f"Entity ({e.get('type') or '?'}): {name}{ident}", e.get("canonical_id")))
    for a in record.get("attributions") or []:
        marks.append(_mark(a, "attribution", f"Attribution, {a.get('kind')}: {a.get('source')}"))
    for c in record.get("claims") or []:
        who = f", said by {c['speaker']}" if c.get("speaker") else ""
        marks.append(_mark(c, "claim", f"Claim (check-worthiness {_num(c.get('checkworthiness'))}){who}"))
    about = technique_descriptions()
    for t in record.get("techniques") or []:
        name = str(t.get("technique") or "?")
        disarm = ", ".join(str(x) for x in t.get("disarm") or [])
        label = f"Technique: {name} (score {_num(t.get('score'))})"
        if about.get(name):
            label += f": {about[name]}"
        if disarm:
            label += f" DISARM {disarm}."
        marks.append(_mark(t, "technique", label))
    for n in record.get("narratives") or []:
        label = f"Narrative evidence: {n.get('title') or n.get('id')} (score {_num(n.get('score'))}, {n.get('stance')})"
        for ev in n.get("evidence") or []:
            marks.append(_mark(ev, "narrative", label, n.get("id")))
    return [m for m in marks if m["end"] > m["start"]][:MAX_MARKS]


def technique_descriptions() -> dict[str, str]:
    """One sentence per technique label (``analyse/techniques/data/labels.yaml``), for hovers."""
    from ..analyse.techniques.labels import load

    return load().descriptions


def technique_table(by_outlet: dict[str, Any]) -> dict[str, Any]:
    """Outlets x techniques counts (most used techniques as columns) for the story and narrative pages."""
    totals: dict[str, int] = {}
    for counts in by_outlet.values():
        for tech, n in counts.items():
            totals[tech] = totals.get(tech, 0) + int(n)
    columns = sorted(totals, key=lambda t: (-totals[t], t))[:MAX_TECHNIQUE_COLUMNS]
    rows = [
        {"outlet": outlet, "counts": [int(counts.get(c, 0)) for c in columns], "total": sum(counts.values())}
        for outlet, counts in by_outlet.items()
    ]
    return {"columns": columns, "rows": rows, "about": technique_descriptions()}


def strongest_layer(kinds: list[str] | set[str]) -> str | None:
    """The one layer shown when a page opens: the most specific kind of flag present.

    Entities, attributions and claims together cover most of an article, and a page
    highlighted all over says nothing; the reader switches the other layers on."""
    return next((k for k in KIND_ORDER if k in kinds), None)


def _mark(item: dict[str, Any], kind: str, label: str, ref: str | None = None) -> dict[str, Any]:
    start, end = item.get("start"), item.get("end")
    ok = isinstance(start, int) and isinstance(end, int)
    return {"start": start if ok else 0, "end": end if ok else 0, "kind": kind, "label": label, "ref": ref}


def segments(body: str, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The body cut at every flag boundary; each piece lists the flags covering it."""
    n = len(body)
    clipped = [m | {"start": max(0, min(m["start"], n)), "end": max(0, min(m["end"], n))} for m in marks]
    clipped = [m for m in clipped if m["end"] > m["start"]]
    bounds = sorted({0, n, *(m["start"] for m in clipped), *(m["end"] for m in clipped)})
    starts: dict[int, list[int]] = {}
    for i, m in enumerate(clipped):
        starts.setdefault(m["start"], []).append(i)
    active: set[int] = set()
    out: list[dict[str, Any]] = []
    for lo, hi in itertools.pairwise(bounds):
        active.update(starts.get(lo, ()))
        active = {i for i in active if clipped[i]["end"] > lo}
        covering = sorted((clipped[i] for i in active), key=lambda m: KIND_ORDER.index(m["kind"]))
        out.append(
            {
                "text": body[lo:hi],
                "kinds": sorted({m["kind"] for m in covering}, key=KIND_ORDER.index),
                "label": "\n".join(dict.fromkeys(m["label"] for m in covering)),
            }
        )
    return out


def day_number(published: str | None) -> float | None:
    """Days since 1970 for an ISO date that may be partial ("2018-10" is mid-October)."""
    if not published:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 7), int(m.group(3) or 15)
    try:
        return float((dt.date(year, month, day) - dt.date(1970, 1, 1)).days)
    except ValueError:
        return None
