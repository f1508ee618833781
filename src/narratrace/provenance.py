"""The provenance of a story: who first said it, who relayed, translated or copied it.

Built from what the pipeline stored per article: ``story_id`` (stories stage),
``published``, ``relations`` (copies and translations found by comparing texts) and
``attributions`` (quoted speakers, cited media, credit lines such as "Traduction : X"
or "Source : Sputnik News"). Text evidence and text comparison complement each other:
a credit line names an origin that may not be in the corpus, a relation links two
stored articles that name nobody.

"First published" is decided on explicit dates first (input, feed, page metadata,
dateline): a date estimated from the text ("vendredi" after "27 mars 2019") only counts
when no article of the story has an explicit one, and is marked ``estimated``. Articles of
the same day, or whose copy carries the earlier date, are ordered by the copy relation:
a source comes before its copies and translations. Every date carries its
``published_source``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from .records import Article

if TYPE_CHECKING:
    from .store import Store

RELAY_KINDS = ("republished_from", "translated_by", "cites")


def story_articles(store: Store, story_id: str) -> list[Article]:
    """The articles of a story, earliest first (undated last, then arrival order)."""
    return store.articles.get_many(store.stories.article_ids(story_id))


def _parents(article: Article, ids: set[str]) -> set[str]:
    """The story's articles this one copies or translates."""
    out = {r.article_id for r in article.relations if r.article_id in ids}
    if article.duplicate_of in ids:
        out.add(article.duplicate_of or "")
    return out - {article.id}


def chronology(articles: list[Article]) -> list[Article]:
    """Articles by date (partial dates compare by their prefix), undated last; on the same
    date a source before its copies, then arrival order."""
    ids = {a.id for a in articles}
    by_id = {a.id: a for a in articles}

    def depth(a: Article, seen: frozenset[str] = frozenset()) -> int:
        ups = [by_id[p] for p in _parents(a, ids) if p not in seen]
        return 1 + max((depth(u, seen | {a.id}) for u in ups), default=-1) if ups else 0

    order = {a.id: i for i, a in enumerate(articles)}
    return sorted(articles, key=lambda a: (a.published is None, a.published or "", depth(a), order[a.id]))


def estimated(article: Article) -> bool:
    return article.published is not None and article.published_source == "text"


def first_published(articles: list[Article]) -> Article:
    """The first publisher: the earliest explicitly dated article (an estimate only when no
    article has an explicit date), then up the copy relation to the source it copies."""
    ordered = chronology(articles)
    explicit = [a for a in ordered if a.published is not None and not estimated(a)]
    first = explicit[0] if explicit else ordered[0]
    ids = {a.id for a in articles}
    by_id = {a.id: a for a in articles}
    seen = {first.id}
    while True:
        ups = sorted((by_id[p] for p in _parents(first, ids) if p not in seen), key=ordered.index)
        if not ups:
            return first
        first = ups[0]
        seen.add(first.id)


def _names(article: Article) -> dict[str, str]:
    return {e.canonical_id: e.canonical_name or e.text for e in article.entities if e.canonical_id}


def _factchecks(store: Store, article: Article) -> list[dict[str, Any]]:
    """The article's claims already linked to imported fact-checks (`factchecks link`)."""
    return [
        {
            "claim": article.body[row["claim_start"] : row["claim_end"]],
            "factcheck_id": row["factcheck_id"],
            "verdict": row["verdict"],
            "url": row["url"],
            "similarity": row["score"],
        }
        for row in store.factchecks.links(article.id)
        if row["rank"] == 1
    ]


def provenance(store: Store, story_id: str) -> dict[str, Any] | None:
    """A JSON-ready account of a story's provenance, or None for an unknown story."""
    articles = story_articles(store, story_id)
    if not articles:
        return None
    articles = chronology(articles)
    first = first_published(articles)
    by_id = {a.id: a for a in articles}
    speakers: Counter[str] = Counter()
    quote_total: Counter[str] = Counter()
    speaker_names: dict[str, str] = {}
    first_quoted: dict[str, int] = {}
    timeline: list[dict[str, Any]] = []
    for pos, art in enumerate(articles):
        names = _names(art)
        quoted: Counter[str] = Counter()
        credits: list[dict[str, Any]] = []
        for att in art.attributions:
            key = att.canonical_source or att.source
            if att.kind == "quotes":
                quoted[key] += 1
                speaker_names.setdefault(key, names.get(att.canonical_source or "", att.source))
            elif att.kind in RELAY_KINDS:
                credits.append(
                    {
                        "kind": att.kind,
                        "source": names.get(att.canonical_source or "", att.source),
                        "canonical_source": att.canonical_source,
                        "evidence": {"start": att.start, "end": att.end, "text": att.text},
                    }
                )
        quote_total.update(quoted)
        for key in quoted:
            speakers[key] += 1
            first_quoted.setdefault(key, pos)
        relations = [
            {
                "kind": r.kind,
                "article_id": r.article_id,
                "outlet": by_id[r.article_id].outlet if r.article_id in by_id else None,
                "score": r.score,
            }
            for r in art.relations
        ]
        # What the texts show (a relation found by comparing them) comes before what the
        # article says of itself: a republished translation credits its translator
        # ("traduit par ...") but is, here, a republication.
        role = "original"
        if relations:
            role = "translation" if relations[-1]["kind"] == "translated_from" else "republication"
        elif any(c["kind"] == "translated_by" for c in credits):
            role = "translation"
        elif any(c["kind"] == "republished_from" for c in credits) or art.duplicate_of:
            role = "republication"
        timeline.append(
            {
                "article_id": art.id,
                "published": art.published,
                "published_source": art.published_source,
                "estimated": estimated(art),
                "outlet": art.outlet,
                "lang": art.lang,
                "title": art.title,
                "role": role,
                "relations": relations,
                "credits": credits,
                "quotes": [
                    {"source": speaker_names[k], "canonical_source": k, "count": n} for k, n in quoted.most_common()
                ],
                "factchecks": _factchecks(store, art),
            }
        )
    # the earliest article first; within it, who is quoted in most articles, then most often
    first_said = sorted(speakers, key=lambda k: (first_quoted[k], -speakers[k], -quote_total[k]))
    # counted once per article: an article naming TASS three times is one relay of TASS
    origins = Counter(
        source
        for t in timeline
        for source in {c["source"] for c in t["credits"] if c["kind"] in ("republished_from", "cites")}
    )
    return {
        "story_id": story_id,
        "articles": len(articles),
        "first_published": {
            "article_id": first.id,
            "outlet": first.outlet,
            "published": first.published,
            "published_source": first.published_source,
            "estimated": estimated(first),
        },
        "first_said_by": [
            {
                "source": speaker_names[k],
                "canonical_source": k,
                "articles": speakers[k],
                "quotes": quote_total[k],
            }
            for k in first_said[:5]
        ],
        "cited_origins": [
            {"source": s, "articles": n} for s, n in sorted(origins.items(), key=lambda x: (-x[1], x[0]))
        ],
        "translators": sorted({c["source"] for t in timeline for c in t["credits"] if c["kind"] == "translated_by"}),
        "timeline": timeline,
    }
