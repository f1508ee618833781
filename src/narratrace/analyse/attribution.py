"""Who says what, and on whose authority: reported speech and provenance lines.

``AttributionStage`` ("attributions.v1") finds, sentence by sentence:

- ``translated_by`` / ``republished_from``: credit lines ("Traduction : X",
  "traduit par X", "Source : X", "Translated by X", "Originally published by X");
- ``cites``: a medium or document given as the source ("RT International reports",
  "..., according to Sputnik", "(Russian MoD)");
- ``quotes``: a person or body whose words are reported ("Kupchishin said",
  "a déclaré le major-général ...", "selon le ministère"), also a quotation without a
  verb that continues the previous speaker.

Quotations are found as spans first (``quotes.py``): every sentence inside a quote gets
the quote's speaker, named after it closes ("« ... », a déclaré X"), before it opens
("X a déclaré : « ..."), or in the sentence before. A name inside quoted words is never
the speaker. Outside quotes, the speaker is the entity that stands next to the cue (the
subject right before "said", the name right after "said" or "according to"), never an
organisation mentioned further off in the clause nor a common noun ("Report claims").
A lone surname resolves to the article's full name ("Kupchishin" is "Viktor Kupchishin").

The speaker is taken from the article's entities when the entity stage ran first
(a person is preferred over an organisation in the same clause), else from a
capitalised-name rule. ``canonical_source`` is the entity's canonical id, so that
"Sputnik News" and "Spoutnik" count as one source. Cue lists are data, one file per
language (``data/attribution_{en,fr,de,es,it,pt,ru,pl,ar}.yaml``); a text is read with its
own language's cues plus the English and French ones (credit lines travel), a text of
unknown language with all of them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..records import Article, Attribution, Entity
from ..text.sentences import Span, split_sentences
from ..yamlfile import load_yaml
from .quotes import QuoteSpan, quote_spans

MAX_TEXT_CHARS = 200_000
CLAUSE_CHARS = 160  # how far from the cue a speaker may stand
_CAPS_NAME = re.compile(r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'.-]*(?:\s(?:de|du|des|la|al|el|of|the|pour|for)?\s?){0,1}){1,6}")
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "pl", "ar")
ADJACENT_WORDS = 4  # at most this many words between a speaker and its cue (titles, "on Tuesday")
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
        *("witnesses", "residents", "sources", "témoins", "habitants", "one", "another", "state", "its", "their"),
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
    generic: frozenset[str]  # common nouns that are never a speaker ("Report claims ...")
    noun_followers: frozenset[str]  # a cue followed by one of these is a noun ("claims following")
    no_inversion: frozenset[str]  # verbs whose speaker never comes after them ("told")


@functools.cache
def _cue_file(lang: str) -> dict[str, Any]:
    path = resources.files("narratrace.analyse") / "data" / f"attribution_{lang}.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def cues(lang: str | None = None) -> Cues:
    """The cue lists of ``lang`` plus English and French (all languages when unknown), compiled once."""
    langs = [lang, "en", "fr"] if lang in LANGUAGES else list(LANGUAGES)
    speech: list[str] = []
    according: list[str] = []
    credits: dict[str, list[str]] = {}
    pronouns: set[str] = set()
    guards: set[str] = set()
    comps: set[str] = set()
    generic: set[str] = set()
    followers: set[str] = set()
    no_inv: set[str] = set()
    for la in dict.fromkeys(x for x in langs if x):
        data = _cue_file(la)
        speech += [str(x) for x in data["speech_verbs"]]
        according += [str(x) for x in data["according_to"]]
        for kind, pats in data["credits"].items():
            credits.setdefault(kind, []).extend(str(p) for p in pats)
        pronouns.update(str(x) for x in data["pronouns"])
        guards.update(str(x) for x in data.get("noun_guards") or [])
        comps.update(str(x) for x in data.get("complementisers") or [])
        generic.update(str(x).lower() for x in data.get("generic_nouns") or [])
        followers.update(str(x).lower() for x in data.get("noun_followers") or [])
        no_inv.update(str(x).lower() for x in data.get("no_inversion") or [])

    def alternation(items: list[str]) -> str:
        items = sorted(set(items), key=len, reverse=True)
        return "|".join(i.replace("a ", r"a\s+(?:\w+\s+)?", 1) if i.startswith("a ") else i for i in items)

    head = r"(?<![\w-])(?:[وف])?" if lang == "ar" or lang not in LANGUAGES else r"(?<![\w-])"
    return Cues(
        speech=re.compile(rf"{head}(?:{alternation(speech)})(?![\w-])", re.I),
        according=re.compile(rf"{head}(?:{alternation(according)})(?![\w-])", re.I),
        credits=tuple(
            (kind, re.compile(rf"^\s*(?:{'|'.join(pats)})\s*(?P<src>\S.{{0,120}}?)\s*$", re.I))
            for kind, pats in credits.items()
        ),
        pronouns=frozenset(pronouns),
        noun_guards=frozenset(guards),
        complementisers=frozenset(comps),
        generic=frozenset(generic),
        noun_followers=frozenset(followers),
        no_inversion=frozenset(no_inv),
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


def attributions(body: str, entities: tuple[Entity, ...] = (), lang: str | None = None) -> list[Attribution]:
    """Attributions of one article body (the plain function behind the stage)."""
    text = body[:MAX_TEXT_CHARS]
    c = cues(lang)
    spans = quote_spans(text)
    # a name inside quoted words is what the speaker talks about, never the speaker
    ents = [e for e in sorted(entities, key=lambda e: e.start) if _span_at(spans, e.start) is None]
    sents = split_sentences(text)
    out: list[Attribution] = []
    last_speaker: Attribution | None = None
    span_speaker: dict[int, Attribution | None] = {}
    for sent in sents:
        dateline = _DATELINE.match(sent.text)
        if dateline:
            src = dateline.group(1).strip()
            s0 = sent.start + dateline.start(1)
            ent = next(iter(_entities_in(ents, s0, sent.start + dateline.end(1))), None)
            end = sent.start + dateline.end()
            out.append(Attribution("cites", src, dateline.group(0), sent.start, end, _canonical(src, ent)))
        found = _credit(sent, c, ents) or _paren_cite(sent, ents)
        if found:
            out.append(found)
            continue
        span = _span_at(spans, sent.start)
        if span is not None:  # the sentence opens inside a quotation: the quotation's speaker
            if span.start not in span_speaker:
                span_speaker[span.start] = _quote_speaker(text, span, sents, c, ents, last_speaker)
            who = span_speaker[span.start]
            if who is not None:
                att = Attribution("quotes", who.source, sent.text, sent.start, sent.end, who.canonical_source)
                out.append(att)
                last_speaker = att
                continue
        said = _speech(text, sent, c, ents, last_speaker, spans)
        if said is not None:
            out.append(said)
            if said.kind == "quotes":
                last_speaker = said
    return _resolve_surnames(out, entities)


def _span_at(spans: list[QuoteSpan], pos: int) -> QuoteSpan | None:
    """The quotation that ``pos`` is in (its opening mark included)."""
    for s in spans:
        if s.start <= pos < s.end:
            return s
        if s.start > pos:
            break
    return None


def _quote_speaker(
    text: str, span: QuoteSpan, sents: list[Span], c: Cues, ents: list[Entity], last: Attribution | None
) -> Attribution | None:
    """Who says the quotation: named right after it closes, right before it opens, or before."""
    if span.closed:
        tail = next((s for s in sents if s.start < span.end <= s.end), None)
        if tail is not None and span.end < tail.end:
            window = Span(span.end, tail.end, text[span.end : tail.end])
            found = _speech(text, window, c, ents, last, [])
            if found is not None:
                return found
    head = next((s for s in sents if s.start <= span.start < s.end), None)
    if head is not None and head.start < span.start:
        lead = text[head.start : span.start].rstrip()
        if lead.endswith((":", ",")) or c.speech.search(lead[-40:]):
            found = _speech(text, Span(head.start, span.start, text[head.start : span.start]), c, ents, last, [])
            if found is not None:
                return found
    if last is not None and span.start - last.end <= 800:
        return last  # « ... » after a sentence that named the speaker
    return None


def _resolve_surnames(atts: list[Attribution], entities: tuple[Entity, ...]) -> list[Attribution]:
    """A speaker named by surname alone is the article's full name ending in that surname."""
    full: dict[str, Entity] = {}
    for e in entities:
        words = e.text.split()
        if e.type == "PER" and len(words) >= 2 and e.canonical_id:
            full.setdefault(words[-1].lower(), e)
    out = []
    for a in atts:
        words = a.source.split()
        ent = full.get(words[-1].lower()) if a.kind == "quotes" and len(words) == 1 else None
        if ent is not None and a.canonical_source != ent.canonical_id:
            a = Attribution(a.kind, a.source, a.text, a.start, a.end, ent.canonical_id)
        out.append(a)
    return out


