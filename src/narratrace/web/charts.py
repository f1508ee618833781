"""Geometry for the server-side SVG charts (bars, stacked timelines, the story graph).

Charts are computed here as plain numbers and labels and drawn by the templates as
inline SVG with CSS classes for colour: no chart library, no script, nothing fetched,
and every label goes through the template's escaping like any other text.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .render import day_number

PALETTE = 8
# A language keeps its colour on every chart and page: the most common news languages get
# a palette slot each, the others one from their code (stable across pages and runs).
_LANG_SLOTS = {"en": 0, "fr": 1, "ru": 2, "de": 3, "es": 4, "ar": 5, "uk": 6, "it": 7}


def lang_colour(lang: str | None) -> str:
    if lang in _LANG_SLOTS:
        return f"c{_LANG_SLOTS[lang]}"
    code = lang or "?"
    return f"c{sum(map(ord, code)) % PALETTE}"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bars(items: list[dict[str, Any]], width: int = 360, bar_h: int = 18, label_w: int = 140) -> dict[str, Any]:
    """Horizontal bars for ``[{key, n}]`` (per-outlet, per-language counts)."""
    top = max((i["n"] for i in items), default=0) or 1
    span = width - label_w - 40
    rows = [
        {
            "y": k * (bar_h + 4),
            "w": max(1.0, span * i["n"] / top),
            "label": _short(str(i["key"]), 22),
            "n": i["n"],
            "x": label_w,
            "ty": k * (bar_h + 4) + bar_h - 5,
            "nx": label_w + span * i["n"] / top + 4,
        }
        for k, i in enumerate(items)
    ]
    return {
        "width": width,
        "height": max(bar_h, len(rows) * (bar_h + 4)),
        "bar_h": bar_h,
        "rows": rows,
        "label_w": label_w,
    }


LABEL_CHAR_PX = 6.2  # width of a digit of the charts' 11 px label font


def stacked(
    points: list[dict[str, Any]], bucket: str, series: str, width: int = 720, height: int = 200
) -> dict[str, Any]:
    """Stacked columns: one column per bucket (month), one colour per series (language)."""
    buckets = _months(sorted({p[bucket] for p in points if p[bucket]}))
    names = sorted({p[series] for p in points}, key=lambda s: -sum(p["n"] for p in points if p[series] == s))
    colour = {name: lang_colour(name) for name in names}
    totals = {b: sum(p["n"] for p in points if p[bucket] == b) for b in buckets}
    top = max(totals.values(), default=0) or 1
    plot_h = height - 30
    col_w = min(48.0, (width - 40) / max(1, len(buckets)))
    rects: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    step = max(1, len(buckets) // 12)
    for k, b in enumerate(buckets):
        y = float(plot_h)
        for p in sorted((p for p in points if p[bucket] == b), key=lambda p: names.index(p[series])):
            h = plot_h * p["n"] / top
            y -= h
            rects.append(
                {
                    "x": 30 + k * col_w,
                    "y": y,
                    "w": max(1.0, col_w - 2),
                    "h": h,
                    "cls": colour[p[series]],
                    "title": f"{b} · {p[series]}: {p['n']}",
                }
            )
        if k % step == 0:
            x = 30 + k * col_w
            # a label that would run past the right edge ends at its column's right side instead
            fits = x + 7.5 * len(b) <= width
            start = x if fits else min(width - 2.0, x + col_w) - LABEL_CHAR_PX * len(b)
            label = {"x": x if fits else min(width - 2.0, x + col_w), "text": b, "anchor": "start" if fits else "end",
                     "_start": start, "_end": start + LABEL_CHAR_PX * len(b)}
            if labels and start < labels[-1]["_end"] + 2:  # it would collide with the label before it
                if k != len(buckets) - 1:
                    continue
                labels.pop()  # the last month keeps its label; the one before gives way
            labels.append(label)
    return {
        "width": width,
        "height": height,
        "rects": rects,
        "labels": [{k: v for k, v in lab.items() if not k.startswith("_")} for lab in labels],
        "top": top,
        "plot_h": plot_h,
        "legend": [{"name": n, "cls": colour[n]} for n in names],
    }


def meaningful_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Edges worth drawing: ``duplicate_of`` names the first original, so an article that
    also has a relation (to the copy it was actually taken from) is shown by that relation."""
    related = {e["source"] for e in edges if e["kind"] != "duplicate_of"}
    return [e for e in edges if e["kind"] != "duplicate_of" or e["source"] not in related]


