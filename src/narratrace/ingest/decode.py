"""Bytes to text, with the encoding detected rather than guessed wrong silently.

UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are. A file that is
*almost* UTF-8 (it has valid multi-byte sequences but also invalid bytes) is corrupt,
not Latin-1: decoding it as cp1252 would turn every accented letter into mojibake
without a word, so it is rejected with the offset of the first bad byte. A file with
no multi-byte UTF-8 at all is a legacy 8-bit encoding, identified by
charset-normalizer among the Western and Cyrillic code pages.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LEGACY = ["cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp1250", "iso8859_2", "mac_roman"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True)
class Undecodable:
    reason: str
    detail: str


def decode_bytes(data: bytes) -> Decoded | Undecodable:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            return Undecodable("invalid_encoding", f"UTF-16 byte order mark but invalid UTF-16 ({exc.reason})")
    if b"\x00" in data[:8192]:
        return Undecodable("binary", "contains NUL bytes: a binary file, not text")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            bad = data[exc.start : exc.start + 1].hex()
            return Undecodable(
                "invalid_utf8",
                f"invalid UTF-8 (byte 0x{bad} at offset {exc.start}) in a file that is otherwise UTF-8; "
                "repair or re-save it as UTF-8",
            )
    best = from_bytes(data[:200_000], cp_isolation=_LEGACY).best()
    if best is None or best.encoding is None:
        return Undecodable("invalid_encoding", "not UTF-8 and no known 8-bit encoding fits; re-save as UTF-8")
    try:
        return _checked(data.decode(best.encoding), best.encoding)
    except UnicodeDecodeError as exc:
        return Undecodable("invalid_encoding", f"looks like {best.encoding} but does not decode: {exc.reason}")


def _strict(data: bytes, name: str) -> Decoded | Undecodable:
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        return Undecodable(
            "invalid_utf8", f"invalid UTF-8 after a UTF-8 byte order mark (offset {exc.start + 3})"
        )


BINARY_CONTROL_SHARE = 10  # 1 in 10 characters a control character: binary


def _checked(text: str, encoding: str) -> Decoded | Undecodable:
    sample = text[:100_000]
    controls = len(_CONTROL.findall(sample)) if sample else 0
    # Text pasted from a terminal keeps some escape codes; a binary file is full of them.
    if controls > max(8, len(sample) // BINARY_CONTROL_SHARE):
        share = 100 * controls / len(sample)
        return Undecodable("binary", f"{share:.0f}% control characters: a binary file, not text")
    return Decoded(text, encoding)
