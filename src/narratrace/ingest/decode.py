"""Bytes to text, with the encoding detected rather than guessed wrong silently.

UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are; UTF-16 without
BOM is recognised by its NUL bytes all falling on one side of each byte pair (a binary
file has them everywhere). A file that is *almost* UTF-8 (it has valid multi-byte
sequences but also invalid bytes) is corrupt, not Latin-1: decoding it as cp1252 would
turn every accented letter into mojibake without a word, so it is rejected with the
offset of the first bad byte. A file with no multi-byte UTF-8 at all is a legacy 8-bit
encoding. charset-normalizer alone picks cp1250 for about half of French texts
("Crème brûlée à" comes out "Crčme brűlée ŕ"): byte statistics cannot tell è from č.
The language can: each candidate code page's decoding is identified (mostly by its
ASCII words) and scored by how many of its non-ASCII letters that language writes
(``data/alphabets.yaml``), with letters upper-cased inside a word and stray symbols
counted against it.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from importlib import resources

from charset_normalizer import from_bytes

from ..yamlfile import load_yaml

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LEGACY = ["cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp1250", "iso8859_2", "mac_roman"]
_ALWAYS = ("cp1252", "cp1250", "cp1251")  # tried even when charset-normalizer does not offer them
SCORE_CHARS = 20_000  # enough text to judge a code page; the whole file is decoded once chosen


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
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
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
    encoding = _legacy_encoding(data)
    if encoding is None:
        return Undecodable("invalid_encoding", "not UTF-8 and no known 8-bit encoding fits; re-save as UTF-8")
    try:
        return _checked(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        return Undecodable("invalid_encoding", f"looks like {encoding} but does not decode: {exc.reason}")


def _utf16_without_bom(data: bytes) -> Decoded | Undecodable | None:
    """UTF-16 text of scripts below U+0100 (and spaces, digits elsewhere) has its NULs on one side."""
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = max(1, len(head) // 2)
    if odd >= half // 20 and even <= odd // 50:
        name = "utf-16-le"
    elif even >= half // 20 and odd <= even // 50:
        name = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(name)
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    usual = sum(1 for ch in sample if ord(ch) < 0x3000 or 0x3000 <= ord(ch) < 0xA000 or 0xAC00 <= ord(ch) < 0xD800)
    if usual < 0.95 * len(sample):  # 16-bit numbers read as text land all over the code space
        return None
    decoded = _checked(text, name)
    return decoded if isinstance(decoded, Decoded) else None


@functools.cache
def _alphabets() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    raw = resources.files("narratrace.ingest").joinpath("data/alphabets.yaml").read_text("utf-8")
    data = load_yaml(raw)
    letters = {str(k): frozenset(str(v)) for k, v in data["letters"].items()}
    return letters, frozenset(str(data["symbols"]))


def _legacy_encoding(data: bytes) -> str | None:
    """The 8-bit code page whose decoding reads as its own language (see the module docstring)."""
    offered = [m.encoding for m in from_bytes(data[:200_000], cp_isolation=_LEGACY) if m.encoding]
    candidates = list(dict.fromkeys([*offered, *_ALWAYS]))
    sample = data[: SCORE_CHARS * 2]
    best: tuple[float, float, int] | None = None
    chosen: str | None = None
    for rank, name in enumerate(candidates):
        try:
            text = sample.decode(name, errors="strict")
        except UnicodeDecodeError:
            continue
        fit, confidence = _language_fit(text)
        key = (fit, confidence, -rank)
        if best is None or key > best:
            best, chosen = key, name
    return chosen


def _language_fit(text: str) -> tuple[float, float]:
    """(share of non-ASCII characters the text's language writes, language-id confidence)."""
    from ..text.language import detect_language

    letters, symbols = _alphabets()
    lang, confidence = detect_language(" ".join(text.split())[:SCORE_CHARS])
    alphabet = letters.get(lang or "", frozenset())
    good = bad = 0
    prev = ""
    for ch in text:
        if ord(ch) >= 128:
            if ch.isalpha():
                inside = prev.isalpha() and prev.islower() and ch.isupper()  # "CrÈme", "пРАВИТЕЛЬСТВО"
                if ch.lower() in alphabet and not inside:
                    good += 1
                else:
                    bad += 1
            elif ch in symbols:
                good += 1
            else:
                bad += 1
        prev = ch
    total = good + bad
    return (good / total if total else 1.0), confidence


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
