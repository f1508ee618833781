"""Exporters: stored articles written in the formats analysts' tools read (JSONL, CSV, ...)."""

from .records import RECORD_FIELDS, record, write_csv, write_jsonl

__all__ = ["RECORD_FIELDS", "record", "write_csv", "write_jsonl"]
