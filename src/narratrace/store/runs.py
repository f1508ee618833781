"""Runs (one row per ``analyze``, ``watch`` poll or HTTP analysis) and the inputs they rejected."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update

from ..records import Rejection
from . import schema
from .base import Db, now


class Runs:
    def __init__(self, db: Db) -> None:
        self._db = db

    def start(self, command_name: str, inputs: Sequence[str]) -> int:
        with self._db.begin() as conn:
            result = conn.execute(
                insert(schema.runs).values(started_at=now(), command=command_name, inputs=list(inputs))
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish(self, run_id: int, stats: dict[str, Any]) -> None:
        with self._db.begin() as conn:
            conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(finished_at=now(), stats=stats))

    def list(self) -> list[dict[str, Any]]:
        with self._db.connect() as conn:
            return [dict(r) for r in conn.execute(select(schema.runs).order_by(schema.runs.c.id)).mappings()]

    def last_id(self) -> int | None:
        with self._db.connect() as conn:
            return conn.execute(select(func.max(schema.runs.c.id))).scalar()

    def exists(self, run_id: int) -> bool:
        with self._db.connect() as conn:
            return conn.execute(select(schema.runs.c.id).where(schema.runs.c.id == run_id)).first() is not None

    # -- rejections ---------------------------------------------------------------
    def reject(self, rejection: Rejection, run_id: int) -> None:
        """Record an input that was not accepted, with its reason."""
        with self._db.begin() as conn:
            conn.execute(
                insert(schema.rejections).values(
                    run_id=run_id,
                    source_path=rejection.source.path,
                    source_url=rejection.source.url,
                    source_line=rejection.source.line,
                    reason=rejection.reason,
                    detail=rejection.detail,
                    created_at=now(),
                )
            )

    def rejections(self, run_id: int | None = None) -> builtins.list[dict[str, Any]]:
        query = select(schema.rejections).order_by(schema.rejections.c.id)
        if run_id is not None:
            query = query.where(schema.rejections.c.run_id == run_id)
        with self._db.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
