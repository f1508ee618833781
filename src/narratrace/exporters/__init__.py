"""Exporters: stored articles (or any rows) written in the formats analysts' tools read.

One class per format on ``Exporter``, registered by name in the ``exporters`` registry.
"""

from .base import Exporter, export_articles, exporter_names, get_exporter, row_exporter_names, stream_rows
from .records import RECORD_FIELDS, CsvExporter, JsonlExporter, record, write_csv, write_jsonl

__all__ = ["RECORD_FIELDS", "CsvExporter", "Exporter", "JsonlExporter", "export_articles", "exporter_names",
           "get_exporter", "record", "row_exporter_names", "stream_rows", "write_csv", "write_jsonl"]
