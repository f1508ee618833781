"""Who says what, and on whose authority: reported speech and provenance lines.

``AttributionStage`` ("attributions.v1") finds, sentence by sentence:

- ``translated_by`` / ``republished_from``: credit lines ("Traduction : X",
  "traduit par X", "Source : X", "Translated by X", "Originally published by X");
- ``cites``: a medium or document given as the source ("RT International reports",
  "..., according to Sputnik", "(Russian MoD)");
- ``quotes``: a person or body whose words are reported ("Kupchishin said",
  "a déclaré le major-général ...", "selon le ministère"), also a quotation without a
  verb that continues the previous speaker.

The speaker is taken from the article's entities when the entity stage ran first
(a person is preferred over an organisation in the same clause), else from a
capitalised-name rule. ``canonical_source`` is the entity's canonical id, so that
"Sputnik News" and "Spoutnik" count as one source. Cue lists are data
(``data/attribution_{en,fr}.yaml``); other languages get the English and French cues.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..records import Article, Attribution, Entity
from .sentences import Sentence, split_sentences

MAX_TEXT_CHARS = 200_000
CLAUSE_CHARS = 160  # how far from the cue a speaker may stand
_CAPS_NAME = re.compile(r"(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*(?:\s(?:de|du|des|la|al|el|of|the|pour|for)?\s?){0,1}){1,6}")
_OPEN_QUOTE = re.compile(r"^\s*[«“\"]")
_ADVERBS = frozenset(
    [
        "also",
        "further",
        "later",
        "then",
        "again",
        "aussi",
        "également",
        "encore",
        "ensuite",
        "désormais",
        "alors",
    ]
)
_DEFINITE = frozenset(["the", "le", "la", "l"])
_DETERMINERS = _DEFINITE | frozenset(
    [
        *("a", "an", "des", "les", "un", "une", "plusieurs", "several", "some", "many", "local"),
        *("two", "three", "these", "those", "ces", "certains", "deux", "trois", "officials"),
        *("witnesses", "residents", "sources", "témoins", "habitants"),
    ]
)
# "MOSCOW, March 29 (TASS) –": a wire dateline names the agency the text comes from
_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .'-]{1,30}(?:,[^()\n]{0,30})?\s*\(([^()\n]{2,40})\)\s*[–—-]")
_PAREN_SOURCE = re.compile(r"\(([^()\n]{2,40})\)\s*[.;,]?\s*$")


@dataclass(frozen=True)
class Cues:
    speech: re.Pattern[str]
    according: re.Pattern[str]
    credits: tuple[tuple[str, re.Pattern[str]], ...]
    pronouns: frozenset[str]
    noun_guards: frozenset[str]
    complementisers: frozenset[str]


@functools.cache
def cues() -> Cues:
    """The union of the English and French cue lists, compiled once."""
    speech: list[str] = []
    according: list[str] = []
    credits: dict[str, list[str]] = {}
    pronouns: set[str] = set()
    guards: set[str] = set()
    comps: set[str] = set()
    for lang in ("en", "fr"):
        path = resources.files("narratrace.analyse") / "data" / f"attribution_{lang}.yaml"
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        speech += [str(x) for x in data["speech_verbs"]]
        according += [str(x) for x in data["according_to"]]
        for kind, pats in data["credits"].items():
            credits.setdefault(kind, []).extend(str(p) for p in pats)
        pronouns.update(str(x) for x in data["pronouns"])
        guards.update(str(x) for x in data["noun_guards"])
        comps.update(str(x) for x in data["complementisers"])

    def alternation(items: list[str]) -> str:
        items = sorted(set(items), key=len, reverse=True)
        return "|".join(i.replace("a ", r"a\s+(?:\w+\s+)?", 1) if i.startswith("a ") else i for i in items)

    return Cues(
        speech=re.compile(rf"(?<![\w-])(?:{alternation(speech)})(?![\w-])", re.I),
        according=re.compile(rf"(?<![\w-])(?:{alternation(according)})(?![\w-])", re.I),
        credits=tuple(
            (kind, re.compile(rf"^\s*(?:{'|'.join(pats)})\s*(?P<src>\S.{{0,120}}?)\s*$", re.I))
            for kind, pats in credits.items()
        ),
        pronouns=frozenset(pronouns),
        noun_guards=frozenset(guards),
        complementisers=frozenset(comps),
    )


def _canonical(source: str, entity: Entity | None) -> str | None:
    if entity is not None and entity.canonical_id:
        return entity.canonical_id
    from .entities import load_table
    from .entities.normalise import name_key

    table = load_table()
    found = table.lookup(source)
    if found:
        return found
    key = name_key(source)
    return f"n:{key}" if key else None


def _entities_in(entities: list[Entity], start: int, end: int) -> list[Entity]:
    return [e for e in entities if e.start >= start and e.end <= end and e.type not in {"DATE", "MONEY", "PERCENT"}]


def _pick(cands: list[Entity], near: int) -> Entity | None:
    """A person if there is one, else an organisation or medium, nearest to the cue."""
    if not cands:
        return None
    rank = {"PER": 0, "MEDIA": 1, "ORG": 1, "NORP": 3, "LOC": 3, "MISC": 2}
    return min(cands, key=lambda e: (rank.get(e.type, 2), min(abs(e.start - near), abs(e.end - near))))


def _rule_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _CAPS_NAME.search(text, start, end)
    if not m or not m.group(0).strip():
        return None
    return m.start(), m.start() + len(m.group(0).rstrip(" ,"))


def attributions(body: str, entities: tuple[Entity, ...] = ()) -> list[Attribution]:
    """Attributions of one article body (the plain function behind the stage)."""
    text = body[:MAX_TEXT_CHARS]
    c = cues()
    ents = sorted(entities, key=lambda e: e.start)
    out: list[Attribution] = []
    last_speaker: Attribution | None = None
    for sent in split_sentences(text):
        dateline = _DATELINE.match(sent.text)
        if dateline:
            src = dateline.group(1).strip()
            s0 = sent.start + dateline.start(1)
            ent = next(iter(_entities_in(ents, s0, sent.start + dateline.end(1))), None)
            out.append(
                Attribution(
                    "cites",
                    src,
                    dateline.group(0),
                    sent.start,
                    sent.start + dateline.end(),
                    _canonical(src, ent),
                )
            )
        found = _credit(sent, c, ents) or _paren_cite(sent, ents)
        if found:
            out.append(found)
            continue
        att = _speech(text, sent, c, ents, last_speaker)
        if att is not None:
            out.append(att)
            if att.kind == "quotes":
                last_speaker = att
        elif last_speaker is not None and _OPEN_QUOTE.match(sent.text) and len(sent.text.split()) >= 6:
            out.append(
                Attribution(
                    "quotes",
                    last_speaker.source,
                    sent.text,
                    sent.start,
                    sent.end,
                    last_speaker.canonical_source,
                )
            )
    return out


def _credit(sent: Sentence, c: Cues, ents: list[Entity]) -> Attribution | None:
    if len(sent.text) > 200:
        return None
    for kind, pattern in c.credits:
        m = pattern.match(sent.text)
        if m:
            src = m.group("src").strip(" .:;–—-")
            s0 = sent.start + m.start("src")
            inside = _entities_in(ents, s0, sent.end)
            ent = inside[0] if inside and inside[0].start == s0 else None
            return Attribution(kind, src, sent.text, sent.start, sent.end, _canonical(src, ent))
    return None


def _paren_cite(sent: Sentence, ents: list[Entity]) -> Attribution | None:
    m = _PAREN_SOURCE.search(sent.text)
    if not m:
        return None
    s0, s1 = sent.start + m.start(1), sent.start + m.end(1)
    inside = [e for e in _entities_in(ents, s0, s1) if e.type in {"ORG", "MEDIA"}]
    if not inside or (inside[0].end - inside[0].start) < 0.8 * len(m.group(1).strip()):
        return None  # "(HTS, previously known as ...)" is an aside, not a source
    src = m.group(1).strip()
    return Attribution("cites", src, sent.text, sent.start, sent.end, _canonical(src, inside[0]))


def _speech(text: str, sent: Sentence, c: Cues, ents: list[Entity], last: Attribution | None) -> Attribution | None:
    for pattern, before_first in ((c.according, False), (c.speech, True)):
        for m in pattern.finditer(sent.text):
            cue_start, cue_end = sent.start + m.start(), sent.start + m.end()
            before = sent.text[: m.start()].split()
            after = [w.strip(",’'").lower() for w in re.split(r"[\s’']+", sent.text[m.end() :].strip(), maxsplit=3)[:3]]
            if before_first and before and before[-1].lower() in c.noun_guards:
                continue  # "new reports suggest": a noun, not a verb of saying
            windows = [
                (max(sent.start, cue_start - CLAUSE_CHARS), cue_start),
                (cue_end, min(sent.end, cue_end + CLAUSE_CHARS)),
            ]
            if not before_first:
                windows.reverse()
            elif any(w in c.complementisers for w in after[:2]):
                windows = windows[:1]  # "X affirme (désormais) que ...": the speaker comes first
            for w0, w1 in windows:
                if not before_first and w0 >= cue_end:  # "according to X, ...": X ends at the comma
                    comma = text.find(",", w0, w1)
                    w1 = comma if comma != -1 else w1
                speaker = _speaker(text, w0, w1, cue_start if w1 <= cue_start else cue_end, ents, c, last)
                if speaker is None:
                    continue
                source, ent, canonical = speaker
                kind = "cites" if ent is not None and ent.type == "MEDIA" else "quotes"
                return Attribution(kind, source, sent.text, sent.start, sent.end, canonical)
    return None


def _speaker(
    text: str, w0: int, w1: int, near: int, ents: list[Entity], c: Cues, last: Attribution | None
) -> tuple[str, Entity | None, str | None] | None:
    # a clause boundary (closing quote, semicolon) between speaker and cue ends the window
    segment = text[w0:w1]
    if w1 <= near:  # speaker before the cue: stay after the last quote or semicolon
        cut = max(segment.rfind("»"), segment.rfind("”"), segment.rfind(";"), segment.rfind('"'))
        w0 = w0 + cut + 1 if cut != -1 else w0
    else:
        cut = min([i for i in (segment.find("«"), segment.find("“"), segment.find(";")) if i != -1] or [len(segment)])
        w1 = w0 + cut
    words = text[w0:w1].split()
    pron = (words[-1] if w1 <= near and words else words[0] if words else "").strip(",").lower()
    if pron in c.pronouns:
        return (last.source, None, last.canonical_source) if last is not None else None
    ent = _pick(_entities_in(ents, w0, w1), near)
    if ent is not None and ent.type not in {"LOC", "NORP"}:
        return ent.text, ent, _canonical(ent.text, ent)
    if words:
        # an unnamed subject before the verb ("Des sources locales affirment") or
        # object of "according to" ("selon l'officiel militaire russe")
        parts = re.split(r"[,;:–—()«»“”\"]", text[w0:w1])
        clause = (parts[-1] if w1 <= near else parts[0]).split()
        while clause and clause[-1].lower().strip(",") in _ADVERBS:
            clause.pop()
        if 1 <= len(clause) <= 6 and _looks_like_subject(clause):
            phrase = " ".join(clause)
            from .entities import load_table

            known = load_table().lookup(phrase)
            first = re.split(r"[\s’']", phrase.lower(), maxsplit=1)[0]
            if known is None and first in _DEFINITE and last is not None:
                return phrase, None, last.canonical_source  # "the Russian commander": the last speaker
            return phrase, None, known
    if not ents:
        span = _rule_name(text, w0, w1)
        if span:
            name = text[span[0] : span[1]]
            return name, None, _canonical(name, None)
    return None


def _looks_like_subject(words: list[str]) -> bool:
    """A noun phrase that can speak: opens with a determiner or a capital, ends in a word."""
    first = re.split(r"[’']", words[0].lower(), maxsplit=1)[0]
    return (first in _DETERMINERS or words[0][:1].isupper()) and words[-1][-1:].isalpha()


class AttributionStage:
    """Analyser "attributions.v1" (best run after "entities.v1", whose speakers it uses)."""

    name = "attributions.v1"
    role = "analyser"
    requires = ("body", "entities")  # record fields an earlier stage must assign
    assigns = ("attributions",)

    def __call__(self, article: Article) -> Article:
        if not article.body:
            return article
        return article.replace(attributions=tuple(attributions(article.body, article.entities)))
