"""Stable identities: the same content always gets the same article id.

The content hash is taken over the normalised content (whitespace collapsed, Unicode
NFC), so the same article pasted twice, or saved with other line endings, is stored
once; the article id is a prefix of it, so ids are stable across machines and runs.

When the reader knows where the text was published (a feed entry's or JSONL line's
URL and outlet), that is part of the identity too: the same text at two outlets is a
re-publication, the very thing narratrace traces, and must be stored twice so the
stories stage can link the copy to its source. Re-reading the same entry still gives
the same id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .records import RawItem

_WS = re.compile(r"\s+")


def _norm(value: str | None) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def content_hash(item: RawItem) -> str:
    h = hashlib.sha256()
    for part in (item.title if not (item.text or item.html) else "", item.text, item.html):
        h.update(_norm(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    where = (_norm(item.source.url), _norm(item.outlet).casefold())
    if any(where):  # only then: texts from plain files keep the ids they always had
        for part in where:
            h.update(b"\x1e" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def article_id(hash_hex: str) -> str:
    return hash_hex[:16]
