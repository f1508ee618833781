"""Keeping the clusterer between runs: an HNSW file and a state file beside the database.

Loading them costs a read, so adding N articles to a store of M costs N log M
searches instead of re-clustering. The files are derived data: when they are missing,
stale (another process wrote articles, a backup was restored) or unreadable, the
state is rebuilt from the ``vectors`` table and the stored story ids, so the
database stays the single source of truth. The files name the vector model they hold:
after the encoder is switched they are rebuilt from that encoder's vectors (computed
then for the articles that have none), never mixed with another vector space. No
pickle: numpy arrays and JSON only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import hnswlib
import numpy as np

from ..store import Store
from .cluster import ClusterParams, Projection, Story, StoryClusterer
from .text import parse_day

INDEX_FILE = "stories.hnsw"
STATE_FILE = "stories.state.npz"
STATE_VERSION = 1
LEGACY_MODEL = "use-m3.v1/pooled.v1"  # state files written before they named their model

# Computes and stores the missing vectors of these stored articles, and returns them.
EmbedMissing = Callable[[Store, Sequence[str]], Mapping[str, np.ndarray]]


def save(clusterer: StoryClusterer, store: Store, model: str) -> None:
    index_path, state_path = store.side_path(INDEX_FILE), store.side_path(STATE_FILE)
    n = len(clusterer)
    meta = {
        "version": STATE_VERSION,
        "model": model,
        "projection": _projection_params(clusterer.params),
        "ids": clusterer.article_ids,
        "story": clusterer.article_story,
        "day": clusterer.article_day,
        "tokens": [sorted(t) for t in clusterer.article_tokens],
        "stories": [[s.id, s.first_day, s.last_day, s.members] for s in clusterer.stories],
    }
    arrays: dict[str, np.ndarray] = {"raw": clusterer.raw[:n], "meta": np.asarray(json.dumps(meta))}
    if clusterer.projection is not None:
        arrays["mean"] = clusterer.projection.mean
        arrays["components"] = clusterer.projection.components
    tmp_state = state_path.with_name(state_path.name + ".tmp.npz")
    tmp_index = index_path.with_name(index_path.name + ".tmp")
    np.savez(tmp_state, **arrays)  # type: ignore[arg-type]
    clusterer.index.save_index(str(tmp_index))
    os.replace(tmp_index, index_path)
    os.replace(tmp_state, state_path)


def _projection_params(params: ClusterParams) -> list[int]:
    """The settings that shape the saved vector space (the others only score in it)."""
    return [params.components, params.fit_after]


def _stored_count(store: Store) -> int:
    return store.articles.count(in_story=True)


def load(store: Store, dim: int, params: ClusterParams, model: str,
         embed_missing: EmbedMissing | None = None) -> StoryClusterer:
    """The saved clusterer if it matches the database and the model, else one rebuilt from it."""
    expected = _stored_count(store)
    try:
        clusterer = _load_files(store.side_path(INDEX_FILE), store.side_path(STATE_FILE), dim, params, model)
    except (OSError, ValueError, KeyError, RuntimeError):
        clusterer = None
    if clusterer is not None and len(clusterer) == expected:
        return clusterer
    return rebuild(store, dim, params, model, embed_missing)


def _load_files(index_path: Path, state_path: Path, dim: int, params: ClusterParams,
                model: str) -> StoryClusterer | None:
    if not index_path.exists() or not state_path.exists():
        return None
    with np.load(state_path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("version") != STATE_VERSION or meta.get("model", LEGACY_MODEL) != model:
            return None
        if meta.get("projection", _projection_params(params)) != _projection_params(params):
            return None  # the space was built with other settings: rebuild it with these
        raw = np.asarray(data["raw"], dtype=np.float32)
        projection = Projection(data["mean"], data["components"]) if "mean" in data else None
    n = len(meta["ids"])
    clusterer = StoryClusterer(dim, params, capacity=16, projection=projection)
    index = hnswlib.Index(space="ip", dim=dim)  # loaded into a blank index (not an initialised one)
    index.load_index(str(index_path), max_elements=max(2 * n, 1024))
    index.set_ef(params.ef)
    index.set_num_threads(1)
    clusterer.index = index
    if clusterer.index.get_current_count() != n or raw.shape != (n, dim):
        return None
    clusterer.raw = np.concatenate([raw, np.zeros((max(n, 16), dim), dtype=np.float32)])
    clusterer.article_ids = list(meta["ids"])
    clusterer.article_story = list(meta["story"])
    clusterer.article_day = list(meta["day"])
    clusterer.article_tokens = [frozenset(t) for t in meta["tokens"]]
    space = clusterer.space(raw) if n else raw
    for sid, first, last, members in meta["stories"]:
        clusterer.stories.append(Story(sid, first, last, len(members), space[members].sum(axis=0),
                                       list(members)))
    clusterer.story_index = {s.id: i for i, s in enumerate(clusterer.stories)}
    clusterer.rebuild_derived()
    return clusterer


def rebuild(store: Store, dim: int, params: ClusterParams, model: str,
            embed_missing: EmbedMissing | None = None) -> StoryClusterer:
    """Re-add every article that has a story, in date order, keeping its stored story.

    Articles with no vector of ``model`` (the encoder was switched) get one from
    ``embed_missing`` first; without it they are left out of the state.
    """
    rows = store.stories.placed()
    clusterer = StoryClusterer(dim, params, capacity=max(len(rows), 1024))
    for i in range(0, len(rows), 2000):
        chunk = rows[i : i + 2000]
        vectors = store.vectors.get(model, [r.id for r in chunk])
        missing = [r.id for r in chunk if r.id not in vectors]
        if missing and embed_missing is not None:
            vectors.update(embed_missing(store, missing))
        for row in chunk:
            vec = vectors.get(row.id)
            if vec is None:
                continue
            clusterer.restore(row.id, vec, parse_day(row.published), row.title or row.body[:300],
                              row.story_id)
    clusterer.flush()
    return clusterer
