"""Multilingual text embeddings behind a small ``Encoder`` interface."""

from .encoder import Encoder, get_encoder

__all__ = ["Encoder", "get_encoder"]
