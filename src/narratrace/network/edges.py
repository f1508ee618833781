"""Relay edges between two articles, in three tiers (as D3lta separates them).

- ``copy``: the later article re-publishes the earlier one (shared word 5-shingles: the
  stories stage's ``republished_from`` relation);
- ``translation``: it translates it (aligned sentences across languages: ``translated_from``);
- ``rewording``: same language, same story, no shared word runs, but the two texts say the same
  thing in other words (cosine of their article vectors at or above ``min_rewording_cos``).

Each edge runs from the source (earlier) outlet to the relaying one and carries the time lag
between the two publications when both dates are known to the day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..records import Article

TIERS = ("copy", "rewording", "translation")
_KIND_TIER = {"republished_from": "copy", "translated_from": "translation"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RelayEdge:
    """One article relaying another: the unit the outlet network is aggregated from."""

    source_id: str
    target_id: str
    tier: str  # copy | rewording | translation
    score: float
    source_outlet: str | None
    target_outlet: str | None
    source_lang: str | None
    target_lang: str | None
    source_published: str | None
    target_published: str | None
    lag_hours: float | None  # target minus source; None unless both dates are known to the day
    root_id: str  # the earliest known version of the content (the copy chain's root)
    story_id: str | None


def moment(published: str | None) -> dt.datetime | None:
    """A publication moment, when known at least to the day (a month-only date gives no lag)."""
    if not published or not _DAY.match(published):
        return None
    try:
        value = dt.datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def lag_hours(source_published: str | None, target_published: str | None) -> float | None:
    """Hours from the source's publication to the relay's, or None when a date is not known to the day.

    Day-only dates count from midnight, so two articles of the same day have lag 0.
    """
    start, end = moment(source_published), moment(target_published)
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600.0, 2)


def _edge(source: Article, target: Article, tier: str, score: float) -> RelayEdge:
    return RelayEdge(
        source_id=source.id, target_id=target.id, tier=tier, score=round(float(score), 4),
        source_outlet=source.outlet, target_outlet=target.outlet,
        source_lang=source.lang, target_lang=target.lang,
        source_published=source.published, target_published=target.published,
        lag_hours=lag_hours(source.published, target.published),
        root_id=target.duplicate_of or source.duplicate_of or source.id,
        story_id=target.story_id,
    )


def edges_of(article: Article, sources: Mapping[str, Article]) -> list[RelayEdge]:
    """The copy or translation edge into ``article``, from its current source.

    The stories stage gives a copy one relation, to its best source, and appends another when a
    better source arrives late (the older relation stays as evidence): the last one is the
    current source, as for the story it joins. ``sources`` maps relation ids onto their
    articles; a source that is not stored (yet) gives no edge.
    """
    if not article.relations:
        return []
    rel = article.relations[-1]
    tier = _KIND_TIER.get(rel.kind)
    source = sources.get(rel.article_id)
    if tier is None or source is None:
        return []
    return [_edge(source, article, tier, rel.score)]


def rewording_edges(article: Article, vector: npt.NDArray[np.float32] | None,
                    peers: Sequence[tuple[Article, npt.NDArray[np.float32]]],
                    min_cos: float) -> list[RelayEdge]:
    """Rewording edges into ``article`` from earlier same-language articles of its story.

    A peer that the article already copies or translates, a copy of the same text, one in
    another language, or one published after it is not a rewording source; of the peers left, each one at or
    above ``min_cos`` gives an edge (a rewording often merges two wire pieces).
    """
    if vector is None or not article.lang:
        return []
    linked = {r.article_id for r in article.relations}
    root = article.duplicate_of or article.id
    out = []
    for peer, peer_vec in peers:
        if peer.id == article.id or peer.id in linked or peer.lang != article.lang:
            continue
        if (peer.duplicate_of or peer.id) == root:
            continue  # two copies of one text: the copy edges already say it
        if article.id in {r.article_id for r in peer.relations}:
            continue  # the peer copies this article: not the other way round
        lag = lag_hours(peer.published, article.published)
        if lag is None or lag < 0:
            continue  # only an article known to be earlier can be the source
        cos = float(np.dot(vector, peer_vec))
        if cos >= min_cos:
            out.append(_edge(peer, article, "rewording", cos))
    return out