def _credit(sent: Span, c: Cues, ents: list[Entity]) -> Attribution | None:
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


def _paren_cite(sent: Span, ents: list[Entity]) -> Attribution | None:
    m = _PAREN_SOURCE.search(sent.text)
    if not m:
        return None
    s0, s1 = sent.start + m.start(1), sent.start + m.end(1)
    inside = [e for e in _entities_in(ents, s0, s1) if e.type in {"ORG", "MEDIA"}]
    if not inside or (inside[0].end - inside[0].start) < 0.8 * len(m.group(1).strip()):
        return None  # "(HTS, previously known as ...)" is an aside, not a source
    src = m.group(1).strip()
    return Attribution("cites", src, sent.text, sent.start, sent.end, _canonical(src, inside[0]))


def _speech(
    text: str,
    sent: Span,
    c: Cues,
    ents: list[Entity],
    last: Attribution | None,
    spans: list[QuoteSpan],
) -> Attribution | None:
    for pattern, before_first in ((c.according, False), (c.speech, True)):
        for m in pattern.finditer(sent.text):
            cue_start, cue_end = sent.start + m.start(), sent.start + m.end()
            if _span_at(spans, cue_start) is not None:
                continue  # a verb of saying inside quoted words
            if m.group(0)[:1].isupper() and sent.text[: m.start()].strip():
                continue  # "H. Said", "- Reports Blast Rocks ...": a name or a headline word, not a verb
            before = sent.text[: m.start()].split()
            after = [w.strip(",’'").lower() for w in re.split(r"[\s’']+", sent.text[m.end() :].strip(), maxsplit=3)[:3]]
            if before_first and before and before[-1].lower() in c.noun_guards:
                continue  # "new reports suggest": a noun, not a verb of saying
            if before_first and after and after[0] in c.noun_followers:
                continue  # "the Helmets' claims following the report": a noun
            windows = [
                (max(sent.start, cue_start - CLAUSE_CHARS), cue_start),
                (cue_end, min(sent.end, cue_end + CLAUSE_CHARS)),
            ]
            if not before_first:
                windows = windows[1:]  # "according to X": X comes after
            elif sent.text[: m.start()].rstrip().endswith(","):
                windows.reverse()  # "..., sagte der Sprecher X", "..., said X": the speaker follows
            elif any(w in c.complementisers for w in after[:2]) or m.group(0).lower() in c.no_inversion:
                windows = windows[:1]  # "X affirme (désormais) que ...", "X told Reuters": the speaker first
            for w0, w1 in windows:
                speaker = None
                if w0 >= cue_end:  # "according to X, ...", "said X, who ...": X ends at the comma
                    comma = text.find(",", w0, w1)
                    speaker = _speaker(text, w0, comma if comma != -1 else w1, cue_end, ents, c, last)
                    if speaker is None and comma != -1:  # "сообщил эпидемиолог, ..., академик X."
                        speaker = _named_after(text, w0, w1, ents)
                else:
                    speaker = _speaker(text, w0, w1, cue_start, ents, c, last)
                if speaker is None:
                    continue
                source, ent, canonical = speaker
                kind = "cites" if ent is not None and ent.type == "MEDIA" else "quotes"
                return Attribution(kind, source, sent.text, sent.start, sent.end, canonical)
    return None


