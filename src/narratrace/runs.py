"""One run lifecycle: start, an outcome per input item, then finish, or fail with the reason.

``analyze`` (files), ``POST /api/analyze`` (a request body) and ``watch`` (a poll of one
source) all run their items through ``pipeline.run_items``, which opens a ``Run``: the
run row is written when it starts, and ended either with its summary or, whatever
stopped it (an unreachable scheduler, Ctrl+C, a store gone away), with ``failed`` and
the reason, so no run is left looking unfinished.

``RunSummary`` says what happened to every input (``outcomes``, in input order, with the
stored article's id) and where the time went (``stages``: per-stage item counts and
seconds, summed over workers), so callers never re-hash items to find their ids.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ingest.walk import Skipped
from .records import Rejection, SourceRef

if TYPE_CHECKING:
    from .store import Store

# What can happen to one input item.
STORED = "stored"  # a new article
ALREADY_STORED = "already_stored"  # same content stored by an earlier run
DUPLICATE = "duplicate"  # same content as an earlier item of this run
REJECTED = "rejected"
SKIPPED = "skipped"  # a file of an unsupported type met in a folder


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one input item; ``article_id`` is set unless it was rejected or skipped."""

    source: SourceRef
    status: str
    article_id: str | None = None
    reason: str | None = None


@dataclass
class StageStats:
    """How many items a stage saw and the seconds it spent on them (all workers together)."""

    count: int = 0
    seconds: float = 0.0

    def add(self, seconds: float, count: int = 1) -> None:
        self.count += count
        self.seconds += seconds


@dataclass
class RunSummary:
    run_id: int
    read: int = 0
    accepted: int = 0
    already_stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    languages: collections.Counter[str] = field(default_factory=collections.Counter)
    corpus_errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    stages: dict[str, StageStats] = field(default_factory=dict)
    seconds: float = 0.0
    cancelled: bool = False  # stopped early on request: the items read until then were analysed

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        return dict(collections.Counter(r.reason for r in self.rejected))

    def stage(self, name: str) -> StageStats:
        return self.stages.setdefault(name, StageStats())

    def ids_of(self, statuses: Sequence[str] = (STORED, ALREADY_STORED, DUPLICATE)) -> list[str]:
        """Article ids of the items with these outcomes, in input order, each once."""
        seen: dict[str, None] = {}
        for outcome in self.outcomes:
            if outcome.article_id and outcome.status in statuses:
                seen.setdefault(outcome.article_id)
        return list(seen)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "read": self.read,
            "accepted": self.accepted,
            "already_stored": self.already_stored,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "rejected_by_reason": self.rejected_by_reason,
            "skipped": len(self.skipped),
            "languages": dict(self.languages),
            "corpus_errors": self.corpus_errors,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "stages": {k: {"count": v.count, "seconds": round(v.seconds, 3)} for k, v in self.stages.items()},
        }


class Run:
    """A run row in the store: ``start`` it, then ``finish`` it with its summary or ``fail`` it."""

    def __init__(self, store: Store, kind: str, inputs: Sequence[str]) -> None:
        self.store = store
        self.id = store.runs.start(kind, [str(i) for i in inputs])
        self.ended = False

    def finish(self, summary: RunSummary) -> None:
        self.store.runs.finish(self.id, summary.as_dict())
        self.ended = True

    def fail(self, reason: BaseException | str) -> None:
        text = repr(reason) if isinstance(reason, BaseException) else reason
        self.store.runs.finish(self.id, {"failed": text[:500]})
        self.ended = True
