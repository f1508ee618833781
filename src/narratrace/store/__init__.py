"""The store: one SQLAlchemy engine, versioned schema, one transaction per article."""

from .store import Store, open_store, resolve_db_url

__all__ = ["Store", "open_store", "resolve_db_url"]
