"""The self-contained HTML report of a run (or of the whole store), written as it is read.

One file, no external resources (inline CSS, no script), every piece of article text
autoescaped by Jinja2: the report can be mailed around and opened anywhere without
letting the people being studied run code in an analyst's browser.

The report streams: a first pass over the stored articles keeps only what orders and
tallies them (ids, story, date, title, narrative matches, counts), then the page is
rendered chunk by chunk while each story's articles are read from the store, so
memory holds one story's bodies at a time, not the store's.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..records import Article, NarrativeMatch
from ..store import Store
from ..text.bidi import close_bidi

BATCH = 500  # articles read from the store at a time while the page is written


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


@dataclass(frozen=True)
class Ref:
    """What the first pass keeps of an article: enough to order, group and link to it."""

    id: str
    title: str | None
    published: str | None


class Groups:
    """The report's story groups, largest first, each read from the store when it is written."""

    def __init__(self, store: Store, groups: list[tuple[str | None, list[str]]]) -> None:
        self._store = store
        self._groups = groups

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[StoryGroup]:
        # groups are read a few hundred articles at a time: one query for many lone articles
        batch: list[tuple[str | None, list[str]]] = []
        for group in self._groups:
            batch.append(group)
            if sum(len(ids) for _, ids in batch) >= BATCH:
                yield from self._read(batch)
                batch = []
        yield from self._read(batch)

    def _read(self, batch: list[tuple[str | None, list[str]]]) -> Iterator[StoryGroup]:
        found = {a.id: a for a in self._store.articles.get_many([i for _, ids in batch for i in ids])}
        for story_id, ids in batch:
            yield StoryGroup(story_id, [found[i] for i in ids if i in found])


def _order(members: dict[str, tuple[str | None, list[Ref]]]) -> list[tuple[str | None, list[str]]]:
    """Articles by story: within a story by date (undated last), then id; stories largest first,
    then earliest (ties keep the order stories first appear in by date)."""
    groups = []
    for story_id, refs in members.values():
        refs.sort(key=lambda r: (r.published or "9999", r.id))
        groups.append((story_id, refs))
    groups.sort(key=lambda g: (-len(g[1]), g[1][0].published or "9999"))
    return [(sid, [r.id for r in refs]) for sid, refs in groups]


def build_context(store: Store, run_id: int | None = None) -> dict[str, Any]:
    members: dict[str, tuple[str | None, list[Ref]]] = {}
    by_id: dict[str, Ref] = {}
    narratives: dict[str, dict[str, Any]] = {}
    languages: collections.Counter[str] = collections.Counter()
    removed_kinds: collections.Counter[str] = collections.Counter()
    spans: collections.Counter[str] = collections.Counter()
    with_technique: collections.Counter[str] = collections.Counter()
    for a in store.articles.iter(run_id=run_id, order="published"):
        ref = by_id[a.id] = Ref(a.id, a.title, a.published)
        members.setdefault(a.story_id or f"single:{a.id}", (a.story_id, []))[1].append(ref)
        for m in a.narratives:
            entry = narratives.setdefault(m.id, {"id": m.id, "title": m.title, "articles": []})
            entry["articles"].append((ref, _light(m)))
        languages[a.lang or "unknown"] += 1
        removed_kinds.update(r.kind for r in a.removed)
        names = [t.technique for t in a.techniques]
        spans.update(names)
        with_technique.update(set(names))
    runs = store.runs.list()
    if run_id is not None:
        runs = [r for r in runs if r["id"] == run_id]
    return {
        **_techniques(spans, with_technique),
        "version": __version__,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run_id": run_id,
        "runs": runs,
        "n_articles": len(by_id),
        "by_id": by_id,
        "stories": Groups(store, _order(members)),
        "narratives": sorted(narratives.values(), key=lambda n: -len(n["articles"])),
        "rejections": store.runs.rejections(run_id),
        "languages": languages.most_common(),
        "removed_kinds": removed_kinds.most_common(),
    }


def _techniques(spans: collections.Counter[str], arts: collections.Counter[str]) -> dict[str, Any]:
    """The techniques of the reported articles: spans and articles per label, with DISARM ids."""
    from ..analyse.techniques.labels import load

    lab = load()
    rows = [
        {"technique": t, "spans": n, "articles": arts[t], "disarm": lab.disarm.get(t, ()),
         "about": lab.descriptions.get(t, "")}
        for t, n in sorted(spans.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {"techniques": rows, "disarm_version": lab.disarm_version}


def _light(m: NarrativeMatch) -> NarrativeMatch:
    """The match without its evidence spans (the report lists stance and score only)."""
    return dataclasses.replace(m, evidence=())


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("narratrace.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=close_bidi,
    )


def write_report(store: Store, out: TextIO, run_id: int | None = None) -> None:
    """Write the report to ``out`` chunk by chunk (one story's articles in memory at a time)."""
    for chunk in _environment().get_template("report.html.j2").generate(**build_context(store, run_id)):
        out.write(chunk)


def render_report(store: Store, run_id: int | None = None) -> str:
    """The whole report as one string (for small stores and tests; ``write_report`` streams)."""
    return "".join(_environment().get_template("report.html.j2").generate(**build_context(store, run_id)))
