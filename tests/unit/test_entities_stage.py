"""The entities.v1 stage on the project's own English and French fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.analyse.entities import EntityStage, extract_entities
from narratrace.analyse.entities.canonical import AliasError, canonical_id, load_table
from narratrace.records import Article, SourceRef

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"


def _ids(text: str, lang: str) -> dict[str, str]:
    return {e.text: e.canonical_id or "" for e in extract_entities(text, lang)}


@pytest.fixture(scope="module")
def en() -> dict[str, str]:
    return _ids((FIX / "en_briefing.txt").read_text(encoding="utf-8"), "en")


@pytest.fixture(scope="module")
def fr() -> dict[str, str]:
    return _ids((FIX / "fr_translation.txt").read_text(encoding="utf-8"), "fr")


def test_variants_resolve_to_one_id_across_languages(en: dict[str, str], fr: dict[str, str]) -> None:
    for a, b in [
        ("Khan Shaykhun", "Khan Cheikhoun"),
        ("Hurras al-Din", "Horas Al-Din"),
        ("Hayat Tahrir al-Sham", "Hayyat Tahrir Al-Sham"),
        ("White Helmets", "Casques blancs"),
        ("Maarrat Horma", "Maaret Horma"),
        ("Kafr Zita", "Kafer Zaita"),
        ("Viktor Kupchishin", "Viktor Kouptchichine"),
    ]:
        assert en[a] == fr[b], (a, b)


def test_in_article_links(en: dict[str, str]) -> None:
    assert en["Kupchishin"] == en["Viktor Kupchishin"]  # surname alone
    assert en["HTS"] == en["Hayat Tahrir al-Sham"]  # acronym
    assert en["Iblib"] == en["Idlib"]  # typo


def test_different_entities_stay_apart(en: dict[str, str]) -> None:
    ids = [en["Khan Shaykhun"], en["Maarrat Horma"], en["Kafr Zita"], en["Idlib"], en["Hurras al-Din"]]
    assert len(set(ids)) == len(ids)


def test_offsets_point_into_the_body() -> None:
    text = (FIX / "fr_translation.txt").read_text(encoding="utf-8")
    for e in extract_entities(text, "fr"):
        assert text[e.start : e.end] == e.text


def test_stage_and_other_language_fallback() -> None:
    body = "Die Weißhelme haben laut Berichten in Khan Sheikhoun gefilmt, sagte Wladimir Putin."
    art = Article(id="x", content_hash="h", source=SourceRef(), body=body, lang="de")
    out = EntityStage()(art)
    ids = {e.text: e.canonical_id for e in out.entities}
    assert ids["Weißhelme"] == "q:org:white-helmets"
    assert ids["Wladimir Putin"] == "q:per:vladimir-putin"
    assert ids["Khan Sheikhoun"] == canonical_id("Khan Shaykhun")


def test_user_alias_file(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("- {id: media:veilleur, name: Le Veilleur d'Orient, type: MEDIA, aliases: [Veilleur]}\n")
    table = load_table(str(path))
    assert table.lookup("Le Veilleur d’Orient") == "q:media:veilleur"
    assert table.lookup("Sputnik") == "q:media:sputnik"  # the shipped table is still there
    bad = tmp_path / "bad.yaml"
    bad.write_text("{not: a list}")
    with pytest.raises(AliasError, match="expected a list"):
        EntityStage(alias_file=str(bad))
