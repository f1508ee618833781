"""The store: the only package that speaks SQL (SQLAlchemy Core, SQLite or PostgreSQL).

``Store`` is a facade of domain namespaces (``store.articles``, ``store.stories``, ...);
see ``store.py`` and docs/architecture.md.
"""

from .base import StoreError
from .entities import EntitySummary, IndexEntry
from .listing import ArticleFilter, QueryError
from .narratives import NarrativeStats
from .search import END, HIT
from .store import Store, open_store, resolve_db_url
from .stories import Member, Placed, StorySummary

__all__ = [
    "END",
    "HIT",
    "ArticleFilter",
    "EntitySummary",
    "IndexEntry",
    "Member",
    "NarrativeStats",
    "Placed",
    "QueryError",
    "Store",
    "StoreError",
    "StorySummary",
    "open_store",
    "resolve_db_url",
]
