"""Comparison keys for names: one key for all spellings of one name.

Arabic and Slavic names reach English and French text through several transliteration
habits at once: the article (al-/el-/ad-/ash-, "Eddine" for "ad-Din"), digraphs (English
sh = French ch, English ch = French tch, kh, zh = j, q = k), vowel spellings (ou/u,
ee/i, ai/ei/ay, mute French final e) and doubled letters. ``name_key`` folds all of these
so that "Khan Shaykhun", "Khan Sheikhoun" and "Khan Cheikhoun" share a key, keeping
enough of the vowel pattern apart that Homs and Hamas, Iran and Iraq stay distinct.
Keys are order-free (sorted tokens): "ministère russe de la Défense" meets
"Russian Ministry of Defence" after word translation. The rule tables live in
``data/name_rules.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ...text.fold import translit
from ...yamlfile import load_yaml

MAX_NAME_CHARS = 200  # a "name" longer than this is not a name: cut, bounding every cost

_VOWELS = frozenset("aeiou")
# French elided article or preposition before a name: l'État, d'Idlib, qu'Alep
_ELISION = re.compile(r"(?i)(?<![\w])(?:l|d|qu|j|n|s|m|t)['’](?=\w)")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ASSIMILATED = re.compile(r"^[aeu]([dtsznrl])\1([a-z]{2,})$")
_DIGRAPHS = (
    ("tch", "C"),
    ("sch", "C"),
    ("sh", "C"),
    ("ch", "C"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "x"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ck", "k"),
    ("qu", "k"),
    ("q", "k"),
    ("gue", "ge"),
    ("gui", "gi"),
)


@dataclass(frozen=True)
class NameRules:
    articles_always: frozenset[str]
    articles_hyphenated: frozenset[str]
    stopwords: frozenset[str]
    leading_drop: frozenset[str]
    designators: frozenset[str]
    titles: frozenset[str]
    person_titles: frozenset[str]
    org_heads: frozenset[str]
    treaty_heads: frozenset[str]
    word_variants: dict[str, str]
    word_translations: dict[str, str]
    place_words: frozenset[str]
    org_words: frozenset[str]


@functools.cache
def rules() -> NameRules:
    path = resources.files("narratrace.analyse.entities") / "data" / "name_rules.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    variants = {v: k for k, vs in data["word_variants"].items() for v in vs}

    def words(key: str) -> frozenset[str]:
        return frozenset(str(x) for x in data[key])

    return NameRules(
        articles_always=words("articles_always"),
        articles_hyphenated=words("articles_hyphenated"),
        stopwords=words("stopwords"),
        leading_drop=words("leading_drop"),
        designators=words("designators"),
        titles=words("titles"),
        person_titles=words("person_titles"),
        org_heads=words("org_heads"),
        treaty_heads=words("treaty_heads"),
        word_variants=variants,
        word_translations={str(k): str(v) for k, v in data["word_translations"].items()},
        place_words=words("place_words"),
        org_words=words("org_words"),
    )


def ascii_fold(text: str) -> str:
    """ASCII transliteration, lower case, apostrophes removed ("Ma'arrat" -> "maarrat")."""
    folded = translit(_ELISION.sub("", text[:MAX_NAME_CHARS]))
    return re.sub(r"['`´’‘]", "", folded)


@functools.lru_cache(maxsize=65536)
def token_key(word: str) -> str:
    """The spelling-independent key of one ASCII lower-case word."""
    r = rules()
    word = r.word_variants.get(word, word)
    word = r.word_translations.get(word, word)
    if word.isdigit() or len(word) <= 1:
        return word
    m = _ASSIMILATED.match(word)
    if m and len(word) >= 5:  # "eddine" = ed-dine, "ennahda" = en-nahda
        word = m.group(1) + m.group(2)
    if word.startswith("ye") and len(word) > 3:  # Yevgeny / Evgueni
        word = word[1:]
    # an unstressed e before a final r or l comes and goes between transliterations:
    # Kafer / Kafr, Nabel / Nabl, Alexander / Alexandre, Peter / Petr
    word = re.sub(r"(?<=[b-df-hj-np-tv-z])e([rl])$", r"\1", word)
    for src, dst in _DIGRAPHS:
        word = word.replace(src, dst)
    # a plain c is s before e, i, y and k elsewhere; C (the sh sound) becomes c
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k").replace("C", "c")
    # mute French final e after a consonant: Poutine / Putin, Kouptchichine / Kupchishin
    if len(word) > 3 and word.endswith("e") and word[-2] not in _VOWELS:
        word = word[:-1]
    # a final h after a vowel is silent: Hamah / Hama
    if len(word) > 3 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    # doubled letters are one sound
    word = re.sub(r"(.)\1+", r"\1", word)
    return _vowel_skeleton(word)


def _vowel_skeleton(word: str) -> str:
    """Every run of vowels becomes one ``a``; y and w count as vowels except between vowels."""
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        if ch in "yw":
            prev_v = i > 0 and word[i - 1] in _VOWELS
            next_v = i + 1 < n and word[i + 1] in _VOWELS
            is_vowel = not ((prev_v or i == 0) and next_v)
        else:
            is_vowel = ch in _VOWELS
        if is_vowel:
            if not out or out[-1] != "a":
                out.append("a")
        else:
            out.append(ch)
    return "".join(out)


def name_words(name: str) -> list[str]:
    """ASCII words of a name with articles, determiners and stop-words removed."""
    return list(_name_words(name[:MAX_NAME_CHARS]))


@functools.lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    r = rules()
    raw = _WORD.findall(ascii_fold(name))
    words: list[str] = []
    for chunk in raw:
        parts = chunk.split("-")
        for j, part in enumerate(parts):
            if not part:
                continue
            hyphen_joined = j + 1 < len(parts)
            if part in r.articles_always and (len(parts) > 1 or len(raw) > 1):
                continue
            if hyphen_joined and part in r.articles_hyphenated:
                continue
            words.append(part)
    while words and words[0] in r.leading_drop and len(words) > 1:
        words.pop(0)
    kept = [w for w in words if w not in r.stopwords]
    words = kept or words
    kept = [w for w in words if w not in r.designators]
    return tuple(kept or words)


def is_acronym(name: str) -> bool:
    letters = re.sub(r"[.\-&]", "", name.strip())
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Order-free, spelling-independent key of a whole name ("" when nothing is left)."""
    if is_acronym(name):
        return "=" + re.sub(r"[^A-Za-z]", "", name).lower()
    keys = sorted(token_key(w) for w in name_words(name))
    return " ".join(k for k in keys if k)


