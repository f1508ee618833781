"""Which encoder a configuration names, and under which key its vectors are stored.

An encoder is named by a spec string (``[stages."stories.v1"] encoder = ...``):

- ``use-m3.v1``: the shipped multilingual USE v3 (the default);
- ``onnx:DIR``: a sentence encoder exported to ONNX in a local directory (see
  ``onnx.OnnxEncoder``), for teams with a stronger model on disk (nothing is
  downloaded);
- any other name: an encoder in the ``encoders`` registry (``narratrace.registry``): an
  installed package's ``narratrace.encoders`` entry point, or a session's ``register()``
  (a zero-argument factory returning an ``Encoder``), so a plug-in needs no change here.

Stored vectors are keyed by the encoder's *identity*, not by the spec: an ONNX
model is identified by its directory name and a hash of its files, so moving the
directory keeps its vectors, while replacing the model inside it never mixes two
vector spaces in one index.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from ..registry import ENCODERS, UnknownNameError
from .encoder import Encoder, USEEncoder

DEFAULT_ENCODER = USEEncoder.name
ONNX_PREFIX = "onnx:"
ENTRY_POINT_GROUP = ENCODERS.entry_point_group
POOLING_VERSION = "pooled.v2"  # bump when embed_documents changes what an article vector is
_MAX_KEY = 64  # the width of vectors.model in the store


def _entry_point(name: str) -> Any:
    try:
        return ENCODERS.load(name)
    except UnknownNameError:
        raise LookupError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS.names())}, "
                          "or onnx:DIRECTORY") from None


def get_encoder(spec: str | None = DEFAULT_ENCODER) -> Encoder:
    """The process-wide encoder for a spec (loaded once, shared by every stage).

    ``None`` and ``""`` mean the default, and are the same cache entry as naming it:
    ``get_encoder()`` and ``get_encoder("use-m3.v1")`` once loaded the model twice.
    """
    return _load(spec or DEFAULT_ENCODER)


def clear_encoders() -> None:
    """Forget the loaded encoders (tests that register a fake plug-in)."""
    _load.cache_clear()


@functools.cache
def _load(spec: str) -> Encoder:
    if spec == DEFAULT_ENCODER:
        return USEEncoder()
    if spec.startswith(ONNX_PREFIX):
        from .onnx import OnnxEncoder

        return OnnxEncoder(spec[len(ONNX_PREFIX) :])
    factory = _entry_point(spec)
    encoder = factory()
    if not isinstance(encoder, Encoder):
        raise TypeError(f"encoder {spec!r} from {ENTRY_POINT_GROUP} lacks name, dim or encode()")
    return encoder


@functools.cache
def encoder_identity(spec: str = DEFAULT_ENCODER) -> str:
    """What the vectors of this encoder are stored as (without loading the model)."""
    if spec == DEFAULT_ENCODER:
        return DEFAULT_ENCODER
    if spec.startswith(ONNX_PREFIX):
        from .onnx import model_identity

        return model_identity(spec[len(ONNX_PREFIX) :])
    return str(getattr(_entry_point(spec), "name", spec))


def vector_key(spec: str = DEFAULT_ENCODER) -> str:
    """The ``vectors.model`` key of pooled article vectors made with this encoder."""
    key = f"{encoder_identity(spec)}/{POOLING_VERSION}"
    if len(key) > _MAX_KEY:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        key = f"{key[: _MAX_KEY - len(POOLING_VERSION) - 19]}~{digest}/{POOLING_VERSION}"
    return key
