"""Cost of the network.v1 corpus stage per new article as the store grows.

    .venv/bin/python bench/bench_network.py --stored 100000 --new 1000

Fills a fresh SQLite store with ``--stored`` synthetic records in stories of about 8 articles
(three outlets copying, one translating, one rewording each story's wire report, every article
with its 512-d vector), runs the stage on them in batches of 1,000 as analyze would, then times
the stage alone on ``--new`` further articles joining existing stories. Prints CPU and wall
milliseconds per new article (the target: under 5 ms at 100,000 stored) and the edges found.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from narratrace.embed import DEFAULT_ENCODER, vector_key
from narratrace.network.stage import NetworkStage
from narratrace.records import Article, Relation, SourceRef
from narratrace.store import open_store

OUTLETS = ["Wire", "ProxyA", "ProxyB", "ProxyC", "Traducteur", "Rewriter", "Blog", "Aggregator"]


def _story(k: int, rng: random.Random) -> list[tuple[Article, np.ndarray]]:
    day = f"20{18 + k % 6:02d}-{1 + k % 12:02d}-{1 + k % 28:02d}"
    story = f"s{k:07d}"
    base = np.random.default_rng(k).standard_normal(512).astype(np.float32)
    wire_id = f"{k:07d}w".rjust(16, "0")
    out = []
    for j, outlet in enumerate(OUTLETS):
        aid = wire_id if j == 0 else f"{k:07d}{j}".rjust(16, "0")
        lang = "fr" if outlet == "Traducteur" else "en"
        rel: tuple[Relation, ...] = ()
        if outlet.startswith("Proxy"):
            rel = (Relation("republished_from", wire_id, 0.95),)
        elif outlet == "Traducteur":
            rel = (Relation("translated_from", wire_id, 0.7),)
        noise = 0.05 if outlet == "Rewriter" else 1.5
        vec = base + noise * np.random.default_rng(k * 10 + j).standard_normal(512).astype(np.float32)
        art = Article(id=aid, content_hash=aid * 4, source=SourceRef(path=f"{aid}.txt"), body=f"story {k} item {j}",
                      outlet=f"{outlet}{rng.randrange(40)}", lang=lang, published=day, story_id=story,
                      duplicate_of=wire_id if rel else None, relations=rel)
        out.append((art, vec / np.linalg.norm(vec)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=20000)
    parser.add_argument("--new", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(1)
    model = vector_key(DEFAULT_ENCODER)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        run = store.runs.start("bench", ["synthetic"])
        stage = NetworkStage()
        n_stories = (args.stored + args.new) // len(OUTLETS) + 1
        pending: list[str] = []
        t0 = time.perf_counter()
        items = [x for k in range(n_stories) for x in _story(k, rng)]
        stored, new = items[: args.stored], items[args.stored : args.stored + args.new]
        for i in range(0, len(stored), 1000):
            batch = stored[i : i + 1000]
            for art, _ in batch:
                store.articles.add(art, run)
            store.vectors.put(model, {a.id: v for a, v in batch})
            pending = [a.id for a, _ in batch]
            stage.update(store, pending)
        fill = time.perf_counter() - t0
        for art, _ in new:
            store.articles.add(art, run)
        store.vectors.put(model, {a.id: v for a, v in new})
        cpu0, wall0 = time.process_time(), time.perf_counter()
        stage.update(store, [a.id for a, _ in new])
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        edges = sum(1 for _ in store.relays.iter())
        print(f"stored {len(stored)} (filled in {fill:.0f} s), new {len(new)}: "
              f"{1000 * cpu / len(new):.2f} ms CPU and {1000 * wall / len(new):.2f} ms wall per new article; "
              f"{edges} relay edges in the store")


if __name__ == "__main__":
    main()
