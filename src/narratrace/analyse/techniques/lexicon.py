"""Per-language lexicons of loaded words, labels and cue phrases (data files, not code).

Each ``data/lexicon_<lang>.yaml`` lists, per category (``loaded``, ``label``, ``fear``,
``doubt``, ...), words, prefixes (``terroris*``) and phrases (``so-called``, ``what
about``). The categories are the same in every language, so a weight learned on the
English corpus for "a token of category *label*" applies to a French or Polish token
of that category: this is how the models reach languages they were not trained on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ...yamlfile import load_yaml

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "pl")


@dataclass(frozen=True)
class Lexicon:
    lang: str
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prefixes: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # first word -> [(words, category)]; a word ending in "*" matches as a prefix
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()
    prefix_phrases: tuple[tuple[tuple[str, ...], str], ...] = ()

    def is_stop(self, word: str) -> bool:
        return word in self.stop

    def tag(self, words: list[str]) -> list[tuple[str, ...]]:
        """Categories of each token (a token in a matched phrase gets the phrase's category)."""
        out: list[tuple[str, ...]] = []
        for w in words:
            cats = self.words.get(w, ())
            for n, table in self.prefixes.items():
                if len(w) > n:
                    more = table.get(w[:n])
                    if more:
                        cats = cats + more
            out.append(cats)
        if self.phrases or self.prefix_phrases:
            for i, w in enumerate(words):
                cands = self.phrases.get(w, [])
                if self.prefix_phrases:
                    cands = cands + [p for p in self.prefix_phrases if w.startswith(p[0][0][:-1])]
                for seq, cat in cands:
                    k = len(seq)
                    if _matches(seq, words[i : i + k]):
                        for j in range(i, i + k):
                            if cat not in out[j]:
                                out[j] = out[j] + (cat,)
        return out

    def categories(self) -> set[str]:
        cats = {c for v in self.words.values() for c in v}
        cats |= {c for t in self.prefixes.values() for v in t.values() for c in v}
        cats |= {c for v in self.phrases.values() for _, c in v}
        return cats


def _matches(seq: tuple[str, ...], words: list[str]) -> bool:
    if len(words) < len(seq):
        return False
    for pat, w in zip(seq, words, strict=False):
        if pat.endswith("*") and len(pat) > 1:
            if not w.startswith(pat[:-1]):
                return False
        elif pat != w:
            return False
    return True


def _split(entry: str) -> list[str]:
    """Words of a lexicon phrase; a trailing ``*`` stays on its word (a prefix)."""
    from .features import tokenize

    out: list[str] = []
    for t in tokenize(entry):
        if t.low == "*" and out:
            out[-1] += "*"
        else:
            out.append(t.low)
    return out


def build(lang: str, data: dict[str, Any]) -> Lexicon:
    words: dict[str, tuple[str, ...]] = {}
    prefixes: dict[int, dict[str, tuple[str, ...]]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    prefix_phrases: list[tuple[tuple[str, ...], str]] = []
    for cat, entries in (data.get("categories") or {}).items():
        for raw in entries or ():
            entry = str(raw).strip().lower()
            if not entry:
                continue
            if entry.endswith("*") and " " not in entry:
                stem = entry[:-1]
                t = prefixes.setdefault(len(stem), {})
                t[stem] = tuple(dict.fromkeys((*t.get(stem, ()), cat)))
                continue
            parts = _split(entry)
            if len(parts) == 1:
                words[parts[0]] = tuple(dict.fromkeys((*words.get(parts[0], ()), cat)))
            elif parts and parts[0].endswith("*"):
                prefix_phrases.append((tuple(parts), cat))
            elif parts:
                phrases.setdefault(parts[0], []).append((tuple(parts), cat))
    stop = frozenset(str(w).lower() for w in data.get("stop") or ())
    return Lexicon(lang, words, prefixes, phrases, stop, tuple(prefix_phrases))


@functools.cache
def load(lang: str) -> Lexicon:
    """The shipped lexicon of ``lang``, or an empty one for a language without a file."""
    path = resources.files("narratrace.analyse.techniques") / "data" / f"lexicon_{lang}.yaml"
    if lang not in LANGUAGES or not path.is_file():
        return Lexicon(lang)
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return build(lang, data)
