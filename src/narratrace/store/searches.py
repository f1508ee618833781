"""Saved searches: an analyst's standing queries, and how far new articles were checked.

The id is a hash of what is searched (query, mode, language), so saving the same search again
renames it instead of adding a second one that would alert twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from . import schema
from .base import Db

SS, A = schema.saved_searches, schema.articles
MODES = ("hybrid", "text", "semantic")


def search_id(query: str, mode: str, lang: str | None) -> str:
    return hashlib.sha256(f"{mode}\0{lang or ''}\0{query}".encode()).hexdigest()[:12]


class SavedSearches:
    def __init__(self, db: Db) -> None:
        self._db = db

    def save(self, name: str, query: str, mode: str = "hybrid", lang: str | None = None) -> dict[str, Any]:
        """Save (or rename) a search; alerts start with the articles stored after this moment."""
        sid = search_id(query, mode, lang)
        with self._db.begin() as conn:
            newest = conn.execute(select(func.max(A.c.seq))).scalar() or 0
            if conn.execute(select(SS.c.id).where(SS.c.id == sid)).first() is not None:
                conn.execute(update(SS).where(SS.c.id == sid).values(name=name))
            else:
                conn.execute(insert(SS).values(id=sid, name=name, query=query, mode=mode, lang=lang,
                                               created_at=dt.datetime.now(dt.UTC), last_seq=int(newest)))
        found = self.get(sid)
        assert found is not None
        return found

    def get(self, sid: str) -> dict[str, Any] | None:
        with self._db.connect() as conn:
            row = conn.execute(select(SS).where(SS.c.id == sid)).mappings().first()
        return _row(row) if row is not None else None

    def list(self) -> list[dict[str, Any]]:
        """Every saved search, by name."""
        with self._db.connect() as conn:
            return [_row(r) for r in conn.execute(select(SS).order_by(SS.c.name, SS.c.id)).mappings()]

    def delete(self, sid: str) -> bool:
        with self._db.begin() as conn:
            return bool(conn.execute(delete(SS).where(SS.c.id == sid)).rowcount)

    def checked(self, sid: str, seq: int) -> None:
        """New articles up to arrival number ``seq`` have been checked against this search."""
        with self._db.begin() as conn:
            conn.execute(update(SS).where(SS.c.id == sid, SS.c.last_seq < seq).values(last_seq=seq))

    def newest_seq(self) -> int:
        with self._db.connect() as conn:
            return int(conn.execute(select(func.max(A.c.seq))).scalar() or 0)


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    created = out.get("created_at")
    out["created_at"] = created.isoformat(timespec="seconds") if isinstance(created, dt.datetime) else created
    return out
