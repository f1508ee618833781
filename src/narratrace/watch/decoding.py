"""Content-Encoding layers undone in bounded steps.

Why not let the HTTP library decode: a 6.8 KB response that is gzip of a gzip of 4 GiB
(``Content-Encoding: gzip, gzip``) is inflated through both layers per network chunk
before any size check sees it. Here every layer is a generator that inflates at most
``STEP`` bytes per call and counts what it produced, so each layer, not only the last,
stops at ``limit`` bytes and memory stays at a few steps whatever the ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

STEP = 64 * 1024
MAX_LAYERS = 3
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class DecodingError(ValueError):
    """An encoding we do not know, a corrupt stream, or a layer over the limit."""


def encodings(header: str) -> list[str]:
    """``"gzip, gzip"`` -> ``["gzip", "gzip"]`` (order of application; identity dropped)."""
    found = [e.strip().lower() for e in header.split(",") if e.strip()]
    found = [e for e in found if e != "identity"]
    unknown = [e for e in found if e not in _WBITS]
    if unknown:
        raise DecodingError(f"unsupported Content-Encoding {unknown[0]!r}")
    if len(found) > MAX_LAYERS:
        raise DecodingError(f"{len(found)} Content-Encoding layers; at most {MAX_LAYERS}")
    return found


def _inflate(chunks: Iterable[bytes], encoding: str, limit: int) -> Iterator[bytes]:
    wbits = _WBITS[encoding]
    d = zlib.decompressobj(wbits)
    total, started = 0, False
    for chunk in chunks:
        data = chunk
        while data:
            if d.eof:  # another gzip member follows (concatenated members are valid gzip)
                if not data.strip(b"\0"):
                    break  # padding after the last member
                d = zlib.decompressobj(wbits)
            try:
                out = d.decompress(data, STEP)
            except zlib.error as exc:
                if encoding != "deflate" or started:
                    raise DecodingError(f"corrupt {encoding} stream: {exc}") from None
                wbits = -zlib.MAX_WBITS  # some servers send raw deflate without the zlib header
                d = zlib.decompressobj(wbits)
                try:
                    out = d.decompress(data, STEP)
                except zlib.error as exc2:
                    raise DecodingError(f"corrupt {encoding} stream: {exc2}") from None
            started = True
            data = d.unconsumed_tail or (d.unused_data if d.eof else b"")
            total += len(out)
            if total > limit:
                raise DecodingError(f"response larger than {limit} bytes after undoing {encoding}")
            if out:
                yield out
    if not d.eof and started:
        raise DecodingError(f"truncated {encoding} stream")


def decoded(chunks: Iterable[bytes], layers: list[str], limit: int) -> Iterator[bytes]:
    """The body with every layer undone, each layer bounded by ``limit`` bytes."""
    stream: Iterable[bytes] = chunks
    for encoding in reversed(layers):
        stream = _inflate(stream, encoding, limit)
    total = 0
    for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise DecodingError(f"response larger than {limit} bytes")
        yield chunk
