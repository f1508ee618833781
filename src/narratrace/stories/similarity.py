"""How much two articles tell the same story: a score in [0, 1] (1 = same story).

One cosine of whole-article vectors misses what makes two reports "the same": the
same people, places and figures, and sentences that say the same thing. The score is
a small linear model over a few such signals, fitted on research pairs
(``bench/eval_similarity.py --fit``) and shipped as ``data/similarity_model.json``:

- ``pooled``: cosine of lead-weighted sentence vectors (as for clustering);
- ``first``: cosine of the first sentences (headline or dateline);
- ``align``: soft sentence alignment, the mean best match of each sentence in the
  other text (both directions);
- ``tokens`` / ``caps`` / ``numbers``: Jaccard overlap of transliterated word
  prefixes, of capitalised words (names) and of numbers;
- ``tfidf``: TF-IDF cosine of the word prefixes, with document frequencies taken
  from the texts of the batch being scored plus a background in which the languages'
  stop words are common (so a pair scored on its own scores about as in a batch).

Pairs in two languages share few words whatever they say, so they get their own
weights over the language-independent signals (``CROSS_FEATURES``). The languages
come from ``lang1``/``lang2`` or, when missing, from language identification.

The weights belong to the encoder they were fitted with (``encoder`` in the model
file; the shipped ones to USE v3): scoring with another encoder needs weights fitted
for it (``bench/eval_similarity.py --encoder SPEC --fit --out FILE``), and mixing the
two is refused rather than silently giving meaningless scores.
"""

from __future__ import annotations

import collections
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ..embed import DEFAULT_ENCODER, Encoder, get_encoder
from ..embed.encoder import Vectors
from ..embed.pooling import chunk_weights
from ..text.fold import translit, transliterate
from ..text.sentences import UNIT_CHARS, split_sentences

MAX_CHARS = 20_000
MAX_SENTENCES = 60
FEATURES = ("pooled", "first", "align", "tokens", "caps", "numbers", "tfidf")
CROSS_FEATURES = ("pooled", "first", "align", "caps", "numbers")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pair:
    pair_id: str
    text1: str
    text2: str
    lang1: str | None = None
    lang2: str | None = None


@dataclass(frozen=True)
class _Doc:
    sentences: Vectors
    tokens: tuple[str, ...]
    caps: frozenset[str]
    numbers: frozenset[str]


def _words(text: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    folded = transliterate(text[:MAX_CHARS])
    tokens: list[str] = []
    caps: set[str] = set()
    numbers: set[str] = set()
    for match in _WORD.finditer(folded):
        word = match.group()
        low = word.lower()
        if low.isdigit():
            numbers.add(low)
            tokens.append(low)
        elif len(low) >= 3:
            tokens.append(low[:4])
            if word[0].isupper():
                caps.add(low[:5])
    return tuple(tokens), frozenset(caps), frozenset(numbers)


def _docs(encoder: Encoder, texts: Sequence[str]) -> list[_Doc]:
    pieces: list[list[str]] = []
    for text in texts:
        sents = [c.text for c in split_sentences(text[:MAX_CHARS], UNIT_CHARS, MAX_SENTENCES)]
        pieces.append(sents or [""])
    flat = [s for sents in pieces for s in sents]
    vecs = encoder.encode(flat)
    out: list[_Doc] = []
    pos = 0
    for text, sents in zip(texts, pieces, strict=True):
        tokens, caps, numbers = _words(text)
        out.append(_Doc(vecs[pos : pos + len(sents)], tokens, caps, numbers))
        pos += len(sents)
    return out


def _pooled(sentences: Vectors) -> Vectors:
    weights = chunk_weights(len(sentences), 3.0)
    weights[0] *= 3.0
    vec = weights @ sentences
    return np.asarray(vec / max(float(np.linalg.norm(vec)), 1e-9), dtype=np.float32)


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


BACKGROUND_DOCS = 100


@cache
def _stop_prefixes(langs: tuple[str, ...]) -> frozenset[str]:
    """The word keys (``_words``: folded 4-letter prefixes) of these languages' stop words."""
    from ..text.language import stop_words

    return frozenset(translit(w)[:4] for lang in langs for w in stop_words(lang) if len(w) >= 3)


def _tfidf(doc: _Doc, df: collections.Counter[str], n_docs: int) -> dict[str, float]:
    counts = collections.Counter(doc.tokens)
    vec = {w: (1 + math.log(c)) * math.log((n_docs + 1) / (df[w] + 1)) for w, c in counts.items()}
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {w: x / norm for w, x in vec.items()}


def pair_features(pairs: Sequence[Pair], encoder: Encoder | None = None) -> np.ndarray:
    """An (n, len(FEATURES)) array of the signals above."""
    enc = encoder or get_encoder()
    texts = sorted({p.text1 for p in pairs} | {p.text2 for p in pairs})
    docs = dict(zip(texts, _docs(enc, texts), strict=True))
    df: collections.Counter[str] = collections.Counter()
    for doc in docs.values():
        df.update(set(doc.tokens))
    # A background of BACKGROUND_DOCS pseudo-documents made of the languages' stop words:
    # in a big batch they are common anyway, and in a pair scored alone they no longer
    # weigh like content words (which made a lone pair score up to 0.3 off its batch score).
    langs = {lang for p in pairs for lang in (_language(p.text1, p.lang1), _language(p.text2, p.lang2)) if lang}
    for prefix in _stop_prefixes(tuple(sorted(langs))):
        df[prefix] += BACKGROUND_DOCS
    n_docs = max(len(docs), 10) + BACKGROUND_DOCS
    tfidf = {t: _tfidf(d, df, n_docs) for t, d in docs.items()}
    rows = []
    for pair in pairs:
        a, b = docs[pair.text1], docs[pair.text2]
        sim = a.sentences @ b.sentences.T
        va, vb = tfidf[pair.text1], tfidf[pair.text2]
        rows.append([
            float(_pooled(a.sentences) @ _pooled(b.sentences)),
            float(sim[0, 0]),
            0.5 * float(sim.max(axis=1).mean() + sim.max(axis=0).mean()),
            _jaccard(set(a.tokens), set(b.tokens)),
            _jaccard(a.caps, b.caps),
            _jaccard(a.numbers, b.numbers),
            sum(x * vb.get(w, 0.0) for w, x in va.items()),
        ])
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))