def _adjacent(text: str, start: int, end: int, after_cue: bool) -> bool:
    """Is the gap between a candidate speaker and its cue short enough for the one to be
    the subject (or agent) of the other? An apposition between commas is allowed before
    the cue ("X, head of the centre, said"), titles after it ("said Maj. Gen. X")."""
    gap = text[start:end]
    if not after_cue and re.fullmatch(r"\s*,[^,;:«»“”\"()]{0,120},\s*", gap):
        return True
    if re.search(r"[;:«»“”\"]", gap):
        return False
    return len(gap.split()) <= (ADJACENT_WORDS + 2 if after_cue else ADJACENT_WORDS)


def _named_after(text: str, w0: int, w1: int, ents: list[Entity]) -> tuple[str, Entity | None, str | None] | None:
    """A person named at the end of a chain of titles after an inverted verb of saying."""
    for e in _entities_in(ents, w0, w1):
        gap = text[w0 : e.start]
        if e.type == "PER" and len(gap.split()) <= 14 and not re.search(r"[;:«»“”\".!?]", gap):
            return e.text, e, _canonical(e.text, e)
    return None


def _opens_clause(text: str, w0: int, ent: Entity, near: int) -> bool:
    """A person or body that opens the sentence is its subject, even with a long
    apposition before the verb ("Ercan Topaca the Governor of Hatay ... told")."""
    return (
        ent.type in {"PER", "ORG", "MEDIA"}
        and not text[w0 : ent.start].strip(" \n\t(\"“«")
        and len(text[ent.end : near].split()) <= 16
        and not re.search(r"[;:«»“”\"]", text[ent.end : near])
    )


