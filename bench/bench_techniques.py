"""Speed of the techniques.v1 stage: CPU milliseconds per 3,000 characters on one core.

    nice python bench/bench_techniques.py [--ptc DIR] [--repeat 3]

Runs ``find_techniques`` over the PTC dev articles when the folder exists (real news,
~4,600 characters on average; research data read in place, nothing copied), else over
the bundled example corpus, and reports CPU time (``time.process_time``, so other
processes on a busy machine inflate it less than wall time) per 3,000 characters.
Target: under 20 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from narratrace.analyse.techniques import find_techniques

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PTC = ROOT / ".." / ".." / "shared" / "eval" / "persuasion"


def texts(ptc: Path) -> list[tuple[str, str]]:
    dev = ptc / "ptc_semeval2020_dev.jsonl"
    if dev.is_file():
        return [(json.loads(line)["text"], "en") for line in dev.open(encoding="utf-8")]
    out = []
    for p in sorted((ROOT / "examples").rglob("*.txt")):
        out.append((p.read_text(encoding="utf-8"), "fr" if "_fr" in p.name or "/fr" in str(p) else "en"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    docs = texts(args.ptc)
    find_techniques("Warm-up: the model loads once per process.", "en")
    chars = sum(len(t) for t, _ in docs)
    runs = []
    for _ in range(args.repeat):
        t0 = time.process_time()
        n = sum(len(find_techniques(t, lang)) for t, lang in docs)
        runs.append(time.process_time() - t0)
    best, med = min(runs), statistics.median(runs)
    print(f"{len(docs)} articles, {chars} characters, {n} techniques found")
    per = 1000 * 3000 / chars
    print(f"CPU per 3,000 characters: best {best * per:.1f} ms, median {med * per:.1f} ms")
    for lang in ("fr", "de", "ru"):
        t0 = time.process_time()
        for t, _ in docs[:20]:
            find_techniques(t, lang)
        sub = sum(len(t) for t, _ in docs[:20])
        print(f"  as '{lang}' (language-independent weights): {1000 * (time.process_time() - t0) / sub * 3000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
