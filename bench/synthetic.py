"""Synthetic web pages for throughput benchmarks (generated, never real articles).

Pages look like what comes off the web: a headline, a dateline, paragraphs with
quotes and dates, and the debris the cleaner must remove (donation widgets, share
bars, related links, comment threads, disclaimers), in English and French, as pasted
text or as HTML.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = {
    "en": [
        "the",
        "convoy",
        "officials",
        "town",
        "ministry",
        "reported",
        "said",
        "according",
        "to",
        "sources",
        "army",
        "strike",
        "village",
        "militants",
        "aid",
        "trucks",
        "border",
        "crossing",
        "week",
        "report",
        "group",
        "forces",
        "government",
        "statement",
        "council",
        "residents",
        "video",
        "footage",
        "claims",
        "evidence",
        "province",
        "capital",
        "spokesman",
        "agency",
    ],
    "fr": [
        "le",
        "convoi",
        "les",
        "responsables",
        "la",
        "ville",
        "ministère",
        "a",
        "déclaré",
        "selon",
        "des",
        "sources",
        "armée",
        "frappe",
        "village",
        "militants",
        "aide",
        "camions",
        "frontière",
        "passage",
        "semaine",
        "rapport",
        "groupe",
        "forces",
        "gouvernement",
        "communiqué",
        "habitants",
        "vidéo",
        "images",
        "accusations",
        "preuves",
        "province",
        "capitale",
        "porte-parole",
        "agence",
    ],
}
PLACES = ["Idlib", "Saraqib", "Ariha", "Aleppo", "Khan Shaykhun", "Maarat al-Numan", "Damascus", "Homs"]
MONTHS = {"en": ["January", "March", "June", "October"], "fr": ["janvier", "mars", "juin", "octobre"]}


def _sentence(rng: random.Random, lang: str) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(12, 24))
    words.insert(rng.randint(0, len(words)), rng.choice(PLACES))
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def _paragraphs(rng: random.Random, lang: str, n: int) -> list[str]:
    out = []
    for _ in range(n):
        para = " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            day, month, year = rng.randint(1, 28), rng.choice(MONTHS[lang]), rng.randint(2018, 2022)
            para += f" « {_sentence(rng, lang)} »" if lang == "fr" else f' "{_sentence(rng, lang)}"'
            para += f" ({day} {month} {year})"
        out.append(para)
    return out


def text_page(rng: random.Random, lang: str) -> str:
    headline = " ".join(rng.choices(WORDS[lang], k=8)).capitalize() + " " + rng.choice(PLACES)
    parts = ["0 $\n2,500 $", headline, "Support Wirefront" if lang == "en" else "Soutenez Le Veilleur"]
    parts.append(f"{rng.choice(PLACES).upper()} – " + _sentence(rng, lang))
    parts += _paragraphs(rng, lang, rng.randint(6, 12))
    parts.insert(5, ("READ MORE: " if lang == "en" else "LIRE PLUS: ") + _sentence(rng, lang))
    parts.append("Notify of\nNewest Most Voted\nInline Feedbacks\nView all comments")
    for _ in range(rng.randint(0, 4)):
        parts.append(f"Reader{rng.randint(1, 999)}\n\n{_sentence(rng, lang)}")
    return "\n\n".join(parts) + "\n"


def html_page(rng: random.Random, lang: str) -> str:
    headline = " ".join(rng.choices(WORDS[lang], k=8)).capitalize()
    paras = "".join(f"<p>{p}</p>" for p in _paragraphs(rng, lang, rng.randint(6, 12)))
    comments = "".join(
        f'<li class="comment"><div class="comment-author"><cite class="fn">User{i}</cite></div>'
        f'<div class="comment-content"><p>{_sentence(rng, lang)}</p></div></li>'
        for i in range(rng.randint(0, 3))
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><title>{headline} | Wire</title>'
        f'<meta property="og:site_name" content="Wire"><meta property="article:published_time" '
        f'content="2019-03-{rng.randint(10, 28)}T10:00:00Z"></head><body><nav><a href="/">Home</a>'
        f'<a href="/w">World</a></nav><article><h1>{headline}</h1>{paras}</article>'
        f'<div id="comments"><ol class="commentlist">{comments}</ol></div><footer>© 2019 Wire</footer></body></html>'
    )


def write_corpus(folder: Path, n: int, seed: int = 7, html_share: float = 0.3) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        lang = "fr" if i % 3 == 0 else "en"
        if rng.random() < html_share:
            path = folder / f"p{i:05d}.html"
            path.write_text(html_page(rng, lang), encoding="utf-8")
        else:
            path = folder / f"p{i:05d}.txt"
            path.write_text(text_page(rng, lang), encoding="utf-8")
        paths.append(path)
    return paths
