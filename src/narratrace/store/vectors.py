"""Article vectors (one per article and model) and the body sketches that find verbatim copies.

The vector table is the source of truth; ANN index files beside the database are
rebuilt or extended from it. Sketches are the MinHash minima of each body
(``stories/sketch.py``): copy candidates that do not depend on the headline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select

from ..embed.sentences import SentenceSet
from . import schema
from .base import Db, chunks, insert_replacing

Vector = npt.NDArray[np.float32]
A, V, SV = schema.articles, schema.vectors, schema.sentence_vectors


class Vectors:
    def __init__(self, db: Db) -> None:
        self._db = db

    def put(self, model: str, vectors: dict[str, Vector]) -> None:
        if not vectors:
            return
        with self._db.begin() as conn:
            conn.execute(
                insert_replacing(self._db.dialect, V),
                [
                    {
                        "article_id": aid,
                        "model": model,
                        "dim": int(vec.shape[-1]),
                        "vector": np.asarray(vec, dtype=np.float32).tobytes(),
                    }
                    for aid, vec in vectors.items()
                ],
            )

    def get(self, model: str, ids: Sequence[str] | None = None) -> dict[str, Vector]:
        """Stored vectors of one model; all of them when ``ids`` is None."""
        query = select(V.c.article_id, V.c.vector).where(V.c.model == model)
        out: dict[str, Vector] = {}
        with self._db.connect() as conn:
            if ids is None:
                rows: Iterable[Any] = conn.execute(query)
                out = {aid: np.frombuffer(blob, dtype=np.float32) for aid, blob in rows}
            else:
                for chunk in chunks(ids):
                    for aid, blob in conn.execute(query.where(V.c.article_id.in_(chunk))):
                        out[aid] = np.frombuffer(blob, dtype=np.float32)
        return out

    def fingerprint(self, model: str) -> tuple[int, int]:
        """(newest arrival number, number of vectors of ``model``): what changed since a look."""
        with self._db.connect() as conn:
            max_seq = conn.execute(select(func.max(A.c.seq))).scalar() or 0
            n_vectors = conn.execute(select(func.count()).select_from(V).where(V.c.model == model)).scalar()
        return int(max_seq), int(n_vectors or 0)

    def since(self, model: str, seq: int) -> list[tuple[str, Vector]]:
        """Vectors of ``model`` of the articles stored after arrival number ``seq``."""
        query = select(A.c.id, V.c.vector).join(V, (V.c.article_id == A.c.id) & (V.c.model == model))
        with self._db.connect() as conn:
            rows = conn.execute(query.where(A.c.seq > seq)).all()
        return [(aid, np.frombuffer(blob, dtype=np.float32)) for aid, blob in rows]

    def missing(self, model: str, since: int, limit: int, chars: int = 2000) -> list[tuple[str, str | None, str]]:
        """(id, title, start of body) of the newest articles after ``since`` without a vector of ``model``."""
        query = (
            select(A.c.id, A.c.title, func.substr(A.c.body, 1, chars))
            .outerjoin(V, (V.c.article_id == A.c.id) & (V.c.model == model))
            .where(V.c.article_id.is_(None), A.c.seq > since)
            .order_by(A.c.seq.desc())
            .limit(limit)
        )
        with self._db.connect() as conn:
            return [(aid, title, body) for aid, title, body in conn.execute(query)]

    # -- sentence vectors: each article's units, encoded once (embed/sentences.py) ----------
    # One row per article and encoder key, not per sentence: every reader wants all units
    # of an article at once (translation evidence aligns them all, re-matching scores them
    # all), and one row of two blobs is one index lookup for 20-150 units.
    def put_sentences(self, model: str, sets: dict[str, SentenceSet]) -> None:
        """Store (or replace) the units and vectors of these articles for one encoder key."""
        if not sets:
            return
        rows = [
            {
                "article_id": aid,
                "model": model,
                "n": len(s),
                "dim": int(s.vectors.shape[1]) if s.vectors.ndim == 2 else 0,
                "spans": np.ascontiguousarray(s.spans, dtype=np.int32).tobytes(),
                "vectors": np.ascontiguousarray(s.vectors, dtype=np.float32).tobytes(),
            }
            for aid, s in sets.items()
        ]
        with self._db.begin() as conn:
            conn.execute(insert_replacing(self._db.dialect, SV), rows)

    def get_sentences(self, model: str, ids: Sequence[str]) -> dict[str, SentenceSet]:
        """The stored units of these articles (those without any are absent)."""
        query = select(SV.c.article_id, SV.c.n, SV.c.dim, SV.c.spans, SV.c.vectors).where(SV.c.model == model)
        out: dict[str, SentenceSet] = {}
        with self._db.connect() as conn:
            for chunk in chunks(list(dict.fromkeys(ids))):
                for aid, n, dim, spans, vectors in conn.execute(query.where(SV.c.article_id.in_(chunk))):
                    out[aid] = SentenceSet(
                        np.frombuffer(spans, dtype=np.int32).reshape(n, 2),
                        np.frombuffer(vectors, dtype=np.float32).reshape(n, dim),
                    )
        return out

    def sentence_ids(self, model: str, ids: Sequence[str]) -> set[str]:
        """Which of these articles have stored units for the key (without reading the blobs)."""
        found: set[str] = set()
        with self._db.connect() as conn:
            for chunk in chunks(list(ids)):
                found.update(conn.execute(select(SV.c.article_id).where(
                    SV.c.model == model, SV.c.article_id.in_(chunk))).scalars())
        return found


class Sketches:
    NO_SKETCH = -1  # a row saying "sketched, too short to have one" (real minima are >= 0)

    def __init__(self, db: Db) -> None:
        self._db = db

    def put(self, sketches: dict[str, Sequence[int]]) -> None:
        """The MinHash minima of these articles' bodies (replacing any they had)."""
        table = schema.copy_sketches
        if not sketches:
            return
        rows = [{"article_id": aid, "value": int(v)} for aid, values in sketches.items()
                for v in (set(values) or {self.NO_SKETCH})]
        with self._db.begin() as conn:
            conn.execute(delete(table).where(table.c.article_id.in_(list(sketches))))
            conn.execute(insert_replacing(self._db.dialect, table), rows)  # a concurrent writer's same rows

    def unsketched(self, limit: int = 500) -> list[tuple[str, str]]:
        """(id, body) of stored articles without a sketch (stored before sketches existed)."""
        cs = schema.copy_sketches
        query = (select(A.c.id, A.c.body).outerjoin(cs, cs.c.article_id == A.c.id)
                 .where(cs.c.article_id.is_(None)).order_by(A.c.seq).limit(limit))
        with self._db.connect() as conn:
            return [(row.id, row.body) for row in conn.execute(query)]

    def candidates(self, values: Sequence[int], exclude: str, min_shared: int, limit: int) -> list[str]:
        """Articles sharing at least ``min_shared`` minima with ``values``, most shared first."""
        if not values:
            return []
        table = schema.copy_sketches
        shared = func.count().label("shared")
        query = (
            select(table.c.article_id, shared)
            .where(table.c.value.in_(sorted(set(int(v) for v in values))), table.c.article_id != exclude)
            .group_by(table.c.article_id)
            .having(func.count() >= min_shared)
            .order_by(shared.desc(), table.c.article_id)
            .limit(limit)
        )
        with self._db.connect() as conn:
            return [row.article_id for row in conn.execute(query)]
