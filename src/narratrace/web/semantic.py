"""Cross-lingual semantic search: the query's vector against every stored article vector.

The article vectors (those the stories stage wrote with the configured encoder, stored
under ``embed.vector_key(encoder)``) are held in memory as one matrix (100,000 x 512
float32 is 200 MB) and kept in step with the store incrementally. Small corpora are
searched exactly; from 20,000 vectors on, an HNSW index over the same rows (``ann.py``,
built in the background) proposes candidates that are then scored exactly. Articles
without a stored vector are encoded on demand, a bounded number per refresh.

Encoding one short query costs the multilingual encoder about as much as encoding
twenty (the fixed cost of a call dominates), and scoring reads the whole matrix from
memory, so concurrent queries are served together: one thread takes every query
waiting, encodes them in one call and scores them in one matrix product. Under twenty
concurrent analysts that is one round of work where there were twenty.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import numpy as np
import numpy.typing as npt

from ..embed import DEFAULT_ENCODER, Encoder, vector_key
from ..store import Store
from .ann import AnnIndex

log = logging.getLogger(__name__)
Vector = npt.NDArray[np.float32]

MODEL = vector_key(DEFAULT_ENCODER)  # the key of the vectors searched by default
ON_DEMAND_CAP = 300
MAX_BATCH = 64


class SemanticSearcher:
    """Nearest articles for queries from many request threads, answered in shared batches.

    One worker thread takes every query waiting, encodes the new ones in one encoder
    call (a small LRU cache skips repeated queries) and scores them all in one matrix
    product: the 200 MB matrix is read from memory once per batch instead of once per
    query, and the encoder's fixed cost per call is paid once per batch.
    """

    def __init__(
        self, store: Store, factory: Callable[[], Encoder], model: str = MODEL, cache_size: int = 1024
    ) -> None:
        self._factory = factory
        self.vectors = VectorIndex(store, self.encode_texts, model)
        self.ann = AnnIndex()
        self._queue: queue.Queue[tuple[str, int, Future[list[tuple[str, float]]]]] = queue.Queue()
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def encode_texts(self, texts: list[str]) -> Vector:
        return np.asarray(self._factory().encode(texts), dtype=np.float32)

    def submit(self, text: str, k: int) -> Future[list[tuple[str, float]]]:
        """Queue a query; the future holds ``[(article id, cosine)]``, best first."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="semantic-search", daemon=True)
                self._thread.start()
        future: Future[list[tuple[str, float]]] = Future()
        self._queue.put((text, k, future))
        return future

    def nearest(self, text: str, k: int, timeout: float = 120.0) -> list[tuple[str, float]]:
        return self.submit(text, k).result(timeout=timeout)

    def warm_up(self) -> None:
        """Load the encoder and the matrix before the first analyst asks (server start)."""
        try:
            self.nearest("warm-up", 1)
        except Exception:
            log.exception("semantic search warm-up failed")

    def _vectors_for(self, texts: list[str]) -> Vector:
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        new = [t for t in texts if t not in known]
        if new:
            known.update(zip(new, self.encode_texts(new), strict=True))
            with self._lock:
                for t in new:
                    self._cache[t] = known[t]
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.vstack([known[t] for t in texts])

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                texts = list(dict.fromkeys(text for text, _, _ in batch))
                queries = self._vectors_for(texts)
                ids, matrix = self.vectors.current()
                row = {t: i for i, t in enumerate(texts)}
                depth = max(k for _, k, _ in batch)
                candidates = self.ann.search(self.vectors.generation, matrix, self.vectors.changes, queries, depth)
                if candidates is None:
                    # (queries x articles): one pass over the matrix, one contiguous row per query
                    scores = queries @ matrix.T if ids else np.zeros((len(texts), 0), dtype=np.float32)
                    for text, k, future in batch:
                        future.set_result(_top(ids, scores[row[text]], k))
                else:
                    for text, k, future in batch:
                        rows = candidates[row[text]]
                        exact = matrix[rows] @ queries[row[text]]  # the neighbours are approximate, scores not
                        order = np.argsort(-exact)[:k]
                        future.set_result([(ids[rows[i]], float(exact[i])) for i in order])
            except Exception as exc:  # every waiting request gets the error; the thread lives on
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)


