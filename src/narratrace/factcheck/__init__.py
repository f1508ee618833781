"""Claim matching against fact-check catalogues (``narratrace claim-match``, ``factchecks``)."""

from __future__ import annotations

from pathlib import Path

from .catalog import ReadReport, dedupe_by_id, import_factchecks, link_claims, read_catalog, read_jsonl, write_trec
from .matching import CatalogEntry, ClaimMatcher, Match

__all__ = [
    "CatalogEntry",
    "ClaimMatcher",
    "Match",
    "ReadReport",
    "import_factchecks",
    "link_claims",
    "match_files",
    "read_catalog",
    "write_trec",
]


def match_files(
    catalog: str | Path, queries: str | Path, top: int = 5
) -> tuple[list[tuple[str, list[Match]]], list[str]]:
    """Rank a catalogue's claims for every query of a JSONL file.

    Returns the ranked matches per query id and the problems met while reading.
    """
    cat = read_catalog(catalog)
    qs = dedupe_by_id(read_jsonl(Path(queries)), Path(queries))
    problems = cat.problems + qs.problems
    if not cat.entries or not qs.entries:
        return [], problems
    matcher = ClaimMatcher(cat.entries)
    results = matcher.search([q.text for q in qs.entries], top=top)
    return [(q.id, r) for q, r in zip(qs.entries, results, strict=True)], problems
