"""The ``stories.v1`` corpus stage: embed new articles, give each a story, find copies.

Run by the pipeline after new articles are stored, with their ids. Vectors are
computed once (ids that already have one are skipped), the clusterer state is
loaded from beside the database (or rebuilt from it), new articles are clustered in
date order, and each is checked against its nearest earlier neighbours for
re-publication (same language, shared word runs) or translation (aligned
sentences). Articles that already have a story are left alone, so running the stage
twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..embed import DEFAULT_ENCODER, Encoder, get_encoder, vector_key
from ..embed.pooling import PoolingSettings, embed_documents
from ..embed.sentences import SentenceSet, sentence_key
from ..embed.units import encode_units
from ..records import Article, Relation
from ..store import Store
from ..text.fold import translit_words
from . import state
from .cluster import ClusterParams, StoryClusterer
from .relations import RelationThresholds, SentenceVectors, copy_evidence, translation_evidence
from .sketch import MAX_CANDIDATES, MIN_SHARED, sketch
from .tables import write_stories
from .text import clean_title, parse_day

VECTOR_MODEL = vector_key(DEFAULT_ENCODER)  # where the default encoder's article vectors are
MAX_MENTION_CHARS = 20_000


@dataclass(frozen=True)
class Prepared:
    """The stage's per-article part: the pooled vector and the units with their vectors."""

    pooled: npt.NDArray[np.float32]
    units: SentenceSet


def _cluster_text(article: Article) -> str:
    """The headline, or the start of the body for items without one."""
    return clean_title(article.title) or article.body[:300]


