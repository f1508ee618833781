"""Load benchmark of the REST API: list and search endpoints over 100,000 stored articles.

    python bench/bench_web.py --db /tmp/bench-web.db --articles 100000 --clients 20 --seconds 20

1. Builds a synthetic store once (bulk inserts through the store's schema, so the FTS
   triggers, indexes and tables are the real ones). Articles are 220 words drawn from a
   20,000-word vocabulary with Zipf frequencies (like real text), 5 languages, 300
   outlets, 20,000 stories, 3 entity mentions each, 10% with a narrative match; random
   unit vectors stand in for the encoder's (same cost to search).
2. Starts ``narratrace serve`` in a subprocess on 127.0.0.1.
3. From this (second) process, drives ``--clients`` concurrent clients in closed loop
   for ``--seconds`` per scenario and prints median / p95 latency, throughput and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

WORDS_EN = [
    "ministry",
    "defence",
    "army",
    "rebels",
    "chemical",
    "attack",
    "video",
    "rescue",
    "hospital",
    "village",
    "province",
    "border",
    "convoy",
    "drone",
    "strike",
    "ceasefire",
    "talks",
    "envoy",
    "sanctions",
    "report",
    "witness",
    "footage",
    "warehouse",
    "chlorine",
    "evacuation",
    "shelling",
    "airport",
    "refinery",
    "pipeline",
    "election",
    "protest",
    "court",
    "minister",
    "general",
]
WORDS_FR = [
    "ministère",
    "défense",
    "armée",
    "rebelles",
    "attaque",
    "chimique",
    "vidéo",
    "secours",
    "hôpital",
    "village",
    "province",
    "frontière",
    "convoi",
    "frappe",
    "trêve",
    "négociations",
    "sanctions",
    "rapport",
    "témoin",
    "images",
    "entrepôt",
    "chlore",
    "évacuation",
    "bombardement",
    "aéroport",
    "raffinerie",
    "élection",
    "manifestation",
    "tribunal",
    "ministre",
]
LANGS = ("en", "fr", "de", "es", "ru")


def _vocabulary(size: int = 20_000) -> list[str]:
    """Real words first (the most frequent), then pronounceable made-up ones."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou", "an")]
    rng = random.Random(11)
    words = list(dict.fromkeys(WORDS_EN + WORDS_FR))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


# Word frequencies follow Zipf's law (exponent 1.1), as in real text: the words of an
# article are drawn from this distribution, and text queries from its middle ranks.
VOCAB = _vocabulary()
ZIPF = 1.0 / np.arange(1, len(VOCAB) + 1) ** 1.1
ZIPF /= ZIPF.sum()


