"""The real narrative data (../shared/eval/narratives/), its gold labels and its splits.

Shared by bench/fit_narratives_real.py (fits on the ``train`` side only) and
bench/eval_narratives_real.py (reports the ``test`` side). Nothing here is copied into the
repository: the files are read where they lie (``$NARRATRACE_REAL_DATA`` or
``../shared/eval/narratives``), and only fitted weights ship.

Splits, fixed before any fitting:
- EUvsDisinfo cases: train 2015-2016, test 2017 (by date; 4 folds by ``claim_group`` inside train);
- EUvsDisinfo titles: train 2018-2019, test 2020-2021;
- FA-KES credible news: train before 2016-09-01, test from then on;
- SemEval-2025 T10 training documents: by a hash of the document id, half train (only its
  "Other" documents are used, as negatives) and half test.
Gold catalogue narratives come from EUvsDisinfo's own keywords through the team's mapping
(src/narratrace/narratives/data/euvsdisinfo_keywords.yaml) and, for SemEval, from the
subnarrative labels through bench/data/semeval_catalogue_map.yaml.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narratrace.narratives.keywords import narratives_for  # noqa: E402

DATA = Path(os.environ.get("NARRATRACE_REAL_DATA", ROOT.parent / "shared" / "eval" / "narratives"))
SEMEVAL_MAP = ROOT / "bench" / "data" / "semeval_catalogue_map.yaml"
CACHE = Path(os.environ.get("NARRATRACE_BENCH_CACHE", "/tmp/narratrace-bench"))


@dataclass
class Doc:
    """One document to match: ``kind`` says where it comes from and what is expected."""

    id: str
    kind: str  # case | disproof | title | fakes | semeval
    split: str  # train | test
    body: str
    title: str | None = None
    gold: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()
    stance: str | None = None  # expected stance when it matches a gold narrative
    lang: str = "en"
    group: str = ""  # cross-validation group inside train
    neutral: bool = False  # real news that must not match (FA-KES, SemEval "Other")
    extra: dict[str, Any] = field(default_factory=dict)


def _jsonl(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _bucket(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


def cases() -> list[Doc]:
    out: list[Doc] = []
    for r in _jsonl("euvsdisinfo_cases.jsonl"):
        split = "test" if r["date"] >= "2017-01-01" else "train"
        gold = frozenset(narratives_for(r["keywords"]))
        group = str(r.get("claim_group") or r["id"])
        out.append(
            Doc(
                r["id"],
                "case",
                split,
                r["summary"] or "",
                r["title"],
                gold,
                stance="promotes",
                group=group,
                extra={"keywords": r["keywords"]},
            )
        )
        if r.get("disproof"):
            out.append(
                Doc(r["id"] + "-disproof", "disproof", split, r["disproof"], None, gold, stance="refutes", group=group)
            )
    return out


def titles() -> list[Doc]:
    out = []
    for r in _jsonl("euvsdisinfo_titles.jsonl"):
        if r["date"] >= "2020-01-01":
            split = "test"
        elif r["date"] >= "2018-01-01":
            split = "train"
        else:
            continue
        out.append(
            Doc(
                r["id"],
                "title",
                split,
                "",
                r["title"],
                frozenset(narratives_for(r["keywords"])),
                stance="promotes",
                group=r["id"],
            )
        )
    return out


def fakes() -> list[Doc]:
    return [
        Doc(
            r["id"],
            "fakes",
            "test" if r["date"] >= "2016-09-01" else "train",
            r["text"],
            r["title"],
            neutral=True,
            group=r["id"],
            stance="reports",
        )
        for r in _jsonl("fakes_neutral.jsonl")
    ]


def semeval() -> list[Doc]:
    mapping = yaml.safe_load(SEMEVAL_MAP.read_text(encoding="utf-8"))
    out = []
    for r in _jsonl("semeval2025_t10_train.jsonl"):
        gold = {n for s in r["subnarratives"] for n in mapping["gold"].get(s, [])}
        also = {n for s in r["subnarratives"] for n in mapping["also"].get(s, [])}
        other = r["narratives"] == ["Other"]
        title, _, body = r["text"].partition("\n")
        out.append(
            Doc(
                r["id"],
                "semeval",
                "test" if _bucket(r["id"], 2) else "train",
                body.strip(),
                title.strip(),
                frozenset(gold),
                frozenset(also - gold),
                lang=r["lang"],
                group=r["id"],
                neutral=other,
                extra={"narratives": r["narratives"], "subnarratives": r["subnarratives"]},
            )
        )
    return out


def team(path: Path = ROOT / "eval" / "narratives" / "narratives_eval.jsonl") -> list[Doc]:
    """The team's own written texts (eval/narratives/, dev split only, short and composed into
    article length as bench/eval_narratives.py does): hard neutral news on the very places and
    people of each narrative, which the real neutral sets have few of. Fitting only; their
    test split stays bench/eval_narratives.py's."""
    from eval_narratives import compose_long, load_rows

    rows = [r for r in load_rows(path) if r["split"] == "dev"]
    out = []
    for r in [*rows, *compose_long(rows)]:
        gold = frozenset(r["narratives"])
        out.append(Doc(r["id"], "team", "train", r["text"], r.get("title"), gold, frozenset(r.get("also") or ()),
                       stance=r.get("stance"), group=r["id"], neutral=not gold))
    return out


def all_docs() -> list[Doc]:
    return [*cases(), *titles(), *fakes(), *semeval()]


def fold_of(doc: Doc, folds: int) -> int:
    return _bucket(doc.group, folds)


class CachingEncoder:
    """The default encoder with a file cache of vectors, so refits and evaluations do not
    re-encode 40,000 sentences (the cache lives outside the repository)."""

    def __init__(self, inner: Any, name: str = "cache") -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.path = CACHE / f"vectors-{hashlib.sha256(self.name.encode()).hexdigest()[:10]}.npz"
        self.memo: dict[str, np.ndarray] = {}
        self.dirty = False
        if self.path.is_file():
            with np.load(self.path, allow_pickle=False) as data:
                for text, vec in zip(data["texts"].tolist(), data["vectors"], strict=False):
                    self.memo[str(text)] = vec

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if missing:
            for start in range(0, len(missing), 256):
                chunk = missing[start : start + 256]
                for t, v in zip(chunk, self.inner.encode(chunk), strict=False):
                    self.memo[t] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.memo[t] for t in texts]).astype(np.float32)

    def save(self) -> None:
        if not self.dirty:
            return
        CACHE.mkdir(parents=True, exist_ok=True)
        texts = list(self.memo)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(tmp, texts=np.asarray(texts, dtype=np.str_), vectors=np.stack([self.memo[t] for t in texts]))
        tmp.replace(self.path)
        self.dirty = False


def prf(pairs: Iterable[tuple[frozenset[str], frozenset[str], set[str]]]) -> dict[str, float]:
    """Micro precision/recall/F1 over (gold, acceptable-extra, predicted) label sets."""
    tp = fp = fn = 0
    for gold, also, pred in pairs:
        tp += len(pred & gold)
        fp += len(pred - gold - also)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}
