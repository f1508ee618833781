"""Readers per input format. Each yields ``RawItem``s and ``Rejection``s, never raises.

A reader is one class on the ``Reader`` base, registered by name in the ``readers``
registry (``narratrace.registry``; plug-ins through the ``narratrace.readers`` entry
point) with the file suffixes and HTTP content types it reads: ``analyze``, ``watch``
and ``POST /api/analyze`` pick readers from that one registry.

Memory is bounded per item: whole-document formats (text, HTML, feeds) are refused
above ``max_file_bytes`` before being read; JSONL is streamed line by line with a cap
on the length of one line, so a 200 MB dump costs one line of memory at a time.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from ..records import RawItem, Rejection, SourceRef
from ..registry import READERS
from ..text.storable import storable_any
from .decode import Decoded, decode_bytes
from .walk import FoundFile, Skipped, iter_files

JSONL_FIELDS = ("id", "url", "outlet", "title", "text", "html", "lang", "date")
# Names other dumps use for the same fields (the contract's name wins when both are there).
JSONL_ALIASES = {"published": "date", "published_at": "date", "body": "text", "content": "text", "link": "url",
                 "language": "lang", "headline": "title"}
_AUTHOR_FIELDS = ("author", "authors")
MAX_FILE_BYTES = 50 * 1024 * 1024
STDIN = "-"  # the path that means JSONL on standard input
STDIN_NAME = "<stdin>"
MAX_LINE_BYTES = 8 * 1024 * 1024


def _size(n: int) -> str:
    """Bytes for a human: "210 MB", "12 kB", "800 bytes" (never "0 MB")."""
    if n >= 1_000_000:
        return f"{n / 1e6:.0f} MB"
    return f"{n / 1e3:.0f} kB" if n >= 1_000 else f"{n} bytes"


class BodyError(ValueError):
    """A request body that cannot be read at all (the HTTP layer answers ``status``)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = MAX_FILE_BYTES
    max_line_bytes: int = MAX_LINE_BYTES


class Reader:
    """One input format. Subclass, set ``name``, ``suffixes`` and/or ``content_types``,
    implement ``parse`` (whole documents) or override ``read_path``/``read_body``, and
    register the class in the ``readers`` registry: that is all a new format needs.
    """

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]] = ()  # lower-case, with the dot
    content_types: ClassVar[tuple[str, ...]] = ()  # for POST /api/analyze

    def parse(self, ref: SourceRef, text: str, data: bytes, encoding: str) -> Iterator[RawItem | Rejection]:
        """Items of one whole document, already size-checked and decoded."""
        raise NotImplementedError(f"reader {self.name} reads no whole documents")

    def read_path(self, path: Path, limits: Limits) -> Iterator[RawItem | Rejection]:
        """A file: refused unread above the size limit, decoded, then ``parse``."""
        ref = SourceRef(path=str(path))
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            yield Rejection(ref, "unreadable", f"{path}: {exc.strerror}")
            return
        if size > limits.max_file_bytes:
            yield Rejection(
                ref,
                "too_large",
                f"{path}: {_size(size)} is over the {_size(limits.max_file_bytes)} limit for one "
                "document; split it, or raise [limits] max_file_bytes",
            )
            return
        try:
            with open(path, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
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
        yield from self.parse(ref, decoded.text, data, decoded.encoding)

    def read_body(self, body: bytes, ref: SourceRef, max_items: int) -> list[RawItem | Rejection]:
        """A request body (UTF-8 only: a client can say what it sends). ``BodyError`` if unusable."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError(400, f"body is not UTF-8 (byte {exc.start}); send UTF-8 text") from None
        if not text.strip():
            raise BodyError(400, "empty body: send the article text or HTML")
        return list(self.parse(ref, text, body, "utf-8"))


class TextReader(Reader):
    name = "txt"
    suffixes = (".txt", ".text")
    content_types = ("text/plain",)

    def parse(self, ref: SourceRef, text: str, data: bytes, encoding: str) -> Iterator[RawItem | Rejection]:
        yield RawItem(source=ref, fmt="txt", text=text, encoding=encoding)


class HtmlReader(Reader):
    name = "html"
    suffixes = (".html", ".htm", ".xhtml")
    content_types = ("text/html",)

    def parse(self, ref: SourceRef, text: str, data: bytes, encoding: str) -> Iterator[RawItem | Rejection]:
        yield RawItem(source=ref, fmt="html", html=text, encoding=encoding)


class FeedReader(Reader):
    """RSS and Atom (feedparser reads the bytes: a feed declares its own encoding)."""

    name = "feed"
    suffixes = (".rss", ".atom", ".xml")

    def parse(self, ref: SourceRef, text: str, data: bytes, encoding: str) -> Iterator[RawItem | Rejection]:
        from .feeds import read_feed

        yield from read_feed(ref, data)


class JsonlReader(Reader):
    """One article per line, streamed; every bad line is a rejection with its number."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")
    content_types = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")

    def read_path(self, path: Path, limits: Limits) -> Iterator[RawItem | Rejection]:
        return _read_jsonl(path, limits.max_line_bytes)

    def read_body(self, body: bytes, ref: SourceRef, max_items: int) -> list[RawItem | Rejection]:
        lines = [ln for ln in body.splitlines() if ln.strip()]
        if len(lines) > max_items:
            raise BodyError(413, f"{len(lines)} lines; at most {max_items} items per request")
        if not lines:
            raise BodyError(400, "empty batch: send one JSON object per line")
        return [jsonl_item(ln, SourceRef(path=ref.path, line=i)) for i, ln in enumerate(lines, 1)]


