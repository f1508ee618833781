"""CSV and JSONL downloads of any list, streamed so a 100,000-article export holds one batch in memory.

CSV cells that a spreadsheet would run as a formula (starting with = + - @ or a
control character) are prefixed with a quote: article titles are written by the
people being studied, and a download must not become a way into the analyst's machine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse

MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_lines(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        if buf.tell() > 65536:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def download(rows: Iterable[dict[str, Any]], fmt: str, columns: list[str], name: str) -> StreamingResponse:
    """A streamed download of ``rows`` as CSV (those columns) or JSONL (whole rows)."""
    body = _csv_lines(rows, columns) if fmt == "csv" else _jsonl_lines(rows)
    return StreamingResponse(
        body,
        media_type=MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="narratrace-{name}.{fmt}"'},
    )
