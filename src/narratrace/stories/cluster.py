"""Online, time-aware, cross-lingual story clustering over an HNSW index.

Articles arrive in date order. Each new article asks the ANN index for its nearest
earlier articles (cost log M), keeps those close enough in time, and scores each
candidate story by its best matching member: cosine of the multilingual vectors plus
the IDF-weighted overlap of transliterated title tokens (names and numbers survive
translation), blended with the cosine to the story centroid (so that one loose link
does not chain two stories together), minus a penalty that grows with the time gap.
The article joins the best story above ``threshold`` or starts a new one; a story
silent for more than ``max_gap_days`` is closed, so a topic that comes back months
later is a new story.

Everything is a deterministic function of the input order: HNSW is built with a
fixed seed on one thread, ties are broken by story creation order, and a story's id
is derived from its first article's id.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import hnswlib
import numpy as np
import numpy.typing as npt

from .text import clean_title, idf_overlap, title_tokens

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ClusterParams:
    """The few knobs of the clusterer (tuned on dev data, see docs/benchmarks.md)."""

    threshold: float = 0.65  # on raw vectors
    threshold_projected: float = 0.35  # once a Projection is in use (cosines are lower)
    lexical_weight: float = 0.8
    centroid_weight: float = 0.3
    gap_penalty: float = 0.4  # score lost per day between the article and its match ...
    gap_scale: float = 5.0  # ... saturating after about this many days (see _gap)
    dense_rate: float = 20.0  # articles/day from which the full gap penalty applies
    undated_penalty: float = 0.2  # when either date is unknown, time cannot vouch for a match
    max_gap_days: float = 30.0
    neighbours: int = 10
    ef: int = 64
    components: int = 20  # dominant directions removed by the Projection
    fit_after: int = 1000  # articles needed before a Projection is fitted


@dataclass(frozen=True)
class Projection:
    """Remove the corpus mean and its dominant directions ("all-but-the-top").

    In a corpus about one broad topic every vector shares a large common component,
    so cosines crowd together; removing it spreads stories apart. Fitted once,
    unsupervised, on the corpus itself when it is large enough (``fit_after``).
    """

    mean: Vectors
    components: Vectors

    @classmethod
    def fit(cls, vectors: Vectors, n_components: int) -> Projection:
        data = np.asarray(vectors, dtype=np.float64)
        mean = data.mean(axis=0)
        centred = data - mean
        # eigh of the small dim x dim scatter matrix: far cheaper than an SVD of the data
        _, vecs = np.linalg.eigh(centred.T @ centred)
        top = vecs[:, ::-1][:, :n_components].T
        return cls(mean.astype(np.float32), np.ascontiguousarray(top, dtype=np.float32))

    def apply(self, vectors: Vectors) -> Vectors:
        x = np.asarray(vectors, dtype=np.float32).reshape(-1, self.mean.shape[0]) - self.mean
        x = x - (x @ self.components.T) @ self.components
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out: Vectors = (x / norms).astype(np.float32)
        return out


def story_id_for(first_article_id: str) -> str:
    """A stable story id: re-running on the same data gives the same ids."""
    return "s" + hashlib.sha1(first_article_id.encode("utf-8")).hexdigest()[:15]


@dataclass
class Story:
    id: str
    first_day: float | None
    last_day: float | None
    size: int
    centroid_sum: Vectors
    members: list[int] = field(default_factory=list)


class StoryClusterer:
    """Assigns each added article to a story; state can be extended across runs."""

    def __init__(self, dim: int, params: ClusterParams | None = None, capacity: int = 1024,
                 projection: Projection | None = None) -> None:
        self.params = params or ClusterParams()
        self.dim = dim
        self.projection = projection
        # public for stories/state.py, which saves and restores them: the HNSW graph over
        # ``space`` vectors, the raw vectors by label, and story id -> position in ``stories``
        self.index = self._new_index(capacity)
        self.raw = np.zeros((max(capacity, 16), dim), dtype=np.float32)
        self.article_ids: list[str] = []
        self.article_story: list[int] = []
        self.article_day: list[float | None] = []
        self.article_tokens: list[frozenset[str]] = []
        self.stories: list[Story] = []
        self._df: dict[str, int] = {}
        self.story_index: dict[str, int] = {}
        self._sorted_days: list[float] = []
        self._density = 1.0
        self._unindexed: list[int] = []  # appended but not yet in the HNSW index (see add_many)

    def __len__(self) -> int:
        return len(self.article_ids)

    def _new_index(self, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space="ip", dim=self.dim)
        index.init_index(max_elements=max(capacity, 16), ef_construction=40, M=8, random_seed=7)
        index.set_num_threads(1)
        index.set_ef(self.params.ef)
        return index

    @property
    def threshold(self) -> float:
        p = self.params
        return p.threshold if self.projection is None else p.threshold_projected

    def space(self, raw: Vectors) -> Vectors:
        """The vectors the index compares (projected once a projection is fitted)."""
        if self.projection is None:
            return np.asarray(raw, dtype=np.float32).reshape(-1, self.dim)
        return self.projection.apply(raw)

    # -- building -----------------------------------------------------------------
    def _append(self, article_id: str, raw: Vectors, day: float | None, tokens: frozenset[str],
                story: int, space: Vectors | None = None) -> None:
        label = len(self.article_ids)
        if label >= self.index.get_max_elements():
            self.index.resize_index(2 * self.index.get_max_elements())
        if label >= len(self.raw):
            self.raw = np.concatenate([self.raw, np.zeros_like(self.raw)])
        self.raw[label] = raw
        vec = self.space(raw) if space is None else space.reshape(1, -1)
        self._unindexed.append(label)
        self.article_ids.append(article_id)
        self.article_story.append(story)
        self.article_day.append(day)
        self.article_tokens.append(tokens)
        if day is not None:
            bisect.insort(self._sorted_days, day)
        for tok in tokens:
            self._df[tok] = self._df.get(tok, 0) + 1
        st = self.stories[story]
        st.size += 1
        st.centroid_sum += vec[0]
        st.members.append(label)
        if day is not None:
            st.first_day = day if st.first_day is None else min(st.first_day, day)
            st.last_day = day if st.last_day is None else max(st.last_day, day)
        if self.projection is None and self.params.components and len(self) == self.params.fit_after:
            self._fit_projection()

    def _fit_projection(self) -> None:
        """Switch to the projected space: refit, rebuild the index and the centroids."""
        raw = self.raw[: len(self)]
        self.projection = Projection.fit(raw, self.params.components)
        space = self.projection.apply(raw)
        self.index = self._new_index(max(2 * len(self), 1024))
        self.index.add_items(space, np.arange(len(self)), num_threads=1)
        self._unindexed = []
        for st in self.stories:
            st.centroid_sum = space[st.members].sum(axis=0)

    def rebuild_derived(self) -> None:
        """Recompute what is derived from the per-article lists (after loading them from files).

        Token document frequencies and the sorted dates (the stream density behind the
        time-gap penalty) are not saved; a loaded clusterer must score exactly as the one
        that was saved, or incremental runs would cluster differently from a full run.
        """
        self._df = {}
        for tokens in self.article_tokens:
            for tok in tokens:
                self._df[tok] = self._df.get(tok, 0) + 1
        self._sorted_days = sorted(d for d in self.article_day if d is not None)

    def _new_story(self, story_id: str) -> int:
        story = len(self.stories)
        self.stories.append(Story(story_id, None, None, 0, np.zeros(self.dim, dtype=np.float32)))
        self.story_index[story_id] = story
        return story

    def restore(self, article_id: str, vector: Vectors, day: float | None, title: str | None,
                story_id: str) -> None:
        """Re-add an article whose story is already known (rebuilding state from the store)."""
        story = self.story_index.get(story_id)
        if story is None:
            story = self._new_story(story_id)
        raw = np.asarray(vector, dtype=np.float32).reshape(-1)
        self._append(article_id, raw, day, title_tokens(clean_title(title)), story)  # flush() after

    def flush(self) -> None:
        """Add the pending articles to the HNSW index (one thread: insertion order fixes the graph)."""
        if not self._unindexed:
            return
        labels = np.asarray(self._unindexed)
        self.index.add_items(self.space(self.raw[labels]), labels, num_threads=1)
        self._unindexed = []

    # -- assigning ----------------------------------------------------------------
    def add(self, article_id: str, vector: Vectors, day: float | None, title: str | None) -> str:
        """Cluster one article (call in date order); returns its story id."""
        return self.add_many([(article_id, vector, day, title)])[0]

    def add_many(self, items: Sequence[tuple[str, Vectors, float | None, str | None]],
                 batch: int = 256) -> list[str]:
        """Cluster articles in the given (date) order, as ``add`` one by one would.

        Work is batched: the index is searched for a whole batch at once (searches
        are independent, so they may use several threads without changing results)
        and the batch's earlier members are compared with numpy, then the batch is
        inserted into the index in order. Candidates are those of one-by-one adding,
        up to the approximation of the ANN search.
        """
        out: list[str] = []
        pos = 0
        while pos < len(items):
            size = batch
            if self.projection is None and self.params.components and len(self) < self.params.fit_after:
                size = min(size, self.params.fit_after - len(self))  # the space changes there
            chunk = items[pos : pos + size]
            out.extend(self._add_chunk(chunk))
            self.flush()
            pos += len(chunk)
        return out

    def _add_chunk(self, chunk: Sequence[tuple[str, Vectors, float | None, str | None]]) -> list[str]:
        raws = np.asarray([np.asarray(v, dtype=np.float32).reshape(-1) for _, v, _, _ in chunk])
        space = self.space(raws)
        k = self.params.neighbours
        found: list[list[tuple[int, float]]] = [[] for _ in chunk]
        n_indexed = self.index.get_current_count()
        if n_indexed:
            labels, dists = self.index.knn_query(space, k=min(k, n_indexed), num_threads=2)
            found = [self._in_window(lab, d, day) for lab, d, (_, _, day, _) in zip(labels, dists, chunk,
                                                                                     strict=True)]
            # A topic that recurs over years fills the nearest neighbours with closed stories:
            # look further for those articles, so recall does not decay as the corpus grows.
            wider = min(8 * k, n_indexed)
            short = [i for i, f in enumerate(found) if len(f) < k // 2 and wider > k]
            if short:
                labels, dists = self.index.knn_query(space[short], k=wider, num_threads=2)
                for i, lab, d in zip(short, labels, dists, strict=True):
                    found[i] = self._in_window(lab, d, chunk[i][2])[:k]
        inner = space @ space.T
        first = len(self)
        out = []
        for i, (article_id, _, day, title) in enumerate(chunk):
            cands = found[i]
            if i:
                order = np.argsort(-inner[i, :i], kind="stable")[:k]
                cands = sorted(cands + [(first + int(j), float(inner[i, j])) for j in order],
                               key=lambda lc: (-lc[1], lc[0]))[:k]
            tokens = title_tokens(clean_title(title))
            self._density = self._stream_density(day)
            best, best_score = self._best_story(space[i], day, tokens, cands)
            if best is None or best_score < self.threshold:
                best = self._new_story(story_id_for(article_id))
            self._append(article_id, raws[i], day, tokens, best, space[i])
            out.append(self.stories[best].id)
        return out

    def neighbours(self, vector: Vectors, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` nearest stored articles (id, raw cosine), nearest first."""
        n = len(self)
        if n == 0:
            return []
        raw = np.asarray(vector, dtype=np.float32).reshape(-1)
        labels, _ = self.index.knn_query(self.space(raw), k=min(k, n), num_threads=1)
        found = labels[0].tolist()
        cos = self.raw[found] @ raw
        return sorted(((self.article_ids[j], float(c)) for j, c in zip(found, cos, strict=True)),
                      key=lambda x: (-x[1], x[0]))

    def _in_window(self, labels: np.ndarray, dists: np.ndarray, day: float | None) -> list[tuple[int, float]]:
        """(label, cosine) of the neighbours close enough in time to share a story."""
        out = []
        gap = self.params.max_gap_days
        for label, dist in zip(labels.tolist(), dists.tolist(), strict=True):
            other = self.article_day[label]
            if day is None or other is None or abs(day - other) <= gap:
                out.append((label, 1.0 - dist))
        return out

    def _best_story(self, vec: Vectors, day: float | None, tokens: frozenset[str],
                    cands: list[tuple[int, float]]) -> tuple[int | None, float]:
        n = len(self.article_ids)
        if n == 0:
            return None, -1.0
        p = self.params
        pair_best: dict[int, float] = {}
        for label, cos in cands:
            story = self.article_story[label]
            st = self.stories[story]
            if day is not None and st.last_day is not None and day - st.last_day > p.max_gap_days:
                continue
            lex = idf_overlap(tokens, self.article_tokens[label], self._df, n)
            score = cos + p.lexical_weight * lex - self._gap(day, self.article_day[label])
            if score > pair_best.get(story, -9.0):
                pair_best[story] = score
        best: int | None = None
        best_score = -9.0
        for story in sorted(pair_best):
            st = self.stories[story]
            cos_c = float(st.centroid_sum @ vec) / max(float(np.linalg.norm(st.centroid_sum)), 1e-9)
            score = (1 - p.centroid_weight) * pair_best[story] + p.centroid_weight * (
                cos_c - self._gap(day, st.last_day))
            if score > best_score:
                best, best_score = story, score
        return best, best_score

    def _stream_density(self, day: float | None) -> float:
        """How dense the stream is around ``day``, in [0, 1] (1 = ``dense_rate`` or more a day).

        In a dense news stream a day is a long time (dozens of stories start and end);
        in a researcher's corpus of a few articles a month it is not. Scaling the gap
        penalty by the recent article rate lets one setting serve both.
        """
        if day is None or not self._sorted_days:
            return 1.0
        lo = bisect.bisect_left(self._sorted_days, day - 7.0)
        hi = bisect.bisect_right(self._sorted_days, day + 1.0)
        return min(1.0, (hi - lo) / 8.0 / self.params.dense_rate)

    def _gap(self, day: float | None, other: float | None) -> float:
        """Penalty growing linearly over the first days of a gap, then saturating."""
        p = self.params
        if day is None or other is None:
            return p.undated_penalty
        return self._density * p.gap_penalty * p.gap_scale * -math.expm1(-abs(day - other) / p.gap_scale)


def cluster_all(ids: Sequence[str], vectors: Vectors, days: Sequence[float | None],
                titles: Sequence[str | None], params: ClusterParams | None = None) -> list[str]:
    """Cluster a whole collection from scratch in date order; story id per input position."""
    order = sorted(range(len(ids)), key=lambda i: (days[i] is None, days[i] or 0.0, ids[i]))
    clusterer = StoryClusterer(vectors.shape[1], params, capacity=len(ids))
    stories = clusterer.add_many([(ids[i], vectors[i], days[i], titles[i]) for i in order])
    out = [""] * len(ids)
    for i, story in zip(order, stories, strict=True):
        out[i] = story
    return out


def representative(clusterer: StoryClusterer, story_id: str, has_title: set[str]) -> str | None:
    """The member nearest its story's centroid among those with a title (ties: earliest id)."""
    idx = clusterer.story_index.get(story_id)
    if idx is None:
        return None
    st = clusterer.stories[idx]
    members = [m for m in st.members if clusterer.article_ids[m] in has_title] or st.members
    space = clusterer.space(clusterer.raw[members])
    sims = space @ st.centroid_sum
    best = max(range(len(members)), key=lambda i: (float(sims[i]), -i))
    return clusterer.article_ids[members[best]]