class JsonReader(Reader):
    """A JSON request body: one item object, or ``{"items": [...]}`` (HTTP only)."""

    name = "json"
    content_types = ("application/json",)

    def read_body(self, body: bytes, ref: SourceRef, max_items: int) -> list[RawItem | Rejection]:
        try:
            obj = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:  # the digit limit included
            raise BodyError(400, f"invalid JSON: {exc}"[:300]) from None
        except RecursionError:
            raise BodyError(400, "invalid JSON: nested too deeply") from None
        items = obj.get("items") if isinstance(obj, dict) else None
        objs: list[Any] = items if isinstance(items, list) else [obj]
        if len(objs) > max_items:
            raise BodyError(413, f"{len(objs)} items; at most {max_items} per request")
        return [jsonl_item(json.dumps(o).encode(), SourceRef(path=ref.path, line=i)) for i, o in enumerate(objs, 1)]


def readers() -> list[Reader]:
    """Every registered reader, built."""
    return [factory() for _, factory in READERS.items()]


def reader_for_suffix(suffix: str) -> Reader | None:
    suffix = suffix.lower()
    return next((r for r in readers() if suffix in r.suffixes), None)


def reader_for_content_type(content_type: str) -> Reader | None:
    kind = content_type.split(";")[0].strip().lower()
    return next((r for r in readers() if kind in r.content_types), None)


def supported_suffixes() -> list[str]:
    return sorted({s for r in readers() for s in r.suffixes})


def supported_content_types() -> list[str]:
    return [c for r in readers() for c in r.content_types]


def read_inputs(
    paths: list[str], max_file_bytes: int = MAX_FILE_BYTES, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[RawItem | Rejection | Skipped]:
    """Everything found under ``paths``, in a stable order (sorted within folders).

    ``-`` is JSONL read from standard input, streamed (``cat dump.jsonl | narratrace analyze -``).
    """
    if STDIN in paths:
        others = [p for p in paths if p != STDIN]
        for path in paths:
            if path == STDIN:
                yield from _jsonl_lines(sys.stdin.buffer, STDIN_NAME, max_line_bytes)
        if not others:
            return
        paths = others
    for found in iter_files(paths):
        if not isinstance(found, FoundFile):
            yield found
            continue
        yield from read_file(found.path, found.explicit, max_file_bytes, max_line_bytes)


def read_file(
    path: Path, explicit: bool = True, max_file_bytes: int = MAX_FILE_BYTES, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[RawItem | Rejection | Skipped]:
    suffix = path.suffix.lower()
    reader = reader_for_suffix(suffix)
    if reader is None:
        if explicit:
            yield Rejection(
                SourceRef(path=str(path)),
                "unsupported_type",
                f"{path}: unsupported file type {suffix or '(none)'}; "
                f"narratrace reads {', '.join(supported_suffixes())}",
            )
        else:
            yield Skipped(path, f"unsupported file type {suffix or '(none)'}")
        return
    for found in reader.read_path(path, Limits(max_file_bytes, max_line_bytes)):
        yield storable_any(found)  # characters no store can hold are taken out (text.storable)


def _read_jsonl(path: Path, max_line_bytes: int) -> Iterator[RawItem | Rejection]:
    ref = SourceRef(path=str(path))
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, streamed
    except OSError as exc:
        yield Rejection(ref, "unreadable", f"{path}: {exc.strerror}")
        return
    with fh:
        yield from _jsonl_lines(fh, str(path), max_line_bytes)


def _jsonl_lines(fh: BinaryIO, path: str, max_line_bytes: int) -> Iterator[RawItem | Rejection]:
    ref = SourceRef(path=path)
    any_line = False
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
    return storable_any(_jsonl_item(line, where))


def _jsonl_item(line: bytes, where: SourceRef) -> RawItem | Rejection:
    loc = f"{where.path}:{where.line}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(where, "invalid_utf8", f"{loc}: invalid UTF-8 at byte {exc.start} of the line")
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(where, "invalid_json", f"{loc}: not valid JSON ({exc.msg} at column {exc.colno})")
    except ValueError as exc:  # an integer beyond Python's digit limit (4,300 digits)
        return Rejection(where, "invalid_json", f"{loc}: JSON beyond the reader's limits ({exc})"[:500])
    except RecursionError:
        return Rejection(where, "invalid_json", f"{loc}: JSON nested too deeply (limit about "
                                                f"{sys.getrecursionlimit()} levels)")
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
