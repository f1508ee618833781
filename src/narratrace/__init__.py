"""narratrace: trace disinformation narratives across outlets and languages."""

__version__ = "0.1.0"