def _top(ids: list[str], scores: Vector, k: int) -> list[tuple[str, float]]:
    k = min(k, len(ids))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k] if k < len(ids) else np.arange(len(ids))
    top = top[np.argsort(-scores[top])]
    return [(ids[i], float(scores[i])) for i in top]


class VectorIndex:
    """The in-memory matrix of article vectors, kept in step with the store incrementally.

    A refresh (at most every few seconds, only when the newest article or the number of
    vectors changed) reads the vectors of articles added since the last one, and of the
    articles it had encoded on demand (the stories stage writes theirs later); only a
    change it cannot explain that way (deletions, re-embedding) reloads everything.
    """

    def __init__(
        self,
        store: Store,
        encode: Callable[[list[str]], Vector],
        model: str = MODEL,
        refresh_every: float = 5.0,
    ) -> None:
        self.store = store
        self.model = model
        self.encode = encode
        self._refresh_every = refresh_every
        self._lock = threading.Lock()
        self._checked = 0.0
        self._fingerprint: tuple[int, int] | None = None
        self._dim = 512  # until the first vector says otherwise
        self._reset()

    def _reset(self) -> None:
        # a new generation: every row may change meaning, so derived indexes start over
        self.generation = getattr(self, "generation", -1) + 1
        self.changes: list[int] = []  # rows written in this generation, in order (for the ANN index)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._buf: Vector = np.zeros((1024, self._dim), dtype=np.float32)
        self._stored: set[str] = set()
        self._on_demand: set[str] = set()

    def current(self) -> tuple[list[str], Vector]:
        with self._lock:
            if time.monotonic() - self._checked >= self._refresh_every or self._fingerprint is None:
                fingerprint = self._fingerprint_now()
                if fingerprint != self._fingerprint:
                    self._refresh(fingerprint)
                    self._fingerprint = fingerprint
                self._checked = time.monotonic()
            return self._ids, self._buf[: len(self._ids)]

    def _fingerprint_now(self) -> tuple[int, int]:
        return self.store.vectors.fingerprint(self.model)

    def _refresh(self, fingerprint: tuple[int, int]) -> None:
        _, n_vectors = fingerprint
        if self._fingerprint is None or n_vectors < len(self._stored):
            self._reset()
            self._put(self.store.vectors.get(self.model).items())
            self._encode_missing(0)
            return
        since = self._fingerprint[0]
        self._put(self.store.vectors.since(self.model, since))
        if n_vectors > len(self._stored) and self._on_demand:
            self._put(self.store.vectors.get(self.model, sorted(self._on_demand)).items())
        if n_vectors != len(self._stored):  # something else changed: start over
            self._fingerprint = None
            self._refresh(fingerprint)
            return
        self._encode_missing(since)

    def _put(self, items: Any, stored: bool = True) -> None:
        for aid, vec in items:
            row = self._row.get(aid)
            if not self._ids and len(vec) != self._dim:  # encoders differ in dimension
                self._dim = len(vec)
                self._buf = np.zeros((len(self._buf), self._dim), dtype=np.float32)
            if row is None:
                row = len(self._ids)
                if row >= len(self._buf):
                    grown = np.zeros((2 * len(self._buf), self._buf.shape[1]), dtype=np.float32)
                    grown[: len(self._buf)] = self._buf
                    self._buf = grown
                self._ids.append(aid)
                self._row[aid] = row
            self._buf[row] = vec
            self.changes.append(row)
            if stored:
                self._stored.add(aid)
                self._on_demand.discard(aid)
            else:
                self._on_demand.add(aid)

    def _encode_missing(self, since: int) -> None:
        """Vectors for new articles the stories stage has not embedded (yet), a bounded number."""
        missing = [r for r in self.store.vectors.missing(self.model, since, ON_DEMAND_CAP) if r[0] not in self._row]
        if not missing:
            return
        texts = [f"{title or ''}\n{body or ''}".strip() for _, title, body in missing]
        self._put(zip([r[0] for r in missing], self.encode(texts), strict=True), stored=False)
        if len(missing) == ON_DEMAND_CAP:
            log.warning(
                "semantic search: more than %d articles have no stored vector; run the stories stage to embed them all",
                ON_DEMAND_CAP,
            )
