from __future__ import annotations

import codecs

from narratrace.ingest.decode import Decoded, Undecodable, decode_bytes

FR = "Les Casques blancs ont été accusés à Idlib, a déclaré le général. Déjà vu «ailleurs»."


def test_utf8_plain_and_bom() -> None:
    for data, enc in ((FR.encode(), "utf-8"), (codecs.BOM_UTF8 + FR.encode(), "utf-8-sig")):
        out = decode_bytes(data)
        assert isinstance(out, Decoded) and out.text == FR and out.encoding == enc


def test_cp1252_is_detected_not_mangled() -> None:
    data = (FR.replace("«", '"').replace("»", '"') + " Coût: 5 €, l’été.").encode("cp1252")
    out = decode_bytes(data)
    assert isinstance(out, Decoded)
    assert "été" in out.text and "€" in out.text and "l’été" in out.text
    assert out.encoding in {"cp1252", "windows-1252"}


def test_latin1_text() -> None:
    out = decode_bytes("Quand l'armée syrienne a libéré la région, c'était prévu.".encode("latin-1"))
    assert isinstance(out, Decoded) and "libéré" in out.text


def test_utf16_with_bom() -> None:
    out = decode_bytes(FR.encode("utf-16"))
    assert isinstance(out, Decoded) and out.text == FR


def test_corrupt_utf8_is_rejected_with_offset() -> None:
    data = FR.encode() + b" broken \xff\xfe bytes"
    out = decode_bytes(data)
    assert isinstance(out, Undecodable) and out.reason == "invalid_utf8"
    assert f"offset {len(FR.encode()) + 8}" in out.detail


def test_binary_is_rejected() -> None:
    assert isinstance(decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10), Undecodable)
    noise = bytes((i * 37 + 11) % 32 for i in range(4000))  # control bytes, no NUL in the head
    out = decode_bytes(noise.replace(b"\x00", b"\x01"))
    assert isinstance(out, Undecodable) and out.reason == "binary"


def test_text_with_some_terminal_escapes_is_still_text() -> None:
    """Copied from a terminal: colour codes on a few words. Text, not a binary file."""
    line = "The convoy reached \x1b[1mAriha\x1b[0m on Monday, officials said, and unloaded aid. "
    out = decode_bytes((line * 50).encode("utf-8"))
    assert not isinstance(out, Undecodable) and "\x1b[1mAriha" in out.text  # kept as received
    garbage = decode_bytes(bytes((i * 7) % 31 + 1 for i in range(2000)) + b"some text" * 20)
    assert isinstance(garbage, Undecodable) and "% control characters" in garbage.detail


# Team-written sentences, each with letters that one code page reads as another's.
LEGACY = [
    ("Crème brûlée à la française : un dessert très apprécié, près de l'hôpital.", "fr", ("cp1252", "latin_1")),
    ("Le marché a rouvert après les travaux ; les commerçants étaient déjà là à l'aube.", "fr", ("cp1252",)),
    ("A população da região não está satisfeita com a decisão do governo.", "pt", ("cp1252",)),
    ("Die Straße über die Brücke bleibt für fünf Wochen gesperrt.", "de", ("cp1252", "latin_1")),
    ("El niño pasó la mañana en la estación de montaña con su familia.", "es", ("cp1252",)),
    ("Vláda schválila nový zákon o státním rozpočtu na příští rok.", "cs", ("cp1250",)),
    ("Rząd przyjął nową ustawę o budżecie państwa na przyszły rok.", "pl", ("cp1250",)),
    ("Правительство объявило о новых мерах поддержки экономики страны.", "ru", ("cp1251", "koi8_r")),
]


def test_legacy_8bit_is_decoded_by_what_fits_the_language() -> None:
    """charset-normalizer alone read French cp1252 as cp1250 ("Crčme brűlée ŕ")."""
    for sentence, lang, encodings in LEGACY:
        for enc in encodings:
            for times in (1, 6):
                text = "\n".join([sentence] * times)
                out = decode_bytes(text.encode(enc))
                assert isinstance(out, Decoded), (lang, enc, out)
                assert out.text == text, (lang, enc, times, out.encoding, out.text[:60])


def test_utf16_without_bom_is_text_not_binary() -> None:
    for text in (FR, LEGACY[7][0], "Plain English: the bridge reopens on Monday."):
        for enc in ("utf-16-le", "utf-16-be"):
            out = decode_bytes(text.encode(enc))
            assert isinstance(out, Decoded) and out.text == text, (enc, out)
            assert out.encoding == enc


def test_nul_bytes_on_both_sides_are_still_binary() -> None:
    data = bytes(range(256)) * 40  # NULs and everything else at both parities
    out = decode_bytes(data)
    assert isinstance(out, Undecodable) and out.reason == "binary"
