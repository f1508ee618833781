"""Stories across languages: embeddings, online story clustering, copies and translations.

Python API: ``StoriesStage`` (the ``stories.v1`` corpus stage), ``cluster_all`` /
``StoryClusterer`` (clustering vectors in date order), ``similarity_scores`` /
``text_similarity`` (same-story score of article pairs), ``stories_for_report`` (a view;
listing stories is ``store.stories.list``).
"""

from .cluster import ClusterParams, StoryClusterer, cluster_all
from .similarity import Pair, similarity_scores, text_similarity
from .stage import StoriesStage
from .tables import stories_for_report

__all__ = [
    "ClusterParams",
    "Pair",
    "StoriesStage",
    "StoryClusterer",
    "cluster_all",
    "similarity_scores",
    "stories_for_report",
    "text_similarity",
]
