"""The self-contained HTML report of a run (or of the whole store).

One file, no external resources (inline CSS, no script), every piece of article text
autoescaped by Jinja2: the report can be mailed around and opened anywhere without
letting the people being studied run code in an analyst's browser.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..records import Article
from ..store import Store
from ..text.bidi import close_bidi


@dataclass
class StoryGroup:
    id: str | None
    articles: list[Article] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return sorted({a.lang or "?" for a in self.articles})

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.articles if a.outlet})

    @property
    def dates(self) -> str:
        days = sorted(a.published for a in self.articles if a.published)
        if not days:
            return "undated"
        return days[0] if days[0] == days[-1] else f"{days[0]} – {days[-1]}"


def _group(articles: list[Article]) -> list[StoryGroup]:
    groups: dict[str | None, StoryGroup] = {}
    for a in articles:
        key = a.story_id or f"single:{a.id}"
        groups.setdefault(key, StoryGroup(a.story_id)).articles.append(a)
    for g in groups.values():
        g.articles.sort(key=lambda a: (a.published or "9999", a.id))
    return sorted(groups.values(), key=lambda g: (-len(g.articles), g.articles[0].published or "9999"))


def build_context(store: Store, run_id: int | None = None) -> dict[str, Any]:
    articles = list(store.articles.iter(run_id=run_id, order="published"))
    by_id = {a.id: a for a in articles}
    narratives: dict[str, dict[str, Any]] = {}
    for a in articles:
        for m in a.narratives:
            entry = narratives.setdefault(m.id, {"id": m.id, "title": m.title, "articles": []})
            entry["articles"].append((a, m))
    runs = store.runs.list()
    if run_id is not None:
        runs = [r for r in runs if r["id"] == run_id]
    rejections = store.runs.rejections(run_id)
    removed_kinds: collections.Counter[str] = collections.Counter(r.kind for a in articles for r in a.removed)
    return {
        **_techniques(articles),
        "version": __version__,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run_id": run_id,
        "runs": runs,
        "articles": articles,
        "by_id": by_id,
        "stories": _group(articles),
        "narratives": sorted(narratives.values(), key=lambda n: -len(n["articles"])),
        "rejections": rejections,
        "languages": collections.Counter(a.lang or "unknown" for a in articles).most_common(),
        "removed_kinds": removed_kinds.most_common(),
    }


def _techniques(articles: list[Article]) -> dict[str, Any]:
    """The techniques of the reported articles: spans and articles per label, with DISARM ids."""
    from ..analyse.techniques.labels import load

    lab = load()
    spans: collections.Counter[str] = collections.Counter()
    arts: collections.Counter[str] = collections.Counter()
    for a in articles:
        names = [t.technique for t in a.techniques]
        spans.update(names)
        arts.update(set(names))
    rows = [
        {"technique": t, "spans": n, "articles": arts[t], "disarm": lab.disarm.get(t, ()),
         "about": lab.descriptions.get(t, "")}
        for t, n in sorted(spans.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {"techniques": rows, "disarm_version": lab.disarm_version}


def render_report(store: Store, run_id: int | None = None) -> str:
    env = Environment(
        loader=PackageLoader("narratrace.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=close_bidi,
    )
    return env.get_template("report.html.j2").render(**build_context(store, run_id))
