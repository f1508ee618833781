"""One identity per real-world entity: alias tables, in-article linking, stable ids.

An article's mentions are resolved in three steps:

1. Known entities. The alias table (``data/aliases.yaml`` plus an optional user file)
   maps the comparison key of every known name, in any language, to a stable id
   (``q:org:white-helmets``). The table is also scanned over the text, so "Casques
   blancs" is found even when the NER model misses or mislabels it.
2. In-article context. Mentions that are not in the table are linked to each other: a
   shorter name whose words are a subset of a longer one ("Kupchishin" in "Viktor
   Kupchishin", "Tahrir al-Cham" in "Hayat Tahrir al-Sham"), an acronym to the name
   it abbreviates ("HTS"), and a near-identical spelling (the typo "Iblib" next to
   "Idlib", by edit distance on the comparison keys).
3. Stable ids. A group without a table id gets ``n:`` plus its name key, which depends
   only on the name (not on the corpus), so two articles analysed in different
   processes give "Khan Shaykhun" and "Khan Cheikhoun" the same id. A lone surname is
   linked to the full name within its article; across articles, the corpus stage
   (``index.py``) links it when the corpus knows exactly one person of that surname.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from ...records import Entity
from ...yamlfile import YAMLError, load_yaml
from .ner import Mention
from .normalise import (
    ascii_fold,
    initials,
    institution_type,
    is_acronym,
    looks_like_group,
    looks_like_place,
    name_key,
    name_words,
    strip_title,
    titled_before,
    token_key,
    word_keys,
)

UNRESOLVED_TYPES = frozenset({"DATE", "MONEY", "PERCENT"})
MAX_MENTION_CHARS = 100
# an elided French article is a word of its own, so that "l'État islamique" starts at "État"
_WORD = re.compile(r"\b[lLdDjJ](?=['’][\w\u00C0-\u024F])|[\w\u00C0-\u024F]+(?:[-'’.][\w\u00C0-\u024F]+)*")


def kinds_agree(mine: Collection[str], theirs: Collection[str]) -> bool:
    """Whether what the tagger said of two names (every label either got in the article)
    allows one entity. A typo link, made on spelling alone, must not join a person to a place
    or a body: "Winds" opening a sentence (ORG) is no typo of "Wanda" (PER), nor "Marib" of
    "Maria". So a name tagged only as a person and one never tagged as a person do not link.
    Nothing finer: the tagger labels unknown capitalised words ORG (the datelines "MOSCOU",
    "IDLIB", the typo "Iblib"), and one mention's label is noisy ("Putin told Niinisto" tags
    Niinisto as a place, a Bulgarian "Русия" is a place once and a person once), so a name
    with both kinds of label agrees with anything, and so does MISC, the tagger's "don't know"."""
    kinds = [{"PER" if label == "PER" else "other" for label in labels if label != "MISC"} for labels in (mine, theirs)]
    return not ({"PER"} in kinds and {"other"} in kinds)


@dataclass(frozen=True)
class KnownEntity:
    id: str
    name: str
    type: str


class AliasError(ValueError):
    pass


