"""A generated news corpus for the end-to-end benchmark: stories, copies, translations.

Articles of about 3,000 characters of body in English, French, German and Spanish,
written as pasted web pages (headline, date line, web debris, paragraphs). They are
rendered from parallel sentence templates (``data/e2e_templates.yaml``, written by the
team), so the corpus has what the real stream has and the stories stage must work for:

- several articles telling one story (same places, people and organisations, other
  sentences, numbers and outlets, dates a few days apart);
- verbatim re-publications under a headline of their own with a "Source :" line;
- translations: the same sentences and slot values rendered in another language,
  with a translation credit.

Everything is seeded: the same ``n`` and ``seed`` give the same files.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).with_name("data") / "e2e_templates.yaml"
LANGS = ("en", "fr", "de", "es")
LANG_SHARE = (0.45, 0.25, 0.15, 0.15)
BODY_CHARS = 3000
CREDIT = {"en": "Translated by {outlet}", "fr": "Traduction : {outlet}", "de": "Übersetzung: {outlet}",
          "es": "Traducción: {outlet}"}
SOURCE = {"en": "Source: {outlet}", "fr": "Source : {outlet}", "de": "Quelle: {outlet}", "es": "Fuente: {outlet}"}


@dataclass
class Story:
    slots: dict[str, str]
    day: dt.date
    order: list[int]


@dataclass
class Piece:
    """One rendered article (before it is written as a page)."""

    lang: str
    outlet: str
    day: dt.date
    headline: str
    sentences: list[tuple[int, dict[str, str]]]  # template index, slot values
    kind: str = "original"  # original | copy | translation
    source: int | None = None
    extra: list[str] = field(default_factory=list)


def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return data


def _render(data: dict[str, Any], lang: str, idx: int, slots: dict[str, str]) -> str:
    month = data["months"][lang][int(slots["month"])]
    return str(data["sentences"][lang][idx]).format(**{**slots, "month": month})


def _slots(rng: random.Random, data: dict[str, Any], day: dt.date) -> dict[str, str]:
    place, place2 = rng.sample(data["places"], 2)
    return {
        "place": place, "place2": place2, "person": rng.choice(data["persons"]), "org": rng.choice(data["orgs"]),
        "agency": rng.choice(data["agencies"]), "num": str(rng.randint(3, 400)), "num2": str(rng.randint(2, 90)),
        "day": str(day.day), "month": str(day.month - 1), "year": str(day.year),
    }


def _variant(rng: random.Random, data: dict[str, Any], base: dict[str, str]) -> dict[str, str]:
    """The same story told with other numbers and, sometimes, another secondary place or agency."""
    out = dict(base, num=str(rng.randint(3, 400)), num2=str(rng.randint(2, 90)))
    if rng.random() < 0.5:
        out["place2"] = rng.choice([p for p in data["places"] if p != base["place"]])
    if rng.random() < 0.5:
        out["agency"] = rng.choice(data["agencies"])
    return out


def _original(rng: random.Random, data: dict[str, Any], story: Story, lang: str) -> Piece:
    n = len(data["sentences"]["en"])
    order = story.order[:] if rng.random() < 0.5 else rng.sample(range(n), n)
    sentences: list[tuple[int, dict[str, str]]] = []
    chars = 0
    cycle = 0
    while chars < BODY_CHARS - 150:
        slots = story.slots if cycle == 0 else _variant(rng, data, story.slots)
        for idx in order:
            sentences.append((idx, slots))
            chars += len(_render(data, lang, idx, slots)) + 1
            if chars >= BODY_CHARS - 150:
                break
        cycle += 1
        order = rng.sample(range(n), n)
    day = story.day + dt.timedelta(days=rng.randint(0, 3))
    headline = str(data["headline"][lang]).format(**story.slots)
    return Piece(lang, rng.choice(data["outlets"]), day, headline, sentences)


def plan(n: int, seed: int = 11) -> list[Piece]:
    """``n`` articles: about 70% originals (new or continuing stories), 15% copies, 15% translations."""
    rng = random.Random(seed)
    data = _load()
    stories: list[Story] = []
    pieces: list[Piece] = []
    start = dt.date(2019, 1, 1)
    n_templates = len(data["sentences"]["en"])
    for i in range(n):
        roll = rng.random()
        if pieces and roll < 0.15:  # a verbatim re-publication of a recent article
            src_i = rng.randrange(max(0, len(pieces) - 200), len(pieces))
            src = pieces[src_i]
            outlet = rng.choice([o for o in data["outlets"] if o != src.outlet])
            headline = f"{src.headline} ({rng.choice(data['agencies'])})"
            pieces.append(Piece(src.lang, outlet, src.day + dt.timedelta(days=rng.randint(0, 2)), headline,
                                src.sentences, "copy", src_i, [SOURCE[src.lang].format(outlet=src.outlet)]))
            continue
        if pieces and roll < 0.30:  # a translation of a recent article
            src_i = rng.randrange(max(0, len(pieces) - 200), len(pieces))
            src = pieces[src_i]
            lang = rng.choice([x for x in LANGS if x != src.lang])
            outlet = rng.choice([o for o in data["outlets"] if o != src.outlet])
            slots0 = src.sentences[0][1]
            headline = str(data["headline"][lang]).format(**slots0)
            pieces.append(Piece(lang, outlet, src.day + dt.timedelta(days=rng.randint(0, 3)), headline,
                                src.sentences, "translation", src_i, [CREDIT[lang].format(outlet=outlet)]))
            continue
        if not stories or rng.random() < 0.45:
            day = start + dt.timedelta(days=int(i * 0.2) + rng.randint(0, 2))
            story = Story({}, day, rng.sample(range(n_templates), n_templates))
            story.slots = _slots(rng, data, day)
            stories.append(story)
        else:
            story = rng.choice(stories[-30:])
        lang = rng.choices(LANGS, LANG_SHARE)[0]
        pieces.append(_original(rng, data, story, lang))
    return pieces


def page(data: dict[str, Any], piece: Piece, rng: random.Random) -> str:
    """The article as a pasted web page, debris included."""
    debris = data["debris"][piece.lang]
    body = [_render(data, piece.lang, idx, slots) for idx, slots in piece.sentences]
    paragraphs = [" ".join(body[k : k + 3]) for k in range(0, len(body), 3)]
    parts = [debris[0], piece.headline, f"date {piece.day.isoformat()}", debris[1], *piece.extra]
    for k, para in enumerate(paragraphs):
        parts.append(para)
        if k == 2:
            parts.append(debris[3])
    parts.append(debris[2])
    return "\n\n".join(parts) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 11) -> dict[str, int]:
    """Write ``n`` pages as ``.txt`` files under ``folder``; returns counts by kind and language."""
    data = _load()
    rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for i, piece in enumerate(plan(n, seed)):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"a{i:06d}_{piece.lang}.txt").write_text(page(data, piece, rng), encoding="utf-8")
        for key in (piece.kind, piece.lang):
            counts[key] = counts.get(key, 0) + 1
    return counts