class StoriesStage:
    name = "stories.v1"
    role = "corpus"
    requires = ("body", "lang")  # record fields an earlier stage must assign
    assigns = ("story_id", "duplicate_of", "relations")
    OPTIONS = frozenset(f.name for f in dataclasses.fields(ClusterParams))  # besides the named ones

    def __init__(self, encoder: str = DEFAULT_ENCODER, batch_size: int = 32, candidates: int = 5,
                 **params: Any) -> None:
        self.encoder_name = encoder
        self.vector_model = vector_key(encoder)
        self.sentence_model = sentence_key(encoder)
        self.batch_size = batch_size
        self.candidates = candidates
        unknown = set(params) - self.OPTIONS
        if unknown:
            raise ValueError(f"unknown stories.v1 option(s) {sorted(unknown)}; known: {sorted(self.OPTIONS)}")
        self.params = ClusterParams(**params)
        self.thresholds = RelationThresholds()
        self._sentences: SentenceVectors | None = None

    @property
    def encoder(self) -> Encoder:
        return get_encoder(self.encoder_name)

    def check(self) -> None:
        """Load a configured encoder now, so a broken one stops the run before anything is
        stored (the shipped one is left for first use: it loads in a second or two)."""
        if self.encoder_name != DEFAULT_ENCODER:
            self.encoder.encode(["check"])

    # -- the per-article part, run in the workers ------------------------------------
    def prepare(self, article: Article) -> Prepared:
        """What this stage needs of one article, computed where the article is analysed:
        its pooled vector and its units' vectors (sentences the narrative matcher already
        encoded in this worker are reused, see ``embed.memo``)."""
        pooled = embed_documents(self.encoder, [(article.title, article.body)], PoolingSettings())[0]
        return Prepared(pooled, encode_units(self.encoder, article))

    def keep(self, store: Store, prepared: dict[str, Prepared]) -> None:
        """Store what the workers prepared (articles already stored, in the main process)."""
        store.vectors.put(self.vector_model, {aid: p.pooled for aid, p in prepared.items()})
        store.vectors.put_sentences(self.sentence_model, {aid: p.units for aid, p in prepared.items()})

    def embed(self, store: Store, articles: Sequence[Article]) -> dict[str, Any]:
        """Vectors of ``articles``, computing only those not stored yet."""
        have = store.vectors.get(self.vector_model, [a.id for a in articles])
        missing = [a for a in articles if a.id not in have]
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vecs = embed_documents(self.encoder, [(a.title, a.body) for a in batch], PoolingSettings())
            new = {a.id: vecs[j] for j, a in enumerate(batch)}
            store.vectors.put(self.vector_model, new)
            have.update(new)
        return have

    def _embed_ids(self, store: Store, ids: Sequence[str]) -> dict[str, Any]:
        """Vectors for stored articles that have none with this encoder (it was switched)."""
        return self.embed(store, store.articles.get_many(list(ids)))

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        articles = store.articles.get_many(list(article_ids))
        if not articles:
            return
        vectors = self.embed(store, articles)
        if all(a.story_id is not None for a in articles):
            return  # everything already has a story: nothing to do, nothing to load or save
        clusterer = state.load(store, self.encoder.dim, self.params, self.vector_model, self._embed_ids)
        known = set(clusterer.article_ids)
        arrival = {a.id: i for i, a in enumerate(articles)}
        todo = sorted((a for a in articles if a.story_id is None and a.id not in known),
                      key=lambda a: (parse_day(a.published) is None, parse_day(a.published) or 0.0,
                                     arrival[a.id]))
        self._backfill_sketches(store, {a.id for a in todo})  # sketched below, in date order
        pending: dict[str, Article] = {}
        self._sentences = SentenceVectors(self.encoder)
        for article in todo:
            vec = vectors[article.id]
            near = [aid for aid, cos in clusterer.neighbours(vec, self.candidates) if cos >= 0.6]
            # copies under a headline of their own are far in vector space: find them by their text
            values = sketch(article.body)
            store.sketches.put({article.id: values})
            near += [aid for aid in store.sketches.candidates(values, article.id, MIN_SHARED, MAX_CANDIDATES)
                     if aid not in near]
            pending[article.id] = article
            self._link(store, pending, article.id, near)
            day, text = parse_day(article.published), _cluster_text(article)
            source = self._source_story(store, pending, pending[article.id])
            if source is not None and _open(clusterer, source, day):
                clusterer.restore(article.id, vec, day, text, source)  # a copy tells its source's story
                clusterer.flush()
                story = source
            else:
                story = clusterer.add(article.id, vec, day, text)
            pending[article.id] = pending[article.id].replace(story_id=story)
        store.articles.update(list(pending.values()))
        write_stories(store, clusterer, {a.story_id for a in pending.values() if a.story_id})
        state.save(clusterer, store, self.vector_model)
        self._sentences = None

    def _link(self, store: Store, pending: dict[str, Article], new_id: str, near: list[str]) -> None:
        """Record the copy/translation links between a new article and its neighbours.

        The older version is the source. A new copy gets one relation, to its best
        source. A new article that turns out to be the source of stored ones (it
        arrived late) becomes the source of every one of them it matches better than
        their current source does; each of those, and the copies that pointed to them,
        then get its root as ``duplicate_of``, which is always the earliest version.
        """
        new = pending[new_id]
        as_copy: list[tuple[float, str, int, Article, Relation]] = []
        as_source: list[tuple[Article, Relation]] = []
        others = self._fetch(store, pending, near)
        across = [o for o in others if not (o.lang and new.lang and o.lang == new.lang)]
        self._load_sentences(store, [new, *across] if across else [])
        for rank, other in enumerate(others):
            if _older_first(new, other):
                rel = self._relation(new, other)
                if rel is not None and (other.duplicate_of or other.id) != new.id:  # never a cycle
                    as_copy.append((-rel.score, other.published or "~", rank, other, rel))
            else:
                rel = self._relation(other, new)
                if rel is not None:
                    as_source.append((other, rel))
        if as_copy:
            # the best match; on a tie (a source and its verbatim copy) the older, then the nearer
            _, _, _, source, rel = min(as_copy, key=lambda t: t[:3])
            if not any(r.article_id == source.id for r in new.relations):
                new = new.replace(relations=(*new.relations, rel), duplicate_of=source.duplicate_of or source.id)
                pending[new.id] = new
        root = new.duplicate_of or new.id
        for stale, rel in as_source:
            copy = pending.get(stale.id, stale)
            if root == copy.id or any(r.article_id == new.id for r in copy.relations):
                continue  # already linked, or the copy is this article's own source (no cycle)
            if copy.relations and max(r.score for r in copy.relations) > rel.score:
                continue  # its current source matches it better
            pending[copy.id] = copy.replace(relations=(*copy.relations, rel), duplicate_of=root)
            for follower in self._followers(store, pending, copy.id):
                pending[follower.id] = follower.replace(duplicate_of=root)

    def _load_sentences(self, store: Store, articles: Sequence[Article]) -> None:
        """Give translation evidence the stored sentence vectors of these articles (those
        stored before sentence vectors existed, or by a killed run, are encoded here)."""
        if self._sentences is None or not articles:
            return
        found = store.vectors.get_sentences(self.sentence_model, [a.id for a in articles])
        for article in articles:
            units = found.get(article.id)
            if units is not None:
                self._sentences.prime(article.body, units.by_text(article.body, article.title))

    @staticmethod
    def _backfill_sketches(store: Store, skip: set[str]) -> None:
        """Sketch the stored articles of a database older than sketches, once (0.7 ms each)."""
        while True:
            batch = [(aid, body) for aid, body in store.sketches.unsketched() if aid not in skip]
            if not batch:
                return
            store.sketches.put({aid: sketch(body) for aid, body in batch})

    def _source_story(self, store: Store, pending: dict[str, Article], article: Article) -> str | None:
        """The story of the article this one was copied or translated from, if it has one."""
        if not article.relations:
            return None
        found = self._fetch(store, pending, [article.relations[-1].article_id])
        return found[0].story_id if found else None

    @staticmethod
    def _fetch(store: Store, pending: dict[str, Article], ids: Sequence[str]) -> list[Article]:
        stored = {a.id: a for a in store.articles.get_many([i for i in ids if i not in pending])}
        return [pending.get(i) or stored[i] for i in ids if i in pending or i in stored]

    @staticmethod
    def _followers(store: Store, pending: dict[str, Article], root_id: str) -> list[Article]:
        ids = store.articles.copies_of(root_id)
        found = {a.id: a for a in StoriesStage._fetch(store, pending, ids)}
        found.update({a.id: a for a in pending.values() if a.duplicate_of == root_id})
        return [found[k] for k in sorted(found)]

    def _relation(self, copy: Article, source: Article) -> Relation | None:
        """A ``republished_from`` / ``translated_from`` relation of ``copy`` to ``source``, if any."""
        th = self.thresholds
        if min(len(copy.body), len(source.body)) < th.min_body_chars:
            return None
        if copy.lang and source.lang and copy.lang == source.lang:
            score, shared, spans = copy_evidence(copy.body, source.body)
            if score < th.min_containment or shared < th.min_shared_shingles:
                return None
            return Relation("republished_from", source.id, round(score, 4), spans)
        sentences = self._sentences or SentenceVectors(self.encoder)
        score, aligned, spans = translation_evidence(sentences, copy.body, source.body,
                                                     th.min_sentence_cos)
        full = score >= th.min_aligned_fraction and aligned >= th.min_aligned
        partial = score >= th.partial_fraction and aligned >= th.partial_aligned
        if not (full or partial):
            return None
        return Relation("translated_from", source.id, round(score, 4), spans)


