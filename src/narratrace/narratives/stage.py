"""The ``narratives.v1`` analyser stage: catalogue + encoder -> ``article.narratives``.

Why a module-level cache: the pipeline pickles stages to worker processes; the stage keeps
only its options, and each process builds the catalogue index (claim embeddings, read from a
file cache when present) once, on the first article it sees.
"""

from __future__ import annotations

import threading
from typing import Any

from ..embed import get_encoder
from ..records import Article
from .catalogue import Catalogue, load_catalogue
from .matcher import CatalogueIndex, Matcher, MatcherParams

_LOCK = threading.Lock()
_MATCHERS: dict[tuple[Any, ...], Matcher] = {}


def matcher_inputs(
    catalog: str | list[str] | None = None, shipped: bool = True, threshold: float | None = None
) -> tuple[Catalogue, MatcherParams]:
    """The catalogue and parameters a matcher with these options is built from (no model loaded)."""
    dirs = [catalog] if isinstance(catalog, str) else list(catalog) if catalog else None
    return load_catalogue(dirs, shipped=shipped), MatcherParams.load(threshold=threshold)


def get_matcher(
    catalog: str | list[str] | None = None,
    shipped: bool = True,
    threshold: float | None = None,
    encoder: str | None = None,
) -> Matcher:
    """The process-wide matcher for these options (built on first use)."""
    dirs = [catalog] if isinstance(catalog, str) else list(catalog) if catalog else None
    key = (tuple(dirs) if dirs is not None else None, shipped, threshold, encoder)
    with _LOCK:
        found = _MATCHERS.get(key)
        if found is None:
            enc = get_encoder(encoder) if encoder else get_encoder()
            catalogue, params = matcher_inputs(catalog, shipped, threshold)
            found = Matcher(CatalogueIndex(catalogue, enc), enc, params)
            _MATCHERS[key] = found
        return found


def clear_cache() -> None:
    """Forget built matchers (after the catalogue changed in this process)."""
    with _LOCK:
        _MATCHERS.clear()


class NarrativeStage:
    """Per-article stage: adds ``NarrativeMatch`` records (score, stance, evidence spans)."""

    name = "narratives.v1"
    role = "analyser"
    requires = ("body",)  # record fields an earlier stage must assign
    assigns = ("narratives",)

    def __init__(
        self,
        catalog: str | list[str] | None = None,
        shipped: bool = True,
        threshold: float | None = None,
        encoder: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.shipped = shipped
        self.threshold = threshold
        self.encoder = encoder

    def __call__(self, article: Article) -> Article:
        if not article.body.strip() and not (article.title or "").strip():
            return article
        matcher = get_matcher(self.catalog, self.shipped, self.threshold, self.encoder)
        return matcher(article)
