"""Check-worthiness: fit the claim scorer on annotated real sentences, report held-out figures.

    python bench/eval_checkworthiness.py [--shared ../shared] [--write]

The annotations (``eval/checkworthiness/annotations.jsonl``) hold no text: each row is
(dataset file under ``shared/eval/``, document id, field when not ``text``, code-point
offsets, language, label),
label 2 = check-worthy claim, 1 = factual but not worth checking, 0 = not a claim
(guidelines: ``docs/checkworthiness.md``). The text comes from the shared research
files; without them the script says so and exits 0.

Documents are split by a hash of their id: one in four is held out and never used for
fitting or for choosing the threshold. On the rest, a logistic model over the cues of
``analyse/claims.py`` is fitted (L2, Newton steps) and the threshold is chosen by
5-fold cross-validation over documents: the lowest cut whose out-of-fold precision is
at least 0.85 while flagging at most 25% of the FA-KES (ordinary news) sentences.
``--write`` stores the weights and threshold in ``analyse/data/claims.yaml``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.analyse import claims as cl
from narratrace.analyse.attribution import attributions
from narratrace.analyse.entities import extract_entities

REPO = Path(__file__).resolve().parents[1]
ANNOTATIONS = REPO / "eval" / "checkworthiness" / "annotations.jsonl"
YAML = REPO / "src" / "narratrace" / "analyse" / "data" / "claims.yaml"
NEWS = "narratives/fakes_neutral.jsonl"
MIN_PRECISION, MAX_FLAGGED = 0.85, 0.25


def find_shared(given: str | None) -> Path | None:
    cands = [Path(given)] if given else [REPO.parent / "shared", REPO.parents[1] / "shared"]
    return next((p for p in cands if (p / "eval").is_dir()), None)


def held_out(doc_id: str) -> bool:
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 4 == 0


def load_rows(shared: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in ANNOTATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts: dict[tuple[str, str, str], str] = {}
    for ds in {r["dataset"] for r in rows}:
        wanted = {r["id"] for r in rows if r["dataset"] == ds}
        with (shared / "eval" / ds).open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                if doc["id"] in wanted:
                    for field in ("text", "summary", "disproof"):
                        if isinstance(doc.get(field), str):
                            texts[(ds, doc["id"], field)] = doc[field]
    analysed: dict[tuple[str, str, str], tuple[Any, Any]] = {}
    m = cl.model()
    for r in rows:
        key = (r["dataset"], r["id"], r.get("field", "text"))
        text = texts[key]
        if key not in analysed:
            ents = tuple(extract_entities(text, r["lang"]))
            analysed[key] = (ents, tuple(attributions(text, ents)))
        ents, atts = analysed[key]
        sent = text[r["start"] : r["end"]]
        n_ents = sum(1 for e in ents if e.start >= r["start"] and e.end <= r["end"] and e.type not in {"DATE"})
        att = any(a.kind == "quotes" and a.start <= r["start"] and a.end >= r["end"] for a in atts)
        r["candidate"] = cl.candidate(sent)
        r["x"] = cl.features(sent, n_ents, att, r["lang"], m)
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 1e-6  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def matrix(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[r["x"][f] for f in cl.FEATURES] for r in rows], dtype=float)
    y = np.array([r["label"] == 2 for r in rows], dtype=float)
    return x, y


def scores(rows: list[dict[str, Any]], w: np.ndarray) -> np.ndarray:
    x, _ = matrix(rows)
    s = 1.0 / (1.0 + np.exp(-(x @ w)))
    return np.where([r["candidate"] for r in rows], s, 0.0)


def report(rows: list[dict[str, Any]], s: np.ndarray, cut: float) -> dict[str, Any]:
    flag = s >= cut
    y = np.array([r["label"] == 2 for r in rows])
    out: dict[str, Any] = {}
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups["all"].append(i)
        name = "news (FA-KES)" if r["dataset"] == NEWS else f"semeval {r['lang']}"
        groups["EUvsDisinfo cases" if "euvsdisinfo" in r["dataset"] else name].append(i)
    for name, idx in groups.items():
        f, t = flag[idx], y[idx]
        out[name] = {
            "sentences": len(idx),
            "flagged_share": round(float(f.mean()), 3),
            "precision": round(float((f & t).sum() / f.sum()), 3) if f.sum() else None,
            "recall_of_label2": round(float((f & t).sum() / t.sum()), 3) if t.sum() else None,
            "not_claims_flagged": int((f & np.array([rows[i]["label"] == 0 for i in idx])).sum()),
        }
    return out


def choose_cut(rows: list[dict[str, Any]], folds: int = 5) -> tuple[float, dict[str, Any]]:
    docs = sorted({r["id"] for r in rows}, key=lambda d: hashlib.sha1(d.encode()).hexdigest())
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    oof = np.zeros(len(rows))
    for k in range(folds):
        tr = [r for r in rows if fold_of[r["id"]] != k]
        te = [i for i, r in enumerate(rows) if fold_of[r["id"]] == k]
        x, y = matrix(tr)
        oof[te] = scores([rows[i] for i in te], fit(x, y))
    y = np.array([r["label"] == 2 for r in rows])
    news = np.array([r["dataset"] == NEWS for r in rows])
    best = 0.95
    for cut in np.arange(0.30, 0.96, 0.01):
        f = oof >= cut
        if not f.sum():
            continue
        prec = (f & y).sum() / f.sum()
        share = f[news].mean()
        if prec >= MIN_PRECISION and share <= MAX_FLAGGED:
            best = float(cut)
            break
    return round(best, 2), report(rows, oof, best)


def write_yaml(w: np.ndarray, cut: float) -> None:
    text = YAML.read_text(encoding="utf-8")
    head = text[: text.index("# --- fitted")]
    block = "# --- fitted by bench/eval_checkworthiness.py --write (do not edit by hand) ---\nweights:\n"
    block += "".join(f"  {f}: {v:.4f}\n" for f, v in zip(cl.FEATURES, w, strict=True))
    block += f"threshold: {cut}\n"
    YAML.write_text(head + block, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared data folder (default: ../shared beside the repository)")
    ap.add_argument("--write", action="store_true", help="store the fitted weights and threshold in claims.yaml")
    args = ap.parse_args(argv)
    shared = find_shared(args.shared)
    if shared is None:
        print("shared/eval not found: nothing to evaluate (pass --shared)")
        return 0
    rows = load_rows(shared)
    train = [r for r in rows if not held_out(r["id"])]
    test = [r for r in rows if held_out(r["id"])]
    cut, cv = choose_cut(train)
    x, y = matrix(train)
    w = fit(x, y)
    print(f"annotated sentences: {len(rows)} (train {len(train)}, held out {len(test)} in "
          f"{len({r['id'] for r in test})} documents); threshold {cut} (chosen by 5-fold CV on train)")
    print("cross-validated on train:", json.dumps(cv["all"]))
    for name, figures in report(test, scores(test, w), cut).items():
        print(f"held out, {name}: {json.dumps(figures)}")
    print("weights:", ", ".join(f"{f} {v:+.2f}" for f, v in zip(cl.FEATURES, w, strict=True)))
    if args.write:
        write_yaml(w, cut)
        print(f"wrote {YAML.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())



