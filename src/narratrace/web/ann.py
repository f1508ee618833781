"""An HNSW index over the semantic-search matrix, built in the background, kept in step by rows.

Why: scoring a query against 100,000 stored vectors reads the whole 200 MB matrix, about
15 ms of memory traffic per batch, and under twenty concurrent analysts that is what
the server spends its cores on. An HNSW graph (hnswlib, already used by the stories
stage) answers in under a millisecond. Building it for 100,000 vectors takes some
twenty seconds, so it is built on a thread of its own from a snapshot while exact
search serves; afterwards the rows that changed since the snapshot are added before
each query batch. Small corpora stay exact: below ``min_rows`` a full scan is cheap and
gives the true ranking.

The index holds row numbers of the matrix (its labels); the caller maps them to ids and
re-scores the candidates exactly, so an approximate neighbour list never carries an
approximate score.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)
Matrix = npt.NDArray[np.float32]


class AnnIndex:
    """HNSW over the rows of a growing matrix; ``None`` answers mean "use exact search"."""

    def __init__(self, min_rows: int = 20_000, max_k: int = 200, m: int = 12, ef_construction: int = 60) -> None:
        self.min_rows = min_rows
        self.max_k = max_k
        self._m = m
        self._ef_construction = ef_construction
        self._lock = threading.Lock()
        self._index: Any = None  # hnswlib.Index once built
        self._generation = -1  # the matrix generation the index belongs to
        self._synced = 0  # position in the matrix's change log up to which the index is current
        self._building = False
        self._thread: threading.Thread | None = None

    def search(
        self, generation: int, matrix: Matrix, changes: list[int], queries: Matrix, k: int
    ) -> npt.NDArray[np.int64] | None:
        """Candidate rows per query (``len(queries) x k``), or ``None`` when exact search should answer.

        ``changes`` is the matrix's log of rows written since its generation began (appended
        or overwritten), so the index can catch up with exactly those rows.
        """
        n = len(matrix)
        if n < self.min_rows or k > self.max_k or k >= n:
            return None
        with self._lock:
            index, current = self._index, self._generation == generation
            if not current and not self._building:
                self._start_build(generation, matrix, len(changes))
        if index is None or not current:
            return None
        try:
            self._catch_up(index, matrix, changes)
            index.set_ef(max(64, 2 * k))
            labels, _ = index.knn_query(queries, k=k, num_threads=1)
        except RuntimeError:  # hnswlib found fewer than k neighbours: let the exact scan answer
            log.warning("semantic search: ANN query failed, answering exactly", exc_info=True)
            return None
        return np.asarray(labels, dtype=np.int64)

    @property
    def state(self) -> str:
        """``ready`` (HNSW answers), ``building`` (exact search answers meanwhile) or ``exact``."""
        with self._lock:
            if self._index is not None and not self._building:
                return "ready"
            return "building" if self._building else "exact"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background build has finished (for tests and warm-up); True when one is ready."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._index is not None

    def _catch_up(self, index: Any, matrix: Matrix, changes: list[int]) -> None:
        if self._synced >= len(changes):
            return
        rows = np.unique(np.asarray(changes[self._synced :], dtype=np.int64))
        needed = int(rows.max()) + 1
        if needed > index.get_max_elements():
            index.resize_index(max(needed, 2 * index.get_max_elements()))
        index.add_items(matrix[rows], rows, num_threads=1, replace_deleted=False)
        self._synced = len(changes)

    def _start_build(self, generation: int, snapshot: Matrix, synced: int) -> None:
        # no copy: rows written while the graph is built are in the change log after ``synced``
        # and are added again by ``_catch_up``; a grown matrix is a new array, this one stays
        self._building = True
        self._thread = threading.Thread(
            target=self._build, args=(generation, snapshot, synced), name="ann-build", daemon=True
        )
        self._thread.start()

    def _build(self, generation: int, snapshot: Matrix, synced: int) -> None:
        try:
            import hnswlib

            index = hnswlib.Index(space="ip", dim=snapshot.shape[1])
            index.init_index(
                max_elements=max(1024, int(len(snapshot) * 1.25)),
                M=self._m,
                ef_construction=self._ef_construction,
                random_seed=7,
            )
            index.add_items(snapshot, np.arange(len(snapshot)), num_threads=1)
            with self._lock:
                self._index, self._generation, self._synced = index, generation, synced
            log.info("semantic search: ANN index of %d vectors ready", len(snapshot))
        except Exception:  # exact search goes on serving
            log.exception("semantic search: building the ANN index failed")
        finally:
            with self._lock:
                self._building = False