def word_keys(name: str) -> list[str]:
    """Per-word keys in text order (for subset and initials matching)."""
    return [token_key(w) for w in name_words(name)]


def initials(name: str) -> str:
    """Initials of the content words: "Hayat Tahrir al-Sham" -> "hts"."""
    return "".join(w[0] for w in name_words(name) if w and w[0].isalpha())


def titled_before(text: str, start: int) -> bool:
    """Does a person's title stand right before ``start`` ("le major-général |Viktor ...")?"""
    words = text[max(0, start - 40) : start].split()
    if not words or text[start - 1 : start] not in (" ", "\u00a0"):
        return False
    last = words[-1].strip(".,").lower()
    return last in rules().person_titles or ascii_fold(last) in rules().person_titles


def strip_title(name: str) -> str:
    """Drop leading ranks and honorifics: "Maj. Gen. Viktor Kupchishin" -> "Viktor Kupchishin"."""
    r = rules()
    words = name.split()
    i = 0
    while i < len(words) - 1:
        w = ascii_fold(words[i]).strip(".,")
        if w in r.titles or w.replace("-", "") in r.titles:
            i += 1
            continue
        break
    return " ".join(words[i:])


def looks_like_place(name: str) -> bool:
    """A multi-word name opening with an Arabic toponymic element (Khan ..., Kafr ...)."""
    words = name_words(name)
    return len(words) >= 2 and words[0] in rules().place_words


def institution_type(name: str) -> str | None:
    """ORG (or MISC for a treaty) when a multi-word name holds a word that heads an
    institution ("Ministry", "Convention", "Комитет"): such a name is never a person."""
    words = [w.lower() for w in re.findall(r"\w+", name)]
    if len(words) < 2:
        return None
    if any(w in rules().treaty_heads for w in words):
        return "MISC"
    return "ORG" if any(w in rules().org_heads for w in words) else None


def looks_like_group(name: str) -> bool:
    """A multi-word name opening with a word that names an armed group (Hurras ..., Jaish ...)."""
    words = name_words(name)
    return len(words) >= 2 and words[0] in rules().org_words
