"""The ``network.v1`` corpus stage: relay edges of new articles, after ``stories.v1``.

For each new article it stores the copy and translation edges its relations name, and the
rewording edges from earlier same-language articles of its story (their stored vectors, no
encoding). The stories stage can give an older copy a new source when that source arrives
late, so the stage re-derives the edges of every article of the new articles' stories that
points to one of them. The cost per article is a few indexed reads and one write, whatever
the size of the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..embed import DEFAULT_ENCODER, vector_key
from ..embed.encoder import unit_rows
from .edges import RelayEdge, edges_of, rewording_edges

if TYPE_CHECKING:
    from ..store import Store

MAX_PEERS = 200  # the most recent members of a story compared for rewording


class NetworkStage:
    name = "network.v1"
    role = "corpus"
    requires = ("relations", "story_id")  # the stories stage's copies, translations and stories
    assigns = ()  # writes relay edges beside the records, changes no record field

    def __init__(self, min_rewording_cos: float = 0.9, encoder: str = DEFAULT_ENCODER) -> None:
        if not 0.0 < min_rewording_cos <= 1.0:
            raise ValueError(f"network.v1: min_rewording_cos must be in (0, 1], got {min_rewording_cos}")
        self.min_rewording_cos = min_rewording_cos
        self.vector_model = vector_key(encoder)

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        new = store.articles.get_many(list(article_ids))
        if not new:
            return
        new_ids = {a.id for a in new}
        members = store.relays.story_members([a.story_id for a in new if a.story_id], MAX_PEERS)
        peer_ids = sorted({pid for ids in members.values() for pid in ids} - new_ids)
        peers = {a.id: a for a in store.articles.get_many(peer_ids)}
        by_id = {**peers, **{a.id: a for a in new}}
        # stored copies re-pointed to a late source among the new articles get their edges again
        targets = list(new) + [p for p in peers.values() if p.relations and p.relations[-1].article_id in new_ids]
        sources = {a.relations[-1].article_id for a in targets if a.relations} - set(by_id)
        by_id.update({a.id: a for a in store.articles.get_many(sorted(sources))})
        vectors = {aid: unit_rows(v)[0] for aid, v in store.vectors.get(self.vector_model, sorted(by_id)).items()}
        done: set[str] = set(peers)  # a rewording source must be stored before the article or come earlier
        edges: list[RelayEdge] = []
        for article in sorted(targets, key=lambda a: (a.published or "~", a.id)):
            edges += edges_of(article, by_id)
            if article.id in new_ids and article.story_id:
                story = [by_id[i] for i in members.get(article.story_id, []) if i in by_id and i in done]
                pool = [(p, vectors[p.id]) for p in story if p.id in vectors]
                vec = vectors.get(article.id)
                edges += rewording_edges(article, vec, pool, self.min_rewording_cos)
            done.add(article.id)
        store.relays.replace([a.id for a in targets], edges)

