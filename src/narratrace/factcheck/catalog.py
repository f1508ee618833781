"""Fact-check catalogues: reading them, storing them, matching claims against them.

Two formats are read. JSONL, one verified claim a line: ``{id, text, title?, url?,
lang?, verdict?}``. ClaimReview JSON-LD (schema.org), as fact-checkers export it: one
object, a list, a ``@graph`` or a ``DataFeed``; also the Google Fact Check Tools
layout (``claims[].claimReview[]``). A malformed line or object is reported with its
position and skipped; the rest is read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .matching import CatalogEntry, ClaimMatcher, Match

if TYPE_CHECKING:
    from ..store import Store

MAX_FIELD_CHARS = 20_000


@dataclass
class ReadReport:
    """What a reader kept and what it skipped (position and reason)."""

    entries: list[CatalogEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if isinstance(value, list):
        value = value[0] if value else None
        return _text(value)
    s = str(value).strip()
    return s[:MAX_FIELD_CHARS] or None


def read_jsonl(path: Path) -> ReadReport:
    """Catalogue or query lines ``{id, text, ...}``."""
    report = ReadReport()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(f"{path}:{n}: not JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                report.problems.append(f"{path}:{n}: expected an object with `id` and `text`")
                continue
            text = _text(obj.get("text") or obj.get("claim") or obj.get("vclaim"))
            eid = _text(obj.get("id") or obj.get("query_id") or obj.get("vclaim_id"))
            if not text or not eid:
                report.problems.append(f"{path}:{n}: `id` and `text` are required")
                continue
            report.entries.append(
                CatalogEntry(
                    id=eid,
                    text=text,
                    title=_text(obj.get("title")),
                    url=_text(obj.get("url")),
                    lang=_text(obj.get("lang")),
                    verdict=_text(obj.get("verdict")),
                )
            )
    return report


def _claimreviews(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _claimreviews(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _claimreviews(data["@graph"])
        if "dataFeedElement" in data:
            yield from _claimreviews(data["dataFeedElement"])
        if "item" in data and isinstance(data["item"], (list, dict)):
            yield from _claimreviews(data["item"])
        if "claims" in data and isinstance(data["claims"], list):  # Google Fact Check Tools
            for claim in data["claims"]:
                for review in claim.get("claimReview") or []:
                    yield {
                        "@type": "ClaimReview",
                        "claimReviewed": claim.get("text"),
                        "url": review.get("url"),
                        "headline": review.get("title"),
                        "inLanguage": review.get("languageCode"),
                        "reviewRating": {"alternateName": review.get("textualRating")},
                    }
        types = data.get("@type")
        if types == "ClaimReview" or (isinstance(types, list) and "ClaimReview" in types):
            yield data


def read_claimreview(path: Path) -> ReadReport:
    """ClaimReview JSON-LD objects of a file (JSON document or one object per line)."""
    report = ReadReport()
    raw = path.read_text(encoding="utf-8", errors="replace")
    try:
        docs: list[Any] = [json.loads(raw)]
    except json.JSONDecodeError:
        docs = []
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    report.problems.append(f"{path}:{n}: not JSON ({exc.msg})")
    for k, review in enumerate(_claimreviews(docs)):
        text = _text(review.get("claimReviewed"))
        if not text:
            report.problems.append(f"{path}: ClaimReview #{k + 1} has no claimReviewed text")
            continue
        url = _text(review.get("url"))
        eid = _text(review.get("@id")) or url or "cr-" + hashlib.sha1(text.encode()).hexdigest()[:16]
        rating = review.get("reviewRating") or {}
        verdict = _text(rating.get("alternateName") or rating.get("ratingValue")) if isinstance(rating, dict) else None
        report.entries.append(
            CatalogEntry(
                id=eid,
                text=text,
                title=_text(review.get("headline") or review.get("name")),
                url=url,
                lang=_text(review.get("inLanguage")),
                verdict=verdict,
            )
        )
    return report


def read_catalog(path: str | Path) -> ReadReport:
    """A catalogue in either format (``.jsonl`` lines with ``text``, else ClaimReview).

    An id seen twice keeps its first entry; the repeat is reported."""
    p = Path(path)
    report = None
    if p.suffix.lower() == ".jsonl":
        first = next((ln for ln in p.open(encoding="utf-8", errors="replace") if ln.strip()), "")
        if '"ClaimReview"' not in first:
            report = read_jsonl(p)
    report = report or read_claimreview(p)
    return dedupe_by_id(report, p)


def dedupe_by_id(report: ReadReport, path: Path) -> ReadReport:
    """Keep the first entry of each id: a TREC run with two claims of one id would be ambiguous."""
    seen: set[str] = set()
    kept = []
    for entry in report.entries:
        if entry.id in seen:
            report.problems.append(f"{path}: id {entry.id!r} appears again; the first entry is kept")
            continue
        seen.add(entry.id)
        kept.append(entry)
    report.entries = kept
    return report


def _trec_id(value: str) -> str:
    """TREC fields are split on white space: an id containing some would shift every column."""
    return re.sub(r"\s+", "_", value.strip()) or "_"


def write_trec(results: Iterable[tuple[str, Sequence[Match]]], out: IO[str], tag: str = "narratrace") -> int:
    """TREC run lines ``query_id Q0 claim_id rank score tag``; returns the line count.

    White space inside an id is written as ``_`` (the format has no quoting).
    """
    n = 0
    for qid, matches in results:
        for rank, m in enumerate(matches, 1):
            out.write(f"{_trec_id(qid)} Q0 {_trec_id(m.id)} {rank} {m.score:.6f} {tag}\n")
            n += 1
    return n


# -- the store ----------------------------------------------------------------------


def import_factchecks(store: Store, entries: Sequence[CatalogEntry]) -> tuple[int, int]:
    """Insert or replace fact-checks by id; returns (added, replaced)."""
    return store.factchecks.put([asdict(e) for e in entries])


def stored_factchecks(store: Store) -> list[CatalogEntry]:
    return [CatalogEntry(**row) for row in store.factchecks.list()]


def link_claims(store: Store, top: int = 3, min_similarity: float = 0.5, matcher: ClaimMatcher | None = None) -> int:
    """Match every stored article's claims against the imported fact-checks.

    A link needs a dense similarity of at least ``min_similarity`` (multilingual USE
    cosine: translations and close paraphrases score 0.6-0.9, unrelated texts 0.1-0.3).
    Rewrites the ``claim_matches`` rows of each article; returns the number of links.
    """
    if matcher is None:
        entries = stored_factchecks(store)
        if not entries:
            return 0
        matcher = ClaimMatcher(entries)
    total = 0
    for article in store.articles.iter():
        claims = list(article.claims)
        results = matcher.search([c.text for c in claims], top=top) if claims else []
        rows = [
            {
                "claim_start": c.start,
                "claim_end": c.end,
                "factcheck_id": m.id,
                "rank": rank,
                "score": m.similarity,
            }
            for c, matches in zip(claims, results, strict=True)
            for rank, m in enumerate(matches, 1)
            if m.similarity >= min_similarity
        ]
        store.factchecks.put_links(article.id, rows)
        total += len(rows)
    return total


def claim_links(store: Store, article_id: str | None = None) -> list[dict[str, Any]]:
    """Stored claim -> fact-check links with the fact-check's text and verdict."""
    return store.factchecks.links(article_id)