def _open(clusterer: StoryClusterer, story_id: str, day: float | None) -> bool:
    """Whether a story can still take an article of that day (a copy months later starts its own)."""
    idx = clusterer.story_index.get(story_id)
    if idx is None:
        return False
    last = clusterer.stories[idx].last_day
    return day is None or last is None or day - last <= clusterer.params.max_gap_days


def _mentions(article: Article, outlet: str | None) -> bool:
    """Whether the body names that outlet as a word ("Source : RT", not "paRTy")."""
    name = translit_words(outlet or "")
    if len(name) < 2:
        return False
    pattern = r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])"
    return re.search(pattern, translit_words(article.body[:MAX_MENTION_CHARS])) is not None


def _older_first(new: Article, other: Article) -> bool:
    """True when ``other`` is the source of ``new`` (else ``new`` is the source of ``other``).

    Dates decide when they differ at their common precision ("2019-12" is before
    "2020-01-31"; "2020-01" and "2020-01-31" tie). On a tie the article that names
    the other's outlet ("Source : Sputnik") is the copy; failing that, the article
    stored first is taken as the source.
    """
    a, b = new.published or "", other.published or ""
    n = min(len(a), len(b), 10)
    if n >= 4 and a[:n] != b[:n]:
        return b[:n] < a[:n]
    if translit_words(new.outlet or "") != translit_words(other.outlet or ""):
        new_names, other_names = _mentions(new, other.outlet), _mentions(other, new.outlet)
        if new_names != other_names:
            return new_names
    return True
