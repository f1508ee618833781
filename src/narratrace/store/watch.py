"""What ``narratrace watch`` has taken from each source, and the alerts it raised.

Items are marked seen only after their alerts are recorded; alerts are written before
they are delivered and marked delivered afterwards, with unique keys: an interrupted
watch redoes work without repeating it and re-sends only undelivered alerts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import schema
from .base import Db, chunks, now

W, AL = schema.watch_items, schema.alerts


class Watch:
    def __init__(self, db: Db) -> None:
        self._db = db

    def seen(self, source: str, keys: Iterable[str]) -> set[str]:
        """Which of these item keys of ``source`` were already taken."""
        found: set[str] = set()
        with self._db.connect() as conn:
            for chunk in chunks(list(keys)):
                found.update(conn.execute(
                    select(W.c.item_key).where(and_(W.c.source == source, W.c.item_key.in_(chunk)))
                ).scalars())
        return found

    def mark(self, source: str, key: str, article_id: str | None) -> None:
        with self._db.begin() as conn:
            if conn.execute(select(W.c.item_key).where(and_(W.c.source == source, W.c.item_key == key))).first():
                return
            conn.execute(insert(W).values(source=source, item_key=key, seen_at=now(), article_id=article_id))

    def raise_alert(self, key: str, kind: str, payload: dict[str, Any]) -> bool:
        """Record an alert once; False when that key was already raised (here or by another watcher)."""
        try:
            with self._db.begin() as conn:
                if conn.execute(select(AL.c.id).where(AL.c.key == key)).scalar() is not None:
                    return False
                conn.execute(insert(AL).values(key=key, kind=kind, created_at=now(), payload=payload))
            return True
        except IntegrityError:  # raced with another watcher on the same key
            return False

    def undelivered(self, limit: int = 1000) -> list[tuple[int, dict[str, Any]]]:
        """(id, payload) of alerts not delivered yet, oldest first."""
        with self._db.connect() as conn:
            rows = conn.execute(
                select(AL.c.id, AL.c.payload).where(AL.c.delivered_at.is_(None)).order_by(AL.c.id).limit(limit)
            ).all()
        return [(int(i), dict(p)) for i, p in rows]

    def delivered(self, alert_id: int) -> None:
        with self._db.begin() as conn:
            conn.execute(update(AL).where(AL.c.id == alert_id).values(delivered_at=now()))

    def alerts(self, key_prefix: str, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
        """(how many, the newest ``limit`` payloads) of the alerts whose key starts with ``key_prefix``
        (``search:<id>:`` for one saved search's new matches)."""
        like = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = AL.c.key.like(like, escape="\\")
        with self._db.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(AL).where(where)).scalar() or 0)
            rows = conn.execute(select(AL.c.payload).where(where).order_by(AL.c.id.desc()).limit(limit)).scalars()
            return total, [dict(p) for p in rows]
