"""Check-worthy claims: factual assertions worth verifying, with their speaker.

A sentence is a claim candidate when it asserts something that can be checked: an
event, a figure, a date, a place, an accusation. The score is a small log-linear model
over interpretable cues (numbers, dates, named entities, event and accusation words,
reported speech of a named source) minus opinion cues (judgement words, first person,
modals). Questions are never claims (rhetorical or not, they assert nothing), nor are
credit lines and fragments. Cue lists and weights are data (``data/claims.yaml``) so
that a newsroom can tune them; the output keeps the score, not only the decision.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..records import Article, Attribution, Claim, Entity
from .sentences import split_sentences

MAX_TEXT_CHARS = 200_000
MIN_WORDS, MAX_WORDS = 5, 120
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class ClaimModel:
    weights: dict[str, float]
    threshold: float
    event: re.Pattern[str]
    date: re.Pattern[str]
    opinion: re.Pattern[str]
    modal: re.Pattern[str]
    first_person: re.Pattern[str]


def _words(items: list[Any], prefix: bool) -> re.Pattern[str]:
    alts = "|".join(re.escape(str(x)) for x in sorted(items, key=lambda x: -len(str(x))))
    tail = r"" if prefix else r"(?![\w-])"
    return re.compile(rf"(?<![\w-])(?:{alts}){tail}", re.I)


@functools.cache
def model() -> ClaimModel:
    path = resources.files("narratrace.analyse") / "data" / "claims.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ClaimModel(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        event=_words(data["event_words"], prefix=True),
        date=_words(data["date_words"], prefix=False),
        opinion=_words(data["opinion_words"], prefix=False),
        modal=_words(data["modal_words"], prefix=False),
        first_person=_words(data["first_person"], prefix=False),
    )


def score_sentence(text: str, n_entities: int = 0, attributed: bool = False, m: ClaimModel | None = None) -> float:
    """Check-worthiness in [0, 1] of one sentence."""
    m = m or model()
    w = m.weights
    words = text.split()
    x = w["bias"]
    x += w["number"] * bool(_NUMBER.search(text))
    x += w["date"] * bool(m.date.search(text) or _YEAR.search(text))
    x += w["entity"] * min(3, n_entities)
    x += w["event"] * min(2, len(m.event.findall(text)))
    x += w["attributed"] * attributed
    x += w["opinion"] * bool(m.opinion.search(text))
    x += w["modal"] * bool(m.modal.search(text))
    x += w["first_person"] * bool(m.first_person.search(text))
    x += w["short"] * (len(words) < 7)
    x += w["quote_only"] * (text.lstrip()[:1] in '«“"' and text.rstrip()[-1:] in '»”"')
    return 1.0 / (1.0 + math.exp(-x))


def extract_claims(
    body: str,
    entities: tuple[Entity, ...] = (),
    attributions: tuple[Attribution, ...] = (),
    threshold: float | None = None,
) -> list[Claim]:
    """Check-worthy sentences of an article body with speaker and score."""
    m = model()
    cut = m.threshold if threshold is None else threshold
    names = {e.canonical_id: e.canonical_name for e in entities if e.canonical_id}
    ents = sorted((e.start, e.end) for e in entities if e.type not in {"DATE", "MONEY", "PERCENT"})
    speech = [a for a in attributions if a.kind == "quotes"]
    credit = {(a.start, a.end) for a in attributions if a.kind in {"translated_by", "republished_from"}}
    out: list[Claim] = []
    for sent in split_sentences(body[:MAX_TEXT_CHARS]):
        text = sent.text
        n_words = len(text.split())
        if n_words < MIN_WORDS or n_words > MAX_WORDS or text.rstrip(" »”\"'").endswith("?"):
            continue
        if (sent.start, sent.end) in credit or text.isupper():
            continue
        n_ents = sum(1 for s, e in ents if s >= sent.start and e <= sent.end)
        att = next((a for a in speech if a.start <= sent.start and a.end >= sent.end), None)
        score = score_sentence(text, n_ents, att is not None, m)
        if score < cut:
            continue
        speaker = None
        if att is not None:
            speaker = names.get(att.canonical_source or "") or _known_name(att.canonical_source) or att.source
        out.append(Claim(text, sent.start, sent.end, speaker, round(score, 3)))
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

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = threshold

    def __call__(self, article: Article) -> Article:
        if not article.body:
            return article
        claims = extract_claims(article.body, article.entities, article.attributions, self.threshold)
        return article.replace(claims=tuple(claims))
