"""The exporter base: one class per output format, registered by name (scrapy's shape).

An exporter writes rows (plain dicts) to a text stream between ``start`` and ``finish``;
``export_articles`` feeds it stored articles as their export records (docs/record.md).
``narratrace export --format NAME``, the API's ``format=NAME`` downloads and the Python
API all pick exporters from the one ``exporters`` registry (``narratrace.registry``;
plug-ins through the ``narratrace.exporters`` entry point), so a new format is one
class on this base and one registered name.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TextIO

from ..records import Article
from ..registry import EXPORTERS


class Exporter:
    """Subclass, set ``name``, ``media_type`` and ``suffix``, implement ``write``."""

    name: ClassVar[str]
    media_type: ClassVar[str] = "application/octet-stream"
    suffix: ClassVar[str] = ""
    # The columns of a tabular format when the caller names none (article exports).
    default_columns: ClassVar[tuple[str, ...] | None] = None
    # Formats built from whole article records (a STIX bundle, a MISP event, a graph) rather than
    # from any list's rows: the dashboard's list downloads offer only the others.
    records_only: ClassVar[bool] = False

    def __init__(self, stream: TextIO, columns: Sequence[str] | None = None) -> None:
        self.stream = stream
        self.columns = list(columns) if columns is not None else (
            list(self.default_columns) if self.default_columns else None)
        self.count = 0

    def start(self) -> None:
        """Before the first row (a header, an opening bracket)."""

    def write(self, row: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """After the last row (a closing element, a graph written out at once)."""

    def article_row(self, article: Article) -> dict[str, Any]:
        """The row an article becomes: its export record."""
        from .records import record

        return record(article)

    def export(self, rows: Iterable[Mapping[str, Any]]) -> int:
        self.start()
        for row in rows:
            self.write(row)
            self.count += 1
        self.finish()
        return self.count

    def export_articles(self, articles: Iterable[Article]) -> int:
        return self.export(self.article_row(a) for a in articles)


def exporter_names() -> list[str]:
    return EXPORTERS.names()


def row_exporter_names() -> list[str]:
    """The formats any list of rows can be written in (JSONL, CSV, ...), for list downloads."""
    names = []
    for name in EXPORTERS.names():
        try:
            if not get_exporter(name).records_only:
                names.append(name)
        except Exception:  # a broken plug-in is reported when used, not when listing
            continue
    return names


def get_exporter(name: str) -> type[Exporter]:
    """The exporter class registered as ``name`` (``UnknownNameError`` lists the known ones)."""
    cls = EXPORTERS.load(name)
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise TypeError(f"exporter {name!r} is not an Exporter subclass")
    return cls


def export_articles(articles: Iterable[Article], stream: TextIO, fmt: str = "jsonl") -> int:
    """Write articles as records in a registered format; returns how many."""
    return get_exporter(fmt)(stream).export_articles(articles)


def stream_rows(fmt: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None,
                chunk: int = 65536) -> Iterator[str]:
    """An exporter's output as chunks of text, for a streamed HTTP download (one chunk in memory)."""
    buf = io.StringIO()
    exporter = get_exporter(fmt)(buf, columns)

    def drain() -> Iterator[str]:
        if buf.tell() >= chunk:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()

    exporter.start()
    for row in rows:
        exporter.write(row)
        exporter.count += 1
        yield from drain()
    exporter.finish()
    if buf.tell():
        yield buf.getvalue()