def build(db: str, n: int, seed: int = 7) -> None:
    from sqlalchemy import insert

    from narratrace.records import Article, Entity, NarrativeMatch, SourceRef, to_dict
    from narratrace.store import open_store, schema
    from narratrace.store.articles import article_row
    from narratrace.stories.stage import VECTOR_MODEL

    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    store = open_store(db)
    run_id = store.runs.start("bench", ["synthetic"])
    n_stories = max(1, n // 5)
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    with store._engine.begin() as conn:
        conn.execute(
            insert(schema.entities),
            [
                {
                    "canonical_id": f"Q{k}",
                    "canonical_name": f"Entity {k}",
                    "type": rng.choice(["PER", "ORG", "LOC"]),
                    "aliases": [],
                }
                for k in range(2000)
            ],
        )
    for start in range(0, n, 5000):
        arts, mentions, matches, vecs = [], [], [], []
        count = min(n, start + 5000) - start
        drawn = nprng.choice(len(VOCAB), size=(count, 228), p=ZIPF)
        for i in range(start, min(n, start + 5000)):
            lang = rng.choice(LANGS)
            words = [VOCAB[k] for k in drawn[i - start]]
            body = " ".join(words[8:])
            title = " ".join(words[:8]).capitalize()
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            ents = tuple(
                Entity(
                    text=w,
                    type="ORG",
                    canonical_id=f"Q{int(rng.paretovariate(1.2)) % 2000}",
                    canonical_name=None,
                    start=p,
                    end=p + len(w),
                )
                for p, w in [(0, body.split(" ")[0])]
                for _ in range(3)
            )
            nar = (
                (NarrativeMatch(f"N{rng.randrange(20)}", "Narrative", round(rng.random(), 3), "promotes"),)
                if rng.random() < 0.1
                else ()
            )
            art = Article(
                id=f"a{i:015d}",
                content_hash=f"{i:064x}",
                source=SourceRef(url=f"https://x{i % 300}.example/{i}"),
                body=body,
                title=title,
                outlet=f"outlet-{int(rng.paretovariate(1.1)) % 300}",
                lang=lang,
                published=day.isoformat(),
                story_id=f"s{int(rng.paretovariate(1.05)) % n_stories}",
                entities=ents,
                narratives=nar,
            )
            row = article_row(art) | {"run_id": run_id, "seq": i + 1, "created_at": now}
            row["record"] = to_dict(art)
            arts.append(row)
            mentions += [
                {
                    "article_id": art.id,
                    "canonical_id": e.canonical_id,
                    "text": e.text,
                    "type": e.type,
                    "start": e.start,
                    "end": e.end,
                }
                for e in ents
            ]
            matches += [{"article_id": art.id, "narrative_id": m.id, "score": m.score, "stance": m.stance} for m in nar]
            vec = nprng.standard_normal(512).astype(np.float32)
            vecs.append(
                {
                    "article_id": art.id,
                    "model": VECTOR_MODEL,
                    "dim": 512,
                    "vector": (vec / np.linalg.norm(vec)).tobytes(),
                }
            )
        with store._engine.begin() as conn:
            conn.execute(insert(schema.articles), arts)
            conn.execute(insert(schema.mentions), mentions)
            if matches:
                conn.execute(insert(schema.narrative_matches), matches)
            conn.execute(insert(schema.vectors), vecs)
        print(f"  {start + len(arts)} articles ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    with store._engine.begin() as conn:
        from sqlalchemy import func, select

        a = schema.articles
        rows = conn.execute(
            select(
                a.c.story_id,
                func.count(),
                func.min(a.c.published),
                func.max(a.c.published),
                func.min(a.c.title),
            ).group_by(a.c.story_id)
        ).all()
        conn.execute(
            insert(schema.stories),
            [{"id": s, "size": c, "first_date": f, "last_date": last, "title": t} for s, c, f, last, t in rows],
        )
        conn.exec_driver_sql("ANALYZE")
    store.close()


def scenario_requests(name: str, rng: random.Random, cursors: list[str]) -> tuple[str, dict[str, Any]]:
    if name == "articles":
        choice = rng.randrange(8)
        params: dict[str, Any] = [
            {},
            {"lang": rng.choice(LANGS)},
            {"outlet": f"outlet-{rng.randrange(300)}"},
            {"story": f"s{rng.randrange(50)}"},
            {"narrative": f"N{rng.randrange(20)}"},
            {"entity": f"Q{rng.randrange(40)}"},
            {"date_from": f"{rng.randrange(2015, 2024)}-0{rng.randrange(1, 10)}", "sort": "published"},
            {"cursor": rng.choice(cursors)} if cursors else {},
        ][choice]
        return "/api/articles", params
    if name == "lists":
        return rng.choice(["/api/stories", "/api/narratives", "/api/entities"]), {"offset": rng.randrange(0, 500)}
    if name == "search-text":  # topic words: ranks 50-5,000 of the vocabulary
        words = [VOCAB[rng.randrange(50, 5000)] for _ in range(rng.choice([1, 2]))]
        return "/api/search", {"q": " ".join(words), "mode": "text"}
    if name == "search-text-common":  # the worst case: the most frequent words of the corpus
        words = [VOCAB[rng.randrange(0, 30)] for _ in range(rng.choice([1, 2]))]
        return "/api/search", {"q": " ".join(words), "mode": "text"}
    if name == "search-semantic":
        return "/api/search", {
            "q": f"{VOCAB[rng.randrange(50, 5000)]} {rng.choice(WORDS_EN)} report",  # (almost) never repeated
            "mode": "semantic",
        }
    if name == "search-hybrid":
        return "/api/search", {"q": f"{VOCAB[rng.randrange(50, 5000)]} {rng.choice(WORDS_FR)}"}
    raise ValueError(name)


async def run_load(base: str, name: str, clients: int, seconds: float, cursors: list[str]) -> dict[str, Any]:
    """Closed-loop clients on aiohttp, which is light on CPU: on a 2-core machine the load
    generator's CPU is taken from the server under test (4% of a core at 100 requests/s)."""
    import aiohttp

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(k: int, http: aiohttp.ClientSession) -> None:
        nonlocal errors
        rng = random.Random(k * 7919 + len(name))
        while time.perf_counter() < stop:
            path, params = scenario_requests(name, rng, cursors)
            t = time.perf_counter()
            try:
                async with http.get(base + path, params=params) as resp:
                    await resp.read()
                    ok = resp.status == 200
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            latencies.append(time.perf_counter() - t)
            errors += 0 if ok else 1

    async def all_clients() -> None:
        connector = aiohttp.TCPConnector(limit=clients)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
            await asyncio.gather(*(client(k, http) for k in range(clients)))

    started = time.perf_counter()
    await all_clients()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "scenario": name,
        "requests": len(latencies),
        "errors": errors,
        "median_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "rps": round(len(latencies) / wall, 1),
    }


def components(db: str) -> None:
    """Where a semantic query's time goes, in this process (no HTTP): encoder and matrix product."""
    from narratrace.embed import get_encoder
    from narratrace.store import open_store
    from narratrace.web.semantic import SemanticSearcher

    searcher = SemanticSearcher(open_store(db), get_encoder)
    ids, matrix = searcher.vectors.current()
    rng = random.Random(3)

    def timed(fn: Any, repeat: int = 5) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        return round(1000 * (time.perf_counter() - start) / repeat, 1)

    def queries(n: int) -> list[str]:
        return [f"{VOCAB[rng.randrange(50, 5000)]} {rng.choice(WORDS_EN)} report" for _ in range(n)]

    q20 = searcher.encode_texts(queries(20))
    result = {
        "vectors": len(ids),
        "encode_1_query_ms": timed(lambda: searcher.encode_texts(queries(1))),
        "encode_20_queries_ms": timed(lambda: searcher.encode_texts(queries(20))),
        "score_20_queries_ms": timed(lambda: q20 @ matrix.T),
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(result))


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the server and its worker processes."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="/tmp/bench-web.db")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    parser.add_argument(
        "--scenarios", default="articles,lists,search-text,search-text-common,search-semantic,search-hybrid"
    )
    parser.add_argument("--components", action="store_true", help="time the semantic search parts, no server")
    args = parser.parse_args()
    if args.components:
        components(args.db)
        return
    if not Path(args.db).exists():
        print(f"building {args.articles} synthetic articles into {args.db}", file=sys.stderr)
        build(args.db, args.articles)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "narratrace", "serve", "--db", args.db, "--port", str(port)]
    if args.workers > 1:
        cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd, env=os.environ | {"NARRATRACE_TOKEN": ""})
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(base + "/api/articles?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        cursors, params = [], {"limit": 50}
        for _ in range(40):  # real keyset cursors from deep pages
            page = httpx.get(base + "/api/articles", params=params, timeout=30).json()
            cursors.append(page["next"])
            params["cursor"] = page["next"]
        # load the vector matrix and the encoder once before timing
        httpx.get(base + "/api/search", params={"q": "warm up", "mode": "semantic"}, timeout=120)
        settled = 0  # each worker builds its ANN graph in the background: time what serves afterwards
        while settled < 4 * args.workers:  # (a new connection per check reaches any of the workers)
            building = httpx.get(base + "/api/health", timeout=30).json()["semantic_index"] == "building"
            settled = 0 if building else settled + 1
            time.sleep(1 if building else 0.05)
        for name in args.scenarios.split(","):
            cpu_before, started = server_cpu_seconds(server.pid), time.perf_counter()
            result = asyncio.run(run_load(base, name, args.clients, args.seconds, cursors))
            server_cores = (server_cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - started)
            result |= {
                "articles": args.articles,
                "clients": args.clients,
                "workers": args.workers,
                "server_cores": round(server_cores, 2),  # CPU seconds of the server's processes per second
                "load_average": round(os.getloadavg()[0], 1),
            }
            print(json.dumps(result))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
