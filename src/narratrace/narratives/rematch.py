"""The archive follows the catalogue: re-match stored articles against changed narratives.

Each narrative has a version, a hash of its file's content, its fitted head row and the
matcher's parameters; the store keeps the version its matches were made with
(``narrative_versions``). When narratives are added, edited, imported or removed, only
the articles that can be affected are matched again:

1. articles that currently match a changed or removed narrative, and
2. articles that could match a changed narrative: a bound on its calibrated score, from the
   article's *stored* sentence vectors (best claim similarity, best head probability) and the
   narrative's markers, entities and anchors found anywhere in the body, reaches the threshold.

Those few are matched with the full matcher (all narratives, so explain-away and the match
cap see the whole catalogue), reusing the stored vectors instead of encoding; the others
cannot change. ``narratrace narratives rematch`` runs it, ``analyze`` runs it first, and the
dashboard's narrative edit runs it after saving.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..embed import DEFAULT_ENCODER, encoder_identity, memo
from ..embed.sentences import SentenceSet, sentence_key
from ..embed.units import MAX_BODY_CHARS
from ..records import Article
from ..text.fold import fold, fold_phrase
from .catalogue import Catalogue
from .head import NARRATIVE_HEAD, LinearHead, sigmoid
from .lexicon import PhraseIndex
from .matcher import Matcher, MatcherParams

if TYPE_CHECKING:
    from ..store import Store

BATCH = 500
Progress = Callable[[str, int, int], None]


@dataclass
class RematchResult:
    changed: list[str] = field(default_factory=list)  # new or edited narratives
    removed: list[str] = field(default_factory=list)
    scanned: int = 0  # stored articles looked at
    rematched: int = 0  # articles matched again (the bound let them through)
    updated: int = 0  # articles whose matches changed
    encoded: int = 0  # articles without stored vectors (encoded again)
    seconds: float = 0.0


def versions(catalogue: Catalogue, params: MatcherParams, encoder: str) -> dict[str, str]:
    """Narrative id -> version hash (content, head row, matcher parameters, encoder identity).

    From the catalogue files, the head files beside them and the parameters, without loading
    any model: an analysis can tell that nothing changed before it builds a matcher.
    """
    base = json.dumps({"p": repr(params), "e": encoder}, sort_keys=True).encode()
    heads: dict[Path, dict[str, bytes]] = {}
    out = {}
    for n in catalogue.narratives:
        h = hashlib.sha256(base)
        h.update(json.dumps(n.to_data(), sort_keys=True, ensure_ascii=False).encode())
        if n.path:
            folder = Path(n.path).parent
            if folder not in heads:
                heads[folder] = _head_rows(folder)
            h.update(heads[folder].get(n.id, b""))
        out[n.id] = h.hexdigest()[:32]
    return out


def _head_rows(folder: Path) -> dict[str, bytes]:
    head = LinearHead.load(folder / NARRATIVE_HEAD)
    if head is None:
        return {}
    tail = f"\0{head.level}\0{head.encoder}".encode()
    return {label: head.weights[k].tobytes() + head.bias[k : k + 1].tobytes() + tail
            for k, label in enumerate(head.labels)}


def without_matcher(
    store: Store, catalogue: Catalogue, params: MatcherParams, encoder_spec: str | None
) -> RematchResult | None:
    """The re-match done without building a matcher, when none is needed: nothing changed, or
    no article is stored yet (the versions are just recorded); None when articles must be matched."""
    current = versions(catalogue, params, encoder_identity(encoder_spec or DEFAULT_ENCODER))
    stored = store.narratives.versions()
    if current == stored:
        return RematchResult()
    if store.articles.count():
        return None
    removed = sorted(set(stored) - set(current))
    changed = sorted(k for k, v in current.items() if stored.get(k) != v)
    store.narratives.set_versions({k: current[k] for k in changed}, removed)
    return RematchResult(changed=changed, removed=removed)


class Bound:
    """An upper bound of the calibrated score of the changed narratives for one article."""

    def __init__(self, matcher: Matcher, changed: Sequence[int]) -> None:
        self.m = matcher
        self.changed = list(changed)
        idx = matcher.index
        self.rows = [idx.rows_of[i] for i in self.changed]
        self.claims = idx.claims[np.concatenate(self.rows)] if self.rows else np.zeros((0, idx.claims.shape[1]))
        self.offsets = np.cumsum([0] + [len(r) for r in self.rows[:-1]]) if self.rows else np.zeros(0, dtype=int)
        # only the changed narratives' markers, entities and anchors: a small index to scan
        self.phrases = PhraseIndex()
        firsts: set[str] = set()
        for i in self.changed:
            n = idx.narratives[i]
            for kind, phrases in (("k", n.all_keywords()), ("e", n.entities), ("a", n.anchors)):
                self.phrases.add_all(phrases, kind)
                for phrase in phrases:
                    words = fold_phrase(phrase.rstrip().rstrip("*")).split()
                    if words:  # a phrase can only occur where its first word (or its first 3 letters) does
                        firsts.add(re.escape(words[0][:3]) + r"\w*" if len(words[0]) >= 3 else re.escape(words[0]))
        # one C-speed scan tells most articles apart: none of these words, no phrase of them
        self.quick = re.compile(r"\b(?:" + "|".join(sorted(firsts)) + r")\b") if firsts else None

    def may_match(self, article: Article, units: np.ndarray) -> bool:
        if not self.changed or not len(units):
            return bool(self.changed)
        idx, p = self.m.index, self.m.params
        best = np.maximum.reduceat(units @ self.claims.T, self.offsets, axis=1).max(axis=0)
        folded = fold(article.body[:MAX_BODY_CHARS]) + "\n" + fold(article.title or "")
        found: dict[str, set[str]] = {"k": set(), "e": set(), "a": set()}
        hits = self.phrases.keys_in(folded) if self.quick is not None and self.quick.search(folded) else []
        for key, kinds in hits:
            for kind in kinds:
                found[str(kind)].add(key)
        for col, i in enumerate(self.changed):
            keys = idx.keys[i]
            if i in idx.anchored and not keys["a"] & found["a"]:
                continue
            if idx.head_doc[i]:
                return True  # a document head has no cheap bound: match it
            s = float(best[col])
            kw = min(p.keyword_cap, sum(idx.weight.get(t, 1.0) for t in keys["k"] & found["k"]))
            ent = min(p.entity_cap, sum(idx.weight.get(t, 1.0) for t in keys["e"] & found["e"]))
            head = None
            if idx.has_head[i]:
                head = float(sigmoid(units @ idx.head_w[i] + idx.head_b[i]).max())
            threshold = p.threshold_head if head is not None and p.threshold_head is not None else p.threshold
            if self._bound(s, kw, ent, head, math.log1p(len(units))) >= threshold:
                return True
        return False

    def _bound(self, s: float, kw: float, ent: float, head: float | None, length: float) -> float:
        """The largest calibrated score features within these limits can give (each feature at
        the end of its range its weight favours)."""
        ranges = {
            "s1": (0.0, s),
            "s2": (0.0, s),
            "kw": (0.0, kw),
            "ent": (0.0, ent),
            "margin": (-1.0, s),
            "strong": (0.0, max(0.0, s - 0.55)),
            "head": (0.0, head or 0.0),
            "head3": (0.0, head or 0.0),
            "length": (0.0, length),
        }

        def top(weights: dict[str, float], base: float = 0.0) -> float:
            z = weights.get("bias", 0.0) + base
            for name, (lo, hi) in ranges.items():
                w = weights.get(f"w_{name}", 0.0)
                z += max(w * lo, w * hi)
            return z

        p = self.m.params
        z = top(p.calibration)
        if head is not None and p.calibration_head:
            w_base = p.calibration_head.get("w_base", 0.0)
            z = top(p.calibration_head, max(w_base * z, w_base * -50.0))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _batches(store: Store, size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for art in store.articles.iter(batch=size):
        batch.append(art)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rematch(
    store: Store,
    matcher: Matcher,
    encoder_spec: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> RematchResult:
    """Bring the stored matches up to the catalogue ``matcher`` reads (see the module doc)."""
    clock = time.perf_counter()
    current = versions(matcher.index.catalogue, matcher.params, encoder_identity(encoder_spec or DEFAULT_ENCODER))
    stored = store.narratives.versions()
    result = RematchResult(
        changed=sorted(k for k, v in current.items() if force or stored.get(k) != v),
        removed=sorted(set(stored) - set(current)),
    )
    if not result.changed and not result.removed:
        return result
    ids = {n.id: i for i, n in enumerate(matcher.index.narratives)}
    bound = Bound(matcher, [ids[k] for k in result.changed])
    affected = store.narratives.matched_articles([*result.changed, *result.removed])
    key = sentence_key(encoder_spec) if encoder_spec else sentence_key()
    total = store.articles.count()
    with store.exclusive("corpus"):
        for batch in _batches(store, BATCH):
            stored_units: dict[str, SentenceSet] = store.vectors.get_sentences(key, [a.id for a in batch])
            changed: list[Article] = []
            for art in batch:
                result.scanned += 1
                units = stored_units.get(art.id)
                vecs = units.vectors if units is not None else np.zeros((0, matcher.index.claims.shape[1]))
                if art.id not in affected and units is not None and not bound.may_match(art, vecs):
                    continue
                result.rematched += 1
                result.encoded += units is None
                with memo.article_scope() as scope:
                    if units is not None:
                        name = matcher.encoder.name
                        for text, vec in units.by_text(art.body, art.title).items():
                            scope[(name, text)] = vec
                    new = matcher.match(art.body, art.title)
                if [(m.id, m.score, m.stance) for m in new] != [(m.id, m.score, m.stance) for m in art.narratives]:
                    changed.append(art.replace(narratives=new))
            if changed:
                store.articles.update(changed)
                result.updated += len(changed)
            if progress:
                progress("rematch", result.scanned, total)
        store.narratives.set_versions({k: current[k] for k in result.changed}, result.removed)
    result.seconds = round(time.perf_counter() - clock, 3)
    return result
