"""Check-worthy claims: factual assertions worth verifying, with their speaker.

A sentence is check-worthy when it asserts a specific, verifiable fact of consequence:
an attack, a death toll, a weapon used, an accusation (guidelines and examples:
``docs/checkworthiness.md``). Ordinary news is mostly factual, so a scorer that flags
"anything with a number" flags half of every article and the signal is lost. This one
is a logistic model over interpretable cues (figures, casualties, events, weapons,
accusations, named entities and reported speech, against opinion, modals, hedges,
stock background and page boilerplate), FITTED on sentences of real news annotated by
the team (``bench/eval_checkworthiness.py``); its threshold is chosen on the training
folds so that at most about a quarter of a news article is flagged, and its precision is
measured on held-out articles. Questions, credit lines and fragments are never claims.

Cue lists are data (``data/claims.yaml``), one list per language; the weights in the
same file are written by the fitting script, never by hand. The output keeps the
score, not only the decision.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..records import Article, Attribution, Claim, Entity
from ..text.sentences import split_sentences
from ..yamlfile import load_yaml

MAX_TEXT_CHARS = 200_000
MIN_WORDS, MAX_WORDS = 5, 120
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TERMINAL = re.compile(r"[.!…\"'»”’)]\s*$")
# cue groups matched as whole words (the rest as word starts)
_WHOLE_WORDS = frozenset(["modal", "first_person", "count_word"])
_BOUNDLESS_LANGS = frozenset(["ar"])  # Arabic clitics attach to the word: match anywhere

FEATURES = (
    "bias",
    "number",
    "count_word",
    "casualty",
    "event",
    "weapon",
    "accusation",
    "figure_event",
    "date",
    "entity",
    "attributed",
    "source",
    "opinion",
    "modal",
    "first_person",
    "hedge",
    "background",
    "boilerplate",
    "short",
    "long",
    "no_terminal",
    "quote_only",
)


@dataclass(frozen=True)
class ClaimModel:
    weights: dict[str, float]
    threshold: float
    by_lang: dict[str | None, dict[str, re.Pattern[str]]]  # None: a language without its own lists

    def patterns(self, lang: str | None) -> dict[str, re.Pattern[str]]:
        return self.by_lang.get(lang) or self.by_lang[None]


def _compile(cue_words: dict[str, dict[str, list[str]]], lang: str | None) -> dict[str, re.Pattern[str]]:
    out: dict[str, re.Pattern[str]] = {}
    for cue, by_lang in cue_words.items():
        langs = [lang, "any"] if lang else list(by_lang)
        words = sorted({w for la in langs for w in by_lang.get(la or "", [])}, key=lambda w: -len(w))
        if cue == "first_person":  # case-sensitive, so that "US" is not "us"
            words = sorted({v for w in words for v in (w, w.capitalize(), w.upper() if len(w) == 1 else w)}, key=len)
            words.reverse()
        alts = "|".join(re.escape(w) for w in words) or r"(?!x)x"
        head = "" if lang in _BOUNDLESS_LANGS else r"(?<![\w-])"
        tail = r"(?![\w-])" if cue in _WHOLE_WORDS else ""
        out[cue] = re.compile(rf"{head}(?:{alts}){tail}", 0 if cue == "first_person" else re.I)
    return out


def load_model(data: Mapping[str, Any]) -> ClaimModel:
    """A model from the parsed ``claims.yaml`` (or a variant of it, when fitting)."""
    cue_words = {
        str(cue): {str(lang): [str(w) for w in words] for lang, words in by_lang.items()}
        for cue, by_lang in data["cues"].items()
    }
    langs = {lang for by_lang in cue_words.values() for lang in by_lang if lang != "any"}
    by_lang: dict[str | None, dict[str, re.Pattern[str]]] = {la: _compile(cue_words, la) for la in langs}
    by_lang[None] = _compile(cue_words, None)
    weights = {str(k): float(v) for k, v in (data.get("weights") or {}).items()}
    return ClaimModel(weights=weights, threshold=float(data["threshold"]), by_lang=by_lang)


def model_data() -> dict[str, Any]:
    path = resources.files("narratrace.analyse") / "data" / "claims.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def model() -> ClaimModel:
    return load_model(model_data())


def features(
    text: str, n_entities: int = 0, attributed: bool = False, lang: str | None = None, m: ClaimModel | None = None
) -> dict[str, float]:
    """The cue values of one sentence (the inputs of the logistic model)."""
    m = m or model()
    p = m.patterns(lang)
    words = text.split()
    hits = {cue: len(pat.findall(text)) for cue, pat in p.items()}
    number = bool(_NUMBER.search(text))
    figure = number or hits["count_word"] > 0
    eventful = hits["casualty"] + hits["event"] + hits["weapon"] > 0
    stripped = text.strip()
    return {
        "bias": 1.0,
        "number": float(number),
        "count_word": float(hits["count_word"] > 0),
        "casualty": float(min(2, hits["casualty"])),
        "event": float(min(2, hits["event"])),
        "weapon": float(hits["weapon"] > 0),
        "accusation": float(hits["accusation"] > 0),
        "figure_event": float(figure and eventful),
        "date": float(hits["date"] > 0 or bool(_YEAR.search(text))),
        "entity": float(min(3, n_entities)),
        "attributed": float(attributed),
        "source": float(hits["source"] > 0),
        "opinion": float(hits["opinion"] > 0),
        "modal": float(hits["modal"] > 0),
        "first_person": float(hits["first_person"] > 0),
        "hedge": float(hits["hedge"] > 0),
        "background": float(hits["background"] > 0),
        "boilerplate": float(min(2, hits["boilerplate"])),
        "short": float(len(words) < 8),
        "long": float(len(words) > 45),
        "no_terminal": float(not _TERMINAL.search(stripped)),
        "quote_only": float(stripped[:1] in "«“\"" and stripped[-1:] in "»”\""),
    }


def score_features(x: Mapping[str, float], m: ClaimModel | None = None) -> float:
    w = (m or model()).weights
    z = sum(w.get(k, 0.0) * v for k, v in x.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def score_sentence(
    text: str, n_entities: int = 0, attributed: bool = False, m: ClaimModel | None = None, lang: str | None = None
) -> float:
    """Check-worthiness in [0, 1] of one sentence."""
    m = m or model()
    return score_features(features(text, n_entities, attributed, lang, m), m)


def candidate(text: str) -> bool:
    """Can this sentence be a claim at all? Questions, fragments, shouting and run-ons cannot."""
    n_words = len(text.split())
    if n_words < MIN_WORDS or n_words > MAX_WORDS or text.rstrip(" »”\"'").endswith(("?", "؟")):
        return False
    return not text.isupper()


def sentence_scores(
    body: str,
    entities: tuple[Entity, ...] = (),
    attributions: tuple[Attribution, ...] = (),
    lang: str | None = None,
    m: ClaimModel | None = None,
) -> list[tuple[int, int, float, Attribution | None]]:
    """(start, end, score, attribution) of every sentence; 0.0 for non-candidates."""
    m = m or model()
    ents = sorted((e.start, e.end) for e in entities if e.type not in {"DATE", "MONEY", "PERCENT"})
    speech = [a for a in attributions if a.kind == "quotes"]
    credit = {(a.start, a.end) for a in attributions if a.kind in {"translated_by", "republished_from"}}
    out: list[tuple[int, int, float, Attribution | None]] = []
    for sent in split_sentences(body[:MAX_TEXT_CHARS]):
        if (sent.start, sent.end) in credit or not candidate(sent.text):
            out.append((sent.start, sent.end, 0.0, None))
            continue
        n_ents = sum(1 for s, e in ents if s >= sent.start and e <= sent.end)
        att = next((a for a in speech if a.start <= sent.start and a.end >= sent.end), None)
        out.append((sent.start, sent.end, score_sentence(sent.text, n_ents, att is not None, m, lang), att))
    return out


def extract_claims(
    body: str,
    entities: tuple[Entity, ...] = (),
    attributions: tuple[Attribution, ...] = (),
    threshold: float | None = None,
    lang: str | None = None,
) -> list[Claim]:
    """Check-worthy sentences of an article body with speaker and score."""
    m = model()
    cut = m.threshold if threshold is None else threshold
    names = {e.canonical_id: e.canonical_name for e in entities if e.canonical_id}
    out: list[Claim] = []
    for start, end, score, att in sentence_scores(body, entities, attributions, lang, m):
        if score < cut or score == 0.0:
            continue
        speaker = None
        if att is not None:
            speaker = names.get(att.canonical_source or "") or _known_name(att.canonical_source) or att.source
        out.append(Claim(body[start:end], start, end, speaker, round(score, 3)))
    return out


def _known_name(canonical: str | None) -> str | None:
    if not canonical or not canonical.startswith("q:"):
        return None
    from .entities import load_table

    known = load_table().entities.get(canonical)
    return known.name if known else None


class ClaimStage:
    """Analyser "claims.v1" (uses entities and attributions when they ran before it)."""

    name = "claims.v1"
    role = "analyser"
    requires = ("body", "entities", "attributions")  # record fields an earlier stage must assign
    assigns = ("claims",)

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = threshold

    def __call__(self, article: Article) -> Article:
        if not article.body:
            return article
        claims = extract_claims(article.body, article.entities, article.attributions, self.threshold, article.lang)
        return article.replace(claims=tuple(claims))
