"""Export records as JSONL (the public contract) or CSV (one row per article).

CSV flattens the lists: simple ones joined with " | ", structured ones as compact JSON
in their cell, so a spreadsheet user sees everything and a script can still parse it.
Cells that a spreadsheet would run as a formula (leading = + - @) are prefixed with a
quote: article text is written by the people being studied.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from ..records import Article, to_dict

RECORD_FIELDS = (
    "id", "external_id", "source", "outlet", "lang", "title", "published", "authors", "body", "comments",
    "removed", "entities", "attributions", "claims", "story_id", "duplicate_of", "narratives", "techniques",
)

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


def write_jsonl(articles: Iterable[Article], stream: TextIO) -> int:
    count = 0
    for article in articles:
        stream.write(json.dumps(record(article), ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        text = ""
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = " | ".join(value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def write_csv(articles: Iterable[Article], stream: TextIO) -> int:
    columns = ["id", "external_id", "source_path", "source_url", *RECORD_FIELDS[3:], *EXTRA_FIELDS[:3]]
    writer = csv.writer(stream)
    writer.writerow(columns)
    count = 0
    for article in articles:
        rec = record(article)
        rec["source_path"], rec["source_url"] = article.source.path, article.source.url
        writer.writerow([_cell(rec[c]) for c in columns])
        count += 1
    return count
