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


def _ids(text: str, labelled: list[tuple[str, str]]) -> dict[str, str | None]:
    """Resolve hand-labelled mentions (the tagger's labels given, so the test does not depend
    on a statistical model), each surface at its first position after the previous one."""
    from narratrace.analyse.entities.canonical import AliasTable, resolve
    from narratrace.analyse.entities.ner import Mention

    mentions, pos = [], 0
    for surface, label in labelled:
        start = text.index(surface, pos)
        mentions.append(Mention(start, start + len(surface), label, "ner"))
        pos = start + len(surface)
    return {text[e.start : e.end] + f"@{e.start}": e.canonical_id for e in resolve(text, mentions, AliasTable([]))}


def test_a_typo_link_does_not_join_a_person_and_a_non_person() -> None:
    # from a real weather report: "Winds" opening a sentence was merged with the person "Windy"
    text = "The agency said: Winds will ease by noon. Windy Smith, a forecaster, agreed. Windy said so."
    ids = _ids(text, [("Winds", "ORG"), ("Windy Smith", "PER"), ("Windy", "PER")])
    assert ids["Winds@17"] != ids["Windy@77"] == ids["Windy Smith@42"]


def test_a_typo_link_holds_when_the_name_was_tagged_a_person_somewhere() -> None:
    text = "Putin spoke to Sauli Niinisto.\n\nNijnisto told Putin the move was a mistake. Putin told Niinisto no."
    ids = _ids(text, [("Sauli Niinisto", "PER"), ("Nijnisto", "PER"), ("Niinisto", "LOC")])
    assert ids["Nijnisto@32"] == ids["Niinisto@87"] == ids["Sauli Niinisto@15"]


def test_a_typo_close_to_two_known_names_links_to_neither() -> None:
    from narratrace.analyse.entities.canonical import AliasTable

    table = AliasTable([{"id": "loc:marib", "name": "Marib", "type": "LOC"},
                        {"id": "loc:marin", "name": "Marin", "type": "LOC"},
                        {"id": "per:maria", "name": "Maria", "type": "PER"}])
    assert table.fuzzy("Mariv") is None  # Marib, Marin and Maria are all one letter from it
    assert table.fuzzy("Marja", ["PER"]) == "q:per:maria"
    assert table.fuzzy("Marja", ["ORG"]) is None  # tagged only as a body: not the person
    assert table.fuzzy("Mareb", ["LOC"]) == "q:loc:marib"