def story_graph(articles: list[dict[str, Any]], edges: list[dict[str, Any]], width: int = 860) -> dict[str, Any]:
    """Articles placed by date (x) in one lane per language and outlet (y), with copy edges."""
    lanes = sorted({(a.get("lang") or "?", a.get("outlet") or "?") for a in articles})
    langs = sorted({lang for lang, _ in lanes})
    colour = {lang: lang_colour(lang) for lang in langs}
    lane_h, left, right = 34, 200, 30
    days = [d for d in (day_number(a.get("published")) for a in articles) if d is not None]
    lo, hi = (min(days), max(days)) if days else (0.0, 1.0)
    span = (hi - lo) or 1.0
    plot_w = width - left - right - 60
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    for a in articles:
        lane = lanes.index((a.get("lang") or "?", a.get("outlet") or "?"))
        d = day_number(a.get("published"))
        x = left + (
            plot_w * (d - lo) / span if d is not None and hi > lo else (plot_w / 2 if d is not None else plot_w + 40)
        )
        y = 20 + lane * lane_h + lane_h / 2
        # spread articles of the same lane and day so none hides another
        while any(abs(px - x) < 1 and abs(py - y) < 1 for px, py in pos.values()):
            x += 12
        pos[a["id"]] = (x, y)
        nodes.append(
            {
                "id": a["id"],
                "x": x,
                "y": y,
                "cls": colour[a.get("lang") or "?"],
                # a month-only date is drawn mid-month: hollow, so it is not read as a day
                "partial": d is not None and len(str(a.get("published") or "")) < 10,
                "title": f"{a.get('title') or a['id']} ({a.get('outlet') or '?'}, {a.get('published') or 'undated'}"
                + (", day unknown)" if d is not None and len(str(a.get("published") or "")) < 10 else ")"),
            }
        )
    lines = []
    drawn: set[tuple[str, str]] = set()
    for e in meaningful_edges(edges):
        pair = (e["source"], e["target"])
        if e["source"] in pos and e["target"] in pos and pair not in drawn:
            drawn.add(pair)
            (x1, y1), (x2, y2) = pos[e["target"]], pos[e["source"]]
            lines.append(
                {
                    "x1": x1,
                    "y1": y1,
                    "x2": x2,
                    "y2": y2,
                    "kind": e["kind"] or "related",
                    "title": f"{e['kind']} (score {e['score']})" if e.get("score") is not None else str(e["kind"]),
                }
            )
    dated = [str(a["published"]) for a in articles if a.get("published")]
    ticks = []
    if days and hi > lo:
        # whole days at their true place, one a day for short stories, else about five
        step = max(1, math.ceil(span / 5))
        for d in range(int(lo), int(hi) + 1, step):
            ticks.append({"x": left + plot_w * (d - lo) / span, "text": _date_label(d)})
    elif days:
        ticks.append({"x": left + plot_w / 2, "text": _date_label(lo)})
    if len(days) < len(articles):
        ticks.append({"x": left + plot_w + 40, "text": "undated"})
    return {
        "width": width,
        "height": 60 + len(lanes) * lane_h,
        "ticks": ticks,
        "axis_y": 30 + len(lanes) * lane_h,
        "lanes": [
            {"y": 20 + k * lane_h + lane_h / 2, "label": _short(f"{lang} · {outlet}", 30)}
            for k, (lang, outlet) in enumerate(lanes)
        ],
        "nodes": nodes,
        "edges": lines,
        "left": left,
        "legend": [{"name": lang, "cls": colour[lang]} for lang in langs],
        "first": min(dated, default=None),
        "last": max(dated, default=None),
    }


def _date_label(day: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def _months(buckets: list[str]) -> list[str]:
    """Every month from the first to the last, so gaps in time show as gaps (at most 50 years)."""
    if not buckets or not all(len(b) == 7 and b[4] == "-" and b.replace("-", "").isdigit() for b in buckets):
        return buckets
    y, m = int(buckets[0][:4]), int(buckets[0][5:])
    end = (int(buckets[-1][:4]), int(buckets[-1][5:]))
    out: list[str] = []
    while (y, m) <= end and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out if len(out) < 600 else buckets
