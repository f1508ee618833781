"""Tokens and hashed features shared by training (bench/train_techniques.py) and the analyser.

Both models are linear over hashed feature strings: the span tagger scores each token
(is it inside a persuasion span?), the technique classifier scores a span. Hashing
with CRC-32 keeps the shipped weights a flat array (no vocabulary file to keep in
step) and gives the same indices in every process. Two feature families exist:
*lexical* ones (the English words, affixes and bigrams the PTC taught) and
*universal* ones (lexicon categories, quotes, punctuation, capitals, repetition,
position), which mean the same in every language; an article not in English is
scored by the model trained on the universal features only.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ...text.sentences import UNIT_CHARS, split_sentences
from .lexicon import Lexicon

DIM_BITS = 18
DIM = 1 << DIM_BITS
_MASK = DIM - 1

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_OPEN = {"“": "”", "«": "»", "„": "“", "‘": "’", "‹": "›"}
_CLOSE = {"”", "»", "’", "›"}


@dataclass(frozen=True)
class Token:
    text: str
    low: str
    start: int
    end: int
    sent: int  # sentence number
    quoted: bool


def tokenize(body: str) -> list[Token]:
    """Word and punctuation tokens with sentence numbers and an inside-quotes flag.

    Sentences are the text kernel's (``split_sentences`` at ``UNIT_CHARS``, the narrative
    matcher's units), so a sentence's text here is the text the matcher encoded for the same
    article and its vector comes from ``embed.memo`` instead of a second encoding."""
    out: list[Token] = []
    starts = [s.start for s in split_sentences(body, UNIT_CHARS)]
    depth = 0
    straight = False
    last_end = 0
    for m in _TOKEN.finditer(body):
        s, e = m.span()
        sent = max(0, bisect.bisect_right(starts, s) - 1)
        if "\n" in body[last_end:s]:
            depth, straight = 0, False
        t = m.group()
        quoted = depth > 0 or straight
        if t in _OPEN:
            depth += 1
            quoted = True
        elif t in _CLOSE and depth:
            depth -= 1
            quoted = True
        elif t == '"':
            straight = not straight
            quoted = True
        out.append(Token(t, t.lower(), s, e, sent, quoted))
        last_end = e
    return out


_CACHE: dict[str, int] = {}


def h(feature: str) -> int:
    """Hashed index of a feature string (memoised: most strings recur in every article)."""
    i = _CACHE.get(feature)
    if i is None:
        if len(_CACHE) > 400_000:
            _CACHE.clear()
        i = _CACHE[feature] = zlib.crc32(feature.encode("utf-8")) & _MASK
    return i


def _shape(t: str) -> str:
    if t.isupper() and len(t) > 1:
        return "AA"
    if t[:1].isupper():
        return "Aa"
    if t.isdigit():
        return "9"
    if t.isalpha():
        return "a"
    return "p" if not t[:1].isalnum() else "x"


@dataclass
class ArticleContext:
    tokens: list[Token]
    shapes: list[str]
    starts: list[int]
    lex: list[tuple[str, ...]]  # lexicon categories per token
    seen_before: list[bool]
    counts: Counter[str]
    sent_feats: dict[int, list[str]]


def context(body: str, lexicon: Lexicon, tokens: list[Token] | None = None) -> ArticleContext:
    toks = tokens if tokens is not None else tokenize(body)
    lex = lexicon.tag([t.low for t in toks])
    counts: Counter[str] = Counter(t.low for t in toks if len(t.low) > 3 and t.low.isalpha())
    seen: set[str] = set()
    seen_before = []
    for t in toks:
        seen_before.append(t.low in seen and t.low in counts and not lexicon.is_stop(t.low))
        seen.add(t.low)
    sent_feats: dict[int, list[str]] = {}
    by_sent: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        by_sent.setdefault(t.sent, []).append(i)
    for s, idx in by_sent.items():
        words = [toks[i].text for i in idx]
        n_lex = sum(1 for i in idx if lex[i])
        f = [f"sl:{min(len(idx) // 8, 6)}", f"sx:{min(n_lex, 4)}"]
        if "!" in words:
            f.append("s!")
        if "?" in words:
            f.append("s?")
        if any(toks[i].quoted for i in idx):
            f.append("sq")
        cats = {c for i in idx for c in lex[i]}
        f.extend(f"sc:{c}" for c in cats)
        sent_feats[s] = f
    shapes = [_shape(t.text) for t in toks]
    return ArticleContext(toks, shapes, [t.start for t in toks], lex, seen_before, counts, sent_feats)


def token_features(ctx: ArticleContext, i: int, lexical: bool) -> list[str]:
    """Feature strings of token ``i`` for the span tagger."""
    toks = ctx.tokens
    t = toks[i]
    n = len(toks)
    shapes = ctx.shapes
    f = ["b", f"sh:{shapes[i]}", *ctx.sent_feats[t.sent]]
    if t.quoted:
        f.append("q")
    for c in ctx.lex[i]:
        f.append(f"x:{c}")
    for d in (-2, -1, 1, 2):
        j = i + d
        if 0 <= j < n and toks[j].sent == t.sent:
            for c in ctx.lex[j]:
                f.append(f"x{d}:{c}")
            f.append(f"sh{d}:{shapes[j]}")
            if toks[j].quoted != t.quoted:
                f.append(f"qb{d}")
        else:
            f.append(f"edge{d}")
    if ctx.seen_before[i]:
        f.append("rep")
        f.append(f"rep:{min(ctx.counts[t.low], 5)}")
    if lexical:
        w = t.low
        f.append(f"w:{w}")
        f.append(f"s3:{w[-3:]}")
        f.append(f"p3:{w[:3]}")
        prev = toks[i - 1].low if i > 0 else "<s>"
        nxt = toks[i + 1].low if i + 1 < n else "</s>"
        f.append(f"w-1:{prev}")
        f.append(f"w+1:{nxt}")
        f.append(f"bg-:{prev}|{w}")
        f.append(f"bg+:{w}|{nxt}")
        if i > 1:
            f.append(f"w-2:{toks[i - 2].low}")
        if i + 2 < n:
            f.append(f"w+2:{toks[i + 2].low}")
    return f


def span_features(ctx: ArticleContext, start: int, end: int, body: str, lexical: bool) -> list[str]:
    """Feature strings of the span ``body[start:end]`` for the technique classifier."""
    first = bisect.bisect_left(ctx.starts, start)
    idx = []
    for i in range(first, len(ctx.tokens)):
        if ctx.tokens[i].end > end:
            break
        idx.append(i)
    text = body[start:end]
    low = text.lower()
    n = len(idx)
    f = ["b", f"len:{min(n, 12) if n < 12 else 12 + min(n // 10, 5)}"]
    if not idx:
        return f
    toks = ctx.tokens
    sent = toks[idx[0]].sent
    sent_idx = [i for i in range(max(0, idx[0] - 60), min(len(toks), idx[-1] + 60)) if toks[i].sent == sent]
    if len(sent_idx) <= n + 1:
        f.append("whole_sent")
    f.extend(ctx.sent_feats[sent])
    if all(toks[i].quoted for i in idx):
        f.append("quoted")
    if "!" in text:
        f.append("!")
    if "?" in text:
        f.append("?")
    if text[:1].isupper():
        f.append("cap0")
    if text.isupper() and len(text) > 3:
        f.append("allcaps")
    for i in idx:
        for c in ctx.lex[i]:
            f.append(f"x:{c}")
    reps = body.lower().count(low) if 2 < len(low) < 200 else 1
    f.append(f"rep:{min(reps, 5)}")
    if n <= 3 and any(ctx.seen_before[i] for i in idx):
        f.append("rep_seen")
    if lexical:
        words = [toks[i].low for i in idx]
        f.extend(f"w:{w}" for w in words)
        f.extend(f"bg:{a}|{b}" for a, b in itertools.pairwise(words))
        f.append(f"first:{words[0]}")
        f.append(f"last:{words[-1]}")
        # No character 4-grams of the span and no words of its sentence around it: with the
        # encoder's span and sentence vectors beside them they fit the training articles
        # more than they generalise (CV TC 0.625 with both, 0.634 without).
    return f


def hashed(features: Iterable[str]) -> list[int]:
    return [h(x) for x in features]
