"""Encoders by spec: the shipped USE, a local ONNX model, plug-ins; the keys their vectors get."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narratrace.embed import DEFAULT_ENCODER, encoder_identity, get_encoder, registry, vector_key
from narratrace.embed.onnx import OnnxEncoder
from tests.onnx_model import DIM, build, expected


def test_onnx_encoder_mean_pools_what_the_model_outputs(tmp_path: Path) -> None:
    table = build(tmp_path / "tiny")
    enc = OnnxEncoder(tmp_path / "tiny")
    texts = ["Dockers strike in the port", "the minister said", "grève"]
    vecs = enc.encode(texts)
    assert enc.dim == DIM and vecs.shape == (3, DIM) and vecs.dtype == np.float32
    for text, vec in zip(texts, vecs, strict=True):
        assert np.allclose(vec, expected(table, text), atol=1e-5)  # padding never leaks in
    # batched with longer texts or alone: the same vector
    assert np.allclose(enc.encode(["grève"])[0], vecs[2], atol=1e-6)
    assert enc.encode([]).shape == (0, DIM)
    blank = enc.encode(["", "   "])
    assert np.allclose(np.linalg.norm(blank, axis=1), 1.0)  # unit rows, as the interface promises


def test_onnx_options_prefix_and_truncation(tmp_path: Path) -> None:
    table = build(tmp_path / "e5", options={"prefix": "passage: ", "max_length": 4, "batch_size": 2})
    enc = OnnxEncoder(tmp_path / "e5")
    # "passage : port strike" are the 4 tokens kept; the rest of a hostile text costs nothing
    long_text = "port strike " + "election " * 100_000
    assert np.allclose(enc.encode([long_text])[0], expected(table, "passage: port strike"), atol=1e-5)
    vecs = enc.encode(["vote", "port", "the minister said", "a"])  # several batches of 2, sorted by length
    assert np.allclose(vecs[1], expected(table, "passage: port"), atol=1e-5)


def test_bad_model_directories_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"model\.onnx"):
        OnnxEncoder(tmp_path)
    build(tmp_path / "m", options={"pooling": "max"})
    with pytest.raises(ValueError, match="pooling"):
        OnnxEncoder(tmp_path / "m")
    build(tmp_path / "k", options={"prefx": "x"})
    with pytest.raises(ValueError, match="prefix"):
        OnnxEncoder(tmp_path / "k")


def test_specs_and_vector_keys(tmp_path: Path) -> None:
    build(tmp_path / "tiny-model")
    spec = f"onnx:{tmp_path / 'tiny-model'}"
    enc = get_encoder(spec)
    assert isinstance(enc, OnnxEncoder) and get_encoder(spec) is enc  # loaded once per process
    assert enc.name == encoder_identity(spec) and enc.name.startswith("onnx:tiny-model@")
    key = vector_key(spec)
    assert key == f"{enc.name}/pooled.v2" and len(key) <= 64
    assert vector_key(DEFAULT_ENCODER) == "use-m3.v1/pooled.v2"  # v2: chunks from the one sentence splitter
    # another model in a directory of the same name is another vector space
    build(tmp_path / "other" / "tiny-model", seed=2)
    assert encoder_identity(f"onnx:{tmp_path / 'other' / 'tiny-model'}") != enc.name
    with pytest.raises(LookupError, match="onnx:DIRECTORY"):
        get_encoder("no-such-encoder")


def test_plugin_encoders_come_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    class Plugin:
        name, dim = "plugin-enc.v2", 3

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.tile(np.eye(3, dtype=np.float32)[0], (len(texts), 1))

    def fake(name: str) -> object:
        if name != "plugin":
            raise LookupError(name)
        return Plugin

    monkeypatch.setattr(registry, "_entry_point", fake)
    registry.clear_encoders()
    encoder_identity.cache_clear()
    try:
        assert isinstance(get_encoder("plugin"), Plugin)
        assert vector_key("plugin") == "plugin-enc.v2/pooled.v2"
    finally:
        registry.clear_encoders()
        encoder_identity.cache_clear()


def test_long_identities_are_shortened_to_the_key_column(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = []
    for identity in ("y" * 90, "y" * 90 + "z"):
        monkeypatch.setattr(registry, "encoder_identity", lambda spec, identity=identity: identity)
        keys.append(registry.vector_key("plugin"))
    assert all(len(k) <= 64 and k.endswith("/pooled.v2") for k in keys)
    assert keys[0] != keys[1]  # shortened by a hash, never by cutting alone
