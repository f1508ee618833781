"""Discovery: recurring claims that match no known narrative become candidate narratives.

Why claims and not whole articles: a new narrative shows up as the same assertion repeated
by several outlets, often inside articles about different events (exactly how the seeds
carry "staged chemical attacks"). Each article contributes its claims (``article.claims``,
from the claims stage, most check-worthy first) or, when it has none, its salient sentences
(the first substantial ones); sentences that are already evidence for a known narrative are
left out, and so are groups whose every article already matches a known narrative: those are
the supporting details of a narrative the catalogue knows (the figures and places of a
"staged attack" story), not a new one. A group partly inside known narratives is kept, with
the share recorded (``known``) and its score scaled down by it.
Claims are embedded with the shared multilingual encoder and linked when cosine
similarity passes ``threshold``; connected groups spanning at least ``min_outlets`` outlets
are candidates, ranked by spread: outlets, languages and growth (articles in the last
``window_days`` against the window before).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..embed import Encoder, get_encoder
from ..records import Article
from ..store import Store
from ..text.sentences import UNIT_CHARS, split_sentences
from .catalogue import Narrative, slugify, unique_id

MAX_UNITS = 20_000  # claims considered per discovery run (most recent articles first)
MAX_ARTICLES = 10_000


@dataclass(frozen=True)
class Unit:
    article_id: str
    text: str
    lang: str | None
    outlet: str | None
    published: str | None
    known: tuple[str, ...] = ()  # known narratives the unit's article matches


@dataclass
class CandidateNarrative:
    id: str
    label: str
    score: float
    articles: int
    outlets: list[str]
    languages: list[str]
    growth: float
    first_seen: str | None
    last_seen: str | None
    representatives: list[dict[str, Any]] = field(default_factory=list)  # {text, lang, article_id}
    article_ids: list[str] = field(default_factory=list)
    known: dict[str, float] = field(default_factory=dict)  # known narrative -> share of the articles

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _evidence_ranges(article: Article) -> list[tuple[int, int]]:
    return [(e.start, e.end) for m in article.narratives for e in m.evidence]


def article_units(article: Article, per_article: int = 4) -> list[Unit]:
    """Claims of an article (or salient sentences), minus known-narrative evidence."""
    known = _evidence_ranges(article)

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in known)

    texts: list[str] = []
    if article.claims:
        ranked = sorted(article.claims, key=lambda c: -c.checkworthiness)
        texts = [c.text for c in ranked if free(c.start, c.end)]
    else:
        for s in split_sentences(article.body[:20_000], UNIT_CHARS, 40):
            if len(s.text.split()) >= 8 and free(s.start, s.end):
                texts.append(s.text)
    known_ids = tuple(sorted({m.id for m in article.narratives}))
    return [
        Unit(article.id, t[:600], article.lang, article.outlet, article.published, known_ids)
        for t in texts[:per_article]
    ]


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _representatives(order: list[int], units: Sequence[Unit], vecs: np.ndarray) -> list[dict[str, Any]]:
    """Up to 3 per language, no near-copies: a re-publication repeats its source's sentence
    word for word, and showing it twice says nothing; translations stay (other languages)."""
    reps: list[dict[str, Any]] = []
    chosen: list[int] = []
    seen_lang: Counter[str] = Counter()
    for i in order:
        lang = units[i].lang or "und"
        if seen_lang[lang] >= 3:
            continue
        if any(
            (units[j].lang or "und") == lang
            and (_same_text(units[i].text, units[j].text) or float(vecs[i] @ vecs[j]) >= 0.95)
            for j in chosen
        ):
            continue
        chosen.append(i)
        seen_lang[lang] += 1
        reps.append({"text": units[i].text, "lang": lang, "article_id": units[i].article_id})
    return reps


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def _components(vecs: np.ndarray, units: Sequence[Unit], threshold: float) -> list[list[int]]:
    """Union-find over pairs above threshold from different articles (blocked matmul)."""
    parent = list(range(len(units)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    block = 1024
    for a in range(0, len(units), block):
        sims = vecs[a : a + block] @ vecs.T
        rows, cols = np.nonzero(sims >= threshold)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i = a + r
            if c <= i or units[i].article_id == units[c].article_id:
                continue
            ri, rc = find(i), find(c)
            if ri != rc:
                parent[rc] = ri
    groups: dict[int, list[int]] = {}
    for i in range(len(units)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def find_candidates(
    articles: Iterable[Article],
    encoder: Encoder | None = None,
    threshold: float = 0.72,
    min_outlets: int = 2,
    window_days: int = 7,
    limit: int = 50,
) -> list[CandidateNarrative]:
    units: list[Unit] = []
    for art in articles:
        units.extend(article_units(art))
        if len(units) >= MAX_UNITS:
            break
    if len(units) < 2:
        return []
    enc = encoder or get_encoder()
    vecs = enc.encode([u.text for u in units])
    out: list[CandidateNarrative] = []
    for members in _components(vecs, units, threshold):
        arts = {units[i].article_id for i in members}
        outlets = sorted({units[i].outlet or f"unknown:{units[i].article_id}" for i in members})
        if len(arts) < 2 or len(outlets) < min_outlets:
            continue
        langs = sorted({units[i].lang or "und" for i in members})
        days = sorted(d for d in (_day(units[i].published) for i in members) if d)
        growth = 0.0
        if days:
            last = days[-1]
            recent = sum(1 for d in days if (last - d).days < window_days)
            before = sum(1 for d in days if window_days <= (last - d).days < 2 * window_days)
            growth = (recent - before) / max(before, 1)
        known_by_article = {units[i].article_id: units[i].known for i in members}
        if all(known_by_article.values()):
            continue  # details of narratives the catalogue already knows
        known = Counter(k for ks in known_by_article.values() for k in ks)
        known_share = sum(1 for ks in known_by_article.values() if ks) / len(arts)
        centroid = vecs[members].mean(axis=0)
        order = sorted(members, key=lambda i: -float(vecs[i] @ centroid))
        reps = _representatives(order, units, vecs)
        label = units[order[0]].text
        score = len(outlets) + 1.5 * len(langs) + math.log1p(len(arts)) + max(0.0, min(growth, 5.0))
        score *= 1.0 - 0.5 * known_share
        cid = "cand-" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:10]
        out.append(
            CandidateNarrative(
                id=cid,
                label=label[:200],
                score=round(score, 3),
                articles=len(arts),
                outlets=[o for o in outlets if not o.startswith("unknown:")],
                languages=langs,
                growth=round(growth, 3),
                first_seen=days[0].isoformat() if days else None,
                last_seen=days[-1].isoformat() if days else None,
                representatives=reps[:8],
                article_ids=sorted(arts),
                known={k: round(n / len(arts), 3) for k, n in sorted(known.items())},
            )
        )
    out.sort(key=lambda c: (-c.score, c.id))
    return out[:limit]


def refresh_candidates(
    store: Store, encoder: Encoder | None = None, **options: Any
) -> list[CandidateNarrative]:
    """Recompute candidates over the store (newest articles first) and save them."""
    recent: deque[Article] = deque(maxlen=MAX_ARTICLES)  # bounded memory on big stores
    recent.extend(store.articles.iter(order="published"))
    arts = list(reversed(recent))
    cands = find_candidates(arts, encoder, **options)
    store.narratives.put_candidates([c.as_dict() for c in cands])
    return cands


def stored_candidate(store: Store, cid: str) -> CandidateNarrative | None:
    data = store.narratives.candidate(cid)
    return CandidateNarrative(**data) if data else None


def candidate_to_narrative(
    cand: CandidateNarrative, taken: Iterable[str], title: str | None = None
) -> Narrative:
    """A catalogue entry from a candidate: its representative sentences become the claims."""
    claims: dict[str, list[str]] = {}
    for rep in cand.representatives:
        claims.setdefault(rep["lang"], []).append(rep["text"])
    label = title or cand.label
    return Narrative(
        id=unique_id(slugify(label, 50), taken),
        title=label[:200],
        summary=f"Promoted from discovery candidate {cand.id}: {cand.articles} articles, "
        f"{len(cand.outlets)} outlets, languages {', '.join(cand.languages)}. Review the wording.",
        claims={k: tuple(v) for k, v in claims.items()},
        first_seen=cand.first_seen,
        sources=tuple(f"outlet: {o}" for o in cand.outlets[:20]),
    )