@cache
def load_model(path: str | None = None) -> dict[str, Any]:
    """The shipped weights, or those of a file written by ``eval_similarity.py --fit --out``."""
    if path is None:
        text = resources.files(__package__).joinpath("data/similarity_model.json").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    model: dict[str, Any] = json.loads(text)
    for key, names in (("same_language", FEATURES), ("cross_language", CROSS_FEATURES)):
        if not isinstance(model.get(key), dict) or tuple(model[key].get("features", ())) != names:
            raise ValueError(f"{path or 'similarity_model.json'} does not match the features of this "
                             "version; refit it with bench/eval_similarity.py --fit")
    return model


def check_encoder(model: dict[str, Any], encoder: Encoder) -> None:
    """Refuse weights fitted on another encoder's cosines."""
    fitted = str(model.get("encoder", DEFAULT_ENCODER))
    if fitted != encoder.name:
        raise ValueError(f"the similarity weights were fitted with encoder {fitted!r}, not {encoder.name!r}: "
                         "fit weights for it with bench/eval_similarity.py --encoder SPEC --fit --out FILE")


@lru_cache(maxsize=4096)  # pair_features and cross_language both ask, per text
def _language(text: str, given: str | None) -> str | None:
    if given:
        return given.strip().lower() or None
    from ..text.language import detect_language

    return detect_language(text[:1500])[0]


def cross_language(pairs: Sequence[Pair]) -> np.ndarray:
    """Whether each pair is in two different languages (unknown counts as the same)."""
    out = []
    for p in pairs:
        a, b = _language(p.text1, p.lang1), _language(p.text2, p.lang2)
        out.append(bool(a and b and a != b))
    return np.asarray(out, dtype=bool)


# (feature, from, to): evidence that a pair is one text, or a translation of it, rises linearly
# between the two values (the weakest signal counts). Set by hand, not fitted: see _copy_evidence.
COPY_SAME = (("tokens", 0.7, 0.9),)
COPY_CROSS = (("align", 0.85, 0.97),)


def _ramp(features: np.ndarray, spec: tuple[tuple[str, float, float], ...]) -> np.ndarray:
    parts = [np.clip((features[:, FEATURES.index(name)] - lo) / (hi - lo), 0.0, 1.0) for name, lo, hi in spec]
    out: np.ndarray = np.minimum.reduce(parts)
    return out


def _copy_evidence(features: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """How surely a pair is the same text (nearly all words shared) or its translation
    (nearly every sentence aligned).

    The linear model cannot say this. In the research pairs it is fitted on, nearly
    identical texts are mostly scraper debris (the same cookie banner or rate-limit page
    under two different headlines) rated unrelated, so it learned that more shared words
    mean less the same story past a point, and scored two identical articles about 0.4.
    A copy is the strongest "same story" there is: the score is at least this.
    """
    return np.where(cross, _ramp(features, COPY_CROSS), _ramp(features, COPY_SAME))


def scores_from_features(features: np.ndarray, cross: np.ndarray,
                         model: dict[str, Any] | None = None) -> np.ndarray:
    """Apply the same-language or the cross-language weights, clipped to [0, 1], and never
    below the evidence that the two texts are one (``_copy_evidence``)."""
    m = model or load_model()
    out = np.zeros(len(features))
    for key, names, rows in (("same_language", FEATURES, ~cross), ("cross_language", CROSS_FEATURES, cross)):
        cols = [FEATURES.index(n) for n in names]
        weights = np.asarray(m[key]["weights"], dtype=np.float64)
        out[rows] = features[rows][:, cols] @ weights + float(m[key]["bias"])
    if len(features):
        out = np.maximum(out, _copy_evidence(features, cross))
    return np.clip(out, 0.0, 1.0)


def similarity_scores(pairs: Sequence[Pair], encoder: Encoder | None = None,
                      model: dict[str, Any] | None = None) -> list[float]:
    """Same-story scores in [0, 1] for a batch of pairs (score them together: see ``tfidf``)."""
    enc = encoder or get_encoder()
    weights = model or load_model()
    check_encoder(weights, enc)
    if not pairs:
        return []
    scores = scores_from_features(pair_features(pairs, enc), cross_language(pairs), weights)
    return [float(x) for x in scores]


def text_similarity(text1: str, text2: str, encoder: Encoder | None = None,
                    model: dict[str, Any] | None = None) -> float:
    """The score of one pair of texts."""
    return similarity_scores([Pair("", text1, text2)], encoder, model)[0]
