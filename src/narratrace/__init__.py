"""narratrace: trace disinformation narratives across outlets and languages.

The public Python API (docs/python.md): ``analyze``, ``similarity``, ``match_claims`` and
``open`` (a store's read API); everything else in the package is internal by convention.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .api import analyze, match_claims, similarity

if TYPE_CHECKING:
    from .reader import Reader

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "match_claims", "open", "similarity"]


def open(db: str | os.PathLike[str] = "narratrace.db") -> Reader:
    """Open a store for reading: ``articles``, ``stories``, ``entities``, ``narratives``, ``provenance``.

    ``db`` is a SQLite path (it must exist: reading never creates one) or a SQLAlchemy URL.
    Examples, run by the tests, are in docs/python.md.
    """
    from .reader import open_reader  # the store (SQLAlchemy, Alembic) is imported when first opened

    return open_reader(db)
