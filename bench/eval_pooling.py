"""How well the stories stage's article vector alone tells same-story pairs (issue 18).

    .venv/bin/python bench/eval_pooling.py --data ../shared/eval/similarity/semeval2022t8_dev.jsonl

The article vector (``embed.pooling.embed_documents``: what clustering, copy candidates and
semantic search compare) of each text of the SemEval-2022 task 8 pairs (research use only,
read from ``../shared/eval/``), and the Pearson correlation of the pairs' cosine with the
annotators' -overall (1 same story .. 4 unrelated), for all pairs, same-language and
cross-language ones. A change to how the vector is pooled is checked here first: the vector
is compared with nothing else in this measure, no weights are fitted on it.

``--variants`` compares ways of weighting the units' vectors on two halves of the pairs (by a
hash of the pair id: choose on half A, read half B).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from narratrace.embed import get_encoder
from narratrace.embed.pooling import PoolingSettings, embed_documents
from narratrace.records import Span

SIZE = 300.0  # characters: the old chunk length, as the unit of length and position
VARIANTS: dict[str, Callable[[Sequence[Span]], np.ndarray]] = {
    "by sentence index (lead 3)": lambda us: np.asarray([1 / (1 + i / 3) for i in range(len(us))]),
    "length x position in characters": lambda us: np.asarray([(len(u.text) / SIZE) / (1 + u.start / SIZE / 3)
                                                               for u in us]),
    "sqrt(length) x position": lambda us: np.asarray([np.sqrt(len(u.text) / SIZE) / (1 + u.start / SIZE / 3)
                                                       for u in us]),
    "length only": lambda us: np.asarray([len(u.text) / SIZE for u in us]),
    "uniform": lambda us: np.ones(len(us)),
}


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--variants", action="store_true", help="compare weightings on two halves of the pairs")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    encoder = get_encoder()
    texts = [r["text1"] or "" for r in rows] + [r["text2"] or "" for r in rows]
    start = time.process_time()
    vecs = np.asarray(embed_documents(encoder, [(None, t) for t in texts], PoolingSettings()))
    cpu = time.process_time() - start
    n = len(rows)
    cos = np.einsum("ij,ij->i", vecs[:n], vecs[n:])
    gold = -np.asarray([float(r["overall"]) for r in rows])
    cross = np.asarray([r.get("lang1") != r.get("lang2") for r in rows])
    print(f"pairs={n} texts={len(texts)} cpu_s={cpu:.1f}")
    print(f"pooled cosine pearson: all={pearson(cos, gold):.3f} same-language={pearson(cos[~cross], gold[~cross]):.3f} "
          f"cross-language={pearson(cos[cross], gold[cross]):.3f} (n={int(cross.sum())})")
    half = np.asarray([int(hashlib.sha1(r["pair_id"].encode()).hexdigest(), 16) % 2 == 0 for r in rows])
    a, b = pearson(cos[half], gold[half]), pearson(cos[~half], gold[~half])
    print(f"this tree's vector: half A {a:.3f} half B {b:.3f}")
    if args.variants:
        from narratrace.embed.units import body_units

        units = [body_units(t) for t in texts]
        flat = np.asarray(encoder.encode([u.text for us in units for u in us]))
        starts = np.cumsum([0] + [len(us) for us in units])
        for name, weigh in VARIANTS.items():
            pooled = np.zeros((len(texts), flat.shape[1]), dtype=np.float32)
            for k, us in enumerate(units):
                if us:
                    v = weigh(us) @ flat[starts[k] : starts[k + 1]]
                    pooled[k] = v / max(float(np.linalg.norm(v)), 1e-9)
            c = np.einsum("ij,ij->i", pooled[:n], pooled[n:])
            print(f"{name:34s} half A {pearson(c[half], gold[half]):.3f} half B {pearson(c[~half], gold[~half]):.3f}")


if __name__ == "__main__":
    main()
