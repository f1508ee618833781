"""narratrace: trace disinformation narratives across outlets and languages.

The public Python API (docs/python.md): ``analyze``, ``similarity``, ``match_claims``;
everything else in the package is internal by convention.
"""

from .api import analyze, match_claims, similarity

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "match_claims", "similarity"]
