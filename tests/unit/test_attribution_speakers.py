"""attributions.v1 finds who speaks: quotations attributed after they close or in the
sentence before, never a name inside the quote, a generic noun or a merely mentioned body."""

from __future__ import annotations

from narratrace.analyse.attribution import attributions
from narratrace.analyse.entities import extract_entities
from narratrace.records import Attribution
from narratrace.text.sentences import split_sentences


def _att(text: str, lang: str) -> list[Attribution]:
    return attributions(text, tuple(extract_entities(text, lang)), lang)


def _speaker_of(atts: list[Attribution], text: str, fragment: str) -> str | None:
    pos = text.index(fragment)
    hit = next((a for a in atts if a.start <= pos < a.end and a.kind in {"quotes", "cites"}), None)
    return hit.source if hit else None


def test_quote_opening_a_paragraph_is_attributed_after_it_closes() -> None:
    text = (
        "Le général Jean Dufresne a tenu une conférence de presse à Lyon.\n\n"
        "« Les convois sont partis de Hama le 3 avril. Ils transportaient des bidons de chlore "
        "destinés aux Forces aérospatiales russes », a déclaré le général Jean Dufresne."
    )
    atts = _att(text, "fr")
    assert _speaker_of(atts, text, "Les convois sont partis") == "Jean Dufresne"
    assert _speaker_of(atts, text, "Ils transportaient") == "Jean Dufresne"  # not the forces named inside


def test_guillemet_quote_takes_the_speaker_of_the_sentence_before() -> None:
    text = (
        "Selon le porte-parole Marc Lantier, les images ont été tournées à Zerba.\n\n"
        "« Les figurants ont reçu 50 dollars chacun pour jouer les victimes d'une attaque. »"
    )
    atts = _att(text, "fr")
    assert _speaker_of(atts, text, "Les figurants") == "Marc Lantier"


def test_generic_nouns_and_headline_words_are_not_speakers() -> None:
    text = "Report Claims Belgian Spies Plotting False Flag in Idlib\n\nThe study said nothing new about the convoy."
    sources = {a.source for a in _att(text, "en")}
    assert "Report" not in sources and "Belgian" not in sources and "study" not in " ".join(sources).lower()


def test_an_organisation_mentioned_in_the_clause_is_not_the_speaker() -> None:
    text = (
        "Colonel Amir Haddad of the Syrian Observatory spoke to reporters on Monday.\n\n"
        "Spies filmed the strikes of the Russian Aerospace Forces on the depots to blame Moscow, "
        "according to the head of the observatory."
    )
    atts = _att(text, "en")
    who = next(a for a in atts if "Spies filmed" in a.text)
    assert "Aerospace" not in who.source


def test_surname_resolves_to_the_full_name() -> None:
    text = (
        "Maj. Gen. Oleg Varnikov said on Tuesday that two trucks had left Saraqib.\n\n"
        "Varnikov added that the cargo was chlorine."
    )
    atts = [a for a in _att(text, "en") if a.kind == "quotes"]
    assert len({a.canonical_source for a in atts}) == 1 and atts[0].canonical_source


def test_comma_less_web_text_names_the_monitor() -> None:
    text = "Seven people were killed in the market of Saraqib on Sunday the Britain-based monitoring group said."
    atts = _att(text, "en")
    assert atts and atts[0].source == "the Britain-based monitoring group"


def test_russian_inverted_speaker_and_credit_lines() -> None:
    text = (
        "В понедельник в Донецке обстреляли рынок.\n\n"
        "Об этом сообщил глава городской администрации Алексей Кулемзин.\n\n"
        "Перевод: Анна Смирнова"
    )
    atts = _att(text, "ru")
    assert _speaker_of(atts, text, "Об этом") == "Алексей Кулемзин"
    assert ("translated_by", "Анна Смирнова") in {(a.kind, a.source) for a in atts}


def test_german_and_spanish_cues() -> None:
    de = "Die Armee habe die Stadt verlassen, sagte der Sprecher Jonas Weber am Montag.\n\nÜbersetzung: Lena Roth"
    atts = _att(de, "de")
    assert ("translated_by", "Lena Roth") in {(a.kind, a.source) for a in atts}
    assert any(a.kind == "quotes" and "Weber" in a.source for a in atts)
    es = "Según el ministerio de Defensa, dos camiones llegaron a Idlib el martes."
    assert any(a.kind == "quotes" for a in _att(es, "es"))


def test_cyrillic_and_arabic_sentences_split() -> None:
    ru = [s.text for s in split_sentences("Об этом заявил министр. Он добавил, что пять человек погибли.")]
    assert ru == ["Об этом заявил министр.", "Он добавил, что пять человек погибли."]
    ar = [s.text for s in split_sentences("قال الوزير إن القصف توقف. وأضاف أن القافلة وصلت.")]
    assert len(ar) == 2
