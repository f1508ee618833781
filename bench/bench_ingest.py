"""Throughput and memory of ingest + clean + metadata (the spine's per-article stages).

    python bench/bench_ingest.py --pages 3000 --jobs 2

Writes synthetic pages to a temporary folder, runs the real pipeline into a fresh
SQLite database with only the spine's stages (language, metadata; no corpus stages),
and prints articles per second and the peak resident memory of the whole process
tree (main process plus workers), sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_corpus

from narratrace.config import Settings
from narratrace.pipeline import analyze


class PeakMemory:
    """Peak summed RSS of this process and its children."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a worker may exit between listing and reading
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--html-share", type=float, default=0.3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        write_corpus(folder, args.pages, html_share=args.html_share)
        settings = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
        with PeakMemory() as mem:
            start = time.perf_counter()
            summary = analyze([str(folder)], str(Path(tmp) / "bench.db"), settings, jobs=args.jobs)
            seconds = time.perf_counter() - start
    rate = summary.accepted / seconds
    print(f"pages={args.pages} html_share={args.html_share} jobs={args.jobs}")
    print(f"stored={summary.accepted} rejected={len(summary.rejected)} seconds={seconds:.1f}")
    print(f"throughput={rate:.0f} articles/s peak_rss={mem.peak / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
