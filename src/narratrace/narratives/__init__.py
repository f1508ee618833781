"""Known narratives: the catalogue, matching with stance and evidence, discovery."""

from .catalogue import Catalogue, CatalogueError, Narrative, load_catalogue
from .stage import NarrativeStage, get_matcher

__all__ = ["Catalogue", "CatalogueError", "Narrative", "NarrativeStage", "get_matcher", "load_catalogue"]
