"""Multilingual text embeddings behind a small ``Encoder`` interface.

``get_encoder(spec)`` gives the encoder a configuration names (the shipped USE v3 by
default, ``onnx:DIR`` for a local ONNX model, or a plug-in); ``vector_key(spec)`` is
the key its pooled article vectors are stored under.
"""

from .encoder import Encoder
from .registry import DEFAULT_ENCODER, encoder_identity, get_encoder, vector_key

__all__ = ["DEFAULT_ENCODER", "Encoder", "encoder_identity", "get_encoder", "vector_key"]
