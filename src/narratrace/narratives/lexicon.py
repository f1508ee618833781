"""Text folding, sentence splitting and phrase lookup shared by the matcher and stance rules.

Why our own: keyword, entity and stance lexicons must match "mise en scène" and
"mise en scene", "Al-Qaïda" and "al qaida", across a catalogue of a thousand narratives,
in time linear in the article length. Folding is one character to one character, so an
offset in the folded text is the same offset in ``article.body`` (evidence spans point into
the body). A phrase index keyed by first token (or a 3-letter prefix for ``word*`` entries)
replaces a thousand regexes with one pass over the tokens, with no backtracking.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"\w+")
# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before
# whitespace, or at a line break. Bounded: no nested quantifiers.
_SENT_END = re.compile(r"(?<=[.!?…])((?:[ \u00a0\u202f]?[\"'»”’)\]]){0,3})\s+|\n\s*")
MAX_SENTENCE_CHARS = 600


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    low = ch.lower()
    base = unicodedata.normalize("NFKD", low[:1])
    out = base[:1] if base else ch
    if out in "’‘`´":
        return "'"
    if not out.isalnum() and out not in " \n\t'-":
        return " " if not out.isprintable() else out
    return out


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes; same length as ``text``."""
    return "".join(_fold_char(c) for c in text)


def fold_phrase(text: str) -> str:
    """Fold a lexicon entry and collapse it to space-separated word tokens."""
    return " ".join(_TOKEN.findall(fold(text)))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, max_sentences: int = 200) -> list[Sentence]:
    """Sentences with body offsets; over-long runs are cut so no unit exceeds 600 chars."""
    out: list[Sentence] = []
    pos = 0
    matches = list(_SENT_END.finditer(text))
    bounds = [m.end(1) if m.group(1) is not None else m.start() for m in matches] + [len(text)]
    ends = [m.end() for m in matches] + [len(text)]
    for stop, nxt in zip(bounds, ends, strict=True):
        seg_start = pos
        while seg_start < stop:
            seg_end = min(stop, seg_start + MAX_SENTENCE_CHARS)
            piece = text[seg_start:seg_end]
            stripped = piece.strip()
            if len(stripped) >= 3 and any(c.isalpha() for c in stripped):
                lead = len(piece) - len(piece.lstrip())
                s = seg_start + lead
                out.append(Sentence(s, s + len(stripped), stripped))
                if len(out) >= max_sentences:
                    return out
            seg_start = seg_end
        pos = nxt
    return out


@dataclass(frozen=True)
class Hit:
    """One occurrence of one distinct phrase, with every payload registered for it."""

    payloads: tuple[Hashable, ...]
    key: str  # the phrase as registered, folded ("mise en scene", "debunk*")
    start: int  # char offsets into the folded (= original) text
    end: int


_Entry = tuple[tuple[str, ...], bool, str, list[Hashable]]


class PhraseIndex:
    """Find many phrases in one pass over tokens. ``word*`` matches any ending of ``word``.

    A phrase shared by many narratives ("Russia") is stored once with all its payloads, so
    the cost per token does not grow with the catalogue.
    """

    def __init__(self) -> None:
        self._exact: dict[str, list[_Entry]] = {}
        self._prefix: dict[str, list[_Entry]] = {}
        self._entries: dict[tuple[tuple[str, ...], bool], _Entry] = {}

    def add(self, phrase: str, payload: Hashable) -> None:
        prefix = phrase.rstrip().endswith("*")
        toks = tuple(_TOKEN.findall(fold(phrase)))
        if not toks:
            return
        found = self._entries.get((toks, prefix))
        if found is not None:
            if payload not in found[3]:
                found[3].append(payload)
            return
        entry: _Entry = (toks, prefix, " ".join(toks) + ("*" if prefix else ""), [payload])
        self._entries[(toks, prefix)] = entry
        if prefix and len(toks) == 1:
            self._prefix.setdefault(toks[0][:3], []).append(entry)
        else:
            self._exact.setdefault(toks[0], []).append(entry)

    def add_all(self, phrases: Iterable[str], payload: Hashable) -> None:
        for phrase in phrases:
            self.add(phrase, payload)

    def find(self, folded: str, tokens: Sequence[tuple[str, int, int]] | None = None) -> list[Hit]:
        toks = tokens if tokens is not None else tokenize(folded)
        words = [t[0] for t in toks]
        hits: list[Hit] = []
        for i, word in enumerate(words):
            for cand in (self._exact.get(word, ()), self._prefix.get(word[:3], ())):
                for phrase, prefix, key, payloads in cand:
                    n = len(phrase)
                    if i + n > len(words):
                        continue
                    if n > 1 and words[i + 1 : i + n - 1] != list(phrase[1 : n - 1]):
                        continue
                    last = words[i + n - 1]
                    if (last.startswith(phrase[-1]) if prefix else last == phrase[-1]) and (
                        n == 1 or words[i] == phrase[0]
                    ):
                        hits.append(Hit(tuple(payloads), key, toks[i][1], toks[i + n - 1][2]))
        return hits


def tokenize(folded: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
