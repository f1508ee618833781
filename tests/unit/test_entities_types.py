"""Entity types and links checked against the alias data and context."""

from __future__ import annotations

from narratrace.analyse.entities import extract_entities


def _ents(text: str, lang: str) -> dict[str, tuple[str, str | None]]:
    return {e.text: (e.type, e.canonical_id) for e in extract_entities(text, lang)}


def test_elided_article_does_not_hide_a_known_name() -> None:
    ents = _ents("Les combattants de l'État islamique ont quitté la ville.", "fr")
    assert ents.get("État islamique") == ("ORG", "q:org:islamic-state")


def test_chemical_weapons_convention_is_a_treaty_of_its_own() -> None:
    fr = _ents("La Convention sur les armes chimiques interdit le chlore comme arme.", "fr")
    en = _ents("Syria joined the Chemical Weapons Convention in 2013.", "en")
    assert fr["Convention sur les armes chimiques"] == ("MISC", "q:misc:cwc")
    assert en["Chemical Weapons Convention"][1] == "q:misc:cwc"
    assert all(t != "PER" for t, _ in en.values())


def test_a_common_word_sharing_a_key_with_an_outlet_is_not_that_outlet() -> None:
    ents = _ents("These recordings were later broadcast by TASS and other agencies.", "en")
    assert "These" not in ents and ents["TASS"][1] == "q:media:tass"


def test_a_title_before_a_name_makes_a_person() -> None:
    ents = _ents("Le rapport a été présenté par le major-général Oleg Varnikov lundi à Moscou.", "fr")
    assert ents["Oleg Varnikov"][0] == "PER"


def test_a_place_then_a_person_are_not_joined() -> None:
    text = "Глава администрации Каховского муниципального округа Павел Филипчук сообщил об этом."
    ents = _ents(text, "ru")
    assert "Павел Филипчук" in ents and ents["Павел Филипчук"][0] == "PER"
