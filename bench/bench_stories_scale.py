"""Story clustering speed and memory at 10k / 30k / 100k articles (embeddings given).

    .venv/bin/python bench/bench_stories_scale.py --sizes 10000,30000,100000

With ``--data og2021_dev.jsonl --cache vecs.npy`` (as for eval_clustering.py) the
corpus is the real titles and their USE vectors, repeated as often as needed, each
copy shifted by 60 days and its vectors lightly perturbed (cosine ~0.99 to the original) (so copies are not exact
duplicates). Without ``--data``: synthetic unit vectors around topic centres (512
dimensions), each topic alive for a few days in one year. Every size runs in a
fresh subprocess so that its peak memory (max RSS) is its own. Prints seconds,
articles/s and peak MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DIM = 512
sys.path.insert(0, str(Path(__file__).resolve().parent))


def synthetic(n: int, seed: int = 0) -> tuple[list[str], np.ndarray, list[float], list[str]]:
    rng = np.random.default_rng(seed)
    n_topics = max(n // 8, 1)
    centres = rng.standard_normal((n_topics, DIM)).astype(np.float32)
    starts = rng.uniform(18000, 18365, n_topics)
    topic = rng.integers(0, n_topics, n)
    vecs = centres[topic] + 1.2 * rng.standard_normal((n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    days = (starts[topic] + rng.exponential(1.0, n)).tolist()
    vocab = [f"w{i}" for i in range(20000)]
    titles = [f"{vocab[t % 20000]} {vocab[(7 * t + 3) % 20000]} {vocab[int(rng.integers(0, 20000))]} report"
              for t in topic.tolist()]
    ids = [f"a{i:07d}" for i in range(n)]
    return ids, vecs, days, titles


def repeated(n: int, data: Path, cache: Path) -> tuple[list[str], np.ndarray, list[float], list[str]]:
    from eval_clustering import load, vectors_for

    from narratrace.stories.text import parse_day

    rows = load(data)
    base = vectors_for(rows, cache)
    rng = np.random.default_rng(0)
    ids, days, titles, parts = [], [], [], []
    copy = 0
    while len(ids) < n:
        take = min(len(rows), n - len(ids))
        noisy = base[:take] + 0.005 * rng.standard_normal((take, DIM)).astype(np.float32)
        parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        for r in rows[:take]:
            ids.append(f"{r['id']}~{copy}")
            days.append((parse_day(str(r["date"])) or 0.0) + 60.0 * copy)
            titles.append(str(r["title"]))
        copy += 1
    return ids, np.vstack(parts).astype(np.float32), days, titles


def run_one(n: int, data: Path | None, cache: Path | None) -> dict[str, float]:
    from narratrace.stories.cluster import cluster_all

    if data is not None and cache is not None:
        ids, vecs, days, titles = repeated(n, data, cache)
    else:
        ids, vecs, days, titles = synthetic(n)
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    stories = cluster_all(ids, vecs, days, titles)
    seconds = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    peak_mb = c1.ru_maxrss / 1024
    return {"n": n, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "per_second": round(n / seconds), "stories": len(set(stories)), "peak_mb": round(peak_mb)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--data", type=Path, default=None, help="titles-only JSONL to repeat (see above)")
    ap.add_argument("--cache", type=Path, default=None, help="its title vectors (.npy)")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.data, args.cache)))
        return 0
    extra = [] if args.data is None else ["--data", str(args.data), "--cache", str(args.cache)]
    for size in (int(s) for s in args.sizes.split(",")):
        # one BLAS thread: the small matrix products here lose more to thread hand-offs than they gain
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        out = subprocess.run([sys.executable, __file__, "--one", str(size), *extra], capture_output=True, text=True,
                             check=True, env=env)
        r = json.loads(out.stdout)
        print(f"n={r['n']}\tseconds={r['seconds']}\tcpu_seconds={r['cpu_seconds']}\t"
              f"articles/s={r['per_second']}\t"
              f"stories={r['stories']}\tpeak_mb={r['peak_mb']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
