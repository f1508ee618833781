"""The public Python API: ``narratrace.analyze``, ``narratrace.similarity``, ``narratrace.match_claims``.

Thin, typed functions over the same code the CLI and the REST API call, documented with
runnable examples in docs/python.md (a test runs them). Everything else in the package
is internal by convention: import from ``narratrace`` itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from .config import Settings, load_settings
from .records import RawItem, Rejection, SourceRef

if TYPE_CHECKING:
    from .factcheck.matching import CatalogEntry, Match
    from .ingest.walk import Skipped
    from .runs import RunSummary
    from .store import Store

PathLike = str | os.PathLike[str]
TEXTS_SOURCE = "python:texts"
ITEMS_SOURCE = "python:items"


def _settings(config: PathLike | Settings | None) -> Settings:
    if isinstance(config, Settings):
        return config
    return load_settings(config)


def _items(
    paths: Sequence[PathLike], texts: Sequence[str], items: Iterable[Mapping[str, Any] | RawItem], settings: Settings
) -> Iterator[RawItem | Rejection | Skipped]:
    from .ingest import read_inputs
    from .ingest.readers import jsonl_item

    if paths:
        yield from read_inputs([str(p) for p in paths], max_file_bytes=settings.max_file_bytes)
    for line, text in enumerate(texts, 1):
        yield RawItem(source=SourceRef(path=TEXTS_SOURCE, line=line), fmt="txt", text=text, encoding="utf-8")
    for line, item in enumerate(items, 1):
        if isinstance(item, RawItem):
            yield item
        else:  # a dict with the JSONL fields, checked as a JSONL line is
            yield jsonl_item(json.dumps(dict(item), default=str).encode(), SourceRef(path=ITEMS_SOURCE, line=line))


def analyze(
    paths: PathLike | Sequence[PathLike] = (),
    *,
    texts: Sequence[str] = (),
    items: Iterable[Mapping[str, Any] | RawItem] = (),
    db: str | Store | None = None,
    config: PathLike | Settings | None = None,
    jobs: int | None = 1,
    scheduler: str | None = None,
) -> RunSummary:
    """Analyse files and folders, pasted texts and/or JSONL-shaped dicts into a store.

    ``paths`` are read as ``narratrace analyze`` reads them; each of ``texts`` is one
    pasted article; each of ``items`` a dict with the JSONL fields (``id``, ``url``,
    ``outlet``, ``title``, ``text`` or ``html``, ``lang``, ``date``). ``db`` is a SQLite file,
    a SQLAlchemy URL or an open store (default: ``$NARRATRACE_DB``, else ``[store] url`` of
    the configuration, else ``narratrace.db``); ``config`` a TOML file or ``Settings``
    (default: ``$NARRATRACE_CONFIG``, else the defaults). ``jobs`` worker processes (1: this
    process; None: one per core) or a Dask ``scheduler`` address.

    Returns the run's ``RunSummary``: ``outcomes`` says what became of every input, in
    order, with the stored article's id. A configuration mistake raises ``ConfigError``
    before anything is read; rejected inputs are outcomes, not exceptions.
    """
    from .pipeline import check_settings, run_items
    from .store import Store, open_store

    settings = _settings(config)
    check_settings(settings)
    store = db if isinstance(db, Store) else open_store(settings.store(db))
    path_list = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    inputs = [str(p) for p in path_list] + ([TEXTS_SOURCE] if texts else []) + ([ITEMS_SOURCE] if items else [])
    return run_items(_items(path_list, texts, items, settings), store, settings, "api:analyze", inputs,
                     jobs=jobs, scheduler=scheduler)


@overload
def similarity(text1: str, text2: str, *, encoder: str | None = None, weights: PathLike | None = None) -> float: ...


@overload
def similarity(text1: Sequence[tuple[str, str]], text2: None = None, *, encoder: str | None = None,
               weights: PathLike | None = None) -> list[float]: ...


def similarity(
    text1: str | Sequence[tuple[str, str]],
    text2: str | None = None,
    *,
    encoder: str | None = None,
    weights: PathLike | None = None,
) -> float | list[float]:
    """How likely two texts tell the same story: a score in [0, 1] (``narratrace similarity``).

    Pass two texts for one score, or a list of ``(text1, text2)`` pairs for a list of scores
    (pairs scored together share their word weights, as the CLI's batch does). ``encoder``
    names another encoder (``onnx:DIR``), which needs ``weights`` fitted for it
    (``bench/eval_similarity.py --fit --out FILE``).
    """
    from .embed import DEFAULT_ENCODER, get_encoder
    from .stories.similarity import Pair, load_model, similarity_scores

    model = load_model(str(weights) if weights is not None else None)
    enc = get_encoder(encoder or DEFAULT_ENCODER)
    if isinstance(text1, str):
        if text2 is None:
            raise TypeError("similarity(text1, text2) needs two texts, or one list of (text1, text2) pairs")
        return similarity_scores([Pair("0", text1, text2)], enc, model)[0]
    pairs = [Pair(str(i), a, b) for i, (a, b) in enumerate(text1)]
    return similarity_scores(pairs, enc, model)


def _catalogue(catalogue: PathLike | Sequence[Mapping[str, Any] | CatalogEntry]) -> list[CatalogEntry]:
    from .factcheck.catalog import read_catalog
    from .factcheck.matching import CatalogEntry

    if isinstance(catalogue, (str, os.PathLike)):
        report = read_catalog(Path(catalogue))
        return list(report.entries)
    entries = []
    for entry in catalogue:
        if isinstance(entry, CatalogEntry):
            entries.append(entry)
        else:
            known = {k: entry.get(k) for k in ("title", "url", "lang", "verdict")}
            entries.append(CatalogEntry(id=str(entry["id"]), text=str(entry["text"]), **known))
    return entries


@overload
def match_claims(claims: str, catalogue: PathLike | Sequence[Mapping[str, Any] | CatalogEntry], *,  # type: ignore[overload-overlap]
                 top: int = 5) -> list[Match]: ...


@overload
def match_claims(claims: Sequence[str], catalogue: PathLike | Sequence[Mapping[str, Any] | CatalogEntry], *,
                 top: int = 5) -> list[list[Match]]: ...


def match_claims(
    claims: str | Sequence[str],
    catalogue: PathLike | Sequence[Mapping[str, Any] | CatalogEntry],
    *,
    top: int = 5,
) -> list[Match] | list[list[Match]]:
    """Rank fact-checked claims for a claim (or for each of a list of claims), best first.

    ``catalogue`` is a file (JSONL ``{id, text, title?, url?, lang?, verdict?}`` or ClaimReview
    JSON-LD) or a list of such dicts. Each ``Match`` has the entry ``id``, its ranking
    ``score`` (relative to this catalogue) and ``similarity``, the absolute cross-lingual
    cosine with the entry (the better basis for a yes/no link). ``narratrace claim-match`` runs
    the same ranker.
    """
    from .factcheck.matching import ClaimMatcher

    entries = _catalogue(catalogue)
    matcher = ClaimMatcher(entries)
    if isinstance(claims, str):
        return matcher.search([claims], top=top)[0]
    return matcher.search(list(claims), top=top)
