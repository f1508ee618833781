"""A tiny ONNX "sentence encoder" written by the tests: a word-embedding table as
the token states, with a Hugging Face tokenizer file.

Small enough to build in milliseconds, real enough to exercise what a real export
needs: tokenizer.json, input_ids / attention_mask / token_type_ids inputs, a
(batch, tokens, dim) output to pool. The expected vector of a text is computable by
hand from ``table``, which is what the tests compare with. Like a real transformer,
the model outputs non-zero states at padded positions (the padding row is large), so
pooling that forgot the attention mask would show.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

WORDS = ["[PAD]", "[UNK]", "[CLS]", "passage", ":", "port", "strike", "dockers", "grève", "docker",
         "election", "vote", "minister", "said", "the", "a", "of", "in", "."]
DIM = 16


def build(directory: Path, *, options: dict[str, object] | None = None, seed: int = 1) -> np.ndarray:
    """Write model.onnx, tokenizer.json (and narratrace-encoder.json); return the table."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel

    directory.mkdir(parents=True, exist_ok=True)
    table = np.random.default_rng(seed).standard_normal((len(WORDS), DIM)).astype(np.float32)
    table[0] *= 50.0  # [PAD]
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"]),
        helper.make_node("Identity", ["attention_mask"], ["mask_seen"]),
        helper.make_node("Identity", ["token_type_ids"], ["types_seen"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny-encoder",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
         for n in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", DIM]),
         helper.make_tensor_value_info("mask_seen", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("types_seen", TensorProto.INT64, ["batch", "tokens"])],
        [numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))

    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(directory / "tokenizer.json"))
    if options is not None:
        (directory / "narratrace-encoder.json").write_text(json.dumps(options), encoding="utf-8")
    return table


def expected(table: np.ndarray, text: str) -> np.ndarray:
    """Masked mean of the word rows, normalised: what mean pooling must return."""
    import re

    ids = [WORDS.index(w) if w in WORDS else 1 for w in re.findall(r"\w+|[^\w\s]", text.lower())]
    v = table[ids].mean(axis=0)
    return v / np.linalg.norm(v)
