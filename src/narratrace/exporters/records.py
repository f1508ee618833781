"""Export records as JSONL (the public contract) or CSV (one row per article).

CSV flattens the lists: simple ones joined with " | ", structured ones as compact JSON
in their cell, so a spreadsheet user sees everything and a script can still parse it.
Cells that a spreadsheet would run as a formula (leading = + - @) are prefixed with a
quote: article text is written by the people being studied.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from ..records import Article, to_dict
from .base import Exporter

RECORD_FIELDS = (
    "id", "external_id", "source", "outlet", "lang", "title", "published", "authors", "body", "comments",
    "removed", "entities", "attributions", "claims", "story_id", "duplicate_of", "narratives", "techniques",
)

# Cells a spreadsheet would run as a formula get a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# After the contract's fields, in both formats (the CSV leaves out the content hash).
EXTRA_FIELDS = ("published_source", "relations", "warnings", "content_hash")


def record(article: Article) -> dict[str, Any]:
    """The export record (docs/record.md): the contract's fields first, then the extras."""
    data = to_dict(article)
    data["source"] = {"path": article.source.path, "url": article.source.url, "line": article.source.line}
    ordered = {key: data[key] for key in RECORD_FIELDS}
    for key in EXTRA_FIELDS:
        ordered[key] = data[key]
    return ordered


class JsonlExporter(Exporter):
    """One JSON object per line (the public record contract)."""

    name = "jsonl"
    media_type = "application/x-ndjson"
    suffix = ".jsonl"

    def write(self, row: Mapping[str, Any]) -> None:
        self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def csv_cell(value: Any) -> str:
    """A CSV cell: string lists joined with " | ", structures as JSON, formulas defused."""
    if value is None:
        text = ""
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = " | ".join(value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if text[:1] in FORMULA_START:
        text = "'" + text
    return text


class CsvExporter(Exporter):
    """A table: a header row, then one row per record in ``columns``."""

    name = "csv"
    media_type = "text/csv; charset=utf-8"
    suffix = ".csv"
    default_columns = ("id", "external_id", "source_path", "source_url", *RECORD_FIELDS[3:], *EXTRA_FIELDS[:3])

    def start(self) -> None:
        self._writer = csv.writer(self.stream)
        self._writer.writerow(self.columns or [])

    def write(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow([csv_cell(row.get(c)) for c in self.columns or []])

    def article_row(self, article: Article) -> dict[str, Any]:
        rec = record(article)
        rec["source_path"], rec["source_url"] = article.source.path, article.source.url
        return rec


def write_jsonl(articles: Iterable[Article], stream: TextIO) -> int:
    return JsonlExporter(stream).export_articles(articles)


def write_csv(articles: Iterable[Article], stream: TextIO) -> int:
    return CsvExporter(stream).export_articles(articles)