def _speaker(
    text: str, w0: int, w1: int, near: int, ents: list[Entity], c: Cues, last: Attribution | None
) -> tuple[str, Entity | None, str | None] | None:
    # a clause boundary (closing quote, semicolon) between speaker and cue ends the window
    segment = text[w0:w1]
    before_cue = w1 <= near
    if before_cue:  # speaker before the cue: stay after the last quote or semicolon
        cut = max(segment.rfind("»"), segment.rfind("”"), segment.rfind(";"), segment.rfind('"'))
        w0 = w0 + cut + 1 if cut != -1 else w0
    else:
        cut = min([i for i in (segment.find("«"), segment.find("“"), segment.find(";")) if i != -1] or [len(segment)])
        w1 = w0 + cut
    words = text[w0:w1].split()
    pron = (words[-1] if before_cue and words else words[0] if words else "").strip(",").lower()
    if pron in c.pronouns:
        return (last.source, None, last.canonical_source) if last is not None else None
    cands = [
        e
        for e in _entities_in(ents, w0, w1)
        if e.text.lower() not in c.generic
        and (
            (_adjacent(text, e.end, near, False) or _opens_clause(text, w0, e, near))
            if before_cue
            else _adjacent(text, near, e.start, True)
        )
    ]
    ent = _pick(cands, near)
    if ent is not None and ent.type not in {"LOC", "NORP"}:
        return ent.text, ent, _canonical(ent.text, ent)
    if words:
        # an unnamed subject before the verb ("Des sources locales affirment") or
        # object of "according to" ("selon l'officiel militaire russe")
        parts = re.split(r"[,;:–—()«»“”\"]", text[w0:w1])
        clause = (parts[-1] if before_cue else parts[0]).split()
        clause = [w.strip(".!?…") for w in clause if w.strip(".!?…")]
        clause = _noun_phrase(clause, before_cue)
        while clause and clause[-1].lower().strip(",") in _ADVERBS:
            clause.pop()
        if 1 <= len(clause) <= 6 and _looks_like_subject(clause) and not _generic(clause, c):
            phrase = " ".join(clause)
            from .entities import load_table

            known = load_table().lookup(phrase)
            first = re.split(r"[\s’']", phrase.lower(), maxsplit=1)[0]
            if known is None and first in _DEFINITE:
                org = _named_before(clause, ents, w0)
                if org is not None:  # "selon le centre": the Centre named earlier
                    return phrase, org, org.canonical_id
                if last is not None:
                    return phrase, None, last.canonical_source  # "the Russian commander": the last speaker
            return phrase, None, known
    if not ents:
        span = _rule_name(text, w0, w1)
        if span:
            name = text[span[0] : span[1]]
            if name.lower() not in c.generic:
                return name, None, _canonical(name, None)
    return None


