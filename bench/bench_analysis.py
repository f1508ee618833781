"""Throughput of the per-article analysis stages: entities + attributions + claims.

    python bench/bench_analysis.py [--corpus examples/corpus] [--n 300] [--workers 2]

Builds N articles of about 3,000 characters from the bundled example corpus (English
and French, alternating), runs entities.v1 -> attributions.v1 -> claims.v1 in a
process pool (models load once per worker, as in the pipeline) and prints articles
per second (after warm-up, wall clock and from CPU time, which other load on a shared
machine does not distort) and the peak resident memory of the workers plus parent.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

from narratrace.analyse.attribution import AttributionStage
from narratrace.analyse.claims import ClaimStage
from narratrace.analyse.entities import EntityStage
from narratrace.records import Article, SourceRef

_STAGES = None


def _run(article: Article) -> tuple[int, float]:
    """Flags found and CPU seconds spent (CPU time is robust to other load on the machine)."""
    global _STAGES
    if _STAGES is None:
        _STAGES = (EntityStage(), AttributionStage(), ClaimStage())
    t0 = time.process_time()
    for stage in _STAGES:
        article = stage(article)
    return len(article.entities) + len(article.attributions) + len(article.claims), time.process_time() - t0


def _articles(corpus: Path, n: int, size: int) -> list[Article]:
    texts: dict[str, list[str]] = {"en": [], "fr": []}
    for path in sorted(corpus.glob("*.txt")):
        lang = "fr" if "_fr_" in path.name else "en"
        texts[lang].append(path.read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "fr"
        pool = texts[lang]
        body = ""
        j = i
        while len(body) < size:
            body += pool[j % len(pool)] + "\n\n"
            j += 1
        out.append(Article(id=f"b{i}", content_hash=f"h{i}", source=SourceRef(), body=body[:size], lang=lang))
    return out


def _peak_rss(proc: psutil.Process) -> int:
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "examples" / "corpus"))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--size", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    articles = _articles(Path(args.corpus), args.n, args.size)
    me = psutil.Process()
    peak = 0
    with ProcessPoolExecutor(args.workers) as pool:
        warm = _articles(Path(args.corpus), args.workers * 2, args.size)
        list(pool.map(_run, warm))  # load the models in every worker
        t0 = time.perf_counter()
        found = 0
        cpu = 0.0
        for i, (n_found, seconds) in enumerate(pool.map(_run, articles, chunksize=4)):
            found += n_found
            cpu += seconds
            if i % 20 == 0:
                peak = max(peak, _peak_rss(me))
        elapsed = time.perf_counter() - t0
        peak = max(peak, _peak_rss(me))
    print(
        f"{len(articles)} articles of {args.size} chars, {args.workers} workers: "
        f"{len(articles) / elapsed:.1f} articles/s wall clock, {found} flags, "
        f"peak RSS {peak / 2**20:.0f} MiB\n"
        f"CPU {1000 * cpu / len(articles):.1f} ms per article -> "
        f"{args.workers * len(articles) / cpu:.1f} articles/s on {args.workers} otherwise idle cores; "
        f"load average {os.getloadavg()[0]:.1f} during the run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
