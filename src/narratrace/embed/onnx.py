"""A sentence encoder exported to ONNX, read from a local directory.

The shipped USE v3 is what runs everywhere with no extra files; teams that have a
stronger multilingual model (LaBSE, multilingual E5, a fine-tuned XLM-R) exported
with Hugging Face Optimum or sentence-transformers can point narratrace at its
directory instead: nothing is downloaded, the files are read where they are.

The directory holds ``tokenizer.json`` (a Hugging Face *tokenizers* file) and the
model as ``model.onnx`` (or ``onnx/model.onnx``). An optional
``narratrace-encoder.json`` says how to use it::

    {"prefix": "passage: ", "pooling": "mean", "max_length": 256}

``prefix`` is prepended to every text (E5 models expect ``"passage: "``);
``pooling`` is ``mean`` (masked mean of the token states, the sentence-transformers
default) or ``cls``; a model output named ``sentence_embedding`` is used as is.
Inference runs on one thread per process, like the default encoder: parallelism
comes from worker processes. Needs the ``onnx`` extra (onnxruntime, tokenizers).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .encoder import Vectors, unit_rows

OPTIONS_FILE = "narratrace-encoder.json"
_MODEL_FILES = ("model.onnx", "onnx/model.onnx")
_OPTIONS = {"prefix", "pooling", "max_length", "batch_size"}
_POOLING = {"mean", "cls"}
_HASH_CHUNK = 1 << 20


def _model_path(directory: Path) -> Path:
    for name in _MODEL_FILES:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"{directory}: no {' or '.join(_MODEL_FILES)}")


def _options(directory: Path) -> dict[str, Any]:
    path = directory / OPTIONS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - _OPTIONS:
        raise ValueError(f"{path}: expected an object with keys among {sorted(_OPTIONS)}")
    if data.get("pooling", "mean") not in _POOLING:
        raise ValueError(f"{path}: pooling must be one of {sorted(_POOLING)}")
    return data


@functools.cache
def model_identity(directory: str) -> str:
    """``onnx:<directory name>@<hash of model, tokenizer and options>``: what vectors are keyed by."""
    root = Path(directory).expanduser().resolve()
    digest = hashlib.sha256()
    files = [_model_path(root), root / "tokenizer.json", root / OPTIONS_FILE]
    for path in files:
        if not path.is_file():
            if path.name == OPTIONS_FILE:
                continue
            raise FileNotFoundError(f"{root}: no {path.name}")
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
    return f"onnx:{root.name[:24]}@{digest.hexdigest()[:10]}"


class OnnxEncoder:
    """Masked-mean (or CLS) pooled token states of an ONNX transformer, L2-normalised."""

    def __init__(self, directory: str | Path, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # an optional extra
            raise ImportError("onnx:DIR encoders need: pip install 'narratrace[onnx]'") from exc
        root = Path(directory).expanduser().resolve()
        self.name = model_identity(str(root))
        opts = _options(root)
        self._prefix = str(opts.get("prefix", ""))
        self._pooling = str(opts.get("pooling", "mean"))
        self._batch_size = int(opts.get("batch_size", 32))
        try:
            self._tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        except Exception as exc:  # the tokenizers library raises plain Exceptions
            raise ValueError(f"{root / 'tokenizer.json'}: not a tokenizers file ({exc})") from None
        self._tokenizer.enable_truncation(int(opts.get("max_length", 256)))
        self._tokenizer.enable_padding()  # to the longest text of each batch
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(str(_model_path(root)), so, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime's own exception types (InvalidProtobuf, ...)
            raise ValueError(f"{_model_path(root)}: onnxruntime cannot load it ({exc})") from None
        self._inputs = {i.name for i in self._session.get_inputs()}
        if "input_ids" not in self._inputs:
            raise ValueError(f"{root}: the model has no input_ids input (inputs: {sorted(self._inputs)})")
        outputs = [o.name for o in self._session.get_outputs()]
        self._output = "sentence_embedding" if "sentence_embedding" in outputs else outputs[0]
        try:
            probe = self._encode_batch(["."])
        except Exception as exc:
            raise ValueError(f"{root}: the model does not run as a sentence encoder ({exc})") from None
        if probe.ndim != 2 or not probe.shape[1]:
            raise ValueError(f"{root}: expected token states (batch, tokens, dim) or sentence vectors (batch, dim)")
        self.dim = int(probe.shape[1])

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sort by length so each batch pads to similar lengths; restore the order after.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> Vectors:
        batch = [self._prefix + (t if t.strip() else ".") for t in texts]
        encodings = self._tokenizer.encode_batch(batch)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids}
        if "attention_mask" in self._inputs:
            feed["attention_mask"] = mask
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        states = np.asarray(self._session.run([self._output], feed)[0], dtype=np.float32)
        if states.ndim == 2:  # already one vector per text
            return unit_rows(states)
        if self._pooling == "cls":
            return unit_rows(states[:, 0, :])
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return unit_rows(pooled)
