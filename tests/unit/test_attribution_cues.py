"""attributions.v1: reported speech, cited media and credit lines in English and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.analyse.attribution import AttributionStage, attributions
from narratrace.analyse.entities import extract_entities
from narratrace.records import Article, Attribution, SourceRef

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"


def _att(text: str, lang: str) -> list[Attribution]:
    return attributions(text, tuple(extract_entities(text, lang)))


@pytest.fixture(scope="module")
def en() -> list[Attribution]:
    return _att((FIX / "en_briefing.txt").read_text(encoding="utf-8"), "en")


@pytest.fixture(scope="module")
def fr() -> list[Attribution]:
    return _att((FIX / "fr_translation.txt").read_text(encoding="utf-8"), "fr")


def _kinds(atts: list[Attribution]) -> set[tuple[str, str | None]]:
    return {(a.kind, a.canonical_source) for a in atts}


def test_english_credits_and_cited_media(en: list[Attribution]) -> None:
    kinds = _kinds(en)
    assert ("cites", "q:media:rt") in kinds  # "RT International reports…"
    assert ("cites", "q:media:tass") in kinds  # dateline "(TASS)"
    assert ("republished_from", "q:media:sputnik") in kinds  # "Source: Sputnik News"


def test_english_reported_speech(en: list[Attribution]) -> None:
    quotes = [a for a in en if a.kind == "quotes"]
    kup = [a for a in quotes if a.canonical_source and "kapcacan" in a.canonical_source]
    assert len(kup) >= 4  # said / told / according to the general / he added / warned
    assert any(a.source == "local residents" for a in quotes)


def test_french_credits(fr: list[Attribution]) -> None:
    kinds = {(a.kind, a.source) for a in fr}
    assert ("translated_by", "Le Veilleur") in kinds
    assert ("translated_by", "Réseau International") in kinds
    assert ("republished_from", "Sputnik France") in kinds


def test_french_reported_speech(fr: list[Attribution]) -> None:
    quotes = {a.canonical_source for a in fr if a.kind == "quotes"}
    assert "q:org:russian-mod" in quotes  # selon le ministère russe de la Défense
    assert any(q and "savcanka" in q for q in quotes)  # a annoncé
    assert any(q and "kapcacan" in q for q in quotes)  # a déclaré / a souligné


def test_offsets_and_paren_source() -> None:
    body = "Two depots were struck near Saraqib overnight (Russian MoD).\n\nNo reaction yet."
    art = AttributionStage()(
        Article(
            id="a",
            content_hash="h",
            source=SourceRef(),
            body=body,
            lang="en",
            entities=tuple(extract_entities(body, "en")),
        )
    )
    cite = [a for a in art.attributions if a.kind == "cites"]
    assert cite and cite[0].canonical_source == "q:org:russian-mod"
    for a in art.attributions:
        assert body[a.start : a.end] == a.text


def test_noun_is_not_a_verb_of_saying() -> None:
    assert not _att("New reports suggest that the convoy left Homs.", "en")


def test_hostile_input_is_bounded() -> None:
    body = ("« selon " * 20_000) + "a déclaré"
    assert isinstance(attributions(body), list)
