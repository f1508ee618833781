"""Stable identities: the same content always gets the same article id.

The content hash is taken over the normalised content (whitespace collapsed, Unicode
NFC), so the same article pasted twice, or saved with other line endings, is stored
once; the article id is a prefix of it, so ids are stable across machines and runs.
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
    return h.hexdigest()


def article_id(hash_hex: str) -> str:
    return hash_hex[:16]
