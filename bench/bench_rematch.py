"""Re-matching the archive against one new narrative, from the stored sentence vectors.

    .venv/bin/python bench/bench_rematch.py --stored 100000

Fills a fresh SQLite store with ``--stored`` synthetic articles of about 20 sentences each
(generated news-like sentences, bench/synthetic.py; every sentence's real vector from the
shipped encoder, encoded once for a pool of 3,000 sentences and stored per article as analyze
stores it), records the shipped catalogue's versions as matched, then adds one narrative to a
user catalogue and times ``rematch`` (CPU and wall). One article in 200 carries a sentence of
the new narrative, so some are re-matched and updated. The target: well under a minute for
100,000 stored articles on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import _sentence  # noqa: E402

from narratrace.embed import DEFAULT_ENCODER, encoder_identity, get_encoder  # noqa: E402
from narratrace.embed.sentences import SentenceSet, sentence_key, title_unit  # noqa: E402
from narratrace.embed.units import article_units  # noqa: E402
from narratrace.narratives.catalogue import Narrative, load_catalogue, write_narrative  # noqa: E402
from narratrace.narratives.matcher import CatalogueIndex, Matcher  # noqa: E402
from narratrace.narratives.rematch import rematch, versions  # noqa: E402
from narratrace.records import Article, SourceRef  # noqa: E402
from narratrace.store import open_store  # noqa: E402

CLAIM = "The grain corridor ships secretly carry weapons to the port of Odesa."
CARRIERS = [
    "Sources say the grain corridor ships secretly carry weapons to Odesa.",
    "Weapons are hidden on grain ships bound for Odesa, a blogger claimed.",
    "The so-called grain deal is a cover for arms deliveries to the port of Odesa.",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stored", type=int, default=20000)
    args = ap.parse_args()
    rng = random.Random(5)
    enc = get_encoder()
    pool = list(dict.fromkeys(_sentence(rng, rng.choice(["en", "fr"])) for _ in range(3000)))
    vec_of = dict(zip(pool + CARRIERS, enc.encode(pool + CARRIERS), strict=True))
    key = sentence_key()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        run = store.runs.start("bench", ["synthetic"])
        t0 = time.perf_counter()
        for start in range(0, args.stored, 1000):
            sets = {}
            for k in range(start, min(start + 1000, args.stored)):
                sents = rng.sample(pool, 20)
                if k % 200 == 0:
                    sents[rng.randrange(20)] = CARRIERS[k % len(CARRIERS)]
                body = " ".join(sents)
                title = sents[0][:80]
                aid = f"{k:016x}"
                art = Article(id=aid, content_hash=aid * 4, source=SourceRef(path=f"{aid}.txt"), body=body,
                              title=title, lang="en")
                store.articles.add(art, run)
                spans = article_units(body, title)
                texts = [title_unit(title) if s < 0 else body[s:e] for s, e in spans]
                rows = np.stack([vec_of.get(t, vec_of[pool[len(t) % len(pool)]]) for t in texts])
                sets[aid] = SentenceSet.build(spans, rows)
            store.vectors.put_sentences(key, sets)
        fill = time.perf_counter() - t0
        shipped = Matcher(CatalogueIndex(load_catalogue(None, shipped=True), enc), enc)
        # the archive is up to date with the shipped catalogue
        store.narratives.set_versions(versions(shipped.index.catalogue, shipped.params,
                                               encoder_identity(DEFAULT_ENCODER)))
        cat = Path(tmp) / "cat"
        write_narrative(Narrative(id="grain-ships-weapons", title="Grain ships carry weapons",
                                  claims={"en": (CLAIM,)}, keywords={"en": ("grain", "weapons")}), cat)
        matcher = Matcher(CatalogueIndex(load_catalogue([cat], shipped=True), enc), enc)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = rematch(store, matcher)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        print(f"stored {args.stored} (filled in {fill:.0f} s); rematch of 1 new narrative: {cpu:.1f} s CPU, "
              f"{wall:.1f} s wall; scanned {result.scanned}, re-matched {result.rematched}, updated {result.updated} "
              f"(changed {result.changed})")


if __name__ == "__main__":
    main()
