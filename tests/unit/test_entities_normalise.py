"""Name keys: one key for the spellings of one name, different keys for different names."""

from __future__ import annotations

import pytest

from narratrace.analyse.entities.normalise import initials, is_acronym, name_key, strip_title


@pytest.mark.parametrize(
    "variants",
    [
        ["Khan Shaykhun", "Khan Sheikhoun", "Khan Cheikhoun"],
        ["Hurras al-Din", "Horas Al-Din", "Haras Eddine"],
        ["Hayat Tahrir al-Sham", "Hayyat Tahrir Al-Sham"],
        ["Maarrat Horma", "Maaret Horma"],
        ["Kafr Zita", "Kafer Zaita"],
        ["Kupchishin", "Kouptchichine"],
        ["Savchenko", "Savtchenko"],
        ["Putin", "Poutine"],
        ["Deir ez-Zor", "Dayr az-Zawr", "Deir Ezzor"],
        ["Yevgeny Prigozhin", "Evgueni Prigojine"],
        ["ministère russe de la Défense", "Russian Ministry of Defence"],
        ["Idlib Province", "Idlib", "d’Idlib"],
        ["Alexander", "Alexandre"],
    ],
)
def test_variants_share_a_key(variants: list[str]) -> None:
    keys = {name_key(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a,b", [("Homs", "Hamas"), ("Iran", "Iraq"), ("Hama", "Homs"), ("Kafr Zita", "Kafr Nabl")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_acronyms_and_initials() -> None:
    assert is_acronym("HTS") and not is_acronym("Hama")
    assert initials("Hayat Tahrir al-Sham") == "hts"
    assert name_key("HTS") == "=hts"


def test_titles_are_stripped_from_person_names() -> None:
    assert strip_title("Maj. Gen. Viktor Kupchishin") == "Viktor Kupchishin"
    assert strip_title("le major-général Viktor Kupchishin") == "Viktor Kupchishin"


def test_hostile_long_name_is_bounded() -> None:
    assert len(name_key("Abu " * 10_000)) < 1000
