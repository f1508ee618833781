"""Phrase lookup shared by the matcher and stance rules, over folded text (``text.fold``).

Why our own: keyword, entity and stance lexicons must match "mise en scène" and
"mise en scene", "Al-Qaïda" and "al qaida", across a catalogue of a thousand narratives,
in time linear in the article length. Folding keeps offsets (``text.fold.fold``), so a hit
in the folded text is an evidence span in ``article.body``. A phrase index keyed by first
token (or a 3-letter prefix for ``word*`` entries) replaces a thousand regexes with one pass
over the tokens, with no backtracking. Sentences come from ``text.sentences.split_sentences``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..text.fold import fold

_TOKEN = re.compile(r"\w+")


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
        return [Hit(tuple(payloads), key, toks[i][1], toks[i + n - 1][2])
                for i, n, key, payloads in self._matches([t[0] for t in toks])]

    def keys_in(self, folded: str) -> list[tuple[str, tuple[Hashable, ...]]]:
        """(key, payloads) of every phrase found, without offsets (cheaper than ``find``)."""
        return [(key, tuple(payloads)) for _, _, key, payloads in self._matches(_TOKEN.findall(folded))]

    def _matches(self, words: Sequence[str]) -> Iterator[tuple[int, int, str, Sequence[Hashable]]]:
        """(first word, words, key, payloads) of each phrase occurrence in ``words``."""
        for i, word in enumerate(words):
            for cand in (self._exact.get(word, ()), self._prefix.get(word[:3], ())):
                for phrase, prefix, key, payloads in cand:
                    n = len(phrase)
                    if i + n > len(words):
                        continue
                    if n > 1 and list(words[i + 1 : i + n - 1]) != list(phrase[1 : n - 1]):
                        continue
                    last = words[i + n - 1]
                    if (last.startswith(phrase[-1]) if prefix else last == phrase[-1]) and (
                        n == 1 or words[i] == phrase[0]
                    ):
                        yield i, n, key, payloads


def tokenize(folded: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
