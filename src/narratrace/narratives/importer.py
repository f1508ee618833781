"""Import EUvsDisinfo-style cases (CSV the user supplies) as catalogue narratives.

Layout (as scraped by public tools): ``posts.csv`` with ``date, id (case URL), title,
countries, keywords, languages, outlets`` (list fields as text: "['a', 'b']", "a, b" or
"a; b") and optionally ``annotations.csv`` with ``id, summary, disproof, summary_links,
disproof_links`` joined on ``id``. Each case becomes one narrative whose claims are the
case title and summary (the claim as the database states it), with the disproof kept as
the neutral summary and its links as debunks. Why per case: analysts then merge or prune
in the YAML files, which is easier to review than an opaque automatic grouping.
"""

from __future__ import annotations

import ast
import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Narrative, slugify, unique_id, write_narrative

MAX_FIELD = 20_000
MAX_ROWS = 100_000
_URL = re.compile(r"https?://[^\s'\"\],;]+")


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "row N: reason"


def _list_field(value: str | None) -> list[str]:
    """Parse list fields stored as text ("['a', 'b']", "a, b", "a; b")."""
    text = (value or "").strip()[:MAX_FIELD]
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = ast.literal_eval(text)
            if isinstance(parsed, (list, tuple)):
                return [str(x).strip() for x in parsed if str(x).strip()]
        except (ValueError, SyntaxError):
            text = text[1:-1]
    parts = re.split(r"[;,|]", text)
    return [p.strip().strip("'\"") for p in parts if p.strip().strip("'\"")]


def _links(value: str | None) -> list[str]:
    return _URL.findall((value or "")[:MAX_FIELD])


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(MAX_FIELD * 10)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= MAX_ROWS:
                return
            yield {str(k).strip().lower(): (v or "") for k, v in row.items() if k is not None}


def _case_id(url: str, title: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
    return "euvsd-" + slugify(tail or title, 70)


def read_cases(
    posts: Path, annotations: Path | None = None, lang: str = "en"
) -> tuple[list[Narrative], list[str]]:
    """Narratives from the CSV files, and the rows that could not be used (with reasons)."""
    notes: dict[str, dict[str, str]] = {}
    if annotations is not None:
        for row in _rows(annotations):
            if row.get("id"):
                notes[row["id"].strip()] = row
    out: list[Narrative] = []
    skipped: list[str] = []
    taken: set[str] = set()
    for n, row in enumerate(_rows(posts), start=2):  # line 1 is the header
        url = row.get("id", "").strip()
        title = row.get("title", "").strip()[:500]
        note = notes.get(url, {})
        summary = note.get("summary", "").strip()[:2000]
        if not (title or summary):
            skipped.append(f"row {n}: no title and no summary")
            continue
        claims = [c for c in (title, summary) if c]
        nid = unique_id(_case_id(url, title), taken)
        taken.add(nid)
        disproof = note.get("disproof", "").strip()[:4000]
        out.append(
            Narrative(
                id=nid,
                title=title or summary[:120],
                summary=disproof or f"Imported EUvsDisinfo case: {title}",
                claims={lang: tuple(claims)},
                keywords={lang: tuple(k.lower() for k in _list_field(row.get("keywords")))},
                entities=tuple(_list_field(row.get("countries"))),
                debunks=tuple(_links(note.get("disproof_links"))),
                first_seen=row.get("date", "").strip()[:10] or None,
                sources=tuple(x for x in [url, *_links(note.get("summary_links"))] if x)
                + tuple(f"outlet: {o}" for o in _list_field(row.get("outlets"))[:20]),
            )
        )
    return out, skipped


def import_cases(
    posts: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    annotations: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> ImportResult:
    """Write one YAML file per case into the user catalogue ``folder``."""
    narratives, skipped = read_cases(Path(posts), Path(annotations) if annotations else None)
    result = ImportResult(skipped=skipped)
    for n in narratives:
        target = Path(folder) / f"{n.id}.yaml"
        if target.exists() and not overwrite:
            result.skipped.append(f"{n.id}: already in the catalogue (use --overwrite)")
            continue
        result.written.append(write_narrative(n, folder, overwrite=overwrite))
    return result