def _read_aliases(text: str, origin: str) -> list[dict[str, Any]]:
    try:
        data = load_yaml(text) or []
    except YAMLError as exc:
        raise AliasError(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise AliasError(f"{origin}: expected a list of entries with id, name, type, aliases")
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            raise AliasError(f"{origin}: entry {i + 1} needs at least `id` and `name`")
    return data


class AliasTable:
    """Known entities and every name they go by, indexed by comparison key."""

    def __init__(self, entries: Sequence[dict[str, Any]]) -> None:
        self.entities: dict[str, KnownEntity] = {}
        self.by_key: dict[str, str] = {}
        self.first_words: dict[str, int] = {}  # first word key -> longest alias in words
        self.single_keys: dict[str, str] = {}  # one-word keys for fuzzy lookup
        self.folded: dict[str, str] = {}  # ASCII-folded one-word aliases -> id
        for entry in entries:
            eid = f"q:{entry['id']}"
            known = KnownEntity(eid, str(entry["name"]), str(entry.get("type") or "MISC"))
            self.entities[eid] = known
            for alias in [entry["name"], *(entry.get("aliases") or [])]:
                self._add(str(alias), eid)

    def _add(self, alias: str, eid: str) -> None:
        key = name_key(alias)
        if not key:
            return
        self.by_key[key] = eid
        words = alias.split()
        first = "=" + words[0] if is_acronym(alias) else token_key(name_words(alias)[0])
        self.first_words[first] = max(self.first_words.get(first, 0), len(words) + 3)
        if " " not in key and not key.startswith("="):
            self.single_keys[key] = ascii_fold(alias)
            self.folded[ascii_fold(alias)] = eid

    def lookup(self, name: str) -> str | None:
        """The known entity of a name. A short single word must match an alias letter for
        letter: at four letters, keys of unrelated words collide ("This" / "Tass")."""
        name = name.strip()
        if " " not in name and not is_acronym(name) and len(ascii_fold(name)) <= 4:
            return self.folded.get(ascii_fold(name))
        eid = self.by_key.get(name_key(name))
        if eid is not None and " " not in name and "-" not in name and not is_acronym(name):
            # one word whose comparison key matches but whose letters are far from every
            # alias ("These" has the key of "TASS"): a collision, not a spelling
            folded = ascii_fold(name)
            if folded not in self.folded and not any(
                Levenshtein.distance(folded, alias) <= max(2, len(alias) // 3)
                for alias, other in self.folded.items()
                if other == eid
            ):
                return None
        return eid

    def fuzzy(self, surface: str, labels: Collection[str] = ()) -> str | None:
        """The known one-word name one typo away from ``surface`` (Iblib -> Idlib), when there is
        exactly one such entity and its type agrees with what the tagger said of the name
        (``labels``, ``kinds_agree``): a typo close to two known names is evidence of neither."""
        folded = ascii_fold(surface)
        if len(folded) < 5 or not folded.isalpha():
            return None
        found = {eid for other, eid in self.folded.items() if is_typo(folded, other)}
        found = {eid for eid in found if kinds_agree(labels, (self.entities[eid].type,))}
        return next(iter(found)) if len(found) == 1 else None

    def scan(self, text: str) -> list[Mention]:
        """Every known alias in the text (longest match first, acronyms in capitals only)."""
        words = list(_WORD.finditer(text))
        out: list[Mention] = []
        i = 0
        while i < len(words):
            w = words[i].group(0)
            # a name does not start with a capitalised preposition ("In Idlib" in a title-case
            # headline is "Idlib": the key ignores "in", the span must too)
            if not w[0].isupper() or (w.lower() in _prepositions() and not is_acronym(w)):
                i += 1
                continue
            first = "=" + w if is_acronym(w) else token_key(next(iter(name_words(w)), ""))
            span = self.first_words.get(first, 0)
            found = None
            last = i + 1  # words joined by single spaces only: no punctuation inside a name
            while last < min(len(words), i + span) and text[words[last - 1].end() : words[last].start()] == " ":
                last += 1
            for j in range(last, i, -1):
                start, end = words[i].start(), words[j - 1].end()
                if j - 1 > i and ascii_fold(words[j - 1].group(0)) in _NOT_LAST:
                    continue
                eid = self.lookup(text[start:end])
                if eid is not None and (found is None or found[2] == eid):
                    # keep shrinking while the id stays the same: the key ignores
                    # designators and stop-words, so "Daech et du Front" must not win
                    found = (j, Mention(start, end, self.entities[eid].type, "gazetteer"), eid)
                elif found is not None:
                    break
            if found:
                i, mention, _ = found
                out.append(mention)
            else:
                i += 1
        return out


@functools.cache
def load_table(user_file: str | None = None) -> AliasTable:
    """The shipped alias table, extended (and overridden by id) by a user file."""
    shipped = resources.files("narratrace.analyse.entities") / "data" / "aliases.yaml"
    entries = {e["id"]: e for e in _read_aliases(shipped.read_text(encoding="utf-8"), "aliases.yaml")}
    if user_file:
        path = Path(user_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AliasError(f"cannot read alias file {user_file!r}: {exc.strerror}") from None
        for entry in _read_aliases(text, user_file):
            entries[entry["id"]] = entry
    return AliasTable(list(entries.values()))


def is_typo(a: str, b: str) -> bool:
    """One substitution, insertion or deletion apart, same first letter, neither a prefix
    of the other (so "Russian" is no typo of "Russia")."""
    if a == b or a[0] != b[0] or abs(len(a) - len(b)) > 1 or a.startswith(b) or b.startswith(a):
        return False
    return Levenshtein.distance(a, b, score_cutoff=1) <= 1


@functools.cache
def _prepositions() -> frozenset[str]:
    """Stop-words that are not articles: "La Haye" and "Le Monde" keep theirs, "In Idlib" does not."""
    from .normalise import rules

    r = rules()
    return frozenset(r.stopwords - r.leading_drop - r.articles_always)


@functools.cache
def _not_last() -> frozenset[str]:
    from .normalise import rules

    r = rules()
    return r.stopwords | r.leading_drop | r.articles_always


class _NotLast:
    def __contains__(self, word: object) -> bool:
        return word in _not_last()


_NOT_LAST = _NotLast()


def canonical_id(name: str, table: AliasTable | None = None, fuzzy: bool = True) -> str | None:
    """The id a name gets on its own, without article context (alias table, typo, key)."""
    table = table or load_table()
    key = name_key(name)
    if not key:
        return None
    found = table.lookup(name) or (table.fuzzy(name) if fuzzy else None)
    return found or f"n:{key}"


# -- one article ------------------------------------------------------------------------

_LEADING = re.compile(r"^(?:the|The|THE|les?|Les?|la|La|l['’]|L['’]|d['’]|D['’]|qu['’]|du|Du|des|Des)\s*(?<=['’\s])")
_TRAILING = re.compile(r"(?:['’]s|['’])?[\s.,;:!?»«\"“”()\[\]-]*$")


def clean_span(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Trim a mention to the name itself (no determiner, title, possessive or line break)."""
    piece = text[start:end]
    if "\n" in piece:  # keep the longest line: spans never cross a paragraph
        lines = piece.split("\n")
        best = max(range(len(lines)), key=lambda k: len(lines[k].strip()))
        start += sum(len(x) + 1 for x in lines[:best])
        piece = lines[best]
        end = start + len(piece)
    stripped = piece.lstrip(" \t\"“«‘'(")
    start += len(piece) - len(stripped)
    piece = stripped
    m = _LEADING.match(piece)
    if m and m.end() < len(piece):
        start += m.end()
        piece = piece[m.end() :]
    bare = strip_title(piece)
    # a title always goes from a person's name; before another label it must leave a
    # full name behind ("major-général Viktor Kupchishin" mislabelled as a place)
    if bare != piece and bare in piece and (label == "PER" or len(bare.split()) >= 2):
        start += piece.find(bare)
        piece = bare
    tail = _TRAILING.search(piece)
    if tail and tail.start() > 0:
        piece = piece[: tail.start()]
    end = start + len(piece)
    if len(piece) > MAX_MENTION_CHARS or sum(c.isalpha() for c in piece) < 2:
        return None
    if label not in UNRESOLVED_TYPES and not (piece[0].isupper() or piece[0].isdigit()):
        return None
    return start, end


def _merge(gaz: list[Mention], ner: list[Mention], text: str) -> list[Mention]:
    """Gazetteer mentions win overlaps; adjacent NER pieces of one name are joined."""
    taken = sorted(gaz, key=lambda m: m.start)
    kept = [m for m in ner if not any(m.start < g.end and g.start < m.end for g in taken)]
    kept.sort(key=lambda m: m.start)
    joined: list[Mention] = []
    for m in kept:
        if (
            joined
            and text[joined[-1].end : m.start] == " "
            and m.label not in UNRESOLVED_TYPES
            and joined[-1].label not in UNRESOLVED_TYPES
            and text[m.start].isupper()
            and _same_name(joined[-1], m, text)
        ):
            prev = joined.pop()
            m = Mention(prev.start, m.end, prev.label if prev.label != "MISC" else m.label, "ner")
        joined.append(m)
    return sorted([*taken, *joined], key=lambda m: m.start)


def _same_name(a: Mention, b: Mention, text: str) -> bool:
    """Two adjacent tagged pieces are one name when the tagger agrees on the type, or when
    both are single words ("Viktor" PER + "Kupchishin" LOC); a place then a person
    ("Kakhovka district | Pavel Filipchuk") stay two."""
    if a.label == b.label or "MISC" in (a.label, b.label):
        return True
    return " " not in text[a.start : a.end] and " " not in text[b.start : b.end]


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def resolve(text: str, mentions: Sequence[Mention], table: AliasTable, fuzzy: bool = True) -> list[Entity]:
    """Entities with canonical ids and names for one article's mentions."""
    gaz = [m for m in mentions if m.source == "gazetteer"]
    rest: list[Mention] = []
    for m in mentions:
        if m.source == "gazetteer":
            continue
        span = clean_span(text, m.start, m.end, m.label)
        if span is not None:
            titled = span[0] > m.start and strip_title(text[m.start : span[1]]) == text[span[0] : span[1]]
            titled = titled or (m.label in {"LOC", "MISC", "ORG"} and titled_before(text, span[0]))
            label = "PER" if titled and len(text[span[0] : span[1]].split()) >= 2 else m.label
            rest.append(Mention(span[0], span[1], label, m.source))
    merged = _merge(gaz, rest, text)
    surfaces = [text[m.start : m.end] for m in merged]
    keys = [name_key(s) for s in surfaces]
    known: list[str | None] = [table.lookup(s) for s in surfaces]
    words = [set(word_keys(s)) for s in surfaces]
    said = _labels_said(merged, words, keys)
    for i, m in enumerate(merged):
        if known[i] is None and m.label not in UNRESOLVED_TYPES and fuzzy:
            known[i] = table.fuzzy(surfaces[i], said(i)) if m.label != "NORP" else None
    groups = _Groups(len(merged))
    open_ids = [i for i, m in enumerate(merged) if known[i] is None and m.label not in UNRESOLVED_TYPES and keys[i]]
    resolvable = [i for i, m in enumerate(merged) if m.label not in UNRESOLVED_TYPES and keys[i]]
    by_key: dict[str, int] = {}
    for i in resolvable:
        by_key.setdefault(keys[i], i)
    word_sets = {i: words[i] for i in resolvable}
    for i in open_ids:
        if by_key[keys[i]] != i:
            groups.union(by_key[keys[i]], i)
            continue
        target = _link(i, surfaces, keys, word_sets, merged, resolvable, said, fuzzy)
        if target is not None:
            groups.union(target, i)
    # a group takes the table id of any member resolved through the table
    group_known: dict[int, str] = {}
    for i in resolvable:
        if known[i]:
            group_known.setdefault(groups.find(i), known[i] or "")
    members: dict[int, list[int]] = {}
    for i in resolvable:
        members.setdefault(groups.find(i), []).append(i)
    out: list[Entity] = []
    for i, m in enumerate(merged):
        surface = surfaces[i]
        if m.label in UNRESOLVED_TYPES or not keys[i]:
            if m.label in UNRESOLVED_TYPES:
                out.append(Entity(surface, m.label, None, None, m.start, m.end))
            continue
        root = groups.find(i)
        eid = known[i] or group_known.get(root)
        if eid is not None:
            entity = table.entities[eid]
            out.append(Entity(surface, entity.type, eid, entity.name, m.start, m.end))
            continue
        rep = _representative(members[root], surfaces, merged)
        votes = Counter(merged[j].label for j in members[root])
        label = votes.most_common(1)[0][0] if votes[merged[rep].label] < max(votes.values()) else merged[rep].label
        label = "LOC" if looks_like_place(surfaces[rep]) else "ORG" if looks_like_group(surfaces[rep]) else label
        if merged[rep].label == "PER" and titled_before(text, merged[rep].start):
            label = "PER"  # a title before the fullest name outweighs the tagger's votes on the surname
        elif label == "PER":
            label = institution_type(surfaces[rep]) or label  # "Chemical Weapons Convention" is no person
        rep_name = strip_title(surfaces[rep]) if label == "PER" else surfaces[rep]
        cid = "n:" + (name_key(rep_name) or keys[rep])
        out.append(Entity(surface, label, cid, rep_name, m.start, m.end))
    return out


def _labels_said(merged: list[Mention], words: list[set[str]], keys: list[str]) -> Callable[[int], frozenset[str]]:
    """What the tagger said of mention ``i``'s name anywhere in the article: the labels of its
    mentions under the same key and of the fuller names whose words contain its words."""
    by_key: dict[str, set[str]] = {}
    for m, k in zip(merged, keys, strict=True):
        by_key.setdefault(k, set()).add(m.label)

    @functools.cache
    def said(i: int) -> frozenset[str]:
        found = set(by_key.get(keys[i], ()))
        found.update(merged[j].label for j in range(len(merged)) if words[i] and words[i] < words[j])
        return frozenset(found)

    return said


def _representative(idx: list[int], surfaces: list[str], merged: list[Mention]) -> int:
    """The fullest name of a group (most words, then most frequent, then first)."""
    counts = Counter(surfaces[i] for i in idx)
    return max(idx, key=lambda i: (len(surfaces[i].split()), merged[i].label == "PER", counts[surfaces[i]], -i))


def _link(
    i: int,
    surfaces: list[str],
    keys: list[str],
    word_sets: dict[int, set[str]],
    merged: list[Mention],
    candidates: list[int],
    said: Callable[[int], frozenset[str]],
    fuzzy: bool,
) -> int | None:
    """Another mention of the same article that mention ``i`` is a short or variant form of."""
    surface = surfaces[i]
    if keys[i].startswith("="):  # acronym: "Long Name (ACR" or the initials of a mention
        letters = keys[i][1:]
        hits = {
            keys[j]: j for j in candidates
            if j != i and len(word_sets[j]) >= 2 and initials(surfaces[j]) == letters
        }
        return next(iter(hits.values())) if len(hits) == 1 else None
    mine = word_sets[i]
    supersets = {
        keys[j]: j
        for j in candidates
        if j != i and mine and mine < word_sets[j] and (len(mine) >= 2 or merged[j].label == "PER")
    }
    if len(supersets) == 1:
        return next(iter(supersets.values()))
    folded = ascii_fold(surface)
    if fuzzy and len(folded) >= 5 and " " not in folded and merged[i].label != "NORP":
        close = {
            keys[j]: j
            for j in candidates
            if j != i and " " not in surfaces[j] and is_typo(folded, ascii_fold(surfaces[j]))
            and kinds_agree(said(i), said(j))
        }
        if len(close) == 1:
            j = next(iter(close.values()))
            # the typo is the rarer spelling: link the rarer to the commoner
            n_i = sum(1 for s in surfaces if s == surface)
            n_j = sum(1 for s in surfaces if s == surfaces[j])
            return j if n_j >= n_i else None
    return None
