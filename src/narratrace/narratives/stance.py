"""Stance of an article towards a narrative it matches: promotes, reports or refutes.

Why rules over lexicons: the three stances differ by framing words that are the same across
topics ("X claims", "selon", "no evidence", "infox"), so a small, readable lexicon per
language (data/stance.yaml) generalises to narratives we never saw, and an analyst can see
why a stance was chosen. Decision, with thresholds in data/matcher.yaml chosen on the dev set:

1. refutes: fact-check language near the evidence, or enough of it in the whole article;
2. promotes: at least one strongly matching evidence sentence asserted without attribution
   or hedging, or loaded/assertive markers ("so-called", "bien connu") in the article;
3. reports: every matching sentence is attributed or hedged ("the ministry claimed").

A reporting word right after a conjunction of purpose ("... pour que l'Occident accuse
Damas") is the aim of what the text asserts, not an attribution, and is not counted.

Promoters quote officials too ("according to Major General ..."), which is why a single
unattributed assertion is enough to flip "reports" to "promotes".
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from ..text.sentences import Span
from ..yamlfile import load_yaml
from .lexicon import Hit, PhraseIndex

STANCES = ("promotes", "reports", "refutes")
_DATA = Path(__file__).with_name("data") / "stance.yaml"
PURPOSE_REACH = 40  # characters from a purpose conjunction to the verb it governs (a short subject)


@dataclass(frozen=True)
class StanceRules:
    refute_near: float = 1.0  # weighted refute cues in/around evidence sentences
    refute_article: float = 2.0  # or this much refute weight anywhere in the article
    promote_markers: int = 2  # loaded markers in the article that make it "promotes"
    assert_sim: float = 0.45  # an unattributed evidence sentence at least this similar
    radius: int = 1  # sentences either side of an evidence sentence that count as "near"
    head_refutes: float = 0.8  # the stance head's P(refutes) that overrules the rules to "refutes"
    head_refutes_reported: float = 0.95  # ... over a "reports" verdict (attribution is strong evidence)
    head_not_refutes: float = 0.2  # ... and below which a rules "refutes" is overruled


@cache
def _index() -> PhraseIndex:
    data = load_yaml(_DATA.read_text(encoding="utf-8"))
    index = PhraseIndex()
    for stance_key in ("refutes", "refutes_weak", "reports", "promotes", "purpose"):
        for phrases in (data.get(stance_key) or {}).values():
            for phrase in phrases or ():
                index.add(str(phrase), (stance_key, str(phrase)))
    return index


@dataclass(frozen=True)
class StanceCues:
    """Lexicon hits of one article, assigned to sentences, and the sentences' vectors (for the
    fitted stance head, which reads how the evidence is framed, in any encoder language)."""

    per_sentence: dict[int, dict[str, set[str]]]
    article: dict[str, set[str]]
    vectors: npt.NDArray[np.float32] | None = None  # one row per body sentence
    title_vector: npt.NDArray[np.float32] | None = None


def find_cues(
    folded: str, tokens: Sequence[tuple[str, int, int]], sentences: Sequence[Span]
) -> StanceCues:
    hits: list[Hit] = _index().find(folded, tokens)
    starts = [s.start for s in sentences]
    per: dict[int, dict[str, set[str]]] = {}
    art: dict[str, set[str]] = {k: set() for k in ("refutes", "refutes_weak", "reports", "promotes")}
    purpose_ends = sorted(h.end for h in hits if any(cast(tuple[str, str], p)[0] == "purpose" for p in h.payloads))
    for hit in hits:
        i = bisect.bisect_right(starts, hit.start) - 1
        inside = i >= 0 and hit.start < sentences[i].end
        for payload in hit.payloads:
            kind, phrase = cast(tuple[str, str], payload)
            if kind == "purpose" or (kind == "reports" and _after_purpose(purpose_ends, hit.start)):
                continue
            art[kind].add(phrase)
            if inside:
                per.setdefault(i, {}).setdefault(kind, set()).add(phrase)
    return StanceCues(per, art)


def _after_purpose(purpose_ends: Sequence[int], start: int) -> bool:
    """Whether a cue follows a purpose conjunction within a short subject ("pour que l'Occident accuse")."""
    j = bisect.bisect_right(purpose_ends, start) - 1
    return j >= 0 and start - purpose_ends[j] <= PURPOSE_REACH


def _refute_weight(kinds: dict[str, set[str]]) -> float:
    """Strong cues count 1; weak ones 0.5, and 0 in an attributed sentence."""
    weak = 0.0 if kinds.get("reports") else 0.5 * len(kinds.get("refutes_weak", ()))
    return len(kinds.get("refutes", ())) + weak


def _near(cues: StanceCues, idx: int, radius: int = 1) -> float:
    return sum(_refute_weight(cues.per_sentence.get(j, {})) for j in range(idx - radius, idx + radius + 1))


def _article_refute(cues: StanceCues) -> float:
    return sum(_refute_weight(k) for k in cues.per_sentence.values())


def classify(
    cues: StanceCues,
    evidence: Sequence[tuple[int, float]],
    rules: StanceRules = StanceRules(),
) -> str:
    """Stance from cue counts around the evidence ``[(sentence_index, similarity), ...]``."""
    refute_near = max((_near(cues, i, rules.radius) for i, _ in evidence), default=0.0)
    if refute_near >= rules.refute_near or _article_refute(cues) >= rules.refute_article:
        return "refutes"
    if len(cues.article["promotes"]) >= rules.promote_markers:
        return "promotes"
    for i, sim in evidence:
        if sim < rules.assert_sim:
            continue
        own = cues.per_sentence.get(i, {})
        if not own.get("reports") and not own.get("refutes") and not own.get("refutes_weak"):
            return "promotes"
        if own.get("promotes"):
            return "promotes"
    return "reports"


def stance_features(
    cues: StanceCues, evidence: Sequence[tuple[int, float]], rules: StanceRules = StanceRules()
) -> npt.NDArray[np.float32]:
    """What the stance head sees: the mean vector of the evidence sentences and their
    neighbours, the mean vector of the whole article, the cue counts the rules use and the
    rules' own verdict (which the head may overrule where real data disagrees).

    Why both vectors: a disproof frames the claim ("There is no evidence that ...") and is
    written as a rebuttal throughout; a wire report attributes it; a promoter asserts it.
    """
    vecs = cues.vectors
    dim = vecs.shape[1] if vecs is not None and vecs.ndim == 2 and vecs.shape[0] else (
        cues.title_vector.shape[0] if cues.title_vector is not None else 0)
    near = np.zeros(dim, dtype=np.float32)
    whole = np.zeros(dim, dtype=np.float32)
    if vecs is not None and len(vecs):
        idx = sorted({j for i, _ in evidence for j in range(i - rules.radius, i + rules.radius + 1)
                      if 0 <= j < len(vecs)})
        near = vecs[idx].mean(axis=0) if idx else vecs.mean(axis=0)
        whole = vecs.mean(axis=0)
    elif cues.title_vector is not None:
        near = whole = cues.title_vector
    own = [cues.per_sentence.get(i, {}) for i, _ in evidence]
    counts = np.asarray([
        max((_near(cues, i, rules.radius) for i, _ in evidence), default=0.0),
        _article_refute(cues),
        float(len(cues.article["promotes"])),
        float(sum(1 for k in own if k.get("reports"))),
        float(len(cues.article["reports"])),
        max((s for _, s in evidence), default=0.0),
    ], dtype=np.float32)
    verdict = classify(cues, evidence, rules)
    rule = np.asarray([float(verdict == s) for s in STANCES], dtype=np.float32)
    return np.concatenate([_unit(near), _unit(whole), np.log1p(counts), rule]).astype(np.float32)


def _unit(v: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v
