"""Russian NER: slovnet's news model over navec embeddings, both shipped in natasha's wheel.

natasha 1.6 carries the weights (``natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar``,
26 MB, and ``natasha/data/model/slovnet_ner_news_v1.tar``, 2 MB); nothing downloads.
natasha's own ``__init__`` is never imported: it pulls in pymorphy2, whose 0.9 release
does not import on Python 3.11. The files are found through the package's location, and
slovnet and navec (small, numpy only) do the work. Labels PER, LOC, ORG map one to one.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

EMBEDDING = Path("emb") / "navec_news_v1_1B_250K_300d_100q.tar"
MODEL = Path("model") / "slovnet_ner_news_v1.tar"
CHUNK_CHARS = 5_000  # slovnet tags a text in one pass: keep each pass small


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@functools.cache
def load() -> Any | None:
    """The tagger, or None when natasha/slovnet/navec are not installed."""
    data = _data_dir()
    if data is None or not (data / EMBEDDING).is_file() or not (data / MODEL).is_file():
        return None
    try:
        from navec import Navec
        from slovnet import NER
    except ImportError:
        return None
    tagger = NER.load(str(data / MODEL))
    tagger.navec(Navec.load(str(data / EMBEDDING)))
    return tagger


def spans(tagger: Any, text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every name in ``text``, tagged in chunks cut at line breaks."""
    out: list[tuple[int, int, str]] = []
    pos, n = 0, len(text)
    while pos < n:
        end = min(n, pos + CHUNK_CHARS)
        if end < n:
            cut = text.rfind("\n", pos + CHUNK_CHARS // 2, end)
            cut = cut if cut != -1 else text.rfind(" ", pos + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        for s in tagger(text[pos:end]).spans:
            out.append((pos + s.start, pos + s.stop, str(s.type)))
        pos = end
    return out
