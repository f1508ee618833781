"""Persuasion techniques with their spans (analyser ``techniques.v1``).

Spans come from a linear token tagger (runs of tokens likely to sit inside a
persuasion span), each span is named by a linear classifier over the PTC's 14
techniques, mapped onto the 23 SemEval-2023 Task 3 labels (``data/labels.yaml``), and
carries the DISARM technique ids of its label (``data/disarm.yaml``). English uses
the word, affix and bigram weights learned on the PTC; every other language uses
the weights learned on language-independent features only (lexicon categories from
``data/lexicon_<lang>.yaml``, quotes, punctuation, capitals, repetition). Both
families also read the multilingual encoder's vectors (``vectors.py``): each
sentence's vector gates the tagger, and the span's and its sentence's vectors feed
the classifier; they carry most of what the English weights know to other
languages. Everything else is numpy over shipped arrays; the encoder calls (one
batch of sentences, one of spans) are most of the stage's cost. See
``docs/techniques.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...records import Article, Technique
from . import features, labels, lexicon, model, vectors

MAX_TEXT_CHARS = 200_000
_FAMILY_OF_LANG = {"en": "lex"}


def _family(lang: str | None) -> tuple[str, bool]:
    fam = _FAMILY_OF_LANG.get(lang or "", "uni")
    return fam, fam == "lex"


def _lexicon(lang: str | None) -> lexicon.Lexicon:
    return lexicon.load(lang if lang in lexicon.LANGUAGES else "en")


def classify_spans(
    body: str, spans: Sequence[tuple[int, int]], lang: str | None = "en"
) -> list[list[tuple[str, float]]]:
    """PTC techniques of given spans, most likely first, with probabilities (for the TC measure)."""
    w = model.load()
    fam, lexical = _family(lang)
    ctx = features.context(body, _lexicon(lang))
    dense = vectors.ArticleVectors(body, ctx).span_inputs(list(spans))
    out = []
    for (s, e), x in zip(spans, dense, strict=True):
        p = model.classify(ctx, body, s, e, w.families[fam], lexical, x)
        order = p.argsort()[::-1]
        out.append([(w.classes[i], float(p[i])) for i in order])
    return out


def find_techniques(body: str, lang: str | None = None, min_score: float = 0.0) -> list[Technique]:
    """Technique spans of an article body, SemEval-2023 labels, calibrated scores."""
    text = body[:MAX_TEXT_CHARS]
    if not text.strip():
        return []
    w = model.load()
    lab = labels.load()
    fam, lexical = _family(lang)
    fw = w.families[fam]
    ctx = features.context(text, _lexicon(lang))
    toks = ctx.tokens
    vecs = vectors.ArticleVectors(text, ctx)
    probs = model.tag(ctx, fw, lexical, model.gate(vecs, fw))
    runs = model.decode(ctx, probs, fw)
    dense = vecs.span_inputs([(toks[a].start, toks[b].end) for a, b, _ in runs])
    found: list[Technique] = []
    covered: set[int] = set()
    for (a, b, span_p), x in zip(runs, dense, strict=True):
        start, end = toks[a].start, toks[b].end
        p = model.classify(ctx, text, start, end, fw, lexical, x)
        k = int(p.argmax())
        cats = {c for i in range(a, b + 1) for c in ctx.lex[i]}
        name = lab.to_semeval2023(w.classes[k], cats)
        if p[k] < lab.relabel_below:
            name = next((t for c, t in lab.relabel if c in cats), name)
        score = model.calibrated(span_p * float(p[k]), fw.calib)
        if score >= min_score:
            found.append(_technique(name, start, end, text, score, lab))
            covered.update(range(a, b + 1))
    found.extend(t for t in _cues(ctx, text, lab, covered) if t.score >= min_score)
    found.sort(key=lambda t: (t.start, t.end, t.technique))
    return found


def _technique(name: str, start: int, end: int, text: str, score: float, lab: labels.Labels) -> Technique:
    return Technique(name, start, end, text[start:end], round(score, 3), lab.disarm.get(name, ()))


def _cues(ctx: features.ArticleContext, text: str, lab: labels.Labels, covered: set[int]) -> list[Technique]:
    """Cue phrases of techniques the PTC does not annotate, outside the model's spans."""
    out = []
    toks = ctx.tokens
    for cat, name in lab.cues:
        i = 0
        while i < len(toks):
            if cat in ctx.lex[i] and i not in covered:
                j = i
                while j + 1 < len(toks) and cat in ctx.lex[j + 1] and toks[j + 1].sent == toks[i].sent:
                    j += 1
                if j - i + 1 >= lab.cue_min_tokens:
                    out.append(_technique(name, toks[i].start, toks[j].end, text, lab.cue_score, lab))
                    covered.update(range(i, j + 1))
                i = j + 1
            else:
                i += 1
    return out


class TechniqueStage:
    """Analyser "techniques.v1": fills ``Article.techniques`` (runs after language.v1)."""

    name = "techniques.v1"
    role = "analyser"
    requires = ("body", "lang")
    assigns = ("techniques",)

    def __init__(self, min_score: float = 0.0) -> None:
        self.min_score = min_score
        model.load()

    def __call__(self, article: Article) -> Article:
        if not article.body:
            return article
        return article.replace(techniques=tuple(find_techniques(article.body, article.lang, self.min_score)))
