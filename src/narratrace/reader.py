"""The read API of a narratrace store, as ``narratrace.open(db)`` returns it (docs/python.md).

Five namespaces over one store, typed by what they may do: ``articles``, ``stories``,
``entities``, ``narratives`` and ``provenance(story_id)``. They are the store's own read
models (the ones the CLI, the REST API, the dashboard and the report use), exposed
through protocols that name only reads, so a script that opens a store cannot write to
it by accident (``mypy`` says so) and gets the same answers as ``narratrace stories``.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Literal, Protocol

from .records import Article
from .store import EntitySummary, NarrativeStats, Store, StorySummary, open_store


class ArticleReads(Protocol):
    def get(self, article_id: str) -> Article | None:
        """One article by id, or None."""

    def get_many(self, ids: Sequence[str]) -> list[Article]:
        """Articles by id, in the order asked (unknown ids skipped)."""

    def iter(self, run_id: int | None = None, order: str = "seq", batch: int = 500) -> Iterator[Article]:
        """Every stored article (or one run's), streamed; ``order`` "seq" (arrival) or "published"."""

    def count(self, run_id: int | None = None, in_story: bool = False) -> int:
        """How many articles are stored (by one run; only those in a story)."""

    def record(self, article_id: str) -> dict[str, Any] | None:
        """The JSONL record of one article (docs/record.md), as ``narratrace export`` writes it."""


class StoryReads(Protocol):
    def list(self, min_size: int = 1, limit: int | None = None) -> list[StorySummary]:
        """Stories, largest first, then most recent (``narratrace stories``)."""

    def article_ids(self, story_id: str) -> builtins.list[str]:
        """A story's article ids, earliest first (undated last)."""


class EntityReads(Protocol):
    def list(
        self,
        type: str | None = None,
        min_mentions: int = 1,
        limit: int | None = None,
        sort: Literal["mentions", "articles"] = "mentions",
    ) -> list[EntitySummary]:
        """Entities with counts, languages, outlets and spellings (``narratrace entities``)."""

    def detail(self, entity_id: str) -> dict[str, Any] | None:
        """One entity: name, type, aliases, spellings and languages."""


class NarrativeReads(Protocol):
    def stats(self) -> dict[str, NarrativeStats]:
        """Per matched narrative: articles, scores, stances, languages, outlets, first and last date."""

    def timeline(self, narrative_id: str, limit: int = 1000) -> list[dict[str, Any]]:
        """The articles matching one narrative, oldest first (``narratrace narratives show``)."""


class Reader:
    """A store opened for reading. Close it (or use ``with``) to release its connections."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.articles: ArticleReads = store.articles
        self.stories: StoryReads = store.stories
        self.entities: EntityReads = store.entities
        self.narratives: NarrativeReads = store.narratives

    def provenance(self, story_id: str) -> dict[str, Any] | None:
        """Who first told a story, who relayed, copied or translated it (``narratrace provenance``);
        None for an unknown story."""
        from .provenance import provenance

        return provenance(self._store, story_id)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_reader(db: str | os.PathLike[str] = "narratrace.db") -> Reader:
    """Open the store at a path or SQLAlchemy URL for reading (``narratrace.open``).

    A path must name an existing database (``FileNotFoundError`` otherwise): reading never
    creates one. A store written by an older narratrace is brought to the current schema first.
    """
    db = os.fspath(db)
    if "://" not in db and not os.path.exists(db):
        raise FileNotFoundError(f"no narratrace database at {db!r}; create one with narratrace.analyze or "
                                f"`narratrace analyze PATH... --db {db}`")
    return Reader(open_store(db))
