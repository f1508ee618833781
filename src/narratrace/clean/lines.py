"""Line classifier for pasted pages: article body or page debris, by shape rather than wording.

A page pasted whole from a browser brings its menus, teasers of other articles, share
rows, footers and cookie notices along with the article; the line rules only know the
debris someone has written down. Following jusText, each line is judged by features
that do not depend on the exact strings: its length, its share of the language's stop
words, its punctuation, capitals and digits, whether it looks like a link or a row of
buttons, where it stands on the page, how often it recurs, and the same measures over
its neighbours (an article is a run of long, stop-word-rich sentences; a short line
between two of them is a subheading, not a menu item). A second pass adds the
neighbours' first-pass scores.

Two small networks (one hidden layer each), fitted by ``bench/fit_cleaner.py`` on labelled lines of the
training part of real pages, are shipped as ``data/lines.json``. The rule files
stay the priors: a line a rule claims goes with that rule's kind whatever the model says.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from .widgets import items

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…。！？」』\"”»'’)]\s*$")
_INNER_PUNCT = re.compile(r"[,;:，、；：]")
_LINKISH = re.compile(r"https?://|www\.|\.(?:com|org|net|html?)\b|@\w", re.IGNORECASE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f]")
WINDOW = 3  # neighbours each side
MIN_LINES = 40  # below this a text is an article already cut from its page: the model is not used

FIRST_PASS = (
    "log_chars", "log_words", "stop_ratio", "has_stops", "terminal", "inner_punct", "title_case", "upper",
    "digits", "linkish", "items", "position", "position2", "repeat", "unspaced", "prose",
    "prev_chars", "next_chars", "prev_stop", "next_stop", "prev_prose", "next_prose", "region_prose",
    "in_span", "near_core",
)
SECOND_PASS = (*FIRST_PASS, "p", "prev_p", "next_p", "region_p")


@dataclass(frozen=True)
class Pass:
    """One pass: standardised features, one tanh hidden layer, a logistic output."""

    mean: Any
    scale: Any
    w1: Any
    b1: Any
    w2: Any
    b2: float

    @classmethod
    def from_dict(cls, data: dict[str, Any], names: tuple[str, ...]) -> Pass:
        if tuple(data["features"]) != names:
            raise ValueError("line model weights do not match this version's features; re-fit them")
        arr = np.asarray
        scale = arr(data["scale"], dtype=float)
        return cls(arr(data["mean"]), np.where(scale > 0, scale, 1.0), arr(data["w1"]), arr(data["b1"]),
                   arr(data["w2"]), float(data["b2"]))

    def __call__(self, x: Any) -> Any:
        hidden = np.tanh(((x - self.mean) / self.scale) @ self.w1 + self.b1)
        return _sigmoid(hidden @ self.w2 + self.b2)


@dataclass(frozen=True)
class LineModel:
    first: Pass
    second: Pass
    threshold: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineModel:
        return cls(Pass.from_dict(data["first"], FIRST_PASS), Pass.from_dict(data["second"], SECOND_PASS),
                   float(data["threshold"]))

    def scores(self, feats: Any) -> Any:
        """Probability that each line is article text."""
        return self.second(np.hstack([feats, context(self.first(feats))]))


def _sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@functools.cache
def shipped_model() -> LineModel | None:
    source = resources.files("narratrace.clean").joinpath("data/lines.json")
    if not source.is_file():
        return None
    return LineModel.from_dict(json.loads(source.read_text("utf-8")))


_SEPARATORS = ("  ", "\t", " | ", " · ", " • ")
_LINK_HINTS = ("http", "www.", ".com", ".org", ".net", ".htm", "@")
SAMPLE = 240  # characters of a line its shares are measured on: a long line is prose either way


def _line_features(line: str, stops: frozenset[str]) -> list[float]:
    head = line[:SAMPLE]
    low = head.lower()
    words = _WORD.findall(low)
    n = max(1, len(words))
    chars = len(line)
    unspaced = len(_UNSPACED.findall(head)) / max(1, len(head))
    stop_ratio = sum(map(stops.__contains__, words)) / n if stops else 0.0
    raw_words = head.split()
    title = sum(1 for w in raw_words if w[:1].isupper()) / max(1, len(raw_words))
    upper = sum(map(str.isupper, head)) / max(1, sum(map(str.isalpha, head)))
    digits = sum(map(str.isdigit, head)) / max(1, len(head))
    terminal = 1.0 if _TERMINAL.search(line) else 0.0
    effective_words = len(line.split()) if unspaced < 0.3 else chars / 2.5  # CJK, Thai, Burmese: no spaces
    prose = 1.0 if terminal and effective_words >= 10 else 0.0
    linkish = any(h in low for h in _LINK_HINTS) and bool(_LINKISH.search(head))
    parts = len(items(line)) if any(sep in line for sep in _SEPARATORS) else 1
    return [
        math.log1p(chars), math.log1p(effective_words), stop_ratio, 1.0 if stops else 0.0, terminal,
        len(_INNER_PUNCT.findall(head)) / n, title, upper, digits, 1.0 if linkish else 0.0,
        math.log1p(parts - 1), 0.0, 0.0, 0.0, unspaced, prose,
    ]


def context(values: Any) -> Any:
    """Mean of the previous and next ``WINDOW`` values, and over a wider region (columns)."""
    n = len(values)
    cum = np.concatenate([[0.0], np.cumsum(values)])

    def span(lo: Any, hi: Any) -> Any:
        lo, hi = np.clip(lo, 0, n), np.clip(hi, 0, n)
        width = np.maximum(hi - lo, 1)
        return np.where(hi > lo, (cum[hi] - cum[lo]) / width, 0.0)

    idx = np.arange(n)
    return np.column_stack([values, span(idx - WINDOW, idx), span(idx + 1, idx + 1 + WINDOW),
                            span(idx - 8, idx + 9)])


def features(lines: list[str], stops: frozenset[str]) -> Any:
    """One row of ``FIRST_PASS`` features per (non-blank) line."""
    n = len(lines)
    base = np.array([_line_features(line, stops) for line in lines], dtype=float).reshape(n, 16)
    keys = [" ".join(_WORD.findall(line.lower())) for line in lines]
    counts = Counter(keys)
    pos = np.arange(n) / max(1, n - 1)
    base[:, 11] = pos
    base[:, 12] = pos * pos
    base[:, 13] = [math.log(counts[k]) for k in keys]
    prose = base[:, 15]
    chars = context(base[:, 0])
    stop = context(base[:, 2])
    pr = context(prose)
    prose_idx = np.flatnonzero(prose)
    if len(prose_idx):
        in_span = ((np.arange(n) >= prose_idx[0]) & (np.arange(n) <= prose_idx[-1])).astype(float)
        core = int(np.argmax(pr[:, 3]))
        near = 1.0 - np.minimum(1.0, np.abs(np.arange(n) - core) / max(8.0, n / 4))
    else:
        in_span = np.zeros(n)
        near = np.zeros(n)
    return np.column_stack([base, chars[:, 1], chars[:, 2], stop[:, 1], stop[:, 2], pr[:, 1], pr[:, 2],
                            pr[:, 3], in_span, near])


def article_scores(lines: list[str], stops: frozenset[str], model: LineModel | None = None,
                   min_lines: int = MIN_LINES) -> list[float] | None:
    """Per line, the probability it is article text; ``None`` for texts too short to need it."""
    model = model or shipped_model()
    if model is None or len(lines) < max(1, min_lines):
        return None
    return [float(x) for x in model.scores(features(lines, stops))]


@dataclass(frozen=True)
class Selection:
    """Which lines the model takes out, and where the article runs (positions in the scored lines)."""

    drop: frozenset[int]
    start: int
    end: int  # inclusive


INSIDE_DROP = 0.08  # inside the article's run, only lines the model is sure of go
OUTSIDE_KEEP = 0.97  # outside it, only prose the model is sure of stays (0.9 -> 0.97 on site-fold CV)


def select(scores: list[float], threshold: float, sizes: list[int] | None = None) -> Selection:
    """The article is one run of lines: the span with the largest sum of (score - threshold),
    each line weighted by its length (a list of teasers has many lines, an article long ones).

    Inside the span a short line the model doubts (a subheading, a one-line quote)
    stays; outside it a teaser that reads like prose goes, unless the model is sure.
    """
    best, best_span = 0.0, (0, -1)
    run, run_start = 0.0, 0
    weights = [min(n, 1000) for n in sizes] if sizes else [1] * len(scores)
    for i, s in enumerate(scores):
        if run <= 0:
            run, run_start = 0.0, i
        run += (s - threshold) * weights[i]
        if run > best:
            best, best_span = run, (run_start, i)
    start, end = best_span
    drop = {i for i, s in enumerate(scores) if (start <= i <= end and s < INSIDE_DROP)
            or (not start <= i <= end and s < OUTSIDE_KEEP)}
    return Selection(frozenset(drop), start, end)