_STOP_AFTER = frozenset(
    [
        "noting", "adding", "saying", "who", "which", "that", "as", "while", "and", "on", "in", "at", "to", "told",
        "during", "after", "before", "when",
    ]
)
_NOT_SPEAKERS = frozenset(
    [
        *("on", "in", "at", "late", "early", "past", "last", "this", "next", "earlier", "later", "today"),
        *("yesterday", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "aujourd'hui"),
        # clause openers that are not subjects ("Об этом сообщил X", "А заодно объявил")
        *("об", "это", "этом", "а", "всё", "все", "так", "как", "также", "ранее", "и", "но", "при"),
        *("e", "mas", "por", "assim", "também", "isto", "isso", "y", "pero", "also", "und", "aber"),
    ]
)
_AUXILIARIES = frozenset([
    "was", "were", "been", "be", "is", "are", "has", "have", "had", "being", "été", "est", "sont",
])


def _noun_phrase(words: list[str], before_cue: bool) -> list[str]:
    """The noun phrase next to the cue in a clause without punctuation (web copies drop
    commas): before it, from the last determiner ("... in the town the monitoring group
    said"); after it, up to the first word that starts a new clause ("said the source
    noting that ...")."""
    if before_cue:
        if len(words) > 6:
            tail = words[-7:]
            marks = [i for i, w in enumerate(tail) if w.lower() in _DETERMINERS]
            words = tail[marks[-1] :] if marks else tail[-6:]
        if words and words[-1].lower() in _AUXILIARIES:
            return []  # "At least 16 airstrikes were reported": a passive, nobody speaks
        if words and words[0].lower() in _NOT_SPEAKERS:
            return []
        return words
    out: list[str] = []
    for w in words[:6]:
        if out and (w.lower() in _STOP_AFTER or w.lower().endswith("ing")):
            break
        out.append(w)
    if out and out[0].lower() in _NOT_SPEAKERS:
        return []  # "said Saturday", "said on Tuesday": a date, not a speaker
    return out


def _named_before(clause: list[str], ents: list[Entity], before: int) -> Entity | None:
    """The latest organisation named earlier whose name holds the phrase's last noun."""
    noun = clause[-1].lower().strip(".,;:")
    if len(noun) < 4:
        return None
    hits = [e for e in ents if e.end <= before and e.type in {"ORG", "MEDIA"} and noun in e.text.lower().split()]
    return hits[-1] if hits else None


def _generic(words: list[str], c: Cues) -> bool:
    """A common noun on its own ("Report", "Terrorists") or a phrase that is only one."""
    content = [w.lower() for w in words if w.lower() not in _DETERMINERS]
    return len(content) == 1 and content[0] in c.generic


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
        return article.replace(attributions=tuple(attributions(article.body, article.entities, article.lang)))
