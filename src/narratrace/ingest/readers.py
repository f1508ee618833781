"""Readers per input format. Each yields ``RawItem``s and ``Rejection``s, never raises.

Memory is bounded per item: whole-document formats (text, HTML, feeds) are refused
above ``max_file_bytes`` before being read; JSONL is streamed line by line with a cap
on the length of one line, so a 200 MB dump costs one line of memory at a time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import RawItem, Rejection, SourceRef
from .decode import Decoded, decode_bytes
from .walk import FoundFile, Skipped, iter_files

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

JSONL_FIELDS = ("id", "url", "outlet", "title", "text", "html", "lang", "date")
# Names other dumps use for the same fields (the contract's name wins when both are there).
JSONL_ALIASES = {"published": "date", "published_at": "date", "body": "text", "content": "text", "link": "url",
                 "language": "lang", "headline": "title"}
_AUTHOR_FIELDS = ("author", "authors")


def _size(n: int) -> str:
    """Bytes for a human: "210 MB", "12 kB", "800 bytes" (never "0 MB")."""
    if n >= 1_000_000:
        return f"{n / 1e6:.0f} MB"
    return f"{n / 1e3:.0f} kB" if n >= 1_000 else f"{n} bytes"


def read_inputs(
    paths: list[str], max_file_bytes: int = 50 * 1024 * 1024, max_line_bytes: int = 8 * 1024 * 1024
) -> Iterator[RawItem | Rejection | Skipped]:
    """Everything found under ``paths``, in a stable order (sorted within folders)."""
    for found in iter_files(paths):
        if not isinstance(found, FoundFile):
            yield found
            continue
        yield from read_file(found.path, found.explicit, max_file_bytes, max_line_bytes)


def read_file(
    path: Path, explicit: bool = True, max_file_bytes: int = 50 * 1024 * 1024, max_line_bytes: int = 8 * 1024 * 1024
) -> Iterator[RawItem | Rejection | Skipped]:
    ref = SourceRef(path=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if explicit:
            yield Rejection(
                ref,
                "unsupported_type",
                f"{path}: unsupported file type {suffix or '(none)'}; "
                f"narratrace reads {', '.join(sorted(SUPPORTED_SUFFIXES))}",
            )
        else:
            yield Skipped(path, f"unsupported file type {suffix or '(none)'}")
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, max_line_bytes)
        return
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        yield Rejection(ref, "unreadable", f"{path}: {exc.strerror}")
        return
    if size > max_file_bytes:
        yield Rejection(
            ref,
            "too_large",
            f"{path}: {_size(size)} is over the {_size(max_file_bytes)} limit for one "
            "document; split it, or raise [limits] max_file_bytes",
        )
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_file_bytes + 1)
    except OSError as exc:
        yield Rejection(ref, "unreadable", f"{path}: {exc.strerror}")
        return
    if not data.strip():
        yield Rejection(ref, "empty", f"{path}: file is empty")
        return
    decoded = decode_bytes(data)
    if not isinstance(decoded, Decoded):
        yield Rejection(ref, decoded.reason, f"{path}: {decoded.detail}")
        return
    if not decoded.text.strip():
        yield Rejection(ref, "empty", f"{path}: no text (only whitespace)")
        return
    if suffix in TEXT_SUFFIXES:
        yield RawItem(source=ref, fmt="txt", text=decoded.text, encoding=decoded.encoding)
    elif suffix in HTML_SUFFIXES:
        yield RawItem(source=ref, fmt="html", html=decoded.text, encoding=decoded.encoding)
    else:
        from .feeds import read_feed

        yield from read_feed(ref, data)


def _read_jsonl(path: Path, max_line_bytes: int) -> Iterator[RawItem | Rejection]:
    ref = SourceRef(path=str(path))
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, streamed
    except OSError as exc:
        yield Rejection(ref, "unreadable", f"{path}: {exc.strerror}")
        return
    any_line = False
    with fh:
        lineno = 0
        while True:
            try:
                line = fh.readline(max_line_bytes + 1)
            except OSError as exc:
                yield Rejection(ref, "unreadable", f"{path}: read error after line {lineno} ({exc.strerror})")
                return
            if not line:
                break
            lineno += 1
            where = SourceRef(path=str(path), line=lineno)
            if len(line) > max_line_bytes and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                    line = fh.readline(max_line_bytes)
                yield Rejection(
                    where, "too_large", f"{path}:{lineno}: line longer than {_size(max_line_bytes)}"
                )
                continue
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            any_line = True
            yield jsonl_item(line, where)
    if not any_line:
        yield Rejection(ref, "empty", f"{path}: no JSON lines")


def jsonl_item(line: bytes, where: SourceRef) -> RawItem | Rejection:
    """One JSONL line as an item, or the reason it is refused (shared with ``POST /api/analyze``)."""
    loc = f"{where.path}:{where.line}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(where, "invalid_utf8", f"{loc}: invalid UTF-8 at byte {exc.start} of the line")
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(where, "invalid_json", f"{loc}: not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return Rejection(where, "invalid_record", f"{loc}: expected a JSON object, got {type(obj).__name__}")
    for alias, key in JSONL_ALIASES.items():
        if obj.get(key) is None and obj.get(alias) is not None:
            obj[key] = obj[alias]
    fields: dict[str, str | None] = {}
    for key in JSONL_FIELDS:
        value = obj.get(key)
        if value is None:
            fields[key] = None
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[key] = str(value)
        else:
            return Rejection(where, "invalid_record", f"{loc}: field {key!r} must be a string")
    authors: list[str] = []
    for key in _AUTHOR_FIELDS:
        value = obj.get(key)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        authors += [v.strip() for v in values if isinstance(v, str) and v.strip() and v.strip() not in authors]
    ignored = sorted(set(obj) - set(JSONL_FIELDS) - set(JSONL_ALIASES) - set(_AUTHOR_FIELDS))
    warnings = (f"ignored_fields:{','.join(k[:40] for k in ignored[:20])}",) if ignored else ()
    if not any((fields["title"] or "").strip() or (fields[k] or "").strip() for k in ("text", "html")):
        return Rejection(
            where, "missing_content", f"{loc}: needs at least one of 'title', 'text' or 'html' (non-empty)"
        )
    return RawItem(
        source=SourceRef(path=where.path, url=fields["url"], line=where.line),
        fmt="jsonl",
        text=fields["text"],
        html=fields["html"],
        title=fields["title"],
        external_id=fields["id"],
        outlet=fields["outlet"],
        lang=fields["lang"],
        date=fields["date"],
        encoding="utf-8",
        authors=tuple(authors[:20]),
        warnings=warnings,
    )
